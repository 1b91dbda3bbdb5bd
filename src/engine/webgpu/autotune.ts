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
  CHANNEL_REDUCE_VARIANTS,
  MATMUL_VARIANTS,
  isSoftwareAdapter,
  type Tuning,
} from './variants';
import { batchNormStats } from './batchnorm';

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

function random(n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = ((i * 7919) % 1000) / 1000 - 0.5;
  return a;
}

/** Milliseconds each variant took in the last autotune (for diagnostics and the benchmark). */
export const lastAutotune: Record<string, Record<string, number>> = {};

/** One timed run of `run` (submitted and awaited on its own). */
async function once(b: WebGPUBackend, run: () => Storage): Promise<number> {
  const t0 = now();
  const o = run();
  await b.sync();
  const t = now() - t0;
  b.free(o);
  return t;
}

/**
 * Times every variant in interleaved rounds and keeps each one's best time, so a burst
 * of load from elsewhere on the machine cannot single out one variant.
 */
async function pick(b: WebGPUBackend, op: string, names: string[], run: (variant: string) => Storage, rounds = 3): Promise<string> {
  const best: Record<string, number> = {};
  for (const name of names) {
    // Warm-up: compiles the pipeline.
    b.free(run(name));
    best[name] = Infinity;
  }
  await b.sync();
  for (let r = 0; r < rounds; r++) {
    const leader = Math.min(...Object.values(best));
    for (const name of names) {
      // A variant already 3x behind the leader gets no more rounds.
      if (r > 0 && best[name] > 3 * leader) continue;
      best[name] = Math.min(best[name], await once(b, () => run(name)));
    }
  }
  lastAutotune[op] = best;
  return names.reduce((a, c) => (best[c] < best[a] ? c : a), names[0]);
}

/**
 * The variants worth timing: those not marked as mere alternatives of the same kernel.
 * The im2col variants are for GPUs: on a CPU-backed adapter the rows variants already
 * use im2col products where those win (narrow and strided shapes), and the whole-model
 * step count is set by that mix, not by the one layer timed here.
 */
function candidates(b: WebGPUBackend, table: Record<string, { tune?: boolean; im2col?: object }>): string[] {
  const software = isSoftwareAdapter(b.adapterKey);
  return Object.keys(table).filter((k) => table[k].tune !== false && !(software && table[k].im2col));
}

export async function autotune(b: WebGPUBackend): Promise<Tuning> {
  const t = b.tuning;
  const m = 256;
  const A = b.fromData(random(m * m));
  const B = b.fromData(random(m * m));
  const mm = { batch: 1, m, n: m, k: m, transA: false, transB: false, aBatch: 1, bBatch: 1 };
  t.matmul = await pick(b, 'matmul', candidates(b, MATMUL_VARIANTS), (v) => b.matmulWith(v, A, B, mm));
  b.free(A);
  b.free(B);

  // A LeNet-like layer: 6 -> 16 channels, 5x5, on 14x14, batch 16.
  const p: Conv2dParams = { n: 16, cIn: 6, h: 14, w: 14, cOut: 16, kH: 5, kW: 5, strideH: 1, strideW: 1, padH: 0, padW: 0, outH: 10, outW: 10 };
  const x = b.fromData(random(p.n * p.cIn * p.h * p.w));
  const w = b.fromData(random(p.cOut * p.cIn * p.kH * p.kW));
  const gy = b.fromData(random(p.n * p.cOut * p.outH * p.outW));
  t.conv2d = await pick(b, 'conv2d', candidates(b, CONV_VARIANTS), (v) => b.conv2dWith(v, x, w, null, p));
  t.conv2dBackwardInput = await pick(b, 'conv2dBackwardInput', candidates(b, CONV_BWD_INPUT_VARIANTS), (v) => b.conv2dBackwardInputWith(v, gy, w, p));
  t.conv2dBackwardWeight = await pick(b, 'conv2dBackwardWeight', candidates(b, CONV_BWD_WEIGHT_VARIANTS), (v) => b.conv2dBackwardWeightWith(v, x, gy, p));
  b.free(x);
  b.free(w);
  b.free(gy);

  // A ResNet-like batch-norm input: 64 channels of 16x16, batch 16.
  const bnp = { n: 16, c: 64, hw: 256, eps: 1e-5 };
  const bx = b.fromData(random(bnp.n * bnp.c * bnp.hw));
  t.channelReduce = await pick(b, 'channelReduce', Object.keys(CHANNEL_REDUCE_VARIANTS), (v) => {
    const { mean, variance } = batchNormStats(b, bx, bnp, v);
    b.free(variance);
    return mean;
  });
  b.free(bx);
  return t;
}
