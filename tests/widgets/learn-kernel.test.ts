import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { setBackend } from '../../src/engine';
import { KernelTrainer } from '../../src/widgets/learn-kernel/trainer';
import { DEFAULTS, LRS, sanitize } from '../../src/widgets/learn-kernel/settings';

describe('the learn-kernel widget', () => {
  it('learns [1, −1] back from X and Y = corr2d(X, [1, −1]) with the notes’ lr 0.03: the loss falls and the kernel converges', async () => {
    await setBackend('cpu');
    const tr = new KernelTrainer(DEFAULTS.seed, LRS[DEFAULTS.lr]);
    const data = await tr.data();
    expect(Array.from(data.y.slice(0, 7))).toEqual([0, 1, 0, 0, 0, -1, 0]);
    const losses: number[] = [];
    let w: [number, number] = [0, 0];
    for (let e = 0; e < 30; e++) {
      const r = await tr.step();
      losses.push(r.loss);
      w = r.weight;
    }
    tr.dispose();
    expect(losses[losses.length - 1]).toBeLessThan(losses[0] / 100);
    expect(w[0]).toBeCloseTo(1, 2);
    expect(w[1]).toBeCloseTo(-1, 2);
  });

  it('diverges with lr 0.04, above 2 / 60', async () => {
    const tr = new KernelTrainer(1, 0.04);
    const first = await tr.step();
    let last = first;
    for (let e = 0; e < 20; e++) last = await tr.step();
    tr.dispose();
    expect(last.loss).toBeGreaterThan(first.loss);
  });

  it('gives the same curve for the same seed (a link reproduces the run)', async () => {
    const run = async () => {
      const tr = new KernelTrainer(7, 0.02);
      const out = [];
      for (let e = 0; e < 3; e++) out.push((await tr.step()).loss);
      tr.dispose();
      return out;
    };
    expect(await run()).toEqual(await run());
  });

  it('turns any URL value into valid settings', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (raw) => {
        const s = sanitize(raw);
        expect(LRS[s.lr]).toBeDefined();
        expect(s.epochs).toBeGreaterThanOrEqual(1);
      }),
    );
  });
});
