/**
 * WebGPU batch normalisation: per-channel statistics and backward sums (one workgroup
 * per channel), the element-wise normalisation and input gradient, and the in-place
 * running-statistics update.
 */
import type { BatchNormParams, BatchNormRunning, Storage } from '../backend';
import type { GPUStorage, WebGPUBackend } from './index';
import { Words } from './runtime';
import { CHANNEL_REDUCE_VARIANTS } from './variants';
import { wgsl } from './wgsl';
import statsSrcRaw from '../../../shaders/batchnorm-stats.wgsl?raw';
import applySrcRaw from '../../../shaders/batchnorm-apply.wgsl?raw';
import sumsSrcRaw from '../../../shaders/batchnorm-backward-sums.wgsl?raw';
import dxSrcRaw from '../../../shaders/batchnorm-backward-dx.wgsl?raw';
import runningSrcRaw from '../../../shaders/batchnorm-running.wgsl?raw';

const [statsSrc, applySrc, sumsSrc, dxSrc, runningSrc] = [statsSrcRaw, applySrcRaw, sumsSrcRaw, dxSrcRaw, runningSrcRaw].map((src) => wgsl(src));

/**
 * The per-channel reduction variant for a batch-norm input of shape p (`variant`, or the
 * tuning's choice for that shape): its constants and workgroup count.
 */
function channelReduce(be: WebGPUBackend, p: BatchNormParams, variant = be.kernels.variantFor('channelReduce', { n: p.n, c: p.c, hw: p.hw })) {
  let v = CHANNEL_REDUCE_VARIANTS[variant] ?? CHANNEL_REDUCE_VARIANTS['lanes-256'];
  if (v.fewChannels && p.c < v.fewChannels.below) v = CHANNEL_REDUCE_VARIANTS[(variant = v.fewChannels.use)];
  return { variant, constants: v.constants, workgroups: Math.ceil(p.c / (v.constants.WG / v.constants.LANES)) };
}

/** The per-channel statistics, and with `running` their running averages' update, in one dispatch. */
export function batchNormStats(be: WebGPUBackend, x: Storage, p: BatchNormParams, variant?: string, running?: BatchNormRunning): { mean: Storage; variance: Storage } {
  const mean = be.out(p.c);
  const variance = be.out(p.c);
  const r = channelReduce(be, p, variant);
  const count = p.n * p.hw;
  be.rt.dispatch({
    key: `batchnorm-stats:${r.variant}:${running ? 1 : 0}`,
    code: statsSrc,
    constants: { ...r.constants, RUNNING: running ? 1 : 0 },
    buffers: [be.buf(x), mean.buffer, variance.buffer, running ? be.buf(running.mean) : be.dummy, running ? be.buf(running.variance) : be.dummy2],
    uniforms: new Words()
      .u32(p.n, p.c, p.hw)
      .f32(running?.momentum ?? 0, count > 1 ? count / (count - 1) : 1)
      .buffer(),
    workgroups: p.n * p.hw > 0 ? r.workgroups : 0,
  });
  return { mean, variance };
}

export function batchNormApply(
  be: WebGPUBackend, x: Storage, mean: Storage, variance: Storage, weight: Storage | null, bias: Storage | null, p: BatchNormParams,
): Storage {
  const o = be.out(x.size);
  be.rt.dispatch({
    key: 'batchnorm-apply',
    code: applySrc,
    buffers: [be.buf(x), be.buf(mean), be.buf(variance), weight ? be.buf(weight) : be.dummy, bias ? be.buf(bias) : be.dummy, o.buffer],
    uniforms: new Words().u32(x.size, p.c, p.hw, weight ? 1 : 0, bias ? 1 : 0).f32(p.eps).buffer(),
    workgroups: Math.ceil(x.size / 256),
  });
  return o;
}

export function batchNormBackward(
  be: WebGPUBackend, g: Storage, x: Storage, mean: Storage, variance: Storage, weight: Storage | null, p: BatchNormParams & { batchStats: boolean }, variant?: string,
): { dx: Storage; dWeight: Storage; dBias: Storage } {
  const dBias: GPUStorage = be.out(p.c);
  const dWeight: GPUStorage = be.out(p.c);
  const dx: GPUStorage = be.out(x.size);
  const common = [be.buf(g), be.buf(x), be.buf(mean), be.buf(variance)];
  const r = channelReduce(be, p, variant);
  be.rt.dispatch({
    key: `batchnorm-backward-sums:${r.variant}`,
    code: sumsSrc,
    constants: r.constants,
    buffers: [...common, dBias.buffer, dWeight.buffer],
    uniforms: new Words().u32(p.n, p.c, p.hw).f32(p.eps).buffer(),
    workgroups: p.n * p.hw > 0 ? r.workgroups : 0,
  });
  be.rt.dispatch({
    key: `batchnorm-backward-dx:${p.batchStats ? 1 : 0}`,
    code: dxSrc,
    constants: { BATCH_STATS: p.batchStats ? 1 : 0 },
    buffers: [...common, weight ? be.buf(weight) : be.dummy, dBias.buffer, dWeight.buffer, dx.buffer],
    uniforms: new Words().u32(x.size, p.c, p.hw, p.n * p.hw, weight ? 1 : 0).f32(p.eps).buffer(),
    workgroups: Math.ceil(x.size / 256),
  });
  return { dx, dWeight, dBias };
}

export function batchNormUpdateRunning(
  be: WebGPUBackend, runningMean: Storage, runningVar: Storage, mean: Storage, variance: Storage, p: BatchNormParams & { momentum: number },
): void {
  const count = p.n * p.hw;
  be.rt.dispatch({
    key: 'batchnorm-running',
    code: runningSrc,
    buffers: [be.buf(runningMean), be.buf(runningVar), be.buf(mean), be.buf(variance)],
    uniforms: new Words().u32(p.c).f32(p.momentum, count > 1 ? count / (count - 1) : 1).buffer(),
    workgroups: Math.ceil(p.c / 64),
  });
}
