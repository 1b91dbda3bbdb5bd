import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { F, arange, ones, withBackend } from '../../src/engine';
import { clampField, intFields, notesOutSize, outSize, paddingCells, rangeProblems, windowCells } from '../../src/widgets/common/grid';
import { pad2d } from '../../src/widgets/common/pad';
import { say, trIn } from '../../src/widgets/common/i18n';
import { groupDigits } from '../../src/widgets/common/format';
import { fieldProblem, nearestAccepted } from '../../src/widgets/common/NumberField';
import { gridMove } from '../../src/widgets/common/MatrixGrid';

describe('the widgets’ shared grid helpers', () => {
  it('outline, for every output cell, exactly the input cells the engine’s convolution sums there', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), (h, w, kh0, kw0, sh, sw) => {
        const kh = Math.min(kh0, h);
        const kw = Math.min(kw0, w);
        // With X = arange and an all-ones kernel, each output is the sum of the cells under its window.
        const { y, shape } = withBackend('cpu', () => {
          const Y = F.conv2d(arange(h * w).reshape([1, 1, h, w]), ones([1, 1, kh, kw]), null, { stride: [sh, sw] });
          const out = { y: Y.dataSync(), shape: [...Y.shape] };
          Y.dispose();
          return out;
        });
        const outW = outSize(w, kw, 0, sw);
        expect(shape).toEqual([1, 1, outSize(h, kh, 0, sh), outW]);
        y.forEach((v, pos) => {
          const cells = windowCells({ cols: w, outW, kh, kw, sh, sw }, pos);
          expect(cells.size).toBe(kh * kw);
          expect([...cells].reduce((a, i) => a + i, 0)).toBe(v);
        });
      }),
      { numRuns: 60 },
    );
  });

  it('mark as padding exactly the cells the engine’s padding fills', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }), fc.nat(3), fc.nat(3), fc.nat(3), fc.nat(3), (h, w, top, bottom, left, right) => {
        const padded = withBackend('cpu', () => {
          const P = pad2d(ones([1, 1, h, w]), top, bottom, left, right);
          const d = P.dataSync();
          P.dispose();
          return d;
        });
        const rows = h + top + bottom;
        const cols = w + left + right;
        const pads = paddingCells(rows, cols, top, left, h, w);
        expect(padded.length).toBe(rows * cols);
        padded.forEach((v, i) => expect(pads.has(i)).toBe(v === 0));
      }),
    );
  });

  it('count output sizes with the notes’ total padding as the notes’ formula ⌊(n − k + p + s) / s⌋ does', () => {
    for (let n = 1; n <= 8; n++)
      for (let k = 1; k <= n + 4; k++)
        for (let p = Math.max(0, k - n); p <= 4; p++) for (let s = 1; s <= 4; s++) expect(notesOutSize(n, k, p, s)).toBe(Math.floor((n - k + p + s) / s));
  });

  it('name every setting out of its limits, and read settings from anything within them', () => {
    const limits = { a: [1, 5], b: [0, 2] } as const;
    expect(rangeProblems({ a: 0, b: 1.5 }, ['a', 'b'], limits).map((p) => p.field)).toEqual(['a', 'b']);
    expect(rangeProblems({ a: 5, b: 0 }, ['a', 'b'], limits)).toEqual([]);
    expect(intFields({ a: '9', b: 'x' }, ['a', 'b'], limits, { a: 2, b: 1 })).toEqual({ a: 5, b: 1 });
    expect(clampField(2.6, 1, limits.a)).toBe(3);
    expect(clampField(NaN, 4, limits.a)).toBe(4);
    expect(clampField(-3, 4, limits.b)).toBe(0);
  });
});

describe('the widgets’ one way to speak both languages', () => {
  it('picks the reader’s half of each pair, with one stable picker per language', () => {
    expect(trIn('en')('Reset', '重置')).toBe('Reset');
    expect(trIn('zh')('Reset', '重置')).toBe('重置');
    expect(trIn('zh')).toBe(trIn('zh'));
    expect(say(trIn('zh'), { en: 'Reset', zh: '重置' })).toBe('重置');
  });

  it('groups digits the same way in both languages', () => {
    expect(groupDigits(3_600_000_100)).toBe('3,600,000,100');
    expect(groupDigits(-1234)).toBe('−1,234');
  });
});

describe('the number field’s rules', () => {
  const bounds = { min: 1, max: 8192, integer: true };
  it('accept exactly the whole numbers in range and name why anything else is refused', () => {
    expect(fieldProblem('12', bounds)).toBeNull();
    expect(fieldProblem(' 8192 ', bounds)).toBeNull();
    expect(fieldProblem('', bounds)).toBe('empty');
    expect(fieldProblem('  ', bounds)).toBe('empty');
    expect(fieldProblem('abc', bounds)).toBe('nan');
    expect(fieldProblem('1e400', bounds)).toBe('nan');
    expect(fieldProblem('2.5', bounds)).toBe('whole');
    expect(fieldProblem('0', bounds)).toBe('range');
    expect(fieldProblem('8193', bounds)).toBe('range');
    expect(fieldProblem('-0.5', { min: -1 })).toBeNull();
    expect(fieldProblem('1e30', {})).toBeNull();
  });

  it('settle a refused finite number on the nearest accepted one', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e7, max: 1e7, noNaN: true }), fc.integer({ min: -100, max: 100 }), fc.integer({ min: 0, max: 1000 }), fc.boolean(), (n, min, span, integer) => {
        const b = { min, max: min + span, integer };
        const v = nearestAccepted(n, b);
        expect(fieldProblem(String(v), b)).toBeNull();
        if (fieldProblem(String(n), b) === null) expect(v).toBe(n);
        // Nothing accepted lies nearer.
        const alt = Math.min(b.max, Math.max(b.min, Math.round(n)));
        expect(Math.abs(v - n)).toBeLessThanOrEqual(Math.abs(alt - n) + 1e-9);
      }),
    );
  });
});

describe('a selectable grid’s keys', () => {
  it('move one cell with the arrows, stop at the edges, and jump along the row or to the corners', () => {
    expect(gridMove('ArrowRight', false, 1, 3, 6, 7)).toEqual([1, 4]);
    expect(gridMove('ArrowDown', false, 5, 3, 6, 7)).toEqual([5, 3]);
    expect(gridMove('ArrowLeft', false, 2, 0, 6, 7)).toEqual([2, 0]);
    expect(gridMove('ArrowUp', false, 0, 6, 6, 7)).toEqual([0, 6]);
    expect(gridMove('Home', false, 4, 5, 6, 7)).toEqual([4, 0]);
    expect(gridMove('End', false, 4, 2, 6, 7)).toEqual([4, 6]);
    expect(gridMove('Home', true, 4, 5, 6, 7)).toEqual([0, 0]);
    expect(gridMove('End', true, 0, 0, 6, 7)).toEqual([5, 6]);
    expect(gridMove('Enter', false, 1, 1, 6, 7)).toBeNull();
    expect(gridMove('a', false, 1, 1, 6, 7)).toBeNull();
  });
});
