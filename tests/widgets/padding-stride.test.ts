import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { setBackend } from '../../src/engine';
import { computePaddingStride } from '../../src/widgets/padding-stride/compute';
import { DEFAULTS, FIELDS, LIMITS, geometry, notesOutSize, paddingCells, paddingOnly, paddingOnlyNote, sanitize, tryChange, validate, windowCells } from '../../src/widgets/padding-stride/geometry';
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

describe('outputs that see only padding', () => {
  it('names the rows of the audit’s example (n_h = 8, k_h = 2, p_h = 6): rows 0, 1, 11 and 12, all 0 in the engine’s output', async () => {
    await setBackend('cpu');
    const s = { ...DEFAULTS, nh: 8, kh: 2, ph: 6 };
    const g = geometry(s);
    expect(paddingOnly(s, g)).toEqual({ rows: [0, 1, 11, 12], cols: [] });
    const r = await computePaddingStride(s);
    const [outH, outW] = [r.shape[2], r.shape[3]];
    for (const i of [0, 1, 11, 12]) expect(Array.from(r.y.subarray(i * outW, (i + 1) * outW))).toEqual(new Array(outW).fill(0));
    expect(outH).toBe(13);
    const note = paddingOnlyNote(s, g);
    expect(note?.en).toBe(
      'Output rows 0, 1, 11 and 12 (Y[i, j] with i = 0, 1, 11 or 12) see only padding: their windows, k_h = 2 rows high, lie wholly in the 3 rows of zeros on top or the 3 at the bottom, so they hold no input and give 0. A side padded with at least as many rows (columns) as the kernel has leaves room for such windows.',
    );
    expect(note?.zh).toBe(
      '输出的第 0、1、11、12 行（i = 0、1、11、12 的 Y[i, j]）只看到填充：这些窗口高 k_h = 2 行，整个落在顶部 3 行或底部 3 行零填充里，不含任何输入，所以结果为 0。某一侧填充的行（列）数不少于卷积核的行（列）数时，就会有这样的窗口。',
    );
  });

  it('says one column on one side in the singular, and nothing where every window meets the input', () => {
    const s = { ...DEFAULTS, nw: 3, kw: 1, pw: 1 };
    const g = geometry(s);
    expect(paddingOnly(s, g)).toEqual({ rows: [], cols: [0] });
    expect(paddingOnlyNote(s, g)?.en).toBe(
      'Output column 0 (Y[i, j] with j = 0) sees only padding: its window, k_w = 1 column wide, lies wholly in the 1 column of zeros on the left, so it holds no input and gives 0. A side padded with at least as many rows (columns) as the kernel has leaves room for such windows.',
    );
    expect(paddingOnlyNote(s, g)?.zh).toBe('输出的第 0 列（j = 0 的 Y[i, j]）只看到填充：它的窗口宽 k_w = 1 列，整个落在左侧 1 列零填充里，不含任何输入，所以结果为 0。某一侧填充的行（列）数不少于卷积核的行（列）数时，就会有这样的窗口。');
    expect(paddingOnlyNote(DEFAULTS, geometry(DEFAULTS))).toBeNull();
    // The largest size-keeping padding (p = k − 1) never leaves a window without input.
    for (let k = 1; k <= LIMITS.kh[1]; k++) {
      const same = { ...DEFAULTS, nh: 4, nw: 4, kh: k, kw: k, ph: k - 1, pw: k - 1 };
      expect(paddingOnlyNote(same, geometry(same))).toBeNull();
    }
  });

  it('lists, for every reachable setting, exactly the rows and columns whose windows hold only padding cells', () => {
    fc.assert(
      fc.property(reachable, (s) => {
        if (validate(s).length) return;
        const g = geometry(s);
        const pads = paddingCells(s, g);
        const onlyPadding = (pos: number) => [...windowCells(s, g, pos)].every((c) => pads.has(c));
        // Y[i, j] sees only padding exactly when row i or column j is listed.
        const { rows, cols } = paddingOnly(s, g);
        for (let i = 0; i < g.outH; i++) for (let j = 0; j < g.outW; j++) expect(onlyPadding(i * g.outW + j)).toBe(rows.includes(i) || cols.includes(j));
        // Row i (column j) is listed when its windows lie in rows (columns) of the padded input that are padding from end to end.
        const padRow = (r: number) => Array.from({ length: g.paddedW }, (_, c) => pads.has(r * g.paddedW + c)).every(Boolean);
        const padCol = (c: number) => Array.from({ length: g.paddedH }, (_, r) => pads.has(r * g.paddedW + c)).every(Boolean);
        for (let i = 0; i < g.outH; i++) expect(rows.includes(i)).toBe([...windowCells(s, g, i * g.outW)].every((c) => padRow(Math.floor(c / g.paddedW))));
        for (let j = 0; j < g.outW; j++) expect(cols.includes(j)).toBe([...windowCells(s, g, j)].every((c) => padCol(c % g.paddedW)));
        expect(paddingOnlyNote(s, g) === null).toBe(rows.length === 0 && cols.length === 0);
      }),
      { numRuns: 500 },
    );
  });
});
