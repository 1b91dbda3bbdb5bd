/**
 * F: the functional layer (torch.nn.functional). Everything here is composed from
 * the differentiable ops in ops/; no derivative is written here.
 */
import { fromHost } from './creation';
import { fmt } from './shape';
import { Tensor } from './tensor';
import { reshape } from './ops/layout';
import { logSoftmax as logSoftmaxT, softmax as softmaxT } from './ops/reduce';
import { linearAct, matmul, matmulTransB } from './ops/matmul';
import type { EpilogueOp } from './backend';
import { conv2dPrim, convParams, type ConvOptions, type Pair, pair } from './ops/conv';
import { adaptiveMatrix, pool2dPrim, poolParams, type PoolOptions } from './ops/pool';
import { dropoutPrim, resizeBilinearPrim } from './ops/resize';
import { unary } from './ops/elementwise-ops';
import { batchNormOp } from './ops/batchnorm';
import { crossEntropyOp, labelTensor } from './ops/loss';

export { convParams, poolParams, adaptiveMatrix };
export type { ConvOptions, Pair, PoolOptions };

/** Lets 3-D [C, H, W] inputs through 4-D code, like PyTorch's unbatched inputs. */
function batched(x: Tensor, what: string, fn: (x4: Tensor) => Tensor): Tensor {
  if (x.ndim === 4) return fn(x);
  if (x.ndim === 3) {
    const y = fn(x.unsqueeze(0));
    return y.squeeze(0);
  }
  throw new Error(`${what} expects a 4-D [N, C, H, W] (or 3-D [C, H, W]) input, got shape ${fmt(x.shape)}`);
}

/** 2-D cross-correlation of a 2-D tensor X with a 2-D kernel K (d2l's corr2d). */
export function corr2d(X: Tensor, K: Tensor): Tensor {
  if (X.ndim !== 2 || K.ndim !== 2) throw new Error(`corr2d expects 2-D X and K, got ${fmt(X.shape)} and ${fmt(K.shape)}`);
  const [h, w] = X.shape;
  const [kh, kw] = K.shape;
  if (kh > h || kw > w) throw new Error(`corr2d: kernel ${fmt(K.shape)} is larger than the input ${fmt(X.shape)}`);
  const y = conv2d(reshape(X, [1, 1, h, w]), reshape(K, [1, 1, kh, kw]));
  return reshape(y, [h - kh + 1, w - kw + 1]);
}

/**
 * Multi-input-channel cross-correlation of X [cIn, h, w] with K [cIn, kh, kw],
 * summing over channels (d2l's corr2d_multi_in).
 */
export function corr2dMultiIn(X: Tensor, K: Tensor): Tensor {
  if (X.ndim !== 3 || K.ndim !== 3 || X.shape[0] !== K.shape[0]) {
    throw new Error(`corr2dMultiIn expects X [c, h, w] and K [c, kh, kw], got ${fmt(X.shape)} and ${fmt(K.shape)}`);
  }
  const y = conv2d(X.unsqueeze(0), K.unsqueeze(0));
  return reshape(y, y.shape.slice(2));
}

/**
 * 2-D convolution (cross-correlation) of x [N, cIn, H, W] with w [cOut, cIn, kH, kW] and
 * bias [cOut]; with `act` (relu, sigmoid or tanh), that activation of it, computed in
 * the convolution's kernel where the backend can (what nn.Sequential runs for a Conv2d
 * followed by that activation).
 */
export function conv2d(x: Tensor, weight: Tensor, bias: Tensor | null = null, opts: ConvOptions = {}, act: EpilogueOp | null = null): Tensor {
  return batched(x, 'conv2d', (x4) => {
    const p = convParams(x4.shape, weight.shape, opts);
    if (bias && (bias.ndim !== 1 || bias.shape[0] !== p.cOut)) throw new Error(`conv2d: bias must be [${p.cOut}], got ${fmt(bias.shape)}`);
    return conv2dPrim(x4, weight, bias, p, act);
  });
}

/** Max pooling; padding counts as -infinity. */
export function maxPool2d(x: Tensor, kernelSize: Pair, opts: PoolOptions = {}): Tensor {
  return batched(x, 'maxPool2d', (x4) => pool2dPrim(x4, poolParams('max', x4.shape, kernelSize, opts)));
}

/** Average pooling; padding counts as zeros in the full window (count_include_pad). */
export function avgPool2d(x: Tensor, kernelSize: Pair, opts: PoolOptions = {}): Tensor {
  return batched(x, 'avgPool2d', (x4) => pool2dPrim(x4, poolParams('avg', x4.shape, kernelSize, opts)));
}

/**
 * Adaptive average pooling to `outSize` (PyTorch semantics, any sizes). Evenly
 * divisible sizes use the pooling kernel; others two small averaging matmuls.
 */
export function adaptiveAvgPool2d(x: Tensor, outSz: Pair): Tensor {
  return batched(x, 'adaptiveAvgPool2d', (x4) => {
    const [n, c, h, w] = x4.shape;
    const [oh, ow] = pair(outSz, 'outSize');
    if (oh < 1 || ow < 1) throw new Error('adaptiveAvgPool2d: output size must be at least 1');
    if (h % oh === 0 && w % ow === 0) {
      const k: [number, number] = [h / oh, w / ow];
      return pool2dPrim(x4, poolParams('avg', x4.shape, k, { stride: k }));
    }
    const ph = fromHost(adaptiveMatrix(h, oh), [oh, h], x4.backend);
    const pw = fromHost(adaptiveMatrix(w, ow), [ow, w], x4.backend);
    const rows = matmul(ph, reshape(x4, [n * c, h, w])); // [nc, oh, w]
    return reshape(matmulTransB(rows, pw), [n, c, oh, ow]);
  });
}

export function relu(x: Tensor): Tensor {
  return unary('relu', x);
}
export function sigmoid(x: Tensor): Tensor {
  return unary('sigmoid', x);
}
export function tanh(x: Tensor): Tensor {
  return unary('tanh', x);
}

/** Zeroes elements with probability p and scales the rest by 1/(1-p) when training. */
export function dropout(x: Tensor, p = 0.5, training = true): Tensor {
  if (p < 0 || p > 1) throw new Error(`dropout probability must be in [0, 1], got ${p}`);
  if (!training || p === 0) return x;
  return dropoutPrim(x, p);
}

export interface BatchNormOptions {
  training?: boolean;
  /** Running-average factor (PyTorch's 0.1); null gives a cumulative average over `numBatchesTracked`. */
  momentum?: number | null;
  eps?: number;
  /** Batches seen so far including this one (used when momentum is null). */
  numBatchesTracked?: number;
  /** Added to the normalised output before `act`, in the same kernel (a tensor of x's shape). */
  residual?: Tensor | null;
  /** An activation applied last, in the same kernel: act(bn(x) + residual). */
  act?: EpilogueOp | null;
}

/**
 * Batch normalisation of [N, C] or [N, C, H, W] input. In training it normalises by
 * the batch's biased variance and updates the running statistics in place (with the
 * unbiased variance), like PyTorch; in evaluation it uses the running statistics.
 */
export function batchNorm(
  x: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  weight: Tensor | null = null,
  bias: Tensor | null = null,
  opts: BatchNormOptions = {},
): Tensor {
  const training = opts.training ?? false;
  const useBatch = training || !runningMean || !runningVar;
  const perChannel = x.size / (x.shape[1] || 1);
  if (training && x.ndim >= 2 && perChannel <= 1) throw new Error(`batchNorm: expected more than 1 value per channel when training, got input ${fmt(x.shape)}`);
  const momentum = opts.momentum === null ? 1 / Math.max(1, opts.numBatchesTracked ?? 1) : (opts.momentum ?? 0.1);
  return batchNormOp(x, useBatch ? (training ? runningMean : null) : runningMean, useBatch ? (training ? runningVar : null) : runningVar, weight, bias, {
    batchStats: useBatch,
    eps: opts.eps ?? 1e-5,
    momentum: training && runningMean && runningVar ? momentum : undefined,
    residual: opts.residual,
    act: opts.act,
  });
}

export function softmax(x: Tensor, dim = -1): Tensor {
  return softmaxT(x, dim);
}
export function logSoftmax(x: Tensor, dim = -1): Tensor {
  return logSoftmaxT(x, dim);
}

/** One-hot rows [n, c] of the labels (checked as cross-entropy checks them). */
function oneHotFor(labels: Tensor | readonly number[], n: number, c: number, like: Tensor): Tensor {
  const classes = fromHost(Float32Array.from({ length: c }, (_, i) => i), [1, c], like.backend);
  return reshape(labelTensor(labels, n, c, like), [n, 1]).eq(classes);
}

export interface LossOptions {
  reduction?: 'mean' | 'sum' | 'none';
}

function reduceLoss(perItem: Tensor, reduction: LossOptions['reduction']): Tensor {
  if (reduction === 'none') return perItem;
  if (reduction === 'sum') return perItem.sum();
  return perItem.mean();
}

/**
 * Cross-entropy of logits [N, C] against class indices (a tensor of N indices or a
 * number[]), mean over the batch by default; stable for large logits. `tally`: a [2]
 * tensor to which the batch's summed loss and correct count are added in place.
 */
export function crossEntropy(logits: Tensor, labels: Tensor | readonly number[], opts: LossOptions & { tally?: Tensor } = {}): Tensor {
  return crossEntropyOp(logits, labels, opts);
}

/** Negative log-likelihood of log-probabilities [N, C] at the labels. */
export function nllLoss(logProbs: Tensor, labels: Tensor | readonly number[], opts: LossOptions = {}): Tensor {
  const [n, c] = logProbs.shape;
  const onehot = oneHotFor(labels, n, c, logProbs);
  return reduceLoss(logProbs.mul(onehot).sum(1).neg(), opts.reduction);
}

/** Mean squared error (torch.nn.functional.mse_loss). */
export function mseLoss(input: Tensor, target: Tensor, opts: LossOptions = {}): Tensor {
  const d = input.sub(target).square();
  if (opts.reduction === 'none') return d;
  return opts.reduction === 'sum' ? d.sum() : d.mean();
}

/**
 * x [..., in] @ weight[out, in]^T + bias[out]; with `act` (relu, sigmoid or tanh), that
 * activation of it, in the product's kernel where the backend can.
 */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null = null, act: EpilogueOp | null = null): Tensor {
  if (weight.ndim !== 2) throw new Error(`linear: weight must be [out, in], got ${fmt(weight.shape)}`);
  if (x.shape[x.ndim - 1] !== weight.shape[1]) {
    throw new Error(`linear: input features ${x.shape[x.ndim - 1]} do not match the weight's ${weight.shape[1]} (input ${fmt(x.shape)}, weight ${fmt(weight.shape)})`);
  }
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== weight.shape[0])) throw new Error(`linear: bias must be [${weight.shape[0]}], got ${fmt(bias.shape)}`);
  return linearAct(x, weight, bias, act);
}

/** Bilinear resize of NCHW x to [h, w] (align_corners=false, PyTorch's default). */
export function interpolateBilinear(x: Tensor, size: Pair): Tensor {
  return batched(x, 'interpolateBilinear', (x4) => {
    const [h, w] = pair(size, 'size');
    if (h < 1 || w < 1) throw new Error('interpolateBilinear: output size must be at least 1');
    if (h === x4.shape[2] && w === x4.shape[3]) return x4.clone();
    return resizeBilinearPrim(x4, h, w);
  });
}

/** flatten(x, start=1) as nn.Flatten does. */
export function flatten(x: Tensor, startDim = 1, endDim = -1): Tensor {
  return x.flatten(startDim, endDim);
}
