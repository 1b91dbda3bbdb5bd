/**
 * WebGPU batch normalisation: per-channel statistics and backward sums (a workgroup, or
 * part of one, per channel; or per chunk of a channel and then a fold), the element-wise
 * normalisation and input gradient, and the in-place running-statistics update.
 */
import type { BatchNormParams, BatchNormRunning, NormActGrad, NormEpilogue, Storage } from '../backend';
import { derivativeWgsl, epilogueWgsl, type EpilogueOp } from '../ops/elementwise';
import type { GPUStorage, WebGPUBackend } from './index';
import { Words } from './runtime';
import { CHANNEL_REDUCE_VARIANTS, channelChunks } from './variants';
import { wgsl } from './wgsl';
import statsSrcRaw from '../../../shaders/batchnorm-stats.wgsl?raw';
import applySrcRaw from '../../../shaders/batchnorm-apply.wgsl?raw';
import sumsSrcRaw from '../../../shaders/batchnorm-backward-sums.wgsl?raw';
import dxSrcRaw from '../../../shaders/batchnorm-backward-dx.wgsl?raw';
import runningSrcRaw from '../../../shaders/batchnorm-running.wgsl?raw';
import foldSrcRaw from '../../../shaders/batchnorm-fold.wgsl?raw';

const [statsSrc, applySrc, sumsSrc, runningSrc, foldSrc] = [statsSrcRaw, applySrcRaw, sumsSrcRaw, runningSrcRaw, foldSrcRaw].map((src) => wgsl(src));
/** The dx kernel without and with the activation's derivative (the second binds y, a ninth storage buffer). */
const dxSrcs = [0, 1].map((ACT) => wgsl(dxSrcRaw, { ACT }));

const withFns = new Map<string, string>();
/**
 * Kernel `kernel`'s source after the WGSL function of activation `op` that it calls: `act(x)`
 * for the normalisation, `derivative(v, g)` for the backward passes (the identity, or g,
 * for none).
 */
function withAct(kernel: 'apply' | 'sums' | 'dx', op: EpilogueOp | null): string {
  const key = `${kernel}:${op}`;
  let code = withFns.get(key);
  if (code === undefined) {
    const fn = kernel === 'apply' ? epilogueWgsl(op) : op ? derivativeWgsl(op) : 'fn derivative(v: f32, g: f32) -> f32 { return g; }\n';
    withFns.set(key, (code = fn + { apply: applySrc, sums: sumsSrc, dx: dxSrcs[op ? 1 : 0] }[kernel]));
  }
  return code;
}

/** How a batch-norm input's per-channel reductions run: a variant's constants, the chunks a channel is cut into, the workgroups. */
interface ChannelReduce {
  variant: string;
  constants: { WG: number; LANES: number };
  /** Values a channel holds (n * hw). */
  count: number;
  /** Chunks per channel (1: each lane group sums a whole channel, no fold), of `len` values. */
  split: number;
  len: number;
  workgroups: number;
}

/**
 * The per-channel reduction variant for a batch-norm input of shape p (`variant`, or the
 * tuning's choice for that shape): its constants, chunks and workgroup count.
 */
function channelReduce(be: WebGPUBackend, p: BatchNormParams, variant = be.kernels.variantFor('channelReduce', { n: p.n, c: p.c, hw: p.hw })): ChannelReduce {
  let v = CHANNEL_REDUCE_VARIANTS[variant] ?? CHANNEL_REDUCE_VARIANTS['lanes-256'];
  if (v.fewChannels && p.c < v.fewChannels.below) v = CHANNEL_REDUCE_VARIANTS[(variant = v.fewChannels.use)];
  let split = v.split ? channelChunks(v.split, p) : 1;
  if (v.split && split < 2) {
    v = CHANNEL_REDUCE_VARIANTS[(variant = v.split.fallback)];
    split = 1;
  }
  const count = p.n * p.hw;
  return { variant, constants: v.constants, count, split, len: Math.ceil(count / split), workgroups: Math.ceil((p.c * split) / (v.constants.WG / v.constants.LANES)) };
}

/** PyTorch's factor from the biased variance of `count` values to the unbiased one, for the running variance. */
function unbias(count: number): number {
  return count > 1 ? count / (count - 1) : 1;
}

/**
 * Where the reduction pass stores its two per-channel results: `final` itself, or, where
 * the channels are split, two c x split buffers of partial results that `fold` folds into it.
 */
function reductionTargets(be: WebGPUBackend, r: ChannelReduce, p: BatchNormParams, final: [GPUStorage, GPUStorage]): { targets: [GPUStorage, GPUStorage]; parts: [GPUStorage, GPUStorage] | null } {
  const parts: [GPUStorage, GPUStorage] | null = r.split > 1 ? [be.out(p.c * r.split), be.out(p.c * r.split)] : null;
  return { targets: parts ?? final, parts };
}

/**
 * Folds a split reduction's partial results (c x split of each) into per-channel ones
 * (batchnorm-fold.wgsl): the statistics, or with `variance` the backward sums; frees the partials.
 */
function fold(be: WebGPUBackend, r: ChannelReduce, p: BatchNormParams, parts: [GPUStorage, GPUStorage], out: [GPUStorage, GPUStorage], extra: { running?: BatchNormRunning; variance?: Storage }) {
  const { running, variance } = extra;
  be.rt.dispatch({
    key: `batchnorm-fold:${variance ? 'sums' : 'stats'}:${running ? 1 : 0}`,
    code: foldSrc,
    constants: { SUMS: variance ? 1 : 0, RUNNING: running ? 1 : 0 },
    buffers: [parts[0].buffer, parts[1].buffer, out[0].buffer, out[1].buffer, running ? be.buf(running.mean) : be.dummy, running ? be.buf(running.variance) : be.dummy2, variance ? be.buf(variance) : parts[0].buffer],
    uniforms: new Words()
      .u32(p.c, r.split, r.len, r.count)
      .f32(running?.momentum ?? 0, unbias(r.count), p.eps)
      .buffer(),
    workgroups: p.c,
  });
  for (const s of parts) be.free(s);
}

/** The per-channel statistics, and with `running` their running averages' update, in one dispatch (two where the channels are split). */
export function batchNormStats(be: WebGPUBackend, x: Storage, p: BatchNormParams, variant?: string, running?: BatchNormRunning): { mean: Storage; variance: Storage } {
  const mean = be.out(p.c);
  const variance = be.out(p.c);
  const r = channelReduce(be, p, variant);
  const { targets, parts } = reductionTargets(be, r, p, [mean, variance]);
  // Split, the fold updates the running statistics.
  const live = parts ? undefined : running;
  be.rt.dispatch({
    key: `batchnorm-stats:${r.variant}:${live ? 1 : 0}`,
    code: statsSrc,
    constants: { ...r.constants, RUNNING: live ? 1 : 0 },
    buffers: [be.buf(x), targets[0].buffer, targets[1].buffer, live ? be.buf(live.mean) : be.dummy, live ? be.buf(live.variance) : be.dummy2],
    uniforms: new Words()
      .u32(p.n, p.c, p.hw)
      .f32(running?.momentum ?? 0, unbias(r.count))
      .u32(r.split, r.len)
      .buffer(),
    workgroups: r.count > 0 ? r.workgroups : 0,
  });
  if (parts) fold(be, r, p, parts, [mean, variance], { running });
  return { mean, variance };
}

/** The normalisation, with `epi`'s residual added and activation applied as each output is stored. */
export function batchNormApply(
  be: WebGPUBackend, x: Storage, mean: Storage, variance: Storage, weight: Storage | null, bias: Storage | null, p: BatchNormParams, epi?: NormEpilogue,
): Storage {
  const o = be.out(x.size);
  const act = epi?.act ?? null, residual = epi?.residual ?? null;
  be.rt.dispatch({
    key: `batchnorm-apply:${act ?? ''}:${residual ? 1 : 0}`,
    code: withAct('apply', act),
    constants: { RESIDUAL: residual ? 1 : 0 },
    buffers: [be.buf(x), be.buf(mean), be.buf(variance), weight ? be.buf(weight) : be.dummy, bias ? be.buf(bias) : be.dummy, o.buffer, residual ? be.buf(residual) : be.dummy],
    uniforms: new Words().u32(x.size, p.c, p.hw, weight ? 1 : 0, bias ? 1 : 0).f32(p.eps).buffer(),
    workgroups: Math.ceil(x.size / 256),
  });
  return o;
}

/**
 * dBias and dWeight (one pass of per-channel sums, and a fold where the channels are split),
 * then dx (one pass per element). With `act`, both passes take g through the activation's
 * derivative as they read it; the first also stores that gradient when `act.keepG`, and the
 * second then reads it instead. A device with fewer than nine storage buffers per stage (the
 * WebGPU minimum is eight) stores it always, since dx with the derivative binds nine.
 */
export function batchNormBackward(
  be: WebGPUBackend, g: Storage, x: Storage, mean: Storage, variance: Storage, weight: Storage | null, p: BatchNormParams & { batchStats: boolean }, variant?: string, act?: NormActGrad,
): { dx: Storage; dWeight: Storage; dBias: Storage; g?: Storage } {
  const dBias: GPUStorage = be.out(p.c);
  const dWeight: GPUStorage = be.out(p.c);
  const dx: GPUStorage = be.out(x.size);
  const op = act?.op ?? null;
  // The caller wants g' (the residual's gradient), or dx could not bind y beside the rest.
  const wanted = act?.keepG === true;
  const kept = wanted || (op && be.rt.maxStorageBuffers < 9) ? be.out(x.size) : undefined;
  const stats = [be.buf(x), be.buf(mean), be.buf(variance)];
  const r = channelReduce(be, p, variant);
  const { targets, parts } = reductionTargets(be, r, p, [dBias, dWeight]);
  be.rt.dispatch({
    key: `batchnorm-backward-sums:${r.variant}:${op ?? ''}:${kept ? 1 : 0}`,
    code: withAct('sums', op),
    constants: { ...r.constants, ACT: op ? 1 : 0, KEEP_G: kept ? 1 : 0 },
    buffers: [be.buf(g), ...stats, targets[0].buffer, targets[1].buffer, act ? be.buf(act.y) : be.dummy, kept ? kept.buffer : be.dummy2],
    uniforms: new Words().u32(p.n, p.c, p.hw).f32(p.eps).u32(r.split, r.len).buffer(),
    workgroups: r.count > 0 ? r.workgroups : 0,
  });
  if (parts) fold(be, r, p, parts, [dBias, dWeight], { variance });
  // With g' stored, dx reads it as its g and needs no derivative.
  const dxOp = kept ? null : op;
  be.rt.dispatch({
    key: `batchnorm-backward-dx:${p.batchStats ? 1 : 0}:${dxOp ?? ''}`,
    code: withAct('dx', dxOp),
    constants: { BATCH_STATS: p.batchStats ? 1 : 0 },
    buffers: [kept ? kept.buffer : be.buf(g), ...stats, weight ? be.buf(weight) : be.dummy, dBias.buffer, dWeight.buffer, dx.buffer, dxOp ? be.buf(act!.y) : null],
    uniforms: new Words().u32(x.size, p.c, p.hw, p.n * p.hw, weight ? 1 : 0).f32(p.eps).buffer(),
    workgroups: Math.ceil(x.size / 256),
  });
  if (wanted) return { dx, dWeight, dBias, g: kept };
  if (kept) be.free(kept);
  return { dx, dWeight, dBias };
}

export function batchNormUpdateRunning(
  be: WebGPUBackend, runningMean: Storage, runningVar: Storage, mean: Storage, variance: Storage, p: BatchNormParams & { momentum: number },
): void {
  be.rt.dispatch({
    key: 'batchnorm-running',
    code: runningSrc,
    buffers: [be.buf(runningMean), be.buf(runningVar), be.buf(mean), be.buf(variance)],
    uniforms: new Words().u32(p.c).f32(p.momentum, unbias(p.n * p.hw)).buffer(),
    workgroups: Math.ceil(p.c / 64),
  });
}
