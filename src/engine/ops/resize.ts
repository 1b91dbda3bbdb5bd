/**
 * Bilinear resizing (align_corners=false, like PyTorch) and dropout masks.
 */
import { backendOf, output } from '../autograd';
import { fromHost } from '../creation';
import { globalGenerator } from '../random';
import { Tensor } from '../tensor';
import { reshape } from './layout';
import { bmm } from './matmul';

/**
 * Interpolation matrix R [outSize, inSize] of bilinear resizing along one axis
 * (align_corners=false), so that resizing is R_h X R_w^T.
 */
export function bilinearMatrix(inSize: number, outSize: number): Float32Array {
  const r = new Float32Array(outSize * inSize);
  const scale = inSize / outSize;
  for (let d = 0; d < outSize; d++) {
    let src = (d + 0.5) * scale - 0.5;
    if (src < 0) src = 0;
    const i0 = Math.min(Math.floor(src), inSize - 1);
    const i1 = i0 < inSize - 1 ? i0 + 1 : i0;
    const l1 = src - i0;
    r[d * inSize + i0] += 1 - l1;
    r[d * inSize + i1] += l1;
  }
  return r;
}

/** Bilinear resize of NCHW x; forward by the backend kernel, backward as R_h^T G R_w. */
export function resizeBilinearPrim(x: Tensor, outH: number, outW: number): Tensor {
  const be = backendOf(x);
  const [n, c, h, w] = x.shape;
  return output(be, be.resizeBilinear(x._s, n, c, h, w, outH, outW), [n, c, outH, outW], 'interpolateBilinear', [x], (g) => {
    const rh = fromHost(bilinearMatrix(h, outH), [1, outH, h], be);
    const rw = fromHost(bilinearMatrix(w, outW), [1, outW, w], be);
    const g3 = reshape(g, [n * c, outH, outW]);
    const t = bmm(rh, g3, true, false); // [nc, h, outW]
    return [reshape(bmm(t, rw, false, false), x.shape)];
  });
}

/** x * mask where the mask is the backend's dropout mask (no gradient to the mask). */
export function dropoutPrim(x: Tensor, p: number): Tensor {
  const be = backendOf(x);
  const seed = globalGenerator.nextUint32();
  const mask = Tensor._fromStorage(be, be.dropoutMask(x.size, p, seed), x.shape);
  return x.mul(mask);
}

