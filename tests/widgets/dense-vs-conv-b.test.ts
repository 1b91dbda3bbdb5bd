import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { countParameters, nn } from '../../src/engine';
import { computeDenseVsConv, conv2dShapes, countFromShapes, DC_DEFAULTS, formatBytes, linearShapes } from '../../src/widgets/dense-vs-conv/counts';
import { sanitizeDC } from '../../src/widgets/dense-vs-conv';

describe('dense versus convolution counts', () => {
  test('the notes’ cat-and-dog example: 12 MP RGB, 100 hidden units -> 3.6 billion parameters, about 14 GB', () => {
    const r = computeDenseVsConv(DC_DEFAULTS);
    expect(r.inputs).toBe(36_000_000);
    expect(r.dense.params).toBe(3_600_000_100);
    expect(r.dense.bytes).toBe(14_400_000_400);
    expect(formatBytes(r.dense.bytes).si).toBe('14.4 GB');
    expect(r.dense.source).toBe('shapes');
    expect(r.conv.params).toBe(3 * 100 * 9 + 100);
    expect(r.conv.source).toBe('engine');
    expect(r.ladder.local).toBe(9);
  });

  test('the chapter’s 1000 x 1000 ladder: 10^12, 1999^2 and 9 weights', () => {
    const r = computeDenseVsConv({ ...DC_DEFAULTS, w: 1000, h: 1000, c: 1, k: 3 });
    expect(r.ladder).toEqual({ full: 1e12, invariant: 1999 * 1999, local: 9 });
  });

  test('the module shapes used for big layers are exactly the engine’s modules’ parameter shapes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 16 }), fc.integer({ min: 0, max: 5 }), (inF, outF, ci, co, kh) => {
        const k = 2 * kh + 1;
        const lin = new nn.Linear(inF, outF);
        expect(lin.parameters().map((p) => [...p.shape])).toEqual(linearShapes(inF, outF));
        expect(countParameters(lin)).toBe(countFromShapes(linearShapes(inF, outF)));
        lin.dispose();
        const conv = new nn.Conv2d(ci, co, k);
        expect(conv.parameters().map((p) => [...p.shape])).toEqual(conv2dShapes(ci, co, k));
        expect(countParameters(conv)).toBe(countFromShapes(conv2dShapes(ci, co, k)));
        conv.dispose();
      }),
      { numRuns: 60 },
    );
  });

  test('small layers are counted by the engine and agree with the formula', () => {
    const r = computeDenseVsConv({ w: 28, h: 28, c: 1, hidden: 100, k: 5, co: 6 });
    expect(r.dense.source).toBe('engine');
    expect(r.dense.params).toBe(784 * 100 + 100);
    expect(r.conv.params).toBe(6 * 25 + 6);
  });

  test('any JSON value becomes valid settings (odd kernel, sizes in range)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.record({ w: fc.anything(), h: fc.anything(), c: fc.anything(), hidden: fc.anything(), k: fc.anything(), co: fc.anything() })), (raw) => {
        const s = sanitizeDC(raw, DC_DEFAULTS);
        expect(s.k % 2).toBe(1);
        for (const v of [s.w, s.h, s.c, s.hidden, s.co]) expect(Number.isInteger(v) && v >= 1).toBe(true);
        const r = computeDenseVsConv(s);
        expect(Number.isSafeInteger(r.dense.params)).toBe(true);
        expect(Number.isSafeInteger(r.ladder.full)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
