/**
 * The backend contract.
 *
 * A backend owns memory (opaque `Storage` handles holding float32 elements) and runs
 * kernels over it. Every kernel reads contiguous row-major float32 inputs and returns
 * a NEW storage, except the optimizer kernels, which update their first arguments in
 * place. Shapes are passed explicitly; storage carries only its element count.
 *
 * The engine above (tensor.ts, ops, autograd, nn, optim) is written once against this
 * interface; `cpu` is the plain-TypeScript reference and `webgpu` must give the same
 * numbers (f32, 1e-4 abs/rel where the maths allows). A kernel may be asynchronous on
 * the device, but the only call that waits is `read`.
 *
 * Conventions
 * - Images are NCHW, conv weights are [cOut, cIn, kH, kW] (PyTorch).
 * - Broadcasting follows NumPy/PyTorch: shapes are right-aligned, size-1 axes stretch.
 * - Integer results (argmax, masks) are stored as float32.
 * - Max-pool pads with -inf; average-pool divides by the full window including padding
 *   (PyTorch's count_include_pad=True default).
 */

import type { BinaryOp, EpilogueOp, FusedDerivativeOp, UnaryOp } from './ops/elementwise';

export type { BinaryOp, EpilogueOp, FusedDerivativeOp, UnaryOp } from './ops/elementwise';
export { outSize } from './shape';

export interface Storage {
  /** Number of float32 elements. */
  readonly size: number;
}

export type BackendName = 'cpu' | 'webgpu' | 'wasm';

export type ReduceOp = 'sum' | 'max' | 'min';

/** A kH x kW window sliding over an h x w plane: what convolution and pooling share. */
export interface Window2d {
  h: number;
  w: number;
  kH: number;
  kW: number;
  strideH: number;
  strideW: number;
  padH: number;
  padW: number;
  /** Output size: floor((h + 2 padH - kH) / strideH) + 1, and likewise for w. */
  outH: number;
  outW: number;
}

export interface Conv2dParams extends Window2d {
  n: number;
  cIn: number;
  cOut: number;
}

export interface Pool2dParams extends Window2d {
  mode: 'max' | 'avg';
  n: number;
  c: number;
}

/** Batch normalisation of x viewed as [n, c, hw], statistics per channel c. */
export interface BatchNormParams {
  n: number;
  c: number;
  /** Elements per image and channel (h * w; 1 for [N, C] input). */
  hw: number;
  eps: number;
}

/** The running statistics a training-mode batch norm updates, and its momentum. */
export interface BatchNormRunning {
  mean: Storage;
  variance: Storage;
  momentum: number;
}

/**
 * What a batch norm's kernel does after normalising, as it stores each output: adds
 * `residual` (an input of x's shape; none: null), then applies `act` (none: null).
 * ResNet's blocks end in exactly this: relu(bn(conv(x)) + shortcut).
 */
export interface NormEpilogue {
  act: EpilogueOp | null;
  residual: Storage | null;
}

/**
 * The activation a batch norm's output went through (NormEpilogue's `act`), for its
 * backward: `y` the output stored; `keepG` also returns g' = act'(y) g, the gradient at
 * the residual's sum (the residual's own gradient).
 */
export interface NormActGrad {
  op: EpilogueOp;
  y: Storage;
  keepG: boolean;
}

/** Cross-entropy of logits [n, c] against class indices (stored as f32). */
export interface CrossEntropyParams {
  n: number;
  c: number;
  reduction: 'mean' | 'sum' | 'none';
}

export interface SgdParams {
  lr: number;
  momentum: number;
  weightDecay: number;
  dampening: number;
  nesterov: boolean;
  /** True on the first step: the momentum buffer is set to the gradient (PyTorch). */
  firstStep: boolean;
}

/** One parameter of an SGD step: updated in place with its gradient (and momentum buffer). */
export interface SgdItem {
  param: Storage;
  grad: Storage;
  momentumBuf: Storage | null;
}

export interface AdamParams {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** 1-based step count, for bias correction. */
  step: number;
}

/** The most threads the wasm backend runs its kernels on by default (the machine's cores, up to this). */
export const WASM_MAX_THREADS = 8;

/**
 * What a backend computes on, as fields an app can put in words in any language (its
 * `description` is the same in English, for logs).
 */
export type BackendAbout =
  | { kind: 'webgpu'; adapter: string; software: boolean }
  | { kind: 'wasm'; fma: boolean; threads: number }
  | { kind: 'cpu'; float64: boolean };

export interface Backend {
  readonly name: BackendName;
  /** Human-readable device description, e.g. the WebGPU adapter's vendor/architecture. */
  readonly description: string;
  /** The same as fields. */
  readonly about: BackendAbout;

  // ---- memory -------------------------------------------------------------------
  /** A storage of `size` zeros. */
  zeros(size: number): Storage;
  fromData(data: Float32Array): Storage;
  /** Copies the storage back to the host; the only call that waits for the device. */
  read(s: Storage): Promise<Float32Array>;
  /** Synchronous read; only backends with host memory (cpu) implement it. */
  readSync?(s: Storage): Float32Array;
  /** Returns memory to the backend; the handle must not be used again. */
  free(s: Storage): void;
  /** Bytes currently held for live storages (for leak tests). */
  memoryBytes(): number;
  /** Gives back what is kept for reuse beyond the live storages (a buffer pool), as after a training run. */
  trimMemory?(): void;
  /** Submits queued work (no-op on cpu). */
  flush(): void;

  // ---- element-wise ---------------------------------------------------------------
  fill(size: number, value: number): Storage;
  unary(op: UnaryOp, x: Storage): Storage;
  /** Broadcasting binary op of ops/elementwise.ts; `outShape` is the broadcast of aShape and bShape. */
  /** Element-wise op of ops/elementwise.ts. */
  binary(op: BinaryOp, a: Storage, aShape: readonly number[], b: Storage, bShape: readonly number[], outShape: readonly number[]): Storage;
  /** out = cond != 0 ? a : b, all three of the same size. */
  where(cond: Storage, a: Storage, b: Storage): Storage;
  /**
   * A unary op's fused gradient g * f'(v) in one pass (ops with a `derivative` in
   * ops/elementwise.ts), where v is the op's input or output as the entry says.
   */
  unaryBackward(op: FusedDerivativeOp, v: Storage, g: Storage): Storage;

  // ---- layout ---------------------------------------------------------------------
  /** Permutes axes: out.shape[i] = shape[perm[i]]. */
  transpose(x: Storage, shape: readonly number[], perm: readonly number[]): Storage;
  /**
   * Copies a strided window: out[i0..] = x[offset + sum(i_k * strides[k])] for an
   * output of `outShape` (used for slicing, e.g. narrowing one axis).
   */
  slice(x: Storage, outShape: readonly number[], strides: readonly number[], offset: number): Storage;
  /** Concatenates along `axis`; shapes equal except on that axis. */
  concat(xs: readonly Storage[], shapes: readonly (readonly number[])[], axis: number): Storage;

  // ---- reductions -----------------------------------------------------------------
  /** Reduces the given axes; the output keeps them with size 1. */
  reduce(op: ReduceOp, x: Storage, shape: readonly number[], axes: readonly number[]): Storage;
  /** Index of the maximum along `axis` (first one on ties); the axis is kept with size 1. */
  argmax(x: Storage, shape: readonly number[], axis: number): Storage;

  // ---- linear algebra -------------------------------------------------------------
  /**
   * Batched matrix product: out[b] = op(A[b]) @ op(B[b]), out is [batch, m, n].
   * A is [aBatch, m, k] (or [aBatch, k, m] when transA); B is [bBatch, k, n] (or
   * [bBatch, n, k] when transB). aBatch and bBatch are each 1 or `batch` (broadcast).
   */
  matmul(
    a: Storage,
    b: Storage,
    o: { batch: number; m: number; n: number; k: number; transA: boolean; transB: boolean; aBatch: number; bBatch: number },
  ): Storage;

  // ---- convolution and pooling ----------------------------------------------------
  /** Cross-correlation of x [n, cIn, h, w] with w [cOut, cIn, kH, kW], plus bias [cOut]. */
  conv2d(x: Storage, w: Storage, bias: Storage | null, p: Conv2dParams): Storage;
  /** dL/dx [n, cIn, h, w] from dL/dy [n, cOut, outH, outW]. */
  conv2dBackwardInput(gy: Storage, w: Storage, p: Conv2dParams): Storage;
  /** dL/dw [cOut, cIn, kH, kW] from x and dL/dy. */
  conv2dBackwardWeight(x: Storage, gy: Storage, p: Conv2dParams): Storage;
  /**
   * Optional fused kernel: dL/dw and dL/dbias [cOut] in one sweep over dL/dy, or null
   * where the backend does not cover these parameters (the op then sums dL/dy itself).
   */
  conv2dBackwardWeightBias?(x: Storage, gy: Storage, p: Conv2dParams): { dW: Storage; dBias: Storage } | null;
  /**
   * Optional fused kernels: a layer and the activation after it in one pass, the bias
   * added and the activation applied as the output is stored. The ops compose the
   * layer and the activation where a backend has none.
   * `linear`: x [rows, inF] @ w [outF, inF]^T + bias [outF], then `act` (none: null).
   */
  linear?(x: Storage, w: Storage, bias: Storage | null, p: { rows: number; inF: number; outF: number }, act: EpilogueOp | null): Storage;
  /** conv2d, then `act`. */
  conv2dAct?(x: Storage, w: Storage, bias: Storage | null, p: Conv2dParams, act: EpilogueOp): Storage;
  pool2d(x: Storage, p: Pool2dParams): Storage;
  /** dL/dx from x and dL/dy; max-pool routes each gradient to the first maximum of its window. */
  pool2dBackward(x: Storage, gy: Storage, p: Pool2dParams): Storage;
  /** Bilinear resize of [n, c, h, w] to [n, c, outH, outW] (align_corners=false, like PyTorch). */
  resizeBilinear(x: Storage, n: number, c: number, h: number, w: number, outH: number, outW: number): Storage;

  // ---- batch normalisation ------------------------------------------------------
  /**
   * Per-channel mean and biased variance (two storages of c elements); with `running`,
   * also the running statistics' update in place, as batchNormUpdateRunning does.
   */
  batchNormStats(x: Storage, p: BatchNormParams, running?: BatchNormRunning): { mean: Storage; variance: Storage };
  /**
   * y = (x - mean) / sqrt(variance + eps) * weight + bias, per channel (weight, bias
   * optional); with `epi`, then + residual and act() in the same pass, each step rounded
   * to f32 as the composed ops would.
   */
  batchNormApply(x: Storage, mean: Storage, variance: Storage, weight: Storage | null, bias: Storage | null, p: BatchNormParams, epi?: NormEpilogue): Storage;
  /**
   * The gradients of batchNormApply from dL/dy `g`: dBias = sum g, dWeight = sum g * xhat per
   * channel, and dx; when `batchStats`, mean and variance were the batch's own, so dx
   * also flows through them (PyTorch's training-mode formula). With `act`, the output went
   * through an activation: the gradients are those of g' = act'(y) g, taken as the
   * kernels read g (and g' itself is returned as `g` when `act.keepG`).
   */
  batchNormBackward(
    g: Storage, x: Storage, mean: Storage, variance: Storage, weight: Storage | null, p: BatchNormParams & { batchStats: boolean }, act?: NormActGrad,
  ): { dx: Storage; dWeight: Storage; dBias: Storage; g?: Storage };
  /** In place: running = (1 - momentum) running + momentum batch, the batch variance made unbiased. */
  batchNormUpdateRunning(runningMean: Storage, runningVar: Storage, mean: Storage, variance: Storage, p: BatchNormParams & { momentum: number }): void;

  // ---- losses ---------------------------------------------------------------------
  /**
   * Cross-entropy from logits: the mean or sum over rows (one element) or each row's
   * loss (n elements). A row whose label is not a class index counts 0. With `tally`,
   * also adds the rows' summed loss and their number of correct predictions (first
   * maximum = label) to tally[0] and tally[1], in place.
   */
  crossEntropy(logits: Storage, labels: Storage, p: CrossEntropyParams, tally: Storage | null): Storage;
  /** dL/dlogits = (softmax - onehot) times the upstream gradient (divided by n for the mean). */
  crossEntropyBackward(logits: Storage, labels: Storage, g: Storage, p: CrossEntropyParams): Storage;

  // ---- randomness -----------------------------------------------------------------
  /** Dropout mask: each element 1/(1-p) with probability 1-p, else 0; deterministic in `seed`. */
  dropoutMask(size: number, p: number, seed: number): Storage;

  // ---- optimizers (in place) ------------------------------------------------------
  /** PyTorch's SGD update of every item's `param` (and `momentumBuf` when momentum > 0), all with the same hyper-parameters. */
  sgdStep(items: readonly SgdItem[], p: SgdParams): void;
  /** PyTorch's Adam update of `param`, `m` and `v`. */
  adamStep(param: Storage, grad: Storage, m: Storage, v: Storage, p: AdamParams): void;
}
