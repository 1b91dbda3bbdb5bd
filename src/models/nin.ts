/**
 * NiN as the original chapter defines it: nin_block = a convolution then two 1x1 convolutions, each
 * followed by ReLU; blocks alternate with 3x3 max-pools of stride 2; dropout 0.5; the
 * last block has 10 output channels and global average pooling makes the logits. No
 * dense layers, so nothing depends on the input size (which must be at least 67 for
 * the three pools to fit).
 */
import { nn } from '../engine';

export function ninBlock(inChannels: number, outChannels: number, kernelSize: number, stride: number, padding: number): nn.Sequential {
  return new nn.Sequential(
    new nn.Conv2d(inChannels, outChannels, kernelSize, { stride, padding }),
    new nn.ReLU(),
    new nn.Conv2d(outChannels, outChannels, 1),
    new nn.ReLU(),
    new nn.Conv2d(outChannels, outChannels, 1),
    new nn.ReLU(),
  );
}

export function nin(): nn.Sequential {
  return new nn.Sequential(
    ninBlock(1, 96, 11, 4, 0),
    new nn.MaxPool2d(3, { stride: 2 }),
    ninBlock(96, 256, 5, 1, 2),
    new nn.MaxPool2d(3, { stride: 2 }),
    ninBlock(256, 384, 3, 1, 1),
    new nn.MaxPool2d(3, { stride: 2 }),
    new nn.Dropout(0.5),
    ninBlock(384, 10, 3, 1, 1),
    // Global average pooling, then (batch, 10).
    new nn.AdaptiveAvgPool2d([1, 1]),
    new nn.Flatten(),
  );
}
