import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { countParameters, nn, setBackend } from '../../src/engine';
import { computeMultiChannel, MC_DEFAULTS, MC_LIMITS, referenceMultiChannel, reshapeValues, type MCSettings } from '../../src/widgets/multichannel/compute';
import { sanitizeMC, withShape } from '../../src/widgets/multichannel/settings';

function unflat(a: Float32Array, co: number, oh: number, ow: number): number[][][] {
  return Array.from({ length: co }, (_, o) => Array.from({ length: oh }, (_, i) => Array.from(a.subarray((o * oh + i) * ow, (o * oh + i + 1) * ow))));
}

const settingsArb: fc.Arbitrary<MCSettings> = fc
  .record({
    ci: fc.integer({ min: 1, max: MC_LIMITS.maxCi }),
    co: fc.integer({ min: 1, max: MC_LIMITS.maxCo }),
    h: fc.integer({ min: 1, max: MC_LIMITS.maxSide }),
    w: fc.integer({ min: 1, max: MC_LIMITS.maxSide }),
    kh: fc.integer({ min: 1, max: MC_LIMITS.maxK }),
    kw: fc.integer({ min: 1, max: MC_LIMITS.maxK }),
    values: fc.array(fc.integer({ min: -9, max: 9 }), { minLength: 400, maxLength: 400 }),
  })
  .map(({ ci, co, h, w, kh, kw, values }) => {
    const shape = { ci, co, h, w, kh: Math.min(kh, h), kw: Math.min(kw, w) };
    let i = 0;
    const next = () => values[i++ % values.length];
    const X = Array.from({ length: ci }, () => Array.from({ length: h }, () => Array.from({ length: w }, next)));
    const K = Array.from({ length: co }, () => Array.from({ length: ci }, () => Array.from({ length: shape.kh }, () => Array.from({ length: shape.kw }, next))));
    const b = Array.from({ length: co }, next);
    return { ...shape, X, K, b, pick: [0, 0, 0] as [number, number, number] };
  });

describe('multichannel widget computed by the engine (cpu backend)', () => {
  test('the notes’ example gives [[56, 72], [104, 120]]', async () => {
    await setBackend('cpu');
    expect(MC_DEFAULTS.X).toEqual([
      [[0, 1, 2], [3, 4, 5], [6, 7, 8]],
      [[1, 2, 3], [4, 5, 6], [7, 8, 9]],
    ]);
    expect(MC_DEFAULTS.K).toEqual([[[[0, 1], [2, 3]], [[1, 2], [3, 4]]]]);
    const r = await computeMultiChannel(MC_DEFAULTS);
    expect(unflat(r.out, 1, 2, 2)).toEqual([[[56, 72], [104, 120]]]);
    // The two per-channel correlations add up to the output.
    expect(Array.from(r.perChannel[0][0])).toEqual([19, 25, 37, 43]);
    expect(Array.from(r.perChannel[0][1])).toEqual([37, 47, 67, 77]);
    expect(r.paramCount).toBe(9);
  });

  test('stacking K, K+1, K+2 gives the notes’ three output channels', async () => {
    await setBackend('cpu');
    const s = withShape(MC_DEFAULTS, { co: 3 });
    expect(s.K[1][0]).toEqual([[1, 2], [3, 4]]);
    expect(s.K[2][1]).toEqual([[3, 4], [5, 6]]);
    const r = await computeMultiChannel(s);
    expect(unflat(r.out, 3, 2, 2)).toEqual([
      [[56, 72], [104, 120]],
      [[76, 100], [148, 172]],
      [[96, 128], [192, 224]],
    ]);
    expect(r.paramCount).toBe(3 * 2 * 2 * 2 + 3);
  });

  test('random shapes and values agree with a plain reference, and the parameter count equals the engine’s and the formula', async () => {
    await setBackend('cpu');
    const samples = fc.sample(settingsArb, { numRuns: 60, seed: 7 });
    for (const s of samples) {
      const r = await computeMultiChannel(s);
      expect(unflat(r.out, s.co, s.h - s.kh + 1, s.w - s.kw + 1)).toEqual(referenceMultiChannel(s));
      const conv = new nn.Conv2d(s.ci, s.co, [s.kh, s.kw]);
      expect(r.paramCount).toBe(countParameters(conv));
      conv.dispose();
      expect(r.paramCount).toBe(s.co * s.ci * s.kh * s.kw + s.co);
      // The per-channel maps sum to the output minus the bias.
      const oh = s.h - s.kh + 1;
      const ow = s.w - s.kw + 1;
      for (let o = 0; o < s.co; o++)
        for (let p = 0; p < oh * ow; p++) {
          const sum = r.perChannel[o].reduce((acc, m) => acc + m[p], 0);
          expect(sum + s.b[o]).toBe(r.out[o * oh * ow + p]);
        }
    }
  });

  test('the multichannel parameter count equals the engine’s for every reachable shape', () => {
    for (let ci = 1; ci <= MC_LIMITS.maxCi; ci++)
      for (let co = 1; co <= MC_LIMITS.maxCo; co++)
        for (let kh = 1; kh <= MC_LIMITS.maxK; kh++)
          for (let kw = 1; kw <= MC_LIMITS.maxK; kw++) {
            const conv = new nn.Conv2d(ci, co, [kh, kw]);
            expect(countParameters(conv)).toBe(co * ci * kh * kw + co);
            conv.dispose();
          }
  });

  test('with 1x1 kernels, the c_o x c_i matrix times the pixels equals conv2d', async () => {
    await setBackend('cpu');
    const shape = { ci: 3, co: 2, h: 3, w: 3, kh: 1, kw: 1 };
    const s: MCSettings = { ...shape, ...reshapeValues(shape), pick: [0, 0, 0] };
    s.b = [0.5, -2];
    const r = await computeMultiChannel(s);
    expect(r.dense).not.toBeNull();
    expect(Array.from(r.dense!)).toEqual(Array.from(r.out));
    expect(r.paramCount).toBe(2 * 3 + 2);
  });
});

describe('multichannel settings from the URL', () => {
  test('any JSON value becomes settings with consistent shapes and finite values', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.record({ ci: fc.anything(), co: fc.anything(), h: fc.anything(), w: fc.anything(), kh: fc.anything(), kw: fc.anything(), X: fc.anything(), K: fc.anything(), b: fc.anything(), pick: fc.anything() })), (raw) => {
        const s = sanitizeMC(raw, MC_DEFAULTS);
        expect(s.kh).toBeLessThanOrEqual(s.h);
        expect(s.kw).toBeLessThanOrEqual(s.w);
        expect(s.X.length).toBe(s.ci);
        for (const ch of s.X) {
          expect(ch.length).toBe(s.h);
          for (const row of ch) {
            expect(row.length).toBe(s.w);
            expect(row.every(Number.isFinite)).toBe(true);
          }
        }
        expect(s.K.length).toBe(s.co);
        for (const oc of s.K) {
          expect(oc.length).toBe(s.ci);
          for (const ch of oc) expect(ch.flat().length).toBe(s.kh * s.kw);
        }
        expect(s.b.length).toBe(s.co);
        expect(s.pick[0]).toBeLessThan(s.co);
        expect(s.pick[1]).toBeLessThanOrEqual(s.h - s.kh);
        expect(s.pick[2]).toBeLessThanOrEqual(s.w - s.kw);
      }),
      { numRuns: 300 },
    );
  });
});
