/**
 * Parameter counts of a dense layer and a convolution layer on an image. The shapes are
 * the engine's module definitions (nn.Linear: weight [out, in], bias [out]; nn.Conv2d:
 * weight [cOut, cIn, k, k], bias [cOut]); small modules are also instantiated on the
 * engine and counted with countParameters (tests check the two always agree), while a
 * dense layer too large to allocate is counted from its shapes alone.
 */
import { countParameters, nn, withBackend } from '../../engine';

export interface DCSettings {
  /** Image width and height in pixels, and colour channels. */
  w: number;
  h: number;
  c: number;
  /** Hidden units of the dense layer. */
  hidden: number;
  /** Convolution kernel side (odd) and output channels. */
  k: number;
  co: number;
}

/** The original chapter’s example: a 12-megapixel RGB photo, 100 hidden units; against a 3x3 conv with 100 channels. */
export const DC_DEFAULTS: DCSettings = { w: 4000, h: 3000, c: 3, hidden: 100, k: 3, co: 100 };

export const DC_LIMITS = { maxSide: 8192, maxHidden: 1000, maxK: 11, maxCo: 512 } as const;

export const BYTES_PER_FLOAT32 = 4;

/** Parameter shapes of nn.Linear(inFeatures, outFeatures) as the engine defines them. */
export function linearShapes(inFeatures: number, outFeatures: number): number[][] {
  return [
    [outFeatures, inFeatures],
    [outFeatures],
  ];
}

/** Parameter shapes of nn.Conv2d(cIn, cOut, k) as the engine defines them. */
export function conv2dShapes(cIn: number, cOut: number, k: number): number[][] {
  return [[cOut, cIn, k, k], [cOut]];
}

export function countFromShapes(shapes: readonly (readonly number[])[]): number {
  return shapes.reduce((n, s) => n + s.reduce((a, b) => a * b, 1), 0);
}

/** Modules up to this many parameters are instantiated on the engine and counted there. */
export const INSTANTIATE_LIMIT = 1_000_000;

export interface LayerCount {
  shapes: number[][];
  params: number;
  bytes: number;
  /** 'engine': an nn module was built and counted by countParameters; 'shapes': counted from its parameter shapes. */
  source: 'engine' | 'shapes';
}

function count(shapes: number[][], build: () => nn.Module): LayerCount {
  const fromShapes = countFromShapes(shapes);
  if (fromShapes <= INSTANTIATE_LIMIT) {
    // Built on the engine's CPU backend: only its parameter shapes are needed.
    const m = withBackend('cpu', build);
    try {
      const params = countParameters(m);
      const engineShapes = m.parameters().map((p) => [...p.shape]);
      return { shapes: engineShapes, params, bytes: params * BYTES_PER_FLOAT32, source: 'engine' };
    } finally {
      m.dispose();
    }
  }
  return { shapes, params: fromShapes, bytes: fromShapes * BYTES_PER_FLOAT32, source: 'shapes' };
}

/** The weights left after each of the chapter's three steps, one channel in and out, an h x w image mapped to an h x w hidden image. */
export interface Ladder {
  /** Dense: (hw)^2. */
  full: number;
  /** Translation invariance: one weight per offset (a, b), |a| <= h - 1, |b| <= w - 1: (2h - 1)(2w - 1). */
  invariant: number;
  /** Locality: the offsets with |a|, |b| <= Δ that the image has, rows x cols. */
  local: number;
}

/**
 * The locality window's rows and columns of weights: 2Δ + 1 = k each, but no more than the
 * image has offsets (2h - 1 rows, 2w - 1 columns): a weight for an offset that never meets a
 * pixel is never used, so a window larger than the image is clipped to it.
 */
export function localWindow(w: number, h: number, k: number): { rows: number; cols: number } {
  return { rows: Math.min(k, 2 * h - 1), cols: Math.min(k, 2 * w - 1) };
}

/** The ladder for a w x h image and a k x k window (k = 2Δ + 1), given that window clipped to the image (localWindow). */
export function ladderCounts(w: number, h: number, k: number, window = localWindow(w, h, k)): Ladder {
  const px = w * h;
  return { full: px * px, invariant: (2 * h - 1) * (2 * w - 1), local: window.rows * window.cols };
}

export interface DCResult {
  inputs: number;
  dense: LayerCount;
  conv: LayerCount;
  /** One channel in and out, the h x w image mapped to an h x w hidden image: the chapter's three steps. */
  ladder: Ladder;
  /** The locality step's window, clipped to the image's offsets (rows or cols < k where it is). */
  window: { rows: number; cols: number };
}

export function computeDenseVsConv(s: DCSettings): DCResult {
  const inputs = s.w * s.h * s.c;
  const dense = count(linearShapes(inputs, s.hidden), () => new nn.Linear(inputs, s.hidden));
  const conv = count(conv2dShapes(s.c, s.co, s.k), () => new nn.Conv2d(s.c, s.co, s.k));
  const window = localWindow(s.w, s.h, s.k);
  return {
    inputs,
    dense,
    conv,
    ladder: ladderCounts(s.w, s.h, s.k, window),
    window,
  };
}

/** Bytes in SI units (the original chapter’s "14 GB" is 1.44e10 bytes) and in binary units. */
export function formatBytes(bytes: number): { si: string; binary: string } {
  const si = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  const bin = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  const pick = (base: number, units: string[]) => {
    let i = 0;
    let v = bytes;
    while (v >= base && i < units.length - 1) {
      v /= base;
      i++;
    }
    return `${i === 0 ? v : v.toFixed(v >= 100 ? 0 : v >= 10 ? 1 : 2)} ${units[i]}`;
  };
  return { si: pick(1000, si), binary: pick(1024, bin) };
}

/** Short scale words for big counts: 3.6 billion. */
export function inWords(n: number, lang: 'en' | 'zh'): string {
  if (lang === 'zh') {
    if (n >= 1e8) return `${(n / 1e8).toFixed(n >= 1e10 ? 0 : 1)} 亿`;
    if (n >= 1e4) return `${(n / 1e4).toFixed(n >= 1e6 ? 0 : 1)} 万`;
    return String(n);
  }
  const units: [number, string][] = [
    [1e12, 'trillion'],
    [1e9, 'billion'],
    [1e6, 'million'],
    [1e3, 'thousand'],
  ];
  for (const [u, name] of units) if (n >= u) return `${(n / u).toFixed(n / u >= 100 ? 0 : 1)} ${name}`;
  return String(n);
}
