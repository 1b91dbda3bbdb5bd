/**
 * ResNet-18 as the original chapter defines it: the Residual block (two 3x3 convolutions with
 * BatchNorm, an optional 1x1 convolution on the shortcut, a stride), b1 (7x7 conv,
 * BatchNorm, ReLU, 3x3 max-pool), b2..b5 of two Residual blocks each, global average
 * pooling and Linear(512, 10).
 */
import { nn, type Tensor } from '../engine';
import { ShapeError } from './shapes';

export class Residual extends nn.Module {
  static override typeName = 'Residual';
  // Field order is PyTorch's registration order: conv1, conv2, conv3, bn1, bn2.
  conv1: nn.Conv2d;
  conv2: nn.Conv2d;
  conv3: nn.Conv2d | null;
  bn1: nn.BatchNorm2d;
  bn2: nn.BatchNorm2d;

  constructor(inputChannels: number, numChannels: number, opts: { use1x1conv?: boolean; strides?: number } = {}) {
    super();
    const strides = opts.strides ?? 1;
    this.conv1 = new nn.Conv2d(inputChannels, numChannels, 3, { padding: 1, stride: strides });
    this.conv2 = new nn.Conv2d(numChannels, numChannels, 3, { padding: 1 });
    this.conv3 = opts.use1x1conv ? new nn.Conv2d(inputChannels, numChannels, 1, { stride: strides }) : null;
    this.bn1 = new nn.BatchNorm2d(numChannels);
    this.bn2 = new nn.BatchNorm2d(numChannels);
  }

  override forward(X: Tensor): Tensor {
    // relu(bn1(conv1(X))), then relu(bn2(conv2(Y)) + X): each norm, the addition and the
    // relu after it run as one fused op.
    const Y = this.conv2.call(this.bn1.callWith(this.conv1.call(X), { act: 'relu' }));
    return this.bn2.callWith(Y, { residual: this.conv3 ? this.conv3.call(X) : X, act: 'relu' });
  }

  override outputShape(s: readonly number[]): number[] {
    const main = this.conv2.outputShape(this.conv1.outputShape(s));
    const side = this.conv3 ? this.conv3.outputShape(s) : [...s];
    if (main.some((d, i) => d !== side[i])) throw new ShapeError(`Residual: shapes [${main}] and [${side}] cannot be added`);
    return main;
  }

  override extraRepr(): string {
    return '';
  }
}

export function resnetBlock(inputChannels: number, numChannels: number, numResiduals: number, firstBlock = false): Residual[] {
  const blk: Residual[] = [];
  for (let i = 0; i < numResiduals; i++) {
    if (i === 0 && !firstBlock) blk.push(new Residual(inputChannels, numChannels, { use1x1conv: true, strides: 2 }));
    else blk.push(new Residual(numChannels, numChannels));
  }
  return blk;
}

export function resnet18(): nn.Sequential {
  const b1 = new nn.Sequential(new nn.Conv2d(1, 64, 7, { stride: 2, padding: 3 }), new nn.BatchNorm2d(64), new nn.ReLU(), new nn.MaxPool2d(3, { stride: 2, padding: 1 }));
  const b2 = new nn.Sequential(...resnetBlock(64, 64, 2, true));
  const b3 = new nn.Sequential(...resnetBlock(64, 128, 2));
  const b4 = new nn.Sequential(...resnetBlock(128, 256, 2));
  const b5 = new nn.Sequential(...resnetBlock(256, 512, 2));
  return new nn.Sequential(b1, b2, b3, b4, b5, new nn.AdaptiveAvgPool2d([1, 1]), new nn.Flatten(), new nn.Linear(512, 10));
}
