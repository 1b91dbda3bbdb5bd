/**
 * Everything the corr2d widget shows as a result, computed by the engine in one pass
 * and read back in one transfer.
 */
import { F, stack, tensor } from '../../engine';
import { small } from '../common/small';
import type { Matrix } from './model';

export interface Corr2dResult {
  /** Output shape as the engine reports it. */
  outH: number;
  outW: number;
  /** Y = corr2d(X, K), row-major. */
  y: Float32Array;
  /**
   * Element-wise products of every window with K: products[t * positions + pos] is the
   * product at kernel cell t (row-major) for output position pos.
   */
  products: Float32Array;
  /** Sum of each window's products (equals y; both come from the engine). */
  sums: Float32Array;
}

export function computeCorr2d(x: Matrix, k: Matrix): Corr2dResult {
  const kh = k.length;
  const kw = k[0].length;
  return small(() => {
    const X = tensor(x);
    const K = tensor(k);
    const Y = F.corr2d(X, K);
    const [oh, ow] = Y.shape;
    // The window at (i, j) times K, for all windows at once: for each kernel cell (a, b),
    // the slice X[a : a + oh, b : b + ow] times K[a, b].
    const parts = [];
    for (let a = 0; a < kh; a++) for (let b = 0; b < kw; b++) parts.push(X.narrow(0, a, oh).narrow(1, b, ow).mul(K.narrow(0, a, 1).narrow(1, b, 1)));
    const P = stack(parts, 0);
    // Read on the CPU backend (synchronous, no transfer); the tensors go with the scope.
    return { outH: oh, outW: ow, y: Y.dataSync(), products: P.dataSync(), sums: P.sum(0).dataSync() };
  });
}
