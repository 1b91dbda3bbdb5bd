/**
 * The CPU reference's batch normalisation: per-channel statistics (two passes, in
 * float64), the normalisation, its gradients and the running-statistics update.
 */
import type { BatchNormParams, EpilogueOp } from '../backend';
import { unaryDef, type Round } from '../ops/elementwise';
import type { FArray, FArrayCtor } from './index';

/** Calls fn(base) for the start of every contiguous [hw] run of channel `ch`. */
function runs(p: BatchNormParams, ch: number, fn: (base: number) => void): void {
  for (let b = 0; b < p.n; b++) fn((b * p.c + ch) * p.hw);
}

export function batchNormStats(Arr: FArrayCtor, X: FArray, p: BatchNormParams): { mean: FArray; variance: FArray } {
  const mean = new Arr(p.c);
  const variance = new Arr(p.c);
  const count = p.n * p.hw;
  for (let ch = 0; ch < p.c; ch++) {
    let s = 0;
    runs(p, ch, (base) => {
      for (let i = 0; i < p.hw; i++) s += X[base + i];
    });
    const m = s / count;
    let q = 0;
    runs(p, ch, (base) => {
      for (let i = 0; i < p.hw; i++) {
        const d = X[base + i] - m;
        q += d * d;
      }
    });
    mean[ch] = m;
    variance[ch] = q / count;
  }
  return { mean, variance };
}

export function batchNormApply(
  Arr: FArrayCtor, X: FArray, mean: FArray, variance: FArray, W: FArray | null, B: FArray | null, p: BatchNormParams,
): FArray {
  const o = new Arr(X.length);
  for (let ch = 0; ch < p.c; ch++) {
    const inv = 1 / Math.sqrt(variance[ch] + p.eps);
    const scale = inv * (W ? W[ch] : 1);
    const m = mean[ch];
    const shift = B ? B[ch] : 0;
    runs(p, ch, (base) => {
      for (let i = 0; i < p.hw; i++) o[base + i] = (X[base + i] - m) * scale + shift;
    });
  }
  return o;
}

/**
 * In place, the normalisation's epilogue: o + residual, then act(), each step rounded as
 * the composed ops would round it (o holds the normalised values as stored).
 */
export function batchNormEpilogue(o: FArray, R: FArray | null, act: EpilogueOp | null, round: Round): void {
  const f = act ? unaryDef(act).cpu : null;
  for (let i = 0; i < o.length; i++) {
    const v = R ? round(o[i] + R[i]) : o[i];
    o[i] = f ? f(v) : v;
  }
}

export function batchNormBackward(
  Arr: FArrayCtor, G: FArray, X: FArray, mean: FArray, variance: FArray, W: FArray | null, p: BatchNormParams & { batchStats: boolean },
): { dx: FArray; dWeight: FArray; dBias: FArray } {
  const dx = new Arr(X.length);
  const dWeight = new Arr(p.c);
  const dBias = new Arr(p.c);
  const count = p.n * p.hw;
  for (let ch = 0; ch < p.c; ch++) {
    const inv = 1 / Math.sqrt(variance[ch] + p.eps);
    const m = mean[ch];
    let sg = 0;
    let sgx = 0;
    runs(p, ch, (base) => {
      for (let i = 0; i < p.hw; i++) {
        sg += G[base + i];
        sgx += G[base + i] * (X[base + i] - m);
      }
    });
    const sgxhat = sgx * inv;
    dBias[ch] = sg;
    dWeight[ch] = sgxhat;
    const w = W ? W[ch] : 1;
    const k = w * inv;
    runs(p, ch, (base) => {
      for (let i = 0; i < p.hw; i++) {
        const g = G[base + i];
        if (!p.batchStats) dx[base + i] = g * k;
        else {
          const xhat = (X[base + i] - m) * inv;
          dx[base + i] = (k / count) * (count * g - sg - xhat * sgxhat);
        }
      }
    });
  }
  return { dx, dWeight, dBias };
}

export function batchNormUpdateRunning(
  RM: FArray, RV: FArray, mean: FArray, variance: FArray, p: BatchNormParams & { momentum: number },
): void {
  const count = p.n * p.hw;
  const unbias = count > 1 ? count / (count - 1) : 1;
  const m = p.momentum;
  for (let ch = 0; ch < p.c; ch++) {
    RM[ch] = (1 - m) * RM[ch] + m * mean[ch];
    RV[ch] = (1 - m) * RV[ch] + m * variance[ch] * unbias;
  }
}
