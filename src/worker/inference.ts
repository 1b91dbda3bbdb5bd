/**
 * What the trainer asks of a model outside a training step: its accuracy on the test set
 * at the end of an epoch, the confusion matrix and labelled samples of an evaluation, and
 * class probabilities for the page's own images. Each runs the network in evaluation mode
 * (batch norm on its running statistics, no dropout) and puts back the mode it found.
 * Long passes over the test set yield to the event loop between batches and call `beat`,
 * so that the worker answers messages and the page hears it is alive.
 */
import { F, keep, noGrad, tensor, tidy, zeros, type nn, type Tensor } from '../engine';
import { BilingualError } from '../models/index';
import type { Dataset } from '../data/format';
import { gatherBatch, inOrderBatches } from '../data/batches';
import type { Evaluation } from './protocol';
import { yieldToEvents } from './yield';

/** The model an inference runs: its network and the input size it was built for. */
export interface Inferable {
  net: nn.Sequential;
  inputSize: number;
}

/**
 * The batch that evaluation runs the model on: the training batch, from 32 to 500. An
 * inference holds less than a training step of the same batch, so a batch that trains has
 * room to be evaluated; a larger one need not have. Below 32 images every model of the zoo
 * fits at any input size it trains at in the tab, and a tiny training batch would make the
 * evaluation crawl.
 */
export function evalBatch(trainingBatch: number): number {
  return Math.max(32, Math.min(500, Math.floor(trainingBatch)));
}

/** One image batch on the device, resized to the model's input. */
export function inputTensor(x: Float32Array, n: number, rows: number, cols: number, size: number): Tensor {
  const t = tensor(x, [n, 1, rows, cols]);
  return size === rows && size === cols ? t : F.interpolateBilinear(t, [size, size]);
}

/** Runs `fn` with the network in evaluation mode, then puts back the mode it was in. */
async function inEvalMode<T>(net: nn.Sequential, fn: () => Promise<T>): Promise<T> {
  const wasTraining = net.training;
  net.eval();
  try {
    return await fn();
  } finally {
    if (wasTraining) net.train();
  }
}

/** The share of the first `limit` test images the model classifies correctly; the count stays on the device until the end. */
export function testAccuracy(m: Inferable, test: Dataset, limit: number, batchSize: number, beat: () => void): Promise<number> {
  const { net } = m;
  return inEvalMode(net, async () => {
    let correct = keep(zeros([]));
    let n = 0;
    try {
      for (const b of inOrderBatches(test, evalBatch(batchSize), limit)) {
        noGrad(() =>
          tidy(() => {
            const x = inputTensor(b.x, b.size, b.rows, b.cols, m.inputSize);
            const y = tensor(Float32Array.from(b.y), [b.size]);
            const c = correct.add((net.call(x) as Tensor).argmax(1).eq(y).sum());
            correct.dispose();
            correct = keep(c);
          }),
        );
        n += b.size;
        beat();
        await yieldToEvents();
      }
      return n ? (await correct.data())[0] / n : NaN;
    } finally {
      correct.dispose();
    }
  });
}

/** Confusion matrix over the first `limit` test images and a few labelled samples, in batches of at most `batchSize` (see evalBatch). */
export function evaluate(m: Inferable, test: Dataset, limit: number, batchSize: number, beat: () => void): Promise<Evaluation> {
  const { net } = m;
  return inEvalMode(net, async () => {
    const confusion = Array.from({ length: 10 }, () => new Array<number>(10).fill(0));
    let count = 0;
    for (const b of inOrderBatches(test, evalBatch(batchSize), limit)) {
      const p = noGrad(() => tidy(() => (net.call(inputTensor(b.x, b.size, b.rows, b.cols, m.inputSize)) as Tensor).argmax(1)));
      const v = await p.data();
      p.dispose();
      for (let i = 0; i < b.size; i++) confusion[b.y[i]][v[i]]++;
      count += b.size;
      beat();
      await yieldToEvents();
    }
    const sampleCount = Math.min(12, count);
    const sb = gatherBatch(test, null, 0, sampleCount);
    const probsT = noGrad(() => tidy(() => F.softmax(net.call(inputTensor(sb.x, sb.size, sb.rows, sb.cols, m.inputSize)) as Tensor, 1)));
    const probs = await probsT.data();
    probsT.dispose();
    const samples = Array.from({ length: sampleCount }, (_, i) => {
      const row = probs.subarray(i * 10, i * 10 + 10);
      let pred = 0;
      for (let k = 1; k < 10; k++) if (row[k] > row[pred]) pred = k;
      return { index: i, label: sb.y[i], pred, prob: row[pred], pixels: test.pixels.slice(i * 784, (i + 1) * 784) };
    });
    const correct = confusion.reduce((s, row, i) => s + row[i], 0);
    return { confusion, accuracy: count ? correct / count : NaN, count, samples };
  });
}

/** Class probabilities [count, 10] of `count` 28x28 images. */
export function predict(m: Inferable, images: Float32Array, count: number): Promise<Float32Array> {
  if (images.length !== count * 784) {
    return Promise.reject(new BilingualError({ en: `expected ${count} images of 28x28, got ${images.length} values`, zh: `应有 ${count} 张 28×28 的图像，收到的却是 ${images.length} 个值` }));
  }
  return inEvalMode(m.net, async () => {
    const p = noGrad(() => tidy(() => F.softmax(m.net.call(inputTensor(images, count, 28, 28, m.inputSize)) as Tensor, 1)));
    try {
      return await p.data();
    } finally {
      p.dispose();
    }
  });
}
