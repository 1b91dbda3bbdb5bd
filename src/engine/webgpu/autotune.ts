/**
 * A short autotune: times each variant of matmul and of the three convolution
 * kernels on a representative problem and keeps the fastest. It runs once per
 * adapter (the result is exposed as `backend.tuning` so an app can persist it).
 */
import type { Conv2dParams, Storage } from '../backend';
import type { WebGPUBackend } from './index';
import {
  CONV_BWD_INPUT_VARIANTS,
  CONV_BWD_WEIGHT_VARIANTS,
  CONV_VARIANTS,
  MATMUL_VARIANTS,
  type Tuning,
} from './variants';

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

function random(n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = ((i * 7919) % 1000) / 1000 - 0.5;
  return a;
}

/** Best-of-`reps` time of `run` (each run is submitted and awaited on its own). */
async function time(b: WebGPUBackend, run: () => Storage, reps: number): Promise<number> {
  // Warm-up (pipeline compilation).
  b.free(run());
  await b.sync();
  let best = Infinity;
  for (let r = 0; r < reps; r++) {
    const t0 = now();
    const o = run();
    await b.sync();
    best = Math.min(best, now() - t0);
    b.free(o);
  }
  return best;
}

/** Milliseconds each variant took in the last autotune (for diagnostics and the benchmark). */
export const lastAutotune: Record<string, Record<string, number>> = {};

async function pick(b: WebGPUBackend, op: string, names: string[], run: (variant: string) => Storage, reps = 3): Promise<string> {
  let best = names[0];
  let bestT = Infinity;
  const report: Record<string, number> = (lastAutotune[op] = {});
  for (const name of names) {
    const t = await time(b, () => run(name), reps);
    report[name] = t;
    if (t < bestT) {
      bestT = t;
      best = name;
    }
  }
  return best;
}

export async function autotune(b: WebGPUBackend): Promise<Tuning> {
  const t = b.tuning;
  const m = 256;
  const A = b.fromData(random(m * m));
  const B = b.fromData(random(m * m));
  const mm = { batch: 1, m, n: m, k: m, transA: false, transB: false, aBatch: 1, bBatch: 1 };
  t.matmul = await pick(b, 'matmul', Object.keys(MATMUL_VARIANTS), (v) => b.matmulWith(v, A, B, mm));
  b.free(A);
  b.free(B);

  // A LeNet-like layer: 6 -> 16 channels, 5x5, on 14x14, batch 32.
  const p: Conv2dParams = { n: 32, cIn: 6, h: 14, w: 14, cOut: 16, kH: 5, kW: 5, strideH: 1, strideW: 1, padH: 0, padW: 0, outH: 10, outW: 10 };
  const x = b.fromData(random(p.n * p.cIn * p.h * p.w));
  const w = b.fromData(random(p.cOut * p.cIn * p.kH * p.kW));
  const gy = b.fromData(random(p.n * p.cOut * p.outH * p.outW));
  t.conv2d = await pick(b, 'conv2d', Object.keys(CONV_VARIANTS), (v) => b.conv2dWith(v, x, w, null, p));
  t.conv2dBackwardInput = await pick(b, 'conv2dBackwardInput', Object.keys(CONV_BWD_INPUT_VARIANTS), (v) => b.conv2dBackwardInputWith(v, gy, w, p));
  t.conv2dBackwardWeight = await pick(b, 'conv2dBackwardWeight', Object.keys(CONV_BWD_WEIGHT_VARIANTS), (v) => b.conv2dBackwardWeightWith(v, x, gy, p));
  b.free(x);
  b.free(w);
  b.free(gy);
  return t;
}
