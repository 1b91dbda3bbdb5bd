import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { F, arange, setBackend } from '../../src/engine';
import { computePooling } from '../../src/widgets/pooling/compute';
import { DEFAULTS, LIMITS, NUM_FIELDS, TWO_CHANNEL, geometry, notesOutSize, sanitize, strides, tryChange, validate } from '../../src/widgets/pooling/geometry';
import { poolingRef } from '../helpers/references';
import { expectComputedOrExplained, expectMovesStayValid, expectSanitizeAlwaysValid, withinLimits } from '../helpers/settings-properties';

const settings = fc
  .tuple(fc.constantFrom('max' as const, 'avg' as const), fc.boolean(), withinLimits(NUM_FIELDS, LIMITS))
  .map(([mode, strideAuto, nums]) => ({ mode, strideAuto, ...nums }));

describe('the pooling widget', () => {
  it('opens on the notes’ example: arange(16) as 4×4, MaxPool2d(3, padding=1, stride=2) gives [[5, 7], [13, 15]]', async () => {
    await setBackend('cpu');
    const r = await computePooling(DEFAULTS);
    expect(r.shape).toEqual([1, 1, 2, 2]);
    expect(Array.from(r.y)).toEqual([5, 7, 13, 15]);
  });

  it('with the two-channel preset pools X and X + 1 separately into [[5, 7], [13, 15]] and [[6, 8], [14, 16]]', async () => {
    const r = await computePooling(TWO_CHANNEL);
    expect(r.inShape).toEqual([1, 2, 4, 4]);
    expect(r.shape).toEqual([1, 2, 2, 2]);
    expect(Array.from(r.y)).toEqual([5, 7, 13, 15, 6, 8, 14, 16]);
  });

  it('gives the notes’ rectangular example: window (2, 3), stride (2, 3), padding (0, 1) gives [[5, 7], [13, 15]]', async () => {
    const r = await computePooling({ ...DEFAULTS, kh: 2, kw: 3, ph: 0, pw: 1, sh: 2, sw: 3 });
    expect(Array.from(r.y)).toEqual([5, 7, 13, 15]);
  });

  it('uses the window as the stride by default, as PyTorch does: MaxPool2d(3) gives [[10]]', async () => {
    const r = await computePooling({ ...DEFAULTS, ph: 0, pw: 0, strideAuto: true });
    expect(r.shape).toEqual([1, 1, 1, 1]);
    expect(Array.from(r.y)).toEqual([10]);
  });

  it('gives, for every reachable setting, either the CPU reference or an explanation (and the engine agrees it cannot work)', async () => {
    await setBackend('cpu');
    await expectComputedOrExplained(
      settings,
      validate,
      {
        refused: (s) => {
          const { sh, sw } = strides(s);
          const x = arange(s.h * s.w).reshape([1, 1, s.h, s.w]);
          expect(() => F.maxPool2d(x, [s.kh, s.kw], { stride: [sh, sw], padding: [s.ph, s.pw] })).toThrow();
          x.dispose();
        },
        computed: async (s) => {
          const r = await computePooling(s);
          const ref = poolingRef(s);
          const g = geometry(s);
          expect(r.shape).toEqual([1, s.channels, ref.h, ref.w]);
          // The size the widget states, and the notes' formula with the total padding 2p, are the number of windows that fit.
          expect([g.outH, g.outW]).toEqual([ref.h, ref.w]);
          expect([notesOutSize(s.h, s.kh, 2 * s.ph, g.sh), notesOutSize(s.w, s.kw, 2 * s.pw, g.sw)]).toEqual([ref.h, ref.w]);
          const y = Array.from(r.y);
          expect(y).toHaveLength(s.channels * ref.h * ref.w);
          expect(y.every(Number.isFinite)).toBe(true);
          ref.y.flat().forEach((v, i) => expect(y[i]).toBeCloseTo(v, 4));
        },
      },
      400,
    );
  });

  it('never lets a control reach an invalid setting, and explains each refusal', () => {
    expectMovesStayValid({
      settings,
      fields: NUM_FIELDS,
      values: { min: -3, max: 12 },
      sanitize,
      validate,
      tryChange,
      explains: (problem) => expect(problem.en.length).toBeGreaterThan(20),
    });
  });

  it('explains PyTorch’s rule when the padding exceeds half the window', () => {
    const { next, problem } = tryChange(DEFAULTS, 'ph', 2);
    expect(next).toEqual(DEFAULTS);
    expect(problem?.field).toBe('ph');
    expect(problem?.en).toMatch(/at most half the window/);
  });

  it('turns any URL value, however garbled, into valid settings', () => {
    expectSanitizeAlwaysValid(sanitize, validate);
  });
});
