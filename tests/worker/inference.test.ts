/**
 * What the trainer asks of a model outside a step: the test accuracy counted on the device
 * agrees with the confusion matrix counted on the host, evaluation and prediction leave the
 * network in the mode they found it, and a wrong image buffer is refused in both languages.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { setBackend } from '../../src/engine';
import type { Dataset } from '../../src/data/format';
import { zoo } from '../../src/models';
import { evalBatch, evaluate, predict, testAccuracy } from '../../src/worker/inference';

/** `count` images of noise with labels 0..9 in turn (a model at its initial weights gets some right by chance). */
function noise(count: number): Dataset {
  const pixels = new Uint8Array(count * 784);
  let s = 12345;
  for (let i = 0; i < pixels.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    pixels[i] = s >>> 24;
  }
  return { count, rows: 28, cols: 28, classes: 10, pixels, labels: Uint8Array.from({ length: count }, (_, i) => i % 10) };
}

beforeAll(async () => {
  await setBackend('cpu');
});

describe('inference outside a training step', () => {
  it('counts the same correct answers on the device (test accuracy) as on the host (the confusion matrix), across uneven batches', async () => {
    const data = noise(70);
    const net = zoo['lenet-bn'].create({ seed: 3 });
    const m = { net, inputSize: 28 };
    let beats = 0;
    // Batches of 32: 32 + 32 + 6 images (evalBatch's smallest batch).
    expect(evalBatch(8)).toBe(32);
    const acc = await testAccuracy(m, data, 70, 8, () => beats++);
    const ev = await evaluate(m, data, 70, 8, () => beats++);
    expect(beats).toBe(6);
    expect(ev.count).toBe(70);
    expect(ev.confusion.flat().reduce((a, b) => a + b, 0)).toBe(70);
    ev.confusion.forEach((row) => expect(row.reduce((a, b) => a + b, 0)).toBe(7));
    expect(ev.accuracy).toBeCloseTo(acc, 12);
    expect(ev.samples).toHaveLength(12);
    for (const s of ev.samples) {
      expect(s.label).toBe(data.labels[s.index]);
      expect(s.prob).toBeGreaterThan(0.1 - 1e-6);
    }
    net.dispose();
  });

  it('puts the network back in the mode it found, and refuses an image buffer of the wrong size in both languages', async () => {
    const data = noise(40);
    const net = zoo['lenet-bn'].create({ seed: 1 });
    const m = { net, inputSize: 28 };
    for (const training of [true, false]) {
      if (training) net.train();
      else net.eval();
      await testAccuracy(m, data, 40, 32, () => undefined);
      expect(net.training).toBe(training);
      await evaluate(m, data, 40, 32, () => undefined);
      expect(net.training).toBe(training);
      const probs = await predict(m, data.pixels.subarray(0, 2 * 784).reduce((a, v, i) => ((a[i] = v / 255), a), new Float32Array(2 * 784)), 2);
      expect(net.training).toBe(training);
      expect(probs).toHaveLength(20);
      for (const row of [probs.subarray(0, 10), probs.subarray(10)]) expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    }
    await expect(predict(m, new Float32Array(100), 1)).rejects.toMatchObject({ message: 'expected 1 images of 28x28, got 100 values', zh: '应有 1 张 28×28 的图像，收到的却是 100 个值' });
    net.dispose();
  });
});
