/**
 * The pooling widget's numbers, from the engine: X = arange(h·w) as [1, 1, h, w]
 * (channel c is X + c, the original chapter’s torch.cat((X, X + 1), 1)), the padded input as the
 * pooling sees it (-inf for max, 0 for average), and Y = maxPool2d / avgPool2d.
 */
import { F, arange, cat } from '../../engine';
import { pad2d } from '../common/pad';
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

export function computePooling(s: PoolingSettings): PoolingResult {
  const g = geometry(s);
  return small(() => {
    const X0 = arange(s.h * s.w).reshape([1, 1, s.h, s.w]);
    const X = s.channels === 1 ? X0 : cat(Array.from({ length: s.channels }, (_, c) => (c === 0 ? X0 : X0.add(c))), 1);
    const opts = { stride: [g.sh, g.sw] as const, padding: [s.ph, s.pw] as const };
    const Y = s.mode === 'max' ? F.maxPool2d(X, [s.kh, s.kw], opts) : F.avgPool2d(X, [s.kh, s.kw], opts);
    const Xp = pad2d(X, s.ph, s.ph, s.pw, s.pw, s.mode === 'max' ? -Infinity : 0);
    // Read on the CPU backend (synchronous, no transfer); the tensors go with the scope.
    return { channels: s.channels, padded: Xp.dataSync(), paddedH: g.paddedH, paddedW: g.paddedW, shape: [...Y.shape], inShape: [...X.shape], y: Y.dataSync() };
  });
}
