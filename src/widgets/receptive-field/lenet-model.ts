/**
 * The LeNet the receptive-field widget looks into: the model zoo's LeNet, trained
 * briefly in the page by the engine when no trained weights are at hand, and its
 * feature maps on one Fashion-MNIST image.
 */
import { F, nn, noGrad, optim, tensor, tidy, type Tensor } from '../../engine';
import { zoo } from '../../models';
import type { Dataset } from '../../data/format';
import { testAidNumber } from '../common/test-aid';

export { FASHION_CLASSES } from '../common/fashion-classes';

/** The brief in-page training recipe (deterministic for a backend: fixed seed and batch order). */
export const BRIEF = { seed: 0, steps: 500, batchSize: 64, lr: 0.003 } as const;

/**
 * The brief training's length: BRIEF.steps, or in a test build the count a test set on the
 * page (`window.__cnnBriefSteps`), so that a test about what happens after the training
 * does not wait for all of it on a software GPU.
 */
export function briefSteps(): number {
  return Math.floor(testAidNumber(__TEST_AIDS__ && '__cnnBriefSteps', BRIEF.steps));
}

export function createLeNet(): nn.Sequential {
  return zoo.lenet.create({ seed: BRIEF.seed });
}

/** Copies images [start, start+count) of a dataset as a float tensor [count, 1, rows, cols] scaled to 0..1. */
export function imagesTensor(ds: Dataset, indices: readonly number[]): Tensor {
  const px = ds.rows * ds.cols;
  const out = new Float32Array(indices.length * px);
  indices.forEach((idx, i) => {
    const src = ds.pixels.subarray(idx * px, (idx + 1) * px);
    for (let j = 0; j < px; j++) out[i * px + j] = src[j] / 255;
  });
  return tensor(out, [indices.length, 1, ds.rows, ds.cols]);
}

/**
 * Trains `net` with Adam for briefSteps() mini-batches drawn in a fixed order from the
 * training set. Yields to the page between steps; reports progress and the running
 * accuracy. Returns the accuracy of the last 20 batches.
 */
export async function trainBriefly(net: nn.Sequential, train: Dataset, onProgress: (step: number, acc: number) => void, signal?: AbortSignal): Promise<number> {
  const opt = new optim.Adam(net.parameters(), { lr: BRIEF.lr });
  net.train();
  const recent: number[] = [];
  // A fixed stride through the training set gives a reproducible, class-mixed batch order.
  let cursor = 0;
  const steps = briefSteps();
  for (let step = 0; step < steps; step++) {
    if (signal?.aborted) throw new DOMException('aborted', 'AbortError');
    const idx = Array.from({ length: BRIEF.batchSize }, () => {
      cursor = (cursor + 7919) % train.count;
      return cursor;
    });
    const labels = idx.map((i) => train.labels[i]);
    const { loss, correct } = tidy(() => {
      opt.zeroGrad();
      const x = imagesTensor(train, idx);
      const logits = net.call(x) as Tensor;
      const l = F.crossEntropy(logits, labels);
      l.backward();
      opt.step();
      const pred = logits.argmax(1);
      const hits = pred.eq(tensor(labels, [labels.length])).sum();
      return { loss: l, correct: hits };
    });
    const [c] = await correct.data();
    loss.dispose();
    correct.dispose();
    recent.push(c / BRIEF.batchSize);
    if (recent.length > 20) recent.shift();
    const acc = recent.reduce((a, b) => a + b, 0) / recent.length;
    onProgress(step + 1, acc);
  }
  opt.zeroGrad();
  net.eval();
  return recent.reduce((a, b) => a + b, 0) / recent.length;
}

export interface LeNetMaps {
  /** Row-major maps per stage: input [1][28*28], conv1+sigmoid [6][28*28], pool1 [6][14*14], conv2+sigmoid [16][10*10], pool2 [16][5*5]. */
  maps: Float32Array[][];
  /** Class probabilities (softmax of the logits). */
  probs: Float32Array;
  /** Shapes the engine produced, [C, H, W] per stage. */
  shapes: number[][];
}

/** Runs one image through LeNet and returns the feature maps after each conv block stage. */
export async function lenetMaps(net: nn.Sequential, ds: Dataset, index: number): Promise<LeNetMaps> {
  net.eval();
  const outs = tidy(() =>
    noGrad(() => {
      const x = imagesTensor(ds, [index]);
      const stages: Tensor[] = [x];
      let h = x;
      // Children 0..5: conv, sigmoid, pool, conv, sigmoid, pool; keep the outputs after 1, 2, 4, 5.
      for (let i = 0; i < net.length; i++) {
        h = net.at(i).call(h) as Tensor;
        if (i === 1 || i === 2 || i === 4 || i === 5) stages.push(h);
      }
      return { stages, probs: F.softmax(h, 1) };
    }),
  );
  try {
    const data = await Promise.all(outs.stages.map((t) => t.data()));
    const shapes = outs.stages.map((t) => t.shape.slice(1));
    const maps = data.map((d, s) => {
      const [c, hh, ww] = shapes[s];
      return Array.from({ length: c }, (_, k) => d.slice(k * hh * ww, (k + 1) * hh * ww));
    });
    return { maps, probs: await outs.probs.data(), shapes };
  } finally {
    for (const t of outs.stages) t.dispose();
    outs.probs.dispose();
  }
}

/**
 * The gradient of one activation (stage, channel, row, col) with respect to the input
 * image, through the real network: nonzero only inside the activation's receptive field.
 */
export async function lenetInputGradient(net: nn.Sequential, ds: Dataset, index: number, stage: number, channel: number, row: number, col: number): Promise<Float32Array> {
  net.eval();
  const lastChild = [-1, 1, 2, 4, 5][stage];
  const g = tidy(() => {
    const x = imagesTensor(ds, [index]).requiresGrad_();
    let h: Tensor = x;
    for (let i = 0; i <= lastChild; i++) h = net.at(i).call(h) as Tensor;
    const [, c, hh, ww] = h.shape;
    const pick = new Float32Array(c * hh * ww);
    pick[(channel * hh + row) * ww + col] = 1;
    h.mul(tensor(pick, [1, c, hh, ww])).sum().backward();
    const grad = x.grad!;
    const flat = grad.reshape([grad.size]);
    grad.dispose();
    x.grad = null;
    return flat;
  });
  for (const p of net.parameters()) {
    p.grad?.dispose();
    p.grad = null;
  }
  try {
    return await g.data();
  } finally {
    g.dispose();
  }
}
