import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { F, arange, setBackend } from '../../src/engine';
import { computePooling } from '../../src/widgets/pooling/compute';
import { DEFAULTS, LIMITS, NUM_FIELDS, TWO_CHANNEL, geometry, notesOutSize, sanitize, strides, tryChange, validate, type NumField, type PoolingSettings } from '../../src/widgets/pooling/geometry';

/** Plain loops: channel c is arange(h·w) + c; max pads with −∞, average divides by the whole window (padding included). */
function reference(s: PoolingSettings): { h: number; w: number; y: number[] } {
  const { sh, sw } = strides(s);
  const h = Math.floor((s.h + 2 * s.ph - s.kh) / sh) + 1;
  const w = Math.floor((s.w + 2 * s.pw - s.kw) / sw) + 1;
  const y: number[] = [];
  for (let c = 0; c < s.channels; c++)
    for (let i = 0; i < h; i++)
      for (let j = 0; j < w; j++) {
        let best = -Infinity;
        let sum = 0;
        for (let a = 0; a < s.kh; a++)
          for (let b = 0; b < s.kw; b++) {
            const r = i * sh + a - s.ph;
            const q = j * sw + b - s.pw;
            const inside = r >= 0 && r < s.h && q >= 0 && q < s.w;
            const v = inside ? r * s.w + q + c : s.mode === 'max' ? -Infinity : 0;
            best = Math.max(best, v);
            sum += v;
          }
        y.push(s.mode === 'max' ? best : sum / (s.kh * s.kw));
      }
  return { h, w, y };
}

const settings = fc.record({
  mode: fc.constantFrom('max' as const, 'avg' as const),
  strideAuto: fc.boolean(),
  ...(Object.fromEntries(NUM_FIELDS.map((f) => [f, fc.integer({ min: LIMITS[f][0], max: LIMITS[f][1] })])) as { [K in NumField]: fc.Arbitrary<number> }),
});

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
    await fc.assert(
      fc.asyncProperty(settings, async (s) => {
        const problems = validate(s);
        if (problems.length) {
          for (const p of problems) {
            expect(p.en.length).toBeGreaterThan(20);
            expect(p.zh.length).toBeGreaterThan(5);
          }
          const { sh, sw } = strides(s);
          const x = arange(s.h * s.w).reshape([1, 1, s.h, s.w]);
          expect(() => F.maxPool2d(x, [s.kh, s.kw], { stride: [sh, sw], padding: [s.ph, s.pw] })).toThrow();
          x.dispose();
          return;
        }
        const r = await computePooling(s);
        const ref = reference(s);
        const g = geometry(s);
        expect(r.shape).toEqual([1, s.channels, ref.h, ref.w]);
        expect([g.outH, g.outW]).toEqual([notesOutSize(s.h, s.kh, 2 * s.ph, g.sh), notesOutSize(s.w, s.kw, 2 * s.pw, g.sw)]);
        const y = Array.from(r.y);
        expect(y.every(Number.isFinite)).toBe(true);
        y.forEach((v, i) => expect(v).toBeCloseTo(ref.y[i], 4));
      }),
      { numRuns: 400 },
    );
  });

  it('never lets a control reach an invalid setting, and explains each refusal', () => {
    fc.assert(
      fc.property(settings, fc.constantFrom(...NUM_FIELDS), fc.integer({ min: -3, max: 12 }), (raw, f, v) => {
        const s = sanitize(raw);
        expect(validate(s)).toEqual([]);
        const { next, problem } = tryChange(s, f, v);
        expect(validate(next)).toEqual([]);
        if (problem) {
          expect(next).toEqual(s);
          expect(problem.en.length).toBeGreaterThan(20);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('explains PyTorch’s rule when the padding exceeds half the window', () => {
    const { next, problem } = tryChange(DEFAULTS, 'ph', 2);
    expect(next).toEqual(DEFAULTS);
    expect(problem?.field).toBe('ph');
    expect(problem?.en).toMatch(/at most half the window/);
  });

  it('turns any URL value, however garbled, into valid settings', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (raw) => {
        expect(validate(sanitize(raw))).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});
