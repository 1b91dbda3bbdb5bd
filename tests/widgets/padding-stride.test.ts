import { describe, expect, it } from 'vitest';
import { setBackend } from '../../src/engine';
import { computePaddingStride } from '../../src/widgets/padding-stride/compute';
import { DEFAULTS, FIELDS, LIMITS, geometry, notesOutSize, sanitize, tryChange, validate } from '../../src/widgets/padding-stride/geometry';
import { paddingStrideRef } from '../helpers/references';
import { expectComputedOrExplained, expectMovesStayValid, expectSanitizeAlwaysValid, withinLimits } from '../helpers/settings-properties';

/** Every setting the sliders can reach (each slider over its whole range). */
const reachable = withinLimits(FIELDS, LIMITS);

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
    await expectComputedOrExplained(
      reachable,
      validate,
      {
        // The refusal is not over-cautious: such a kernel really does not fit.
        refused: (s) => expect(s.kh > s.nh + s.ph || s.kw > s.nw + s.pw).toBe(true),
        computed: async (s) => {
          const r = await computePaddingStride(s);
          const ref = paddingStrideRef(s);
          expect(r.shape).toEqual([1, 1, notesOutSize(s.nh, s.kh, s.ph, s.sh), notesOutSize(s.nw, s.kw, s.pw, s.sw)]);
          expect([r.shape[2], r.shape[3]]).toEqual([ref.h, ref.w]);
          expect(Array.from(r.y).every(Number.isFinite)).toBe(true);
          expect(Array.from(r.y)).toEqual(ref.y);
        },
      },
      300,
    );
  });

  it('never lets a single slider move reach an invalid setting, and explains each refusal', () => {
    expectMovesStayValid({
      settings: reachable,
      fields: FIELDS,
      values: { min: -5, max: 20 },
      sanitize,
      validate,
      tryChange,
      explains: (problem) => expect(problem.en).toMatch(/fit/),
    });
  });

  it('turns any URL value, however garbled, into valid settings', () => {
    expectSanitizeAlwaysValid(sanitize, validate);
    expect(sanitize({ nh: 'NaN', kh: 1e308, ph: -Infinity })).toEqual({ ...DEFAULTS, kh: Math.min(LIMITS.kh[1], DEFAULTS.nh + DEFAULTS.ph) });
  });
});
