import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { memory, setBackend } from '../../src/engine';
import { SPREAD_SIZES, computeBatchMeans, computeNormalise, computeRunning, computeSpread, datasetNoise } from '../../src/widgets/batch-norm/compute';
import { CHANNELS, DEFAULTS, MAX_BATCH, POPULATION, RANGES, STEPS, presenterSize, sanitize, withBatchSize, withChannelValue, type BatchNormSettings } from '../../src/widgets/batch-norm/settings';
import { describeSpread } from '../../src/widgets/batch-norm';
import { trIn } from '../../src/widgets/common/i18n';

/** Recorded from PyTorch by scripts/make-bn-widget-fixture.py (its own copy of the engine's generator, nn.BatchNorm2d in float64). */
const FIX = JSON.parse(readFileSync('tests/fixtures/bn-widget.json', 'utf8'));

function close(actual: ArrayLike<number>, expected: readonly number[], tol = 1e-4) {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / Math.max(1, Math.abs(expected[i])));
  expect(worst).toBeLessThan(tol);
}

const base: BatchNormSettings = { ...DEFAULTS, seed: FIX.seed, shift: FIX.shift, scale: FIX.scale };

describe('the batch-normalisation widget', () => {
  it('draws the same dataset as PyTorch’s fixture (the engine’s seeded generator, shifted and scaled per channel)', async () => {
    await setBackend('cpu');
    const r = computeNormalise({ ...base, n: FIX.normalise.n });
    close(r.x, FIX.normalise.x, 1e-6);
    expect(r.shape).toEqual([FIX.normalise.n, 3, 4, 4]);
  });

  it('gives each channel’s batch mean and biased variance, and BatchNorm2d’s training output with γ and β, as PyTorch does', () => {
    const f = FIX.normalise;
    const r = computeNormalise({ ...base, n: f.n, gamma: f.gamma, beta: f.beta });
    close(r.mean, f.mean);
    close(r.variance, f.variance);
    close(r.y, f.y);
    expect(r.count).toBe(f.n * 16);
    // The output has mean β and variance about γ² per channel.
    close(r.yMean, f.beta);
    close(r.yVariance, f.gamma.map((g: number) => g * g), 1e-3);
  });

  it('runs a batch of one image (16 values per channel), as BatchNorm2d allows', () => {
    const r = computeNormalise({ ...base, n: 1 });
    expect(r.shape).toEqual([1, 3, 4, 4]);
    close(r.yMean, [0, 0, 0]);
  });

  it('gives the population statistics and the spread of the batch means for each batch size, as PyTorch does', () => {
    const f = FIX.spread;
    const r = computeSpread(base);
    close(r.popMean, f.popMean);
    close(r.popVariance, f.popVariance);
    for (const [b, want] of Object.entries(f.spread) as [string, number[]][]) {
      const i = SPREAD_SIZES.indexOf(Number(b));
      close(r.spread.subarray(i * CHANNELS, (i + 1) * CHANNELS), want);
    }
    close(computeBatchMeans({ ...base, n: f.n }), f.batchMeans);
    // Larger batches: less scatter (16 values per example, 16 batches).
    const at = (b: number) => r.spread[(b - 1) * CHANNELS];
    expect(at(64)).toBeLessThan(at(1) / 3);
  });

  it('updates the running mean and variance with momentum 0.1 and the unbiased variance at every step, as PyTorch does', () => {
    const f = FIX.running;
    const r = computeRunning({ ...base, n: f.n, step: f.evalStep });
    expect(r.momentum).toBe(FIX.momentum);
    expect(r.eps).toBe(FIX.eps);
    close(r.runningMean.subarray(0, 3), [0, 0, 0]);
    close(r.runningVar.subarray(0, 3), [1, 1, 1]);
    f.steps.forEach((st: Record<string, number[]>, t: number) => {
      close(r.batchMean.subarray(t * 3, t * 3 + 3), st.batchMean);
      close(r.batchVar.subarray(t * 3, t * 3 + 3), st.batchVar);
      close(r.batchVarUnbiased.subarray(t * 3, t * 3 + 3), st.batchVarUnbiased);
      close(r.runningMean.subarray((t + 1) * 3, (t + 2) * 3), st.runningMean);
      close(r.runningVar.subarray((t + 1) * 3, (t + 2) * 3), st.runningVar);
    });
  });

  it('gives the same batch’s output in training mode (batch statistics) and in evaluation mode (running statistics), as PyTorch does', () => {
    const f = FIX.running;
    const r = computeRunning({ ...base, n: f.n, step: f.evalStep });
    close(r.x, f.x, 1e-6);
    close(r.yTrain, f.yTrain);
    close(r.yEval, f.yEval);
    close(r.yTrainMean, f.yTrainMean);
    close(r.yEvalMean, f.yEvalMean);
    expect(r.maxDiff).toBeCloseTo(f.maxDiff, 4);
    // After three steps the running statistics are far from the batch's: the two modes disagree.
    expect(r.maxDiff).toBeGreaterThan(0.5);
  });

  it('covers the whole dataset with 16 batches of the largest size', () => {
    expect(STEPS * MAX_BATCH).toBe(POPULATION);
    expect(datasetNoise(1)).toHaveLength(POPULATION * 48);
    const r = computeRunning({ ...base, n: MAX_BATCH, step: STEPS });
    expect(r.x).toHaveLength(MAX_BATCH * 48);
  });

  it('leaves no tensors behind', () => {
    const before = memory().numTensors;
    computeNormalise(base);
    computeSpread(base);
    computeBatchMeans(base);
    computeRunning(base);
    expect(memory().numTensors).toBe(before);
  });

  it('repairs any URL settings into ones that compute', () => {
    fc.assert(
      fc.property(fc.anything(), (raw) => {
        const s = sanitize(raw);
        expect(s.n).toBeGreaterThanOrEqual(1);
        expect(s.n).toBeLessThanOrEqual(MAX_BATCH);
        expect(s.example).toBeLessThan(s.n);
        for (const f of Object.keys(RANGES) as (keyof typeof RANGES)[]) {
          expect(s[f]).toHaveLength(CHANNELS);
          for (const v of s[f]) {
            expect(v).toBeGreaterThanOrEqual(RANGES[f].min);
            expect(v).toBeLessThanOrEqual(RANGES[f].max);
          }
        }
      }),
      { numRuns: 300 },
    );
    expect(sanitize({ n: 3, example: 9, scale: [0, 'x', 9], mode: 'eval', step: 99 })).toMatchObject({ n: 3, example: 2, scale: [0.5, 3, 4], mode: 'eval', step: STEPS });
  });

  it('snaps a changed value to its slider’s grid and keeps the shown example inside the batch', () => {
    expect(withChannelValue(DEFAULTS, 'gamma', 1, 1.3).gamma).toEqual([1, 1.25, 1]);
    expect(withBatchSize({ ...DEFAULTS, n: 8, example: 7 }, 2)).toMatchObject({ n: 2, example: 1 });
    expect(presenterSize(4, 1)).toBe(8);
    expect(presenterSize(5, -1)).toBe(4);
    expect(presenterSize(64, 1)).toBeNull();
    expect(presenterSize(1, -1)).toBeNull();
  });

  it('describes the spread chart with the curve’s value at the chosen batch size, not the top of its dashed line', () => {
    const m = { count: 64, first: { x: 1, y: 0.5 }, lowest: { x: 64, y: 0.062 }, last: { x: 64, y: 0.062 }, xDomain: [0, 64] as [number, number] };
    expect(describeSpread(trIn('en'), 0, 4, 0.124, m)).toBe('For channel 1: with batch size 1 the batch means scatter by 0.500, with 64 by 0.062; at the chosen batch size, n = 4, by 0.124.');
    expect(describeSpread(trIn('zh'), 0, 4, 0.124, m)).toBe('通道 1：批量大小为 1 时，批量均值的离散程度为 0.500；为 64 时为 0.062；所选批量大小 n = 4 时为 0.124。');
    expect(describeSpread(trIn('en'), 0, 4, undefined, { ...m, first: undefined, last: undefined })).toBe('');
  });
});
