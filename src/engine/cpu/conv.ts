/**
 * The CPU reference's convolution, pooling and resizing loops: direct loops over the
 * arrays, accumulating in float64, written to be checked by eye.
 */
import type { Conv2dParams, Pool2dParams } from '../backend';
import type { FArray, FArrayCtor } from './index';

export function conv2dForward(Arr: FArrayCtor, X: FArray, W: FArray, Bs: FArray | null, p: Conv2dParams): FArray {
  const { n, cIn, h, w: wd, cOut, kH, kW, strideH: sh, strideW: sw, padH: ph, padW: pw, outH, outW } = p;
  const plane = outH * outW;
  const acc = new Float64Array(plane);
  const o = new Arr(n * cOut * plane);
  for (let b = 0; b < n; b++) {
    for (let co = 0; co < cOut; co++) {
      acc.fill(Bs ? Bs[co] : 0);
      for (let ci = 0; ci < cIn; ci++) {
        const xBase = (b * cIn + ci) * h * wd;
        const wBase = (co * cIn + ci) * kH * kW;
        for (let ki = 0; ki < kH; ki++) {
          for (let kj = 0; kj < kW; kj++) {
            const wv = W[wBase + ki * kW + kj];
            const [j0, j1] = validRange(kj, pw, sw, wd, outW);
            for (let oi = 0; oi < outH; oi++) {
              const ii = oi * sh - ph + ki;
              if (ii < 0 || ii >= h) continue;
              const xr = xBase + ii * wd - pw + kj;
              const ar = oi * outW;
              for (let oj = j0; oj < j1; oj++) acc[ar + oj] += wv * X[xr + oj * sw];
            }
          }
        }
      }
      o.set(acc, (b * cOut + co) * plane);
    }
  }
  return o;
}
export function conv2dBackwardInput(Arr: FArrayCtor, G: FArray, W: FArray, p: Conv2dParams): FArray {
  const { n, cIn, h, w: wd, cOut, kH, kW, strideH: sh, strideW: sw, padH: ph, padW: pw, outH, outW } = p;
  const acc = new Float64Array(h * wd);
  const o = new Arr(n * cIn * h * wd);
  for (let b = 0; b < n; b++) {
    for (let ci = 0; ci < cIn; ci++) {
      acc.fill(0);
      for (let co = 0; co < cOut; co++) {
        const gBase = (b * cOut + co) * outH * outW;
        const wBase = (co * cIn + ci) * kH * kW;
        for (let ki = 0; ki < kH; ki++) {
          for (let kj = 0; kj < kW; kj++) {
            const wv = W[wBase + ki * kW + kj];
            const [j0, j1] = validRange(kj, pw, sw, wd, outW);
            for (let oi = 0; oi < outH; oi++) {
              const ii = oi * sh - ph + ki;
              if (ii < 0 || ii >= h) continue;
              const xr = ii * wd - pw + kj;
              const gr = gBase + oi * outW;
              for (let oj = j0; oj < j1; oj++) acc[xr + oj * sw] += wv * G[gr + oj];
            }
          }
        }
      }
      o.set(acc, (b * cIn + ci) * h * wd);
    }
  }
  return o;
}
export function conv2dBackwardWeight(Arr: FArrayCtor, X: FArray, G: FArray, p: Conv2dParams): FArray {
  const { n, cIn, h, w: wd, cOut, kH, kW, strideH: sh, strideW: sw, padH: ph, padW: pw, outH, outW } = p;
  const acc = new Float64Array(cOut * cIn * kH * kW);
  const ranges = Array.from({ length: kW }, (_, kj) => validRange(kj, pw, sw, wd, outW));
  // One image at a time, so its input and output gradient stay in cache.
  for (let b = 0; b < n; b++) {
    for (let co = 0; co < cOut; co++) {
      const gBase = (b * cOut + co) * outH * outW;
      for (let ci = 0; ci < cIn; ci++) {
        const xBase = (b * cIn + ci) * h * wd;
        const wBase = (co * cIn + ci) * kH * kW;
        for (let ki = 0; ki < kH; ki++) {
          for (let kj = 0; kj < kW; kj++) {
            const [j0, j1] = ranges[kj];
            let s = 0;
            for (let oi = 0; oi < outH; oi++) {
              const ii = oi * sh - ph + ki;
              if (ii < 0 || ii >= h) continue;
              const xr = xBase + ii * wd - pw + kj;
              const gr = gBase + oi * outW;
              for (let oj = j0; oj < j1; oj++) s += G[gr + oj] * X[xr + oj * sw];
            }
            acc[wBase + ki * kW + kj] += s;
          }
        }
      }
    }
  }
  return Arr.from(acc);
}
export function pool2dForward(Arr: FArrayCtor, X: FArray, p: Pool2dParams): FArray {
  const { mode, n, c, h, w, kH, kW, strideH: sh, strideW: sw, padH: ph, padW: pw, outH, outW } = p;
  const o = new Arr(n * c * outH * outW);
  const area = kH * kW;
  for (let pl = 0; pl < n * c; pl++) {
    const xb = pl * h * w;
    const ob = pl * outH * outW;
    for (let oi = 0; oi < outH; oi++) {
      const i0 = oi * sh - ph;
      for (let oj = 0; oj < outW; oj++) {
        const j0 = oj * sw - pw;
        if (mode === 'max') {
          let best = -Infinity;
          for (let ki = 0; ki < kH; ki++) {
            const ii = i0 + ki;
            if (ii < 0 || ii >= h) continue;
            for (let kj = 0; kj < kW; kj++) {
              const jj = j0 + kj;
              if (jj < 0 || jj >= w) continue;
              const v = X[xb + ii * w + jj];
              if (v > best || v !== v) best = v;
            }
          }
          o[ob + oi * outW + oj] = best;
        } else {
          let s = 0;
          for (let ki = 0; ki < kH; ki++) {
            const ii = i0 + ki;
            if (ii < 0 || ii >= h) continue;
            for (let kj = 0; kj < kW; kj++) {
              const jj = j0 + kj;
              if (jj < 0 || jj >= w) continue;
              s += X[xb + ii * w + jj];
            }
          }
          o[ob + oi * outW + oj] = s / area;
        }
      }
    }
  }
  return o;
}
export function pool2dBackward(Arr: FArrayCtor, X: FArray, G: FArray, p: Pool2dParams): FArray {
  const { mode, n, c, h, w, kH, kW, strideH: sh, strideW: sw, padH: ph, padW: pw, outH, outW } = p;
  const acc = new Float64Array(n * c * h * w);
  const area = kH * kW;
  for (let pl = 0; pl < n * c; pl++) {
    const xb = pl * h * w;
    const ob = pl * outH * outW;
    for (let oi = 0; oi < outH; oi++) {
      const i0 = oi * sh - ph;
      for (let oj = 0; oj < outW; oj++) {
        const j0 = oj * sw - pw;
        const g = G[ob + oi * outW + oj];
        if (mode === 'max') {
          let best = -Infinity;
          let at = -1;
          for (let ki = 0; ki < kH; ki++) {
            const ii = i0 + ki;
            if (ii < 0 || ii >= h) continue;
            for (let kj = 0; kj < kW; kj++) {
              const jj = j0 + kj;
              if (jj < 0 || jj >= w) continue;
              const v = X[xb + ii * w + jj];
              // The first maximum of the window wins (a NaN counts as the maximum).
              if (at < 0 || v > best || (v !== v && best === best)) {
                best = v;
                at = xb + ii * w + jj;
              }
            }
          }
          if (at >= 0) acc[at] += g;
        } else {
          const share = g / area;
          for (let ki = 0; ki < kH; ki++) {
            const ii = i0 + ki;
            if (ii < 0 || ii >= h) continue;
            for (let kj = 0; kj < kW; kj++) {
              const jj = j0 + kj;
              if (jj < 0 || jj >= w) continue;
              acc[xb + ii * w + jj] += share;
            }
          }
        }
      }
    }
  }
  return Arr.from(acc);
}
export function resizeBilinear(Arr: FArrayCtor, X: FArray, n: number, c: number, h: number, w: number, outH: number, outW: number): FArray {
  const o = new Arr(n * c * outH * outW);
  const ys = bilinearTaps(h, outH);
  const xs = bilinearTaps(w, outW);
  for (let pl = 0; pl < n * c; pl++) {
    const xb = pl * h * w;
    const ob = pl * outH * outW;
    for (let oi = 0; oi < outH; oi++) {
      const { i0, i1, l1 } = ys[oi];
      const l0 = 1 - l1;
      for (let oj = 0; oj < outW; oj++) {
        const t = xs[oj];
        const m0 = 1 - t.l1;
        const top = m0 * X[xb + i0 * w + t.i0] + t.l1 * X[xb + i0 * w + t.i1];
        const bot = m0 * X[xb + i1 * w + t.i0] + t.l1 * X[xb + i1 * w + t.i1];
        o[ob + oi * outW + oj] = l0 * top + l1 * bot;
      }
    }
  }
  return o;
}


/**
 * For kernel column `kj`, the output columns [j0, j1) whose input column
 * oj*stride - pad + kj falls inside [0, w).
 */
function validRange(kj: number, pad: number, stride: number, w: number, outW: number): [number, number] {
  // Need oj*stride >= pad - kj and oj*stride <= w - 1 + pad - kj.
  const lo = Math.max(0, Math.ceil((pad - kj) / stride));
  const hi = Math.min(outW, Math.floor((w - 1 + pad - kj) / stride) + 1);
  return [lo, Math.max(lo, hi)];
}

/**
 * Source taps of bilinear resizing along one axis (align_corners=false, PyTorch):
 * src = (dst + 0.5) * in/out - 0.5, clamped below at 0; the two neighbours and the
 * weight of the second.
 */
export function bilinearTaps(inSize: number, outSize: number): { i0: number; i1: number; l1: number }[] {
  const scale = inSize / outSize;
  const taps: { i0: number; i1: number; l1: number }[] = [];
  for (let d = 0; d < outSize; d++) {
    let src = (d + 0.5) * scale - 0.5;
    if (src < 0) src = 0;
    const i0 = Math.min(Math.floor(src), inSize - 1);
    const i1 = i0 < inSize - 1 ? i0 + 1 : i0;
    taps.push({ i0, i1, l1: src - i0 });
  }
  return taps;
}

