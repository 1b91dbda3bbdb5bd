/**
 * VGG as the original chapter builds it: `vgg_block(num_convs, in, out)` is num_convs 3x3 convolutions
 * (padding 1) with ReLU, then a 2x2 max-pool with stride 2; `vgg(conv_arch)` stacks one
 * block per (num_convs, out_channels) pair and adds three dense layers. The original chapter trains
 * VGG-11's conv_arch with every channel count divided by `ratio` = 4.
 */
import { nn } from '../engine';
import { dropoutClassifier, withDenseHead } from './build';

/** VGG-11: ((1, 64), (1, 128), (2, 256), (2, 512), (2, 512)). */
export const VGG11_ARCH: readonly (readonly [number, number])[] = [
  [1, 64],
  [1, 128],
  [2, 256],
  [2, 512],
  [2, 512],
];

export function vggBlock(numConvs: number, inChannels: number, outChannels: number): nn.Sequential {
  const layers: nn.Module[] = [];
  for (let i = 0; i < numConvs; i++) {
    layers.push(new nn.Conv2d(inChannels, outChannels, 3, { padding: 1 }), new nn.ReLU());
    inChannels = outChannels;
  }
  layers.push(new nn.MaxPool2d(2, { stride: 2 }));
  return new nn.Sequential(...layers);
}

export function vgg(convArch: readonly (readonly [number, number])[] = VGG11_ARCH, inputSize = 224): nn.Sequential {
  const blocks: nn.Module[] = [];
  let inChannels = 1;
  for (const [numConvs, outChannels] of convArch) {
    blocks.push(vggBlock(numConvs, inChannels, outChannels));
    inChannels = outChannels;
  }
  // The first dense layer takes the original chapter’s out_channels * 7 * 7 at 224x224.
  return withDenseHead([...blocks, new nn.Flatten()], inputSize, dropoutClassifier);
}

/** The original chapter’s small VGG: `[(pair[0], pair[1] // ratio) for pair in conv_arch]`. */
export function smallConvArch(ratio = 4, arch: readonly (readonly [number, number])[] = VGG11_ARCH): [number, number][] {
  return arch.map(([n, c]) => [n, Math.floor(c / ratio)]);
}
