import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { countParameters, nn } from '../../src/engine';
import { computeDenseVsConv, conv2dShapes, countFromShapes, DC_DEFAULTS, DC_LIMITS, formatBytes, ladderCounts, linearShapes } from '../../src/widgets/dense-vs-conv/counts';
import { clippedWindowNote, sanitizeDC } from '../../src/widgets/dense-vs-conv';
import { trIn } from '../../src/widgets/common/i18n';

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

describe('the ladder of dense-vs-conv', () => {
  test('a window larger than the image is clipped to its offsets: 2 × 2 with 11 × 11 gives 16, 9, 9 (not 121)', () => {
    const r = computeDenseVsConv({ ...DC_DEFAULTS, w: 2, h: 2, c: 1, k: 11 });
    expect(r.ladder).toEqual({ full: 16, invariant: 9, local: 9 });
    expect(r.window).toEqual({ rows: 3, cols: 3 });
    // Clipped in one direction only: a 2-pixel-high strip keeps 3 rows of the 5 × 5 window.
    expect(ladderCounts(100, 2, 5)).toEqual({ full: 200 * 200, invariant: 3 * 199, local: 3 * 5 });
  });

  test('never goes up, for every image size and kernel the widget allows', () => {
    // Every kernel (odd, 1 to 11); every height against every width up to 64, and every height
    // up to 8192 against widths 1 to 16 and 8192 (and the other way round). A side matters to
    // the clipping only while 2·side − 1 < k ≤ 11, that is up to 5, so this meets every case
    // of it; all 6 · 8192² settings would take the test a quarter of a minute.
    const sides = Array.from({ length: DC_LIMITS.maxSide }, (_, i) => i + 1);
    const few = [...sides.slice(0, 16), DC_LIMITS.maxSide];
    const pairs: [number, number][] = [];
    for (const a of sides) for (const b of a <= 64 ? sides.slice(0, 64) : few) pairs.push([a, b], [b, a]);
    let checked = 0;
    for (let k = 1; k <= DC_LIMITS.maxK; k += 2)
      for (const [w, h] of pairs) {
        const l = ladderCounts(w, h, k);
        if (!(l.full >= l.invariant && l.invariant >= l.local && l.local >= 1 && l.local <= k * k)) expect({ w, h, k, ...l }).toBe('a non-increasing ladder');
        checked++;
      }
    expect(checked).toBeGreaterThan(6 * 2 * DC_LIMITS.maxSide * few.length);
    // Settings from a link (sanitised) give the same ladder as the sweep.
    fc.assert(
      fc.property(fc.record({ w: fc.anything(), h: fc.anything(), k: fc.anything() }), (raw) => {
        const s = sanitizeDC(raw, DC_DEFAULTS);
        expect(computeDenseVsConv(s).ladder).toEqual(ladderCounts(s.w, s.h, s.k));
      }),
      { numRuns: 100 },
    );
  });

  test('says in words when and why the window is clipped, in both languages', () => {
    const note = (t: ReturnType<typeof trIn>, s: { w: number; h: number; k: number }) => {
      const r = computeDenseVsConv({ ...DC_DEFAULTS, c: 1, ...s });
      return clippedWindowNote(t, s, r.ladder, r.window);
    };
    expect(note(trIn('en'), { w: 2, h: 2, k: 11 })).toBe(
      'The 11 × 11 window is larger than the image allows: it is 2 pixels high, so there are only 3 row offsets (|a| ≤ 1), and 2 pixels wide, so only 3 column offsets (|b| ≤ 1). A weight for an offset that never meets a pixel is never used, so the window is clipped to 3 × 3 = 9 weights, and locality removes none here.',
    );
    expect(note(trIn('zh'), { w: 2, h: 2, k: 11 })).toBe(
      '11 × 11 的窗口比图像允许的还大：图像高 2 像素，行偏移只有 3 个（|a| ≤ 1）；宽 2 像素，列偏移只有 3 个（|b| ≤ 1）。偏移永远碰不到像素的权重从不使用，所以窗口被裁剪为 3 × 3 = 9 个权重，这里局部性没有去掉任何权重。',
    );
    expect(note(trIn('en'), { w: 100, h: 2, k: 5 })).toBe(
      'The 5 × 5 window is larger than the image allows: it is 2 pixels high, so there are only 3 row offsets (|a| ≤ 1). A weight for an offset that never meets a pixel is never used, so the window is clipped to 3 × 5 = 15 weights.',
    );
    expect(note(trIn('en'), { w: 1, h: 100, k: 3 })).toBe(
      'The 3 × 3 window is larger than the image allows: it is 1 pixel wide, so there is only 1 column offset (|b| ≤ 0). A weight for an offset that never meets a pixel is never used, so the window is clipped to 3 × 1 = 3 weights.',
    );
    expect(note(trIn('zh'), { w: 1, h: 100, k: 3 })).toBe('3 × 3 的窗口比图像允许的还大：图像宽 1 像素，列偏移只有 1 个（|b| ≤ 0）。偏移永远碰不到像素的权重从不使用，所以窗口被裁剪为 3 × 1 = 3 个权重。');
    // Not clipped: no note, on the text's example or where the window just fits (k = 2h − 1).
    expect(note(trIn('en'), { w: 1000, h: 1000, k: 3 })).toBeNull();
    expect(note(trIn('en'), { w: 3, h: 3, k: 5 })).toBeNull();
  });
});
