import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { setBackend } from '../../src/engine';
import { computeCorr2d } from '../../src/widgets/corr2d/compute';
import { DEFAULTS, K_MAX, VALUE_MAX, X_MAX, edgeImage, edgeKernel, sanitize, transpose, validate } from '../../src/widgets/corr2d/model';
import { corr2dRef } from '../helpers/references';
import { expectSanitizeAlwaysValid } from '../helpers/settings-properties';

const matrix = (maxR: number, maxC: number) =>
  fc.tuple(fc.integer({ min: 1, max: maxR }), fc.integer({ min: 1, max: maxC })).chain(([r, c]) => fc.array(fc.array(fc.integer({ min: -9, max: 9 }), { minLength: c, maxLength: c }), { minLength: r, maxLength: r }));

describe('the corr2d widget', () => {
  it('opens on the notes’ edge image: [1, −1] finds the white-to-black edge (1) and the black-to-white edge (−1)', async () => {
    await setBackend('cpu');
    const r = await computeCorr2d(DEFAULTS.x, DEFAULTS.k);
    expect([r.outH, r.outW]).toEqual([6, 7]);
    expect(Array.from(r.y)).toEqual(Array.from({ length: 6 }, () => [0, 1, 0, 0, 0, -1, 0]).flat());
    expect(Array.from(r.sums)).toEqual(Array.from(r.y));
  });

  it('finds no edge in the transposed image: an 8×5 output of zeros', async () => {
    const r = await computeCorr2d(transpose(edgeImage()), edgeKernel());
    expect([r.outH, r.outW]).toEqual([8, 5]);
    expect(Array.from(r.y).every((v) => v === 0)).toBe(true);
  });

  it('shows, for every window, the element-wise products whose sum is the output cell', async () => {
    await setBackend('cpu');
    await fc.assert(
      fc.asyncProperty(matrix(X_MAX, X_MAX), matrix(K_MAX, K_MAX), async (x, k) => {
        if (validate({ x, k, pos: 0 }).length) {
          expect(k.length > x.length || k[0].length > x[0].length).toBe(true);
          return;
        }
        const r = await computeCorr2d(x, k);
        const ref = corr2dRef(x, k);
        expect(Array.from(r.y)).toEqual(ref);
        expect(Array.from(r.sums)).toEqual(ref);
        const n = r.outH * r.outW;
        for (let p = 0; p < n; p++) {
          const i = Math.floor(p / r.outW);
          const j = p % r.outW;
          k.flat().forEach((kv, t) => {
            const a = Math.floor(t / k[0].length);
            const b = t % k[0].length;
            expect(r.products[t * n + p]).toBe(x[i + a][j + b] * kv);
          });
        }
      }),
      { numRuns: 150 },
    );
  });

  it('turns any URL value into valid settings, clamping huge and dropping non-finite values', () => {
    expectSanitizeAlwaysValid(sanitize, validate);
    const s = sanitize({ x: [[1e300, 2], [3, 4]], k: [[1, 2, 3]], pos: 99 });
    expect(s.x[0][0]).toBe(VALUE_MAX);
    expect(s.k[0].length).toBe(2);
    expect(validate(s)).toEqual([]);
    expect(sanitize({ x: [[NaN]], k: 'K' })).toEqual(DEFAULTS);
  });
});
