/**
 * LeNet as the notes define it: sigmoid activations, average pooling, and a 28x28 input
 * with padding 2 on the first convolution (so 16 x 5 x 5 = 400 features reach the dense
 * block).
 *
 *   nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.Sigmoid(),
 *   nn.AvgPool2d(kernel_size=2, stride=2),
 *   nn.Conv2d(6, 16, kernel_size=5), nn.Sigmoid(),
 *   nn.AvgPool2d(kernel_size=2, stride=2),
 *   nn.Flatten(),
 *   nn.Linear(16 * 5 * 5, 120), nn.Sigmoid(),
 *   nn.Linear(120, 84), nn.Sigmoid(),
 *   nn.Linear(84, 10)
 */
import { nn } from '../engine';
import { flatFeatures } from './shapes';

export function lenet(inputSize = 28): nn.Sequential {
  const features = [
    new nn.Conv2d(1, 6, 5, { padding: 2 }),
    new nn.Sigmoid(),
    new nn.AvgPool2d(2, { stride: 2 }),
    new nn.Conv2d(6, 16, 5),
    new nn.Sigmoid(),
    new nn.AvgPool2d(2, { stride: 2 }),
    new nn.Flatten(),
  ];
  return new nn.Sequential(
    ...features,
    new nn.Linear(flatFeatures(features, inputSize), 120),
    new nn.Sigmoid(),
    new nn.Linear(120, 84),
    new nn.Sigmoid(),
    new nn.Linear(84, 10),
  );
}

/**
 * LeNet with batch normalisation after every convolution and dense layer but the last
 * (d2l's concise version; the notes explain BatchNorm without listing this net): no
 * padding, so 16 x 4 x 4 = 256 features at 28x28.
 *
 *   nn.Conv2d(1, 6, kernel_size=5), nn.BatchNorm2d(6), nn.Sigmoid(),
 *   nn.AvgPool2d(kernel_size=2, stride=2),
 *   nn.Conv2d(6, 16, kernel_size=5), nn.BatchNorm2d(16), nn.Sigmoid(),
 *   nn.AvgPool2d(kernel_size=2, stride=2), nn.Flatten(),
 *   nn.Linear(256, 120), nn.BatchNorm1d(120), nn.Sigmoid(),
 *   nn.Linear(120, 84), nn.BatchNorm1d(84), nn.Sigmoid(),
 *   nn.Linear(84, 10)
 */
export function lenetBN(inputSize = 28): nn.Sequential {
  const features = [
    new nn.Conv2d(1, 6, 5),
    new nn.BatchNorm2d(6),
    new nn.Sigmoid(),
    new nn.AvgPool2d(2, { stride: 2 }),
    new nn.Conv2d(6, 16, 5),
    new nn.BatchNorm2d(16),
    new nn.Sigmoid(),
    new nn.AvgPool2d(2, { stride: 2 }),
    new nn.Flatten(),
  ];
  return new nn.Sequential(
    ...features,
    new nn.Linear(flatFeatures(features, inputSize), 120),
    new nn.BatchNorm1d(120),
    new nn.Sigmoid(),
    new nn.Linear(120, 84),
    new nn.BatchNorm1d(84),
    new nn.Sigmoid(),
    new nn.Linear(84, 10),
  );
}
