import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setBackend, type Tensor } from '../../src/engine';
import { parseDataset, type Dataset } from '../../src/data/format';
import { BnCompareExperiment, NETS, batchAt, batchesPerEpoch, runComparison, type BnCompareConfig, type NetKey } from '../../src/widgets/bn-compare/experiment';
import { DEFAULTS, FIXED, LRS, RUNS, configOf, effectiveSteps, evalEvery, sanitize } from '../../src/widgets/bn-compare/settings';

let data: Dataset;

beforeAll(async () => {
  data = parseDataset(new Uint8Array(readFileSync(join(__dirname, '..', '..', 'public', 'data', 'fashion-test.bin'))));
  await setBackend('cpu');
});

/** A 32-bit FNV-1a hash of a tensor's values: equal batches give equal hashes. */
function hashOf(values: Float32Array): number {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  let h = 0x811c9dc5;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h;
}

describe('the batch-norm comparison', () => {
  it('feeds LeNet and LeNet with batch norm exactly the same mini-batches, in the same order', () => {
    const config: BnCompareConfig = { ...configOf(DEFAULTS, 12), train: 320, heldOut: 40, batch: 64 };
    const ex = new BnCompareExperiment(data, config);
    // What each network's forward pass is given, recorded from the inside of the step.
    const seen: Record<NetKey, number[]> = { plain: [], bn: [] };
    for (const k of NETS) {
      const net = ex.nets[k];
      const call = net.call.bind(net);
      net.call = (x: Tensor) => {
        seen[k].push(hashOf(x.dataSync()));
        return call(x);
      };
    }
    try {
      for (let i = 0; i < config.steps; i++) ex.step();
    } finally {
      ex.dispose();
    }
    expect(seen.plain).toHaveLength(config.steps);
    expect(seen.bn).toEqual(seen.plain);
    // They are the batches of the documented order: step i's images, a new batch every step.
    expect(seen.plain).toEqual(Array.from({ length: config.steps }, (_, i) => hashOf(batchAt(data, config, i).x)));
    expect(new Set(seen.plain).size).toBe(config.steps);
    // Every training image once per pass (5 full batches of 64 in 320 images), and never a held-out one.
    expect(batchesPerEpoch(config)).toBe(5);
    for (const pass of [0, 1]) {
      const idx = Array.from({ length: 5 }, (_, i) => Array.from(batchAt(data, config, pass * 5 + i).indices)).flat();
      expect(idx.sort((a, b) => a - b)).toEqual(Array.from({ length: 320 }, (_, i) => i));
    }
    expect(Array.from(batchAt(data, config, 5).indices)).not.toEqual(Array.from(batchAt(data, config, 0).indices));
  });

  // Checked beforehand for seeds 0, 1 and 2: after 30 steps plain LeNet is at 2.32-2.35, with batch norm at 1.18-1.34.
  it.each([0, 1])('starts both networks at chance and, from seed %i, ends with the batch-normalised one far below plain LeNet at the default learning rate', async (seed) => {
    // A small setting for the reference backend: batches of 64, 100 held-out images.
    const config: BnCompareConfig = { ...configOf({ ...DEFAULTS, seed }, 30), batch: 64, heldOut: 100, evalEvery: 10 };
    expect(config.lr).toBe(LRS[DEFAULTS.lr]);
    const points = await runComparison(data, config);
    const first = points[0];
    const last = points[points.length - 1];
    expect(points.map((p) => p.step)).toEqual([0, 10, 20, 30]);
    for (const k of NETS) {
      expect(Number.isFinite(last[k].loss)).toBe(true);
      expect(last[k].acc).toBeGreaterThanOrEqual(0);
      expect(last[k].acc).toBeLessThanOrEqual(1);
    }
    // Before any step both answer at about chance: 10 classes, a loss near ln 10 ≈ 2.3.
    expect(first.plain.loss).toBeGreaterThan(2);
    expect(first.bn.loss).toBeGreaterThan(2);
    // Plain LeNet is still on its plateau; with batch norm the loss has clearly left it.
    expect(last.bn.loss).toBeLessThan(last.plain.loss);
    expect(last.plain.loss).toBeGreaterThan(2.2);
    expect(last.bn.loss).toBeLessThan(1.6);
    expect(last.bn.acc).toBeGreaterThan(last.plain.acc);
    // Thirty steps of two LeNets on the reference backend: seconds alone, longer on a busy machine.
  }, 240_000);

  it('keeps the held-out images apart from the training images and refuses what does not fit', () => {
    const config: BnCompareConfig = { ...configOf(DEFAULTS, 20), train: data.count - 10, heldOut: 20 };
    expect(() => new BnCompareExperiment(data, config)).toThrow(/do not fit/);
    expect(FIXED.train + FIXED.heldOut).toBeLessThanOrEqual(data.count);
  });
});

describe('the batch-norm comparison settings', () => {
  it('run longer on WebGPU than on the CPU, unless the reader chose', () => {
    expect(effectiveSteps(DEFAULTS, 'webgpu')).toBe(RUNS.gpu.steps);
    expect(effectiveSteps(DEFAULTS, 'wasm')).toBe(RUNS.cpu.steps);
    expect(effectiveSteps({ ...DEFAULTS, steps: 60 }, 'webgpu')).toBe(60);
    expect(evalEvery(40)).toBe(5);
    expect(evalEvery(600)).toBe(25);
    expect(evalEvery(2000)).toBe(80);
  });

  it('turn whatever the URL holds into valid settings', () => {
    expect(sanitize(null)).toEqual(DEFAULTS);
    expect(sanitize({ steps: -3, lr: 99, seed: 'x' })).toEqual({ steps: 20, lr: LRS.length - 1, seed: DEFAULTS.seed });
    expect(sanitize({ steps: 1234, lr: 1, seed: 5 })).toEqual({ steps: 1240, lr: 1, seed: 5 });
  });
});
