/**
 * LeNet as the original chapter defines it: sigmoid activations, average pooling, and a 28x28 input
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
import { withDenseHead } from './build';

export function lenet(inputSize = 28): nn.Sequential {
  return lenetWith(inputSize, { padding: 2, batchNorm: false });
}

/**
 * LeNet with batch normalisation after every convolution and dense layer but the last
 * (the concise version of the original chapter, d2l's batch-normalisation chapter): no
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
  return lenetWith(inputSize, { padding: 0, batchNorm: true });
}

/** LeNet's layers, with `padding` on the first convolution and, if `batchNorm`, a BatchNorm after every layer with weights but the last. */
function lenetWith(inputSize: number, { padding, batchNorm }: { padding: number; batchNorm: boolean }): nn.Sequential {
  const bn2d = (c: number) => (batchNorm ? [new nn.BatchNorm2d(c)] : []);
  const bn1d = (c: number) => (batchNorm ? [new nn.BatchNorm1d(c)] : []);
  const features = [
    new nn.Conv2d(1, 6, 5, { padding }),
    ...bn2d(6),
    new nn.Sigmoid(),
    new nn.AvgPool2d(2, { stride: 2 }),
    new nn.Conv2d(6, 16, 5),
    ...bn2d(16),
    new nn.Sigmoid(),
    new nn.AvgPool2d(2, { stride: 2 }),
    new nn.Flatten(),
  ];
  return withDenseHead(features, inputSize, (n) => [
    new nn.Linear(n, 120),
    ...bn1d(120),
    new nn.Sigmoid(),
    new nn.Linear(120, 84),
    ...bn1d(84),
    new nn.Sigmoid(),
    new nn.Linear(84, 10),
  ]);
}
