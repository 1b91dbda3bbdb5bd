/**
 * The wasm backend's batch normalisation (kernels/batchnorm.c, tasks by channels): the
 * statistics, the normalisation with its epilogue (residual, activation), and the backward
 * (through the activation's derivative first, where there was one).
 */
import type { BatchNormParams, EpilogueOp, NormActGrad, NormEpilogue, Storage } from '../backend';
import type { WasmBackend } from './index';

/** kernels/activations.h's codes of the epilogue activations. */
const ACT_CODES: Record<EpilogueOp, number> = { relu: 1, sigmoid: 2, tanh: 3 };

interface Pointers { x: number; mean: number; variance: number; weight?: number; bias?: number; y?: number; dx?: number; dw?: number; db?: number; r?: number; ga?: number }

/** The parameter block of kernels/batchnorm.c; pointers the call does not use are 0. */
function args(be: WasmBackend, p: BatchNormParams, ptr: Pointers, batchStats = false, act: EpilogueOp | null = null): number[] {
  const tasks = be.tasks(8 * p.n * p.c * p.hw, p.c, 2);
  const eps = new Int32Array(new Float32Array([p.eps]).buffer)[0];
  const code = act ? ACT_CODES[act] : 0;
  return [p.n, p.c, p.hw, tasks, eps, batchStats ? 1 : 0, ptr.x, ptr.mean, ptr.variance, ptr.weight ?? 0, ptr.bias ?? 0, ptr.y ?? 0, ptr.dx ?? 0, ptr.dw ?? 0, ptr.db ?? 0, ptr.r ?? 0, code, ptr.ga ?? 0];
}

/** The pointers every kernel takes: x, the statistics and the weight (0 for none). */
function common(be: WasmBackend, x: Storage, mean: Storage, variance: Storage, weight: Storage | null, p: BatchNormParams): Pointers {
  return { x: be.put(x, p.n * p.c * p.hw), mean: be.put(mean, p.c), variance: be.put(variance, p.c), weight: weight ? be.put(weight, p.c) : 0 };
}

export function batchNormStats(be: WasmBackend, x: Storage, p: BatchNormParams): { mean: Storage; variance: Storage } {
  const K = be.kernels;
  K.reset();
  const px = be.put(x, p.n * p.c * p.hw);
  const pm = K.alloc(p.c);
  const pv = K.alloc(p.c);
  K.runExport(K.exports.batchnorm_stats, args(be, p, { x: px, mean: pm, variance: pv }));
  return { mean: be.output(pm, p.c), variance: be.output(pv, p.c) };
}

/** The normalisation, then epi's residual and activation (relu or sigmoid) as each row is stored. */
export function batchNormApply(
  be: WasmBackend, x: Storage, mean: Storage, variance: Storage, weight: Storage | null, bias: Storage | null, p: BatchNormParams, epi?: NormEpilogue,
): Storage {
  const size = p.n * p.c * p.hw;
  const K = be.kernels;
  K.reset();
  const y = be.out(size);
  const ptr = { ...common(be, x, mean, variance, weight, p), bias: bias ? be.put(bias, p.c) : 0, y: y.at, r: epi?.residual ? be.put(epi.residual, size) : 0 };
  K.runExport(K.exports.batchnorm_apply, args(be, p, ptr, false, epi?.act));
  return y.done();
}

/** dx, dWeight, dBias from g; with `act`, from g through the activation's derivative (kept as `g` when asked). */
export function batchNormBackward(
  be: WasmBackend, g: Storage, x: Storage, mean: Storage, variance: Storage, weight: Storage | null, p: BatchNormParams & { batchStats: boolean }, act?: NormActGrad,
): { dx: Storage; dWeight: Storage; dBias: Storage; g?: Storage } {
  const size = p.n * p.c * p.hw;
  const K = be.kernels;
  K.reset();
  const dx = be.out(size);
  // The gradient through the activation: kept as an output, or in scratch memory.
  const ga = act?.keepG ? be.out(size) : null;
  const ptr = {
    ...common(be, x, mean, variance, weight, p),
    y: be.put(g, size),
    dx: dx.at,
    dw: K.alloc(p.c),
    db: K.alloc(p.c),
    r: act ? be.put(act.y, size) : 0,
    ga: ga ? ga.at : act ? K.alloc(size) : 0,
  };
  K.runExport(K.exports.batchnorm_backward, args(be, p, ptr, p.batchStats, act?.op));
  const grads = { dx: dx.done(), dWeight: be.output(ptr.dw, p.c), dBias: be.output(ptr.db, p.c) };
  return ga ? { ...grads, g: ga.done() } : grads;
}
