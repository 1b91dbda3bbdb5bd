/**
 * A short autotune: times each variant of matmul and of the three convolution
 * kernels on a representative problem and keeps the fastest. It runs once per
 * adapter (the result is exposed as `backend.tuning` so an app can persist it).
 * tuneShapes refines it per shape for one model (like cuDNN's benchmark mode): the
 * Trainer runs it before a run on a hardware GPU, and the choices join the tuning.
 */
import { outSize, type Conv2dParams, type Storage } from '../backend';
import type { WebGPUBackend } from './index';
import type { RecordedShapes } from './kernel-choice';
import {
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
import { batchNormWeightGradCheck, convCheck, matmulCheck, spotRuns, spotVerdict, type SpotCheck } from './spot-check';

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

/** Test values in [-0.5, 0.5): a hash of each index, so no operand repeats itself. */
function random(n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let h = Math.imul(i, 0x9e3779b1);
    h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
    h ^= h >>> 13;
    a[i] = (h >>> 8) / 0x1000000 - 0.5;
  }
  return a;
}

/** How far apart the operands of one tuned call start in the shared test values. */
const SHIFT = 4099;

/**
 * Test operands: each call gives n values that differ from the previous calls' (shifted
 * windows of one array of hashed values, grown to the largest operand: a ResNet's are
 * 10^7 floats).
 */
function noiseSource(): (n: number) => Float32Array {
  let pool: Float32Array = new Float32Array(0);
  let calls = 0;
  return (n) => {
    const at = (calls++ % 4) * SHIFT;
    if (pool.length < at + n) pool = random(n + 4 * SHIFT);
    return pool.subarray(at, at + n);
  };
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

/** How `pick` times and checks: timing rounds, where the times go, the spot check of each variant's output. */
export interface PickOptions {
  rounds?: number;
  log?: Record<string, Record<string, number>>;
  check?: SpotCheck;
}

/**
 * Each spot-checked variant's verdict, by op (or shape key): null where its output passed,
 * else what was wrong with it (the variant was left out).
 */
export const spotChecks: Record<string, Record<string, string | null>> = {};

/** Null where the spot check passes on `out`, else what it found. */
async function spotCheck(b: WebGPUBackend, out: Storage, check: SpotCheck): Promise<string | null> {
  const runs = spotRuns(check);
  const values = await b.rt.readRanges(b.buf(out), runs.map(([start, count]) => [start * 4, count * 4] as const));
  return spotVerdict(check, runs, values);
}

/**
 * Times every variant in interleaved rounds and keeps each one's best time, so a burst
 * of load from elsewhere on the machine cannot single out one variant. With a check, a
 * variant whose output fails it (spot-check.ts) is left out before any timing.
 */
export async function pick(b: WebGPUBackend, op: string, names: string[], run: (variant: string) => Storage, options: PickOptions = {}): Promise<string> {
  const { rounds = 3, log = lastAutotune, check } = options;
  const best: Record<string, number> = {};
  const usable: string[] = [];
  const wrong: string[] = [];
  for (const name of names) {
    // Warm-up: compiles the pipeline. A variant that refuses the shape is left out, and so
    // is one the device refuses (beyond this adapter's limits): its dropped commands would
    // time as the fastest.
    const errors = b.rt.errors.length;
    let verdict: string | null = null;
    try {
      const o = run(name);
      try {
        if (check) verdict = await spotCheck(b, o, check);
        else await b.sync();
      } finally {
        b.free(o);
      }
    } catch (e) {
      if (names.length === 1) throw e;
      continue;
    }
    if (b.rt.errors.length > errors) {
      b.rt.takeErrors();
      if (names.length === 1) throw new Error(`autotune: the device refused the only variant of ${op}`);
      continue;
    }
    if (check) (spotChecks[op] ??= {})[name] = verdict;
    if (verdict !== null) {
      wrong.push(`${name}: ${verdict}`);
      continue;
    }
    usable.push(name);
    best[name] = Infinity;
  }
  if (usable.length === 0) throw new Error(`autotune: no variant of ${op} runs${wrong.length ? ` correctly on this adapter (${wrong.join('; ')})` : ''}`);
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
  const noise = noiseSource();
  const tune = (op: ShapeOp, shape: OpShape) => pickOn(b, op, op, shape, candidates(b, SHAPE_OP_VARIANTS[op]), noise, lastAutotune);
  t.matmul = await tune('matmul', { batch: 1, m: 256, n: 256, k: 256, transA: false, transB: false, aBatch: 1, bBatch: 1 });
  // A LeNet-like layer: 6 -> 16 channels, 5x5, on 14x14, batch 16. A CPU-backed adapter
  // keeps its rule (cpu-mix, variants.ts): one small layer cannot show where Winograd pays.
  if (!isSoftwareAdapter(b.adapterKey)) {
    const p: ConvShape = { n: 16, cIn: 6, h: 14, w: 14, cOut: 16, kH: 5, kW: 5, strideH: 1, strideW: 1, padH: 0, padW: 0 };
    for (const op of ['conv2d', 'conv2dBackwardInput', 'conv2dBackwardWeight'] as const) t[op] = await tune(op, p);
  }
  // A ResNet-like batch-norm input: 64 channels of 16x16, batch 16.
  t.channelReduce = await tune('channelReduce', { n: 16, c: 64, hw: 256 });
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
  /** Variants left out because their output failed the spot check: why, by shape key and variant. */
  wrong: Record<string, Record<string, string>>;
  /** Wall time of the recording and the timing, in milliseconds. */
  ms: number;
}

/**
 * Times `names`, variants of `op`, on test data of one shape (spot-checking each one's
 * output first); returns the fastest. `key` names the choice in `log` and `spotChecks` (the
 * op, or the shape's key).
 */
export async function pickOn(
  b: WebGPUBackend, key: string, op: ShapeOp, shape: OpShape, names: string[],
  noise = noiseSource(), log = lastShapeTune, rounds = 3,
): Promise<string> {
  const made: Storage[] = [];
  const data = (n: number): [Storage, Float32Array] => {
    const host = noise(n);
    const s = b.fromData(host);
    made.push(s);
    return [s, host];
  };
  const checked = (check: SpotCheck): PickOptions => ({ rounds, log, check });
  try {
    if (op === 'channelReduce') {
      // Batch norm's two per-channel reductions, which share the choice: the statistics
      // forward, the sums of the backward pass (the weight's gradient passes through both).
      const p = { ...(shape as ChannelShape), eps: 1e-5 };
      const [[X, x], [G, g]] = [data(p.n * p.c * p.hw), data(p.n * p.c * p.hw)];
      return await pick(b, key, names, (v) => {
        const { mean, variance } = batchNormStats(b, X, p, v);
        const { dx, dWeight, dBias } = batchNormBackward(b, G, X, mean, variance, null, { ...p, batchStats: true }, v);
        for (const s of [mean, variance, dx, dBias]) b.free(s);
        return dWeight;
      }, checked(batchNormWeightGradCheck(g, x, p)));
    }
    if (op === 'matmul') {
      const p = shape as MatmulShape;
      const [[A, a], [B, bh]] = [data(p.aBatch * p.m * p.k), data(p.bBatch * p.k * p.n)];
      return await pick(b, key, names, (v) => b.matmulWith(v, A, B, p), checked(matmulCheck(a, bh, p)));
    }
    const c = shape as ConvShape;
    const p: Conv2dParams = { ...c, outH: outSize(c.h, c.kH, c.padH, c.strideH), outW: outSize(c.w, c.kW, c.padW, c.strideW) };
    const x = () => data(p.n * p.cIn * p.h * p.w);
    const w = () => data(p.cOut * p.cIn * p.kH * p.kW);
    const gy = () => data(p.n * p.cOut * p.outH * p.outW);
    if (op === 'conv2d') {
      const [[X, xh], [W, wh]] = [x(), w()];
      return await pick(b, key, names, (v) => b.conv2dWith(v, X, W, null, p), checked(convCheck(op, xh, wh, p)));
    }
    if (op === 'conv2dBackwardInput') {
      const [[G, gh], [W, wh]] = [gy(), w()];
      return await pick(b, key, names, (v) => b.conv2dBackwardInputWith(v, G, W, p), checked(convCheck(op, gh, wh, p)));
    }
    const [[X, xh], [G, gh]] = [x(), gy()];
    return await pick(b, key, names, (v) => b.conv2dBackwardWeightWith(v, X, G, p), checked(convCheck(op, xh, gh, p)));
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
  const noise = noiseSource();
  const wrong: ShapeTuneResult['wrong'] = {};
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
      const winner = await pickOn(b, key, call.op, call.params, candidates(b, SHAPE_OP_VARIANTS[call.op], call.params), noise, lastShapeTune);
      for (const [variant, why] of Object.entries(spotChecks[key] ?? {})) if (why !== null) (wrong[key] ??= {})[variant] = why;
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
  return { recorded: [...recorded.keys()], tuned, choices, wrong, ms: now() - t0 };
}
