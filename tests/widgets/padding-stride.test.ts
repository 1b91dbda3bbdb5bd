import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { setBackend } from '../../src/engine';
import { computePaddingStride } from '../../src/widgets/padding-stride/compute';
import { DEFAULTS, FIELDS, LIMITS, geometry, notesOutSize, sanitize, tryChange, validate, type PaddingStrideSettings } from '../../src/widgets/padding-stride/geometry';
import { paddingStrideRef } from '../helpers/references';

const field = (f: keyof PaddingStrideSettings) => fc.integer({ min: LIMITS[f][0], max: LIMITS[f][1] });
/** Every setting the sliders can reach (each slider over its whole range). */
const reachable = fc.record(Object.fromEntries(FIELDS.map((f) => [f, field(f)])) as { [K in keyof PaddingStrideSettings]: fc.Arbitrary<number> });

describe('the padding-and-stride widget', () => {
  it('opens on the notes’ padding example: a 3×3 input and a 2×2 kernel padded by one all round give the 4×4 output of the figure', async () => {
    await setBackend('cpu');
    const r = await computePaddingStride(DEFAULTS);
    expect(r.shape).toEqual([1, 1, 4, 4]);
    expect(Array.from(r.y)).toEqual([0, 3, 8, 4, 9, 19, 25, 10, 21, 37, 43, 16, 6, 7, 8, 0]);
    expect(r.method).toBe('conv-padding');
  });

  it('gives the notes’ stride example: stride 3 down and 2 across gives [[0, 8], [6, 8]]', async () => {
    const r = await computePaddingStride({ ...DEFAULTS, sh: 3, sw: 2 });
    expect(r.shape).toEqual([1, 1, 2, 2]);
    expect(Array.from(r.y)).toEqual([0, 8, 6, 8]);
  });

  it('puts the extra row of an odd total padding on top and the extra column on the left', () => {
    const g = geometry({ ...DEFAULTS, kh: 4, kw: 4, nh: 4, nw: 4, ph: 3, pw: 3 });
    expect([g.padTop, g.padBottom, g.padLeft, g.padRight]).toEqual([2, 1, 2, 1]);
    expect(g.torchPadH).toBeNull();
    expect([g.outH, g.outW]).toEqual([4, 4]);
  });

  it('gives, for every reachable setting, either the CPU reference with the formula’s shape or an explanation', async () => {
    await setBackend('cpu');
    await fc.assert(
      fc.asyncProperty(reachable, async (s) => {
        const problems = validate(s);
        if (problems.length) {
          for (const p of problems) {
            expect(p.en.length).toBeGreaterThan(20);
            expect(p.zh.length).toBeGreaterThan(5);
          }
          // The refusal is not over-cautious: such a kernel really does not fit.
          expect(s.kh > s.nh + s.ph || s.kw > s.nw + s.pw).toBe(true);
          return;
        }
        const r = await computePaddingStride(s);
        const ref = paddingStrideRef(s);
        expect(r.shape).toEqual([1, 1, notesOutSize(s.nh, s.kh, s.ph, s.sh), notesOutSize(s.nw, s.kw, s.pw, s.sw)]);
        expect([r.shape[2], r.shape[3]]).toEqual([ref.h, ref.w]);
        expect(Array.from(r.y).every(Number.isFinite)).toBe(true);
        expect(Array.from(r.y)).toEqual(ref.y);
      }),
      { numRuns: 300 },
    );
  });

  it('never lets a single slider move reach an invalid setting, and explains each refusal', () => {
    fc.assert(
      fc.property(reachable, fc.constantFrom(...FIELDS), fc.integer({ min: -5, max: 20 }), (raw, f, v) => {
        const s = sanitize(raw);
        expect(validate(s)).toEqual([]);
        const { next, problem } = tryChange(s, f, v);
        expect(validate(next)).toEqual([]);
        if (problem) {
          expect(next).toEqual(s);
          expect(problem.field).toBe(f);
          expect(problem.en).toMatch(/fit/);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('turns any URL value, however garbled, into valid settings', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (raw) => {
        expect(validate(sanitize(raw))).toEqual([]);
      }),
      { numRuns: 300 },
    );
    expect(sanitize({ nh: 'NaN', kh: 1e308, ph: -Infinity })).toEqual({ ...DEFAULTS, kh: Math.min(LIMITS.kh[1], DEFAULTS.nh + DEFAULTS.ph) });
  });
});
