/**
 * The batch-normalisation widget's numbers, all from the engine on its CPU backend: the
 * batch statistics from the tensor's own mean and var, the normalised output from an
 * nn.BatchNorm2d layer in training mode, the running statistics from the same layer
 * stepping through training batches (PyTorch's momentum 0.1), and the evaluation-mode
 * output from that layer after `.eval()`.
 */
import { Generator, nn, noGrad, tensor, type Tensor } from '../../engine';
import { small } from '../common/small';
import { CHANNELS, POPULATION, SIDE, STEPS, MAX_BATCH, type BatchNormSettings } from './settings';

/** Values per example: 3 channels of 4 × 4. */
export const PER_EXAMPLE = CHANNELS * SIDE * SIDE;

let noiseCache: { seed: number; z: Float32Array } | null = null;

/**
 * The dataset's standard normal numbers for a seed, in [example, channel, row, column]
 * order: `new Generator(seed).nextNormal()` one after another (the global generator is
 * left alone). scripts/make-bn-widget-fixture.py draws the same numbers.
 */
export function datasetNoise(seed: number): Float32Array {
  if (noiseCache?.seed === seed) return noiseCache.z;
  const g = new Generator(seed);
  const z = new Float32Array(POPULATION * PER_EXAMPLE);
  for (let i = 0; i < z.length; i++) z[i] = g.nextNormal();
  noiseCache = { seed, z };
  return z;
}

/** Per-channel values as a [1, C, 1, 1] tensor, to broadcast over [N, C, H, W]. */
const perChannel = (v: readonly number[]) => tensor(Float32Array.from(v), [1, CHANNELS, 1, 1]);

/** The first `count` examples of the dataset [count, C, 4, 4] (all of them by default): shift_c + scale_c · z. */
function dataset(s: BatchNormSettings, count = POPULATION): Tensor {
  const z = tensor(datasetNoise(s.seed).subarray(0, count * PER_EXAMPLE), [count, CHANNELS, SIDE, SIDE]);
  return z.mul(perChannel(s.scale)).add(perChannel(s.shift));
}

/** Batch t (0-based) of size n: examples [t·n, (t + 1)·n). */
function batch(d: Tensor, n: number, t: number): Tensor {
  return d.narrow(0, t * n, n);
}

/**
 * Runs `fn` on the CPU backend, without gradients, with a BatchNorm2d(3) of weight γ and
 * bias β (PyTorch's defaults otherwise: eps 1e-5, momentum 0.1); then frees the layer (a
 * module keeps its tensors past tidy).
 */
function withLayer<T>(s: BatchNormSettings, fn: (bn: nn.BatchNorm2d) => T): T {
  return small(() =>
    noGrad(() => {
      const bn = new nn.BatchNorm2d(CHANNELS);
      try {
        bn.weight!.assign(s.gamma);
        bn.bias!.assign(s.beta);
        return fn(bn);
      } finally {
        bn.dispose();
      }
    }),
  );
}

const AXES = [0, 2, 3];

export interface NormaliseResult {
  /** [n, C, 4, 4] */
  shape: number[];
  /** The batch: the first n examples of the dataset. */
  x: Float32Array;
  /** Per channel, over the n · 16 values of the channel: the mean and the (biased, 1/m) variance. */
  mean: Float32Array;
  variance: Float32Array;
  /** Values per channel, m = n · 4 · 4. */
  count: number;
  /** BatchNorm2d's output in training mode. */
  y: Float32Array;
  /** The output's per-channel mean and biased variance (β and about γ²). */
  yMean: Float32Array;
  yVariance: Float32Array;
  eps: number;
}

/** Part 1: a batch, its per-channel statistics and BatchNorm2d's output in training mode. */
export function computeNormalise(s: BatchNormSettings): NormaliseResult {
  return withLayer(s, (bn) => {
    const x = dataset(s, s.n);
    const y = bn.forward(x);
    return {
      shape: [...x.shape],
      x: x.dataSync(),
      mean: x.mean(AXES).dataSync(),
      variance: x.var(AXES, { unbiased: false }).dataSync(),
      count: x.size / CHANNELS,
      y: y.dataSync(),
      yMean: y.mean(AXES).dataSync(),
      yVariance: y.var(AXES, { unbiased: false }).dataSync(),
      eps: bn.eps,
    };
  });
}

/** Batch sizes of the spread curve: 1 … 64. */
export const SPREAD_SIZES = Array.from({ length: MAX_BATCH }, (_, i) => i + 1);

export interface SpreadResult {
  /** Per channel, over the whole dataset: the mean and the (biased) variance. */
  popMean: Float32Array;
  popVariance: Float32Array;
  /** [SPREAD_SIZES.length, C]: the standard deviation of the STEPS batch means, for each batch size. */
  spread: Float32Array;
}

/** The means of the first STEPS batches of size b: [STEPS, C]. */
function batchMeans(d: Tensor, b: number): Tensor {
  return d.narrow(0, 0, STEPS * b).reshape([STEPS, b, CHANNELS, SIDE * SIDE]).mean([1, 3]);
}

/** Part 2: the population statistics and how widely the batch means scatter, for every batch size. */
export function computeSpread(s: BatchNormSettings): SpreadResult {
  return small(() =>
    noGrad(() => {
      const d = dataset(s);
      const spread = new Float32Array(SPREAD_SIZES.length * CHANNELS);
      SPREAD_SIZES.forEach((b, i) => spread.set(batchMeans(d, b).var(0, { unbiased: false }).sqrt().dataSync(), i * CHANNELS));
      return { popMean: d.mean(AXES).dataSync(), popVariance: d.var(AXES, { unbiased: false }).dataSync(), spread };
    }),
  );
}

/** The means of the STEPS batches of size s.n, [STEPS, C] row-major (the dots of part 2). */
export function computeBatchMeans(s: BatchNormSettings): Float32Array {
  return small(() => noGrad(() => batchMeans(dataset(s, STEPS * s.n), s.n).dataSync()));
}

export interface RunningResult {
  momentum: number;
  eps: number;
  /** [STEPS, C]: each training batch's mean, its biased (1/m) variance, which normalises it, and its unbiased (1/(m − 1)) variance, which the running update uses. */
  batchMean: Float32Array;
  batchVar: Float32Array;
  batchVarUnbiased: Float32Array;
  /** [STEPS + 1, C]: the running statistics before any step (0 and 1) and after each step. */
  runningMean: Float32Array;
  runningVar: Float32Array;
  /** Per channel, over the whole dataset (biased variance). */
  popMean: Float32Array;
  popVariance: Float32Array;
  /** Batch `s.step` [n, C, 4, 4], and the layer's output for it in training mode (the step's own forward) and in evaluation mode right after that step. */
  x: Float32Array;
  yTrain: Float32Array;
  yEval: Float32Array;
  /** Per channel, the outputs' means over the batch. */
  yTrainMean: Float32Array;
  yEvalMean: Float32Array;
  /** The largest |yTrain − yEval|. */
  maxDiff: number;
}

/** Part 3: a BatchNorm2d trained on STEPS batches, and the same batch in training and in evaluation mode. */
export function computeRunning(s: BatchNormSettings): RunningResult {
  return withLayer(s, (bn) => {
    const d = dataset(s);
    const rm = bn.runningMean!;
    const rv = bn.runningVar!;
    const batchMean = new Float32Array(STEPS * CHANNELS);
    const batchVar = new Float32Array(STEPS * CHANNELS);
    const batchVarUnbiased = new Float32Array(STEPS * CHANNELS);
    const runningMean = new Float32Array((STEPS + 1) * CHANNELS);
    const runningVar = new Float32Array((STEPS + 1) * CHANNELS);
    runningMean.set(rm.dataSync(), 0);
    runningVar.set(rv.dataSync(), 0);
    let shown: { x: Tensor; yTrain: Tensor; yEval: Tensor } | null = null;
    for (let t = 0; t < STEPS; t++) {
      const x = batch(d, s.n, t);
      bn.train();
      const yTrain = bn.forward(x);
      batchMean.set(x.mean(AXES).dataSync(), t * CHANNELS);
      batchVar.set(x.var(AXES, { unbiased: false }).dataSync(), t * CHANNELS);
      batchVarUnbiased.set(x.var(AXES, { unbiased: true }).dataSync(), t * CHANNELS);
      runningMean.set(rm.dataSync(), (t + 1) * CHANNELS);
      runningVar.set(rv.dataSync(), (t + 1) * CHANNELS);
      if (t + 1 === s.step) {
        bn.eval();
        shown = { x, yTrain, yEval: bn.forward(x) };
      }
    }
    const { x, yTrain, yEval } = shown!;
    return {
      momentum: bn.momentum ?? 0,
      eps: bn.eps,
      batchMean,
      batchVar,
      batchVarUnbiased,
      runningMean,
      runningVar,
      popMean: d.mean(AXES).dataSync(),
      popVariance: d.var(AXES, { unbiased: false }).dataSync(),
      x: x.dataSync(),
      yTrain: yTrain.dataSync(),
      yEval: yEval.dataSync(),
      yTrainMean: yTrain.mean(AXES).dataSync(),
      yEvalMean: yEval.mean(AXES).dataSync(),
      maxDiff: yTrain.sub(yEval).abs().max().dataSync()[0],
    };
  });
}

/** The 4 × 4 map of channel c of example i in an [n, C, 4, 4] array. */
export function featureMap(values: Float32Array, example: number, channel: number): Float32Array {
  const plane = SIDE * SIDE;
  const at = (example * CHANNELS + channel) * plane;
  return values.subarray(at, at + plane);
}
