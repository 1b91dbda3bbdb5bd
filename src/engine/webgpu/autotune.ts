/**
 * A short autotune: times each variant of matmul and of the three convolution
 * kernels on a representative problem and keeps the fastest. It runs once per
 * adapter (the result is exposed as `backend.tuning` so an app can persist it).
 * tuneShapes refines it per shape for one model (like cuDNN's benchmark mode): the
 * Trainer runs it before a run on a hardware GPU, and the choices join the tuning.
 */
import type { Conv2dParams, Storage } from '../backend';
import type { WebGPUBackend } from './index';
import type { RecordedShapes } from './kernel-choice';
import {
  CONV_BWD_INPUT_VARIANTS,
  CONV_BWD_WEIGHT_VARIANTS,
  CONV_VARIANTS,
  CHANNEL_REDUCE_VARIANTS,
  MATMUL_VARIANTS,
  SHAPE_OP_VARIANTS,
  isSoftwareAdapter,
  type ChannelShape,
  type ConvShape,
  type MatmulShape,
  type OpShape,
  type ShapeOp,
  type Tuning,
  type TunableVariant,
} from './variants';
import { batchNormBackward, batchNormStats } from './batchnorm';
import { dropKeptGradient } from './im2col';

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
/** Milliseconds each variant took on each shape tuneShapes timed, by shape key (diagnostics). */
export const lastShapeTune: Record<string, Record<string, number>> = {};

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
export async function pick(b: WebGPUBackend, op: string, names: string[], run: (variant: string) => Storage, rounds = 3, log = lastAutotune): Promise<string> {
  const best: Record<string, number> = {};
  const usable: string[] = [];
  for (const name of names) {
    // Warm-up: compiles the pipeline. A variant that refuses the shape is left out, and so
    // is one the device refuses (beyond this adapter's limits): its dropped commands would
    // time as the fastest.
    const errors = b.rt.errors.length;
    try {
      b.free(run(name));
      await b.sync();
    } catch (e) {
      if (names.length === 1) throw e;
      continue;
    }
    if (b.rt.errors.length > errors) {
      b.rt.takeErrors();
      if (names.length === 1) throw new Error(`autotune: the device refused the only variant of ${op}`);
      continue;
    }
    usable.push(name);
    best[name] = Infinity;
  }
  if (usable.length === 0) throw new Error(`autotune: no variant of ${op} runs`);
  names = usable;
  for (let r = 0; r < rounds; r++) {
    const leader = Math.min(...Object.values(best));
    for (const name of names) {
      // A variant already 3x behind the leader gets no more rounds.
      if (r > 0 && best[name] > 3 * leader) continue;
      best[name] = Math.min(best[name], await once(b, () => run(name)));
    }
  }
  log[op] = best;
  return names.reduce((a, c) => (best[c] < best[a] ? c : a), names[0]);
}

/**
 * The variants worth timing: those not marked as mere alternatives of the same kernel.
 * The im2col variants are for GPUs: on a CPU-backed adapter the rows variants already
 * use im2col products where those win (narrow and strided shapes), and the whole-model
 * step count is set by that mix, not by the one layer timed here. Variants marked
 * `gpuOnly` are skipped there too. A variant for some shapes only (`covers`: Winograd's
 * convolutions, batch norm's split reductions) is timed on
 * those shapes alone, never for the op-wide choice (`shape` undefined).
 */
export function candidates(b: WebGPUBackend, table: Record<string, TunableVariant>, shape?: OpShape): string[] {
  const software = isSoftwareAdapter(b.adapterKey);
  return Object.keys(table).filter((k) => {
    const v = table[k];
    if (v.tune === false || (software && (v.im2col || v.gpuOnly))) return false;
    return !v.covers || (shape !== undefined && v.covers(shape));
  });
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

  // A LeNet-like layer: 6 -> 16 channels, 5x5, on 14x14, batch 16. A CPU-backed adapter
  // keeps its rule (cpu-mix, variants.ts): one small layer cannot show where Winograd pays.
  if (!isSoftwareAdapter(b.adapterKey)) {
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
  }

  // A ResNet-like batch-norm input: 64 channels of 16x16, batch 16.
  const bnp = { n: 16, c: 64, hw: 256, eps: 1e-5 };
  const bx = b.fromData(random(bnp.n * bnp.c * bnp.hw));
  t.channelReduce = await pick(b, 'channelReduce', candidates(b, CHANNEL_REDUCE_VARIANTS), (v) => {
    const { mean, variance } = batchNormStats(b, bx, bnp, v);
    b.free(variance);
    return mean;
  });
  b.free(bx);
  return t;
}

/** What tuneShapes did. */
export interface ShapeTuneResult {
  /** Distinct shapes of tunable calls the recording ran (keys of Tuning.shapes). */
  recorded: string[];
  /** Those timed now (the others already had an entry). */
  tuned: number;
  /** The variant each recorded shape now uses. */
  choices: Record<string, string>;
  /** Wall time of the recording and the timing, in milliseconds. */
  ms: number;
}

function outSize(size: number, k: number, stride: number, pad: number): number {
  return Math.floor((size + 2 * pad - k) / stride) + 1;
}

/** Times `op`'s candidate variants on random data of one recorded shape; returns the fastest. */
async function pickForShape(b: WebGPUBackend, key: string, op: ShapeOp, params: OpShape, noise: (n: number) => Float32Array): Promise<string> {
  const names = candidates(b, SHAPE_OP_VARIANTS[op], params);
  const made: Storage[] = [];
  const data = (n: number) => {
    const s = b.fromData(noise(n));
    made.push(s);
    return s;
  };
  try {
    if (op === 'channelReduce') {
      // Batch norm's two per-channel reductions, which share the choice: the statistics
      // forward, the sums of the backward pass.
      const p = { ...(params as ChannelShape), eps: 1e-5 };
      const [X, G] = [data(p.n * p.c * p.hw), data(p.n * p.c * p.hw)];
      return await pick(b, key, names, (v) => {
        const { mean, variance } = batchNormStats(b, X, p, v);
        const { dx, dWeight, dBias } = batchNormBackward(b, G, X, mean, variance, null, { ...p, batchStats: true }, v);
        for (const s of [mean, variance, dx, dWeight]) b.free(s);
        return dBias;
      }, 3, lastShapeTune);
    }
    if (op === 'matmul') {
      const p = params as MatmulShape;
      const A = data(p.aBatch * p.m * p.k);
      const B = data(p.bBatch * p.k * p.n);
      return await pick(b, key, names, (v) => b.matmulWith(v, A, B, p), 3, lastShapeTune);
    }
    const c = params as ConvShape;
    const p: Conv2dParams = { ...c, outH: outSize(c.h, c.kH, c.strideH, c.padH), outW: outSize(c.w, c.kW, c.strideW, c.padW) };
    const x = () => data(p.n * p.cIn * p.h * p.w);
    const w = () => data(p.cOut * p.cIn * p.kH * p.kW);
    const gy = () => data(p.n * p.cOut * p.outH * p.outW);
    if (op === 'conv2d') {
      const [X, W] = [x(), w()];
      return await pick(b, key, names, (v) => b.conv2dWith(v, X, W, null, p), 3, lastShapeTune);
    }
    if (op === 'conv2dBackwardInput') {
      const [G, W] = [gy(), w()];
      return await pick(b, key, names, (v) => b.conv2dBackwardInputWith(v, G, W, p), 3, lastShapeTune);
    }
    const [X, G] = [x(), gy()];
    return await pick(b, key, names, (v) => b.conv2dBackwardWeightWith(v, X, G, p), 3, lastShapeTune);
  } finally {
    dropKeptGradient();
    for (const s of made) b.free(s);
  }
}

/**
 * Shape-keyed tuning (like cuDNN's benchmark mode): records the op and shape of every
 * GEMM-family call (matmul, linear, the convolutions and their two backward passes) and
 * every batch norm's per-channel reductions that `record` makes on `b`, then times the candidate variants of each op on random data of
 * each recorded shape that the tuning has no entry for yet, and keeps the fastest in
 * `b.tuning.shapes`. The op-wide choice stays for every other shape. A variant that falls
 * back for a shape is timed as its fallback. `record` should run a throwaway forward and
 * backward pass: its results are not used.
 */
export async function tuneShapes(b: WebGPUBackend, record: () => void | Promise<void>): Promise<ShapeTuneResult> {
  const t0 = now();
  const recorded = new Map<string, { op: ShapeOp; params: OpShape }>();
  let tuned = 0;
  // One host array of test data, grown to the largest operand (a ResNet's are 10^7 floats).
  let pool: Float32Array = new Float32Array(0);
  const noise = (n: number) => {
    if (pool.length < n) pool = random(n);
    return pool.subarray(0, n);
  };
  // A choice can bring new shapes: a convolution tuned to an im2col variant runs matmuls
  // the first recording never saw. Record again until a round brings none (at most 3).
  for (let round = 0; round < 3; round++) {
    const recording: RecordedShapes = new Map();
    b.kernels.recording = recording;
    try {
      await record();
    } finally {
      if (b.kernels.recording === recording) b.kernels.recording = null;
      dropKeptGradient();
    }
    await b.sync();
    let fresh = 0;
    for (const [key, call] of recording) {
      if (!recorded.has(key)) recorded.set(key, call);
      if (b.tuning.shapes?.[key] !== undefined) continue;
      const winner = await pickForShape(b, key, call.op, call.params, noise);
      const t = b.tuning;
      b.tuning = { ...t, shapes: { ...t.shapes, [key]: winner } };
      tuned++;
      fresh++;
    }
    if (fresh === 0) break;
  }
  const shapes = b.tuning.shapes ?? {};
  const choices: Record<string, string> = {};
  for (const key of recorded.keys()) if (shapes[key] !== undefined) choices[key] = shapes[key];
  return { recorded: [...recorded.keys()], tuned, choices, ms: now() - t0 };
}
