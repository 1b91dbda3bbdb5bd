import { describe, expect, it } from 'vitest';
import { F, countParameters, manualSeed, randn, setBackend, tidy } from '../../src/engine';
import { DegradationExperiment, makePair, makeSpirals, runExperiment } from '../../src/widgets/degradation/experiment';
import { DEFAULTS, RUNS, configOf, effective, evalEvery, sanitize } from '../../src/widgets/degradation/settings';

describe('the degradation experiment', () => {
  it('trains the residual stack to a lower training loss than the plain one at the CPU default, while the plain one learns nothing', async () => {
    await setBackend('cpu');
    const run = effective(DEFAULTS, 'cpu');
    expect(run).toEqual(RUNS.cpu);
    const points = await runExperiment(configOf(DEFAULTS, run));
    const first = points[0];
    const last = points[points.length - 1];
    expect(last.step).toBe(run.steps);
    // Same weights at the start, so the same loss (up to the skip connections' effect on the output).
    expect(Number.isFinite(first.plain) && Number.isFinite(first.residual)).toBe(true);
    expect(last.residual).toBeLessThan(last.plain);
    // Clearly: the plain stack stays at chance (ln 2), the residual one ends well below it.
    expect(last.plain).toBeGreaterThan(0.6);
    expect(last.residual).toBeLessThan(last.plain / 2);
    // Hundreds of steps on the reference backend: seconds alone, longer on a busy machine.
  }, 240_000);

  it('builds the plain and the residual stack with the same parameters, the same count and the same initial weights', async () => {
    await setBackend('cpu');
    for (const depth of [2, 8, 32]) {
      const { plain, residual } = makePair(depth, 32, 7);
      expect(countParameters(residual)).toBe(countParameters(plain));
      // stem (2·32 + 32), depth layers of 32·32 + 32, head (32·2 + 2)
      expect(countParameters(plain)).toBe(96 + depth * 1056 + 66);
      const p = plain.namedParameters();
      const r = residual.namedParameters();
      expect(r.map(([n, t]) => [n, t.shape])).toEqual(p.map(([n, t]) => [n, t.shape]));
      for (let i = 0; i < p.length; i++) expect(Array.from(r[i][1].dataSync()), p[i][0]).toEqual(Array.from(p[i][1].dataSync()));
      plain.dispose();
      residual.dispose();
    }
  });

  it('differs only by the skip connections: a residual block outputs ReLU(g(x) + x) where the plain block outputs ReLU(g(x)), with the same g', async () => {
    await setBackend('cpu');
    const { plain, residual } = makePair(4, 8, 3);
    tidy(() => {
      manualSeed(11);
      const x = F.relu(randn([5, 8]));
      for (let b = 0; b < plain.blocks.length; b++) {
        const g = plain.blocks[b].fc2.call(F.relu(plain.blocks[b].fc1.call(x)));
        const outPlain = Array.from(plain.blocks[b].call(x).dataSync());
        const outResidual = Array.from(residual.blocks[b].call(x).dataSync());
        expect(outPlain).toEqual(Array.from(F.relu(g).dataSync()));
        const expected = F.relu(g.add(x)).dataSync();
        outResidual.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 6));
        expect(outResidual).not.toEqual(outPlain);
      }
    });
    plain.dispose();
    residual.dispose();
  });

  it('feeds both stacks the same batches in a fixed order, each point once per pass', async () => {
    await setBackend('cpu');
    const config = { ...configOf(DEFAULTS, { depth: 2, steps: 8 }), points: 32, batch: 8 };
    const order = () => {
      const ex = new DegradationExperiment(config);
      const batches = Array.from({ length: 8 }, () => Array.from(ex.nextBatch()));
      ex.dispose();
      return batches;
    };
    const a = order();
    expect(order()).toEqual(a);
    expect(a.slice(0, 4).flat().sort((x, y) => x - y)).toEqual(Array.from({ length: 32 }, (_, i) => i));
    expect(a.slice(4).flat().sort((x, y) => x - y)).toEqual(Array.from({ length: 32 }, (_, i) => i));
  });

  it('makes two spirals of equal size whatever the seed of the weights', () => {
    const d = makeSpirals(256, 0);
    expect(d.n).toBe(256);
    expect(Array.from(d.y).filter((c) => c === 1).length).toBe(128);
    expect(d.x.every((v) => Math.abs(v) < 1.2)).toBe(true);
  });
});

describe('the degradation settings', () => {
  it('pick 32 layers and a longer run on WebGPU, 16 layers and a short run on the CPU, unless the reader chose', () => {
    expect(effective(DEFAULTS, 'webgpu')).toEqual(RUNS.gpu);
    expect(effective(DEFAULTS, 'wasm')).toEqual(RUNS.cpu);
    expect(effective({ ...DEFAULTS, depth: 8, steps: 100 }, 'webgpu')).toEqual({ depth: 8, steps: 100 });
    expect(evalEvery(400)).toBe(10);
    expect(evalEvery(3000)).toBe(80);
  });

  it('turn whatever the URL holds into valid settings', () => {
    expect(sanitize(null)).toEqual(DEFAULTS);
    expect(sanitize({ depth: 7, steps: -3, lr: 99, seed: 'x' })).toEqual({ depth: DEFAULTS.depth, steps: 50, lr: 4, seed: DEFAULTS.seed });
    expect(sanitize({ depth: 32, steps: 1234, lr: 1, seed: 5 })).toEqual({ depth: 32, steps: 1250, lr: 1, seed: 5 });
  });
});
