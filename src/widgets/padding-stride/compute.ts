/**
 * The padding-and-stride widget's numbers, from the engine: X = arange(n_h·n_w) and
 * K = arange(k_h·k_w) as in the original chapter’s figures, the zero-padded input, and
 * Y = conv2d(X, K, stride, padding).
 *
 * An even total padding p is PyTorch's `padding = p / 2` on both sides; an odd total
 * cannot be a Conv2d padding, so X is padded first (extra row on top, extra column on
 * the left, as the original chapter describes) and convolved with padding 0, which is what
 * `F.pad` followed by `conv2d` does in PyTorch.
 */
import { F, arange } from '../../engine';
import { pad2d } from '../common/pad';
import { small } from '../common/small';
import { geometry, type PaddingStrideSettings } from './geometry';

export interface PaddingStrideResult {
  /** The padded input [paddedH, paddedW] as the engine built it. */
  padded: Float32Array;
  paddedH: number;
  paddedW: number;
  /** The engine's output shape [N, C, H, W]. */
  shape: number[];
  y: Float32Array;
  /** The kernel K [kh, kw] as the engine holds it. */
  kernel: Float32Array;
  /** How the padding was applied: Conv2d's own padding, or an explicit pad first. */
  method: 'conv-padding' | 'explicit-pad';
}

export function computePaddingStride(s: PaddingStrideSettings): PaddingStrideResult {
  const g = geometry(s);
  const method = g.torchPadH !== null && g.torchPadW !== null ? 'conv-padding' : 'explicit-pad';
  return small(() => {
    const X = arange(s.nh * s.nw).reshape([1, 1, s.nh, s.nw]);
    const K = arange(s.kh * s.kw).reshape([1, 1, s.kh, s.kw]);
    const Xp = pad2d(X, g.padTop, g.padBottom, g.padLeft, g.padRight);
    const Y =
      method === 'conv-padding'
        ? F.conv2d(X, K, null, { stride: [s.sh, s.sw], padding: [g.torchPadH!, g.torchPadW!] })
        : F.conv2d(Xp, K, null, { stride: [s.sh, s.sw], padding: 0 });
    // Read on the CPU backend (synchronous, no transfer); the tensors go with the scope.
    return { padded: Xp.dataSync(), paddedH: g.paddedH, paddedW: g.paddedW, shape: [...Y.shape], y: Y.dataSync(), kernel: K.dataSync(), method };
  });
}
