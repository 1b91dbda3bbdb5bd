/**
 * AlexNet as the notes define it for Fashion-MNIST: one input channel, ten classes,
 * dropout 0.5. At 224x224 the first dense layer takes 256 x 5 x 5 = 6400 features; at
 * other input sizes its size follows from the shape.
 */
import { nn } from '../engine';
import { flatFeatures } from './shapes';

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
  return new nn.Sequential(
    ...features,
    new nn.Linear(flatFeatures(features, inputSize), 4096),
    new nn.ReLU(),
    new nn.Dropout(0.5),
    new nn.Linear(4096, 4096),
    new nn.ReLU(),
    new nn.Dropout(0.5),
    new nn.Linear(4096, 10),
  );
}
