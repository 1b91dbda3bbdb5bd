/**
 * The pooling widget's numbers, from the engine: X = arange(h·w) as [1, 1, h, w]
 * (channel c is X + c, the notes' torch.cat((X, X + 1), 1)), the padded input as the
 * pooling sees it (-inf for max, 0 for average), and Y = maxPool2d / avgPool2d.
 */
import { F, arange, cat, full, type Tensor } from '../../engine';
import { small } from '../common/small';
import { geometry, type PoolingSettings } from './geometry';

export interface PoolingResult {
  channels: number;
  /** Padded input [C, paddedH, paddedW] (padding as the pool sees it). */
  padded: Float32Array;
  paddedH: number;
  paddedW: number;
  /** The engine's output shape [N, C, H, W]. */
  shape: number[];
  /** Input shape [N, C, H, W]. */
  inShape: number[];
  y: Float32Array;
}

function padWith(x: Tensor, ph: number, pw: number, value: number): Tensor {
  const [n, c, h, w] = x.shape;
  let out = x;
  if (pw) out = cat([full([n, c, h, pw], value), out, full([n, c, h, pw], value)], 3);
  if (ph) out = cat([full([n, c, ph, w + 2 * pw], value), out, full([n, c, ph, w + 2 * pw], value)], 2);
  return out;
}

export function computePooling(s: PoolingSettings): PoolingResult {
  const g = geometry(s);
  const { all, shape, inShape, nPad } = small(() => {
    const X0 = arange(s.h * s.w).reshape([1, 1, s.h, s.w]);
    const X = s.channels === 1 ? X0 : cat(Array.from({ length: s.channels }, (_, c) => (c === 0 ? X0 : X0.add(c))), 1);
    const opts = { stride: [g.sh, g.sw] as const, padding: [s.ph, s.pw] as const };
    const Y = s.mode === 'max' ? F.maxPool2d(X, [s.kh, s.kw], opts) : F.avgPool2d(X, [s.kh, s.kw], opts);
    const Xp = padWith(X, s.ph, s.pw, s.mode === 'max' ? -Infinity : 0);
    const all = cat([Xp.reshape([Xp.size]), Y.reshape([Y.size])], 0);
    return { all, shape: [...Y.shape], inShape: [...X.shape], nPad: Xp.size };
  });
  try {
    const data = all.dataSync();
    return { channels: s.channels, padded: data.slice(0, nPad), paddedH: g.paddedH, paddedW: g.paddedW, shape, inShape, y: data.slice(nPad) };
  } finally {
    all.dispose();
  }
}
