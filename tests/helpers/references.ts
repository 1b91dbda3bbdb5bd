/**
 * Plain-loop references for the widgets' numbers, shared by the unit tests (tests/) and
 * the browser tests (e2e/). They import nothing from the widgets: every output size is
 * found by counting the windows that fit, never from a formula the widget also uses.
 */

/** How many windows of side `k`, `stride` apart, fit on `n` cells with `before` and `after` cells of padding. */
export function windowCount(n: number, k: number, stride: number, before: number, after: number): number {
  let count = 0;
  for (let first = -before; first + k <= n + after; first += stride) count++;
  return count;
}

/** Cross-correlation of x with k, no padding, stride 1; row-major output. */
export function corr2dRef(x: readonly (readonly number[])[], k: readonly (readonly number[])[]): number[] {
  const out: number[] = [];
  for (let i = 0; i + k.length <= x.length; i++)
    for (let j = 0; j + k[0].length <= x[0].length; j++) {
      let acc = 0;
      for (let a = 0; a < k.length; a++) for (let b = 0; b < k[0].length; b++) acc += x[i + a][j + b] * k[a][b];
      out.push(acc);
    }
  return out;
}

/** A window's height and width k, padding p and stride s along the height (…h) and the width (…w). */
type WindowCase = Record<'kh' | 'kw' | 'ph' | 'pw' | 'sh' | 'sw', number>;

/** The padding-and-stride widget's settings: input n, kernel k, total padding p, stride s. */
export type PaddingStrideCase = WindowCase & Record<'nh' | 'nw', number>;

/**
 * X = arange(nh·nw) as nh × nw, K = arange(kh·kw) as kh × kw, with a total padding of
 * ph rows and pw columns (the extra one of an odd total on top / on the left).
 */
export function paddingStrideRef(s: PaddingStrideCase): { h: number; w: number; y: number[] } {
  const top = Math.ceil(s.ph / 2);
  const left = Math.ceil(s.pw / 2);
  const x = (r: number, c: number) => (r >= 0 && r < s.nh && c >= 0 && c < s.nw ? r * s.nw + c : 0);
  const h = windowCount(s.nh, s.kh, s.sh, top, s.ph - top);
  const w = windowCount(s.nw, s.kw, s.sw, left, s.pw - left);
  const y: number[] = [];
  for (let i = 0; i < h; i++)
    for (let j = 0; j < w; j++) {
      let acc = 0;
      for (let a = 0; a < s.kh; a++) for (let b = 0; b < s.kw; b++) acc += x(i * s.sh + a - top, j * s.sw + b - left) * (a * s.kw + b);
      y.push(acc);
    }
  return { h, w, y };
}

/** The pooling widget's settings: window k, padding p on each side, stride s (or the window). */
export type PoolingCase = WindowCase & Record<'h' | 'w' | 'channels', number> & { mode: 'max' | 'avg'; strideAuto: boolean };

/**
 * Channel c of the input is arange(h·w) + c. Max pooling pads with −∞; average pooling
 * divides by the whole window, padding included (PyTorch's defaults). One output array per channel.
 */
export function poolingRef(s: PoolingCase): { h: number; w: number; y: number[][] } {
  const sh = s.strideAuto ? s.kh : s.sh;
  const sw = s.strideAuto ? s.kw : s.sw;
  const h = windowCount(s.h, s.kh, sh, s.ph, s.ph);
  const w = windowCount(s.w, s.kw, sw, s.pw, s.pw);
  const y: number[][] = [];
  for (let c = 0; c < s.channels; c++) {
    const channel: number[] = [];
    for (let i = 0; i < h; i++)
      for (let j = 0; j < w; j++) {
        let best = -Infinity;
        let sum = 0;
        for (let a = 0; a < s.kh; a++)
          for (let b = 0; b < s.kw; b++) {
            const r = i * sh + a - s.ph;
            const q = j * sw + b - s.pw;
            const v = r >= 0 && r < s.h && q >= 0 && q < s.w ? r * s.w + q + c : s.mode === 'max' ? -Infinity : 0;
            best = Math.max(best, v);
            sum += v;
          }
        channel.push(s.mode === 'max' ? best : sum / (s.kh * s.kw));
      }
    y.push(channel);
  }
  return { h, w, y };
}
