/**
 * Spot checks of a kernel variant's output, for the autotune: a few runs of the output are
 * read back and compared with sums computed here, in float64, from the same inputs. A
 * variant that this adapter computes wrongly (a driver that miscompiles one shader, a fault
 * that only some hardware shows) is then never chosen, however fast its wrong answer came.
 *
 * An element passes when it is within SPOT_TOLERANCE of the sum of its terms' magnitudes
 * from the exact sum. Every variant of every tuned op stays below a tenth of that
 * (tests/webgpu/spot-check.test.ts; the worst measured, Winograd's larger tiles at training
 * precision, is 7e-7), while one term more or less in a sum of up to 10,000 terms moves an
 * element by more.
 */
import type { BatchNormParams, Conv2dParams } from '../backend';
import type { MatmulShape } from './variants';

/** An output element's exact value, the sum of its terms' magnitudes, and how many terms it sums. */
export interface Exact {
  value: number;
  scale: number;
  terms: number;
}

/** How to check one output: its size, the terms one element sums, and each element's exact value. */
export interface SpotCheck {
  size: number;
  cost: number;
  at(i: number): Exact;
}

export const SPOT_TOLERANCE = 1e-4;
/** Consecutive elements per run read back (a vector lane's error shows in one of four). */
const RUN = 4;
/** About how many terms one check sums at most, so that a check of a large layer stays short. */
const BUDGET = 4e6;

/** The exact sum of the terms `each` adds, with their magnitudes' sum and their count. */
function exactSum(each: (add: (v: number) => void) => void): Exact {
  let value = 0;
  let scale = 0;
  let terms = 0;
  each((v) => {
    value += v;
    scale += Math.abs(v);
    terms++;
  });
  return { value, scale, terms };
}

/** Element e of a row-major [*, d1, d2, d3] array as its four indices. */
function unravel(e: number, d1: number, d2: number, d3: number): [number, number, number, number] {
  return [Math.floor(e / (d1 * d2 * d3)), Math.floor(e / (d2 * d3)) % d1, Math.floor(e / d3) % d2, e % d3];
}

/**
 * The runs of the output a check reads, as [first element, count]: the first and last
 * elements, and runs in between spread by the golden ratio (2 to 16 runs, fewer where an
 * element sums many terms).
 */
export function spotRuns(check: SpotCheck): Array<[number, number]> {
  const len = Math.min(RUN, check.size);
  const last = check.size - len;
  const count = Math.max(2, Math.min(16, Math.floor(BUDGET / (Math.max(1, check.cost) * len))));
  const starts = new Set<number>([0, last]);
  for (let j = 1; starts.size < count && j < 4 * count; j++) starts.add(Math.floor(((j * 0.6180339887498949) % 1) * last));
  return [...starts].sort((a, b) => a - b).map((s) => [s, len]);
}

/** Null where `values` (the runs' elements, in order) agree with the exact sums; else what is wrong, for the log. */
export function spotVerdict(check: SpotCheck, runs: ReadonlyArray<readonly [number, number]>, values: Float32Array): string | null {
  let k = 0;
  for (const [start, count] of runs) {
    for (let i = start; i < start + count; i++, k++) {
      const got = values[k];
      const { value, scale } = check.at(i);
      if (!(Math.abs(got - value) <= SPOT_TOLERANCE * scale + 1e-30)) return `element ${i} is ${got}, not ${value.toPrecision(7)}`;
    }
  }
  return null;
}

/** out[b] = op(A[b]) op(B[b]) (the backend's matmul contract: A [aBatch, m, k] or [aBatch, k, m] when transA; B likewise). */
export function matmulCheck(A: Float32Array, B: Float32Array, p: MatmulShape): SpotCheck {
  const { m, n, k } = p;
  return {
    size: p.batch * m * n,
    cost: k,
    at(i) {
      const bt = Math.floor(i / (m * n));
      const r = Math.floor(i / n) % m;
      const c = i % n;
      const a0 = (p.aBatch === 1 ? 0 : bt) * m * k;
      const b0 = (p.bBatch === 1 ? 0 : bt) * k * n;
      return exactSum((add) => {
        for (let t = 0; t < k; t++) add(A[a0 + (p.transA ? t * m + r : r * k + t)] * B[b0 + (p.transB ? c * k + t : t * n + c)]);
      });
    },
  };
}

type ConvOp = 'conv2d' | 'conv2dBackwardInput' | 'conv2dBackwardWeight';

/**
 * A convolution pass without bias: conv2d(x = a, w = b) is y [n, cOut, outH, outW];
 * conv2dBackwardInput(dy = a, w = b) is dx [n, cIn, h, w]; conv2dBackwardWeight(x = a,
 * dy = b) is dw [cOut, cIn, kH, kW]. Each element sums the input-weight products its
 * window meets (padding adds none).
 */
export function convCheck(op: ConvOp, a: Float32Array, b: Float32Array, p: Conv2dParams): SpotCheck {
  const { n, cIn, cOut, h, w, kH, kW, outH, outW } = p;
  const xAt = (i: number, c: number, y: number, x: number) => ((i * cIn + c) * h + y) * w + x;
  const yAt = (i: number, c: number, y: number, x: number) => ((i * cOut + c) * outH + y) * outW + x;
  const wAt = (o: number, c: number, y: number, x: number) => ((o * cIn + c) * kH + y) * kW + x;
  // The input pixel that output (oy, ox) meets through tap (ky, kx), or null in the padding.
  const tap = (oy: number, ox: number, ky: number, kx: number) => {
    const iy = oy * p.strideH - p.padH + ky;
    const ix = ox * p.strideW - p.padW + kx;
    return iy < 0 || iy >= h || ix < 0 || ix >= w ? null : [iy, ix];
  };
  if (op === 'conv2d') {
    return {
      size: n * cOut * outH * outW,
      cost: cIn * kH * kW,
      at: (e) => {
        const [i, o, oy, ox] = unravel(e, cOut, outH, outW);
        return exactSum((add) => {
          for (let c = 0; c < cIn; c++)
            for (let ky = 0; ky < kH; ky++)
              for (let kx = 0; kx < kW; kx++) {
                const at = tap(oy, ox, ky, kx);
                if (at) add(a[xAt(i, c, at[0], at[1])] * b[wAt(o, c, ky, kx)]);
              }
        });
      },
    };
  }
  if (op === 'conv2dBackwardInput') {
    return {
      size: n * cIn * h * w,
      cost: cOut * kH * kW,
      at: (e) => {
        const [i, c, iy, ix] = unravel(e, cIn, h, w);
        return exactSum((add) => {
          for (let ky = 0; ky < kH; ky++)
            for (let kx = 0; kx < kW; kx++) {
              const sy = iy + p.padH - ky;
              const sx = ix + p.padW - kx;
              if (sy < 0 || sx < 0 || sy % p.strideH || sx % p.strideW) continue;
              const [oy, ox] = [sy / p.strideH, sx / p.strideW];
              if (oy >= outH || ox >= outW) continue;
              for (let o = 0; o < cOut; o++) add(a[yAt(i, o, oy, ox)] * b[wAt(o, c, ky, kx)]);
            }
        });
      },
    };
  }
  return {
    size: cOut * cIn * kH * kW,
    cost: n * outH * outW,
    at: (e) => {
      const [o, c, ky, kx] = unravel(e, cIn, kH, kW);
      return exactSum((add) => {
        for (let i = 0; i < n; i++)
          for (let oy = 0; oy < outH; oy++)
            for (let ox = 0; ox < outW; ox++) {
              const at = tap(oy, ox, ky, kx);
              if (at) add(a[xAt(i, c, at[0], at[1])] * b[yAt(i, o, oy, ox)]);
            }
      });
    },
  };
}

/**
 * Batch norm's weight gradient per channel, sum over (n, hw) of g (x - mean) / sqrt(var +
 * eps) with the batch's own statistics: it passes through both of the channel reductions
 * (the statistics forward, the sums backward) that a channelReduce variant computes.
 */
export function batchNormWeightGradCheck(g: Float32Array, x: Float32Array, p: BatchNormParams): SpotCheck {
  const { n, c, hw } = p;
  const each = (ch: number, f: (j: number) => void) => {
    for (let i = 0; i < n; i++) for (let j = (i * c + ch) * hw, end = j + hw; j < end; j++) f(j);
  };
  return {
    size: c,
    cost: 3 * n * hw,
    at(ch) {
      let mean = 0;
      each(ch, (j) => (mean += x[j]));
      mean /= n * hw;
      let variance = 0;
      each(ch, (j) => (variance += (x[j] - mean) ** 2));
      const inv = 1 / Math.sqrt(variance / (n * hw) + p.eps);
      return exactSum((add) => each(ch, (j) => add(g[j] * (x[j] - mean) * inv)));
    },
  };
}
