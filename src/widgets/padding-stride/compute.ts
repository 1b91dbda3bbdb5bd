/**
 * The padding-and-stride widget's numbers, from the engine: X = arange(n_h·n_w) and
 * K = arange(k_h·k_w) as in the notes' figures, the zero-padded input, and
 * Y = conv2d(X, K, stride, padding).
 *
 * An even total padding p is PyTorch's `padding = p / 2` on both sides; an odd total
 * cannot be a Conv2d padding, so X is padded first (extra row on top, extra column on
 * the left, as the notes describe) and convolved with padding 0, which is what
 * `F.pad` followed by `conv2d` does in PyTorch.
 */
import { F, arange, cat, zeros, type Tensor } from '../../engine';
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

/** Zero padding of a [1, 1, h, w] tensor: `top` rows above, `bottom` below, and so on. */
export function pad2d(x: Tensor, top: number, bottom: number, left: number, right: number): Tensor {
  const [n, c, h] = x.shape;
  let out = x;
  const cols = [left ? zeros([n, c, h, left]) : null, out, right ? zeros([n, c, h, right]) : null].filter((t): t is Tensor => t !== null);
  if (cols.length > 1) out = cat(cols, 3);
  const wide = out.shape[3];
  const rows = [top ? zeros([n, c, top, wide]) : null, out, bottom ? zeros([n, c, bottom, wide]) : null].filter((t): t is Tensor => t !== null);
  if (rows.length > 1) out = cat(rows, 2);
  return out;
}

export function computePaddingStride(s: PaddingStrideSettings): PaddingStrideResult {
  const g = geometry(s);
  const method = g.torchPadH !== null && g.torchPadW !== null ? 'conv-padding' : 'explicit-pad';
  const { all, shape, nPad, nY } = small(() => {
    const X = arange(s.nh * s.nw).reshape([1, 1, s.nh, s.nw]);
    const K = arange(s.kh * s.kw).reshape([1, 1, s.kh, s.kw]);
    const Xp = pad2d(X, g.padTop, g.padBottom, g.padLeft, g.padRight);
    const Y =
      method === 'conv-padding'
        ? F.conv2d(X, K, null, { stride: [s.sh, s.sw], padding: [g.torchPadH!, g.torchPadW!] })
        : F.conv2d(Xp, K, null, { stride: [s.sh, s.sw], padding: 0 });
    const all = cat([Xp.reshape([Xp.size]), Y.reshape([Y.size]), K.reshape([K.size])], 0);
    return { all, shape: [...Y.shape], nPad: Xp.size, nY: Y.size };
  });
  try {
    const data = all.dataSync();
    return { padded: data.slice(0, nPad), paddedH: g.paddedH, paddedW: g.paddedW, shape, y: data.slice(nPad, nPad + nY), kernel: data.slice(nPad + nY), method };
  } finally {
    all.dispose();
  }
}
