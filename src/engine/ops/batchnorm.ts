/**
 * Batch normalisation as one op with fused kernels: per-channel statistics, the
 * normalisation with its affine transform, the running-statistics update (in place,
 * like PyTorch's), and one backward kernel for dx, dWeight and dBias. Composed from
 * element-wise ops the same layer took about 45 kernels a training step; fused it
 * takes 5. Numerics are PyTorch's: biased variance to normalise, unbiased for the
 * running variance, eps inside the square root.
 *
 * Its epilogue: a residual added and an activation applied as the output is stored
 * (`residual`, `act`): ResNet's relu(bn(conv(x)) + shortcut) and the relu after a
 * norm are then one pass forward, and the activation's derivative is taken as the
 * backward kernels read the gradient, instead of four more passes over the tensor.
 */
import type { BatchNormParams, EpilogueOp } from '../backend';
import { backendOf, output } from '../autograd';
import { fmt } from '../shape';
import type { Tensor } from '../tensor';

export interface BatchNormOpOptions {
  /** Normalise by the batch's own statistics (training) instead of the running ones. */
  batchStats: boolean;
  eps: number;
  /** When set with batchStats, the running statistics are updated in place with this factor. */
  momentum?: number;
  /** Added to the normalised output (a tensor of x's shape) before `act`. */
  residual?: Tensor | null;
  /** The activation applied last (one whose derivative can be taken from its output). */
  act?: EpilogueOp | null;
}

/** The shape rule: x is [N, C] or [N, C, H, W]; every per-channel tensor has C elements. */
export function batchNormParams(x: Tensor, eps: number, perChannel: (Tensor | null)[]): BatchNormParams {
  if (x.ndim !== 2 && x.ndim !== 4) throw new Error(`batchNorm expects [N, C] or [N, C, H, W] input, got ${fmt(x.shape)}`);
  const [n, c] = x.shape;
  for (const t of perChannel) {
    if (t && t.size !== c) throw new Error(`batchNorm: a per-channel tensor has ${t.size} elements but the input has ${c} channels`);
  }
  return { n, c, hw: x.ndim === 4 ? x.shape[2] * x.shape[3] : 1, eps };
}

export function batchNormOp(
  x: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  weight: Tensor | null,
  bias: Tensor | null,
  o: BatchNormOpOptions,
): Tensor {
  const p = batchNormParams(x, o.eps, [runningMean, runningVar, weight, bias]);
  const residual = o.residual ?? null, act = o.act ?? null;
  if (residual && (residual.ndim !== x.ndim || residual.shape.some((d, i) => d !== x.shape[i]))) {
    throw new Error(`batchNorm: the residual's shape ${fmt(residual.shape)} is not the input's ${fmt(x.shape)}`);
  }
  const be = backendOf(...[x, runningMean, runningVar, weight, bias, residual].filter((t): t is Tensor => t !== null));
  let mean: Tensor, variance: Tensor;
  if (o.batchStats) {
    const running = o.momentum !== undefined && runningMean && runningVar ? { mean: runningMean._s, variance: runningVar._s, momentum: o.momentum } : undefined;
    const s = be.batchNormStats(x._s, p, running);
    mean = output(be, s.mean, [p.c], 'batchNormMean', [], null);
    variance = output(be, s.variance, [p.c], 'batchNormVar', [], null);
  } else {
    if (!runningMean || !runningVar) throw new Error('batchNorm: evaluation mode needs the running mean and variance');
    mean = runningMean;
    variance = runningVar;
  }
  const parents = [x, ...(weight ? [weight] : []), ...(bias ? [bias] : []), ...(residual ? [residual] : [])];
  const epi = residual || act ? { act, residual: residual ? residual._s : null } : undefined;
  const ys = be.batchNormApply(x._s, mean._s, variance._s, weight ? weight._s : null, bias ? bias._s : null, p, epi);
  const name = `batchNorm${residual ? '+add' : ''}${act ? `+${act}` : ''}`;
  const y: Tensor = output(be, ys, x.shape, name, parents, (g) => {
    // The residual's gradient is the one at the sum: g through the activation, or g itself.
    const keepG = !!(act && residual?.requiresGrad);
    const r = be.batchNormBackward(g._s, x._s, mean._s, variance._s, weight ? weight._s : null, { ...p, batchStats: o.batchStats }, act ? { op: act, y: y._s, keepG } : undefined);
    const dx = output(be, r.dx, x.shape, 'batchNormBackward', [], null);
    const dw = output(be, r.dWeight, [p.c], 'batchNormBackward', [], null);
    const db = output(be, r.dBias, [p.c], 'batchNormBackward', [], null);
    const grads: (Tensor | null)[] = [x.requiresGrad ? dx : null];
    if (weight) grads.push(weight.requiresGrad ? dw.reshape(weight.shape) : null);
    if (bias) grads.push(bias.requiresGrad ? db.reshape(bias.shape) : null);
    if (residual) grads.push(!residual.requiresGrad ? null : r.g ? output(be, r.g, x.shape, 'batchNormBackward', [], null) : g);
    return grads;
  });
  return y;
}
