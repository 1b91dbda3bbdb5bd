/**
 * AlexNet as the original chapter defines it for Fashion-MNIST: one input channel, ten classes,
 * dropout 0.5. At 224x224 the first dense layer takes 256 x 5 x 5 = 6400 features; at
 * other input sizes its size follows from the shape.
 */
import { nn } from '../engine';
import { dropoutClassifier, withDenseHead } from './build';

export function alexnet(inputSize = 224): nn.Sequential {
  const features = [
    // A large 11x11 window with stride 4 to capture objects and shrink the image.
    new nn.Conv2d(1, 96, 11, { stride: 4, padding: 1 }),
    new nn.ReLU(),
    new nn.MaxPool2d(3, { stride: 2 }),
    new nn.Conv2d(96, 256, 5, { padding: 2 }),
    new nn.ReLU(),
    new nn.MaxPool2d(3, { stride: 2 }),
    new nn.Conv2d(256, 384, 3, { padding: 1 }),
    new nn.ReLU(),
    new nn.Conv2d(384, 384, 3, { padding: 1 }),
    new nn.ReLU(),
    new nn.Conv2d(384, 256, 3, { padding: 1 }),
    new nn.ReLU(),
    new nn.MaxPool2d(3, { stride: 2 }),
    new nn.Flatten(),
  ];
  return withDenseHead(features, inputSize, dropoutClassifier);
}
