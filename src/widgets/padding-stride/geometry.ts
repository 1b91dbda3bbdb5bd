/**
 * Geometry and validation of the padding-and-stride widget, kept free of React and of
 * the engine so it can be tested in Node.
 *
 * The original chapter counts padding as the TOTAL number of added rows p_h (and columns p_w);
 * PyTorch's `padding=p` adds p on each side, so p_h = 2p. An odd total cannot be
 * written as a Conv2d padding: the original chapter puts the extra row on top (ceil(p_h / 2) above,
 * floor(p_h / 2) below), and the extra column on the left.
 */
import { bothAxes, clampField, intFields, notesOutSize, paddingCells as gridPadding, rangeProblems, windowCells as gridWindow, type Limits, type Problem as FieldProblem, type WindowSettings } from '../common/grid';

export { notesOutSize };

/** The kernel (kh × kw), the TOTAL padding rows p_h and columns p_w as in the original chapter, and the stride. */
export interface PaddingStrideSettings extends WindowSettings {
  /** Input height and width. */
  nh: number;
  nw: number;
}

export type Field = keyof PaddingStrideSettings;

export const LIMITS: Limits<Field> = { ...bothAxes('n', [1, 10]), ...bothAxes('k', [1, 6]), ...bothAxes('p', [0, 6]), ...bothAxes('s', [1, 4]) };

/** The original chapter's padding example: a 3 × 3 input, a 2 × 2 kernel, one row and column of zeros all round. */
export const DEFAULTS: PaddingStrideSettings = { nh: 3, nw: 3, kh: 2, kw: 2, ph: 2, pw: 2, sh: 1, sw: 1 };

export const FIELDS: readonly Field[] = ['nh', 'nw', 'kh', 'kw', 'ph', 'pw', 'sh', 'sw'];

/** How a total padding splits: the extra row (or column) of an odd total goes first (top / left). */
export function splitPadding(total: number): { before: number; after: number } {
  return { before: Math.ceil(total / 2), after: Math.floor(total / 2) };
}

export type Problem = FieldProblem<Field>;

/** Every reason why the settings cannot give a convolution; empty when they can. */
export function validate(s: PaddingStrideSettings): Problem[] {
  const problems = rangeProblems(s, FIELDS, LIMITS);
  if (problems.length) return problems;
  if (s.kh > s.nh + s.ph) {
    problems.push({
      field: 'kh',
      en: `A kernel ${s.kh} rows high does not fit in the padded input, which is only n_h + p_h = ${s.nh} + ${s.ph} = ${s.nh + s.ph} rows high: there would be no output row. Add padding, enlarge the input or shrink the kernel.`,
      zh: `高为 ${s.kh} 的卷积核放不进填充后的输入（只有 n_h + p_h = ${s.nh} + ${s.ph} = ${s.nh + s.ph} 行），输出将没有任何一行。请增加填充、增大输入或减小卷积核。`,
    });
  }
  if (s.kw > s.nw + s.pw) {
    problems.push({
      field: 'kw',
      en: `A kernel ${s.kw} columns wide does not fit in the padded input, which is only n_w + p_w = ${s.nw} + ${s.pw} = ${s.nw + s.pw} columns wide: there would be no output column. Add padding, enlarge the input or shrink the kernel.`,
      zh: `宽为 ${s.kw} 的卷积核放不进填充后的输入（只有 n_w + p_w = ${s.nw} + ${s.pw} = ${s.nw + s.pw} 列），输出将没有任何一列。请增加填充、增大输入或减小卷积核。`,
    });
  }
  return problems;
}

export interface Geometry {
  padTop: number;
  padBottom: number;
  padLeft: number;
  padRight: number;
  /** Size of the padded input. */
  paddedH: number;
  paddedW: number;
  /** Output size (the original chapter's formula, with the total padding). */
  outH: number;
  outW: number;
  /** PyTorch's Conv2d padding for each axis, or null where the total is odd (needs F.pad). */
  torchPadH: number | null;
  torchPadW: number | null;
}

/** The geometry of valid settings (call `validate` first). */
export function geometry(s: PaddingStrideSettings): Geometry {
  const h = splitPadding(s.ph);
  const w = splitPadding(s.pw);
  return {
    padTop: h.before,
    padBottom: h.after,
    padLeft: w.before,
    padRight: w.after,
    paddedH: s.nh + s.ph,
    paddedW: s.nw + s.pw,
    outH: notesOutSize(s.nh, s.kh, s.ph, s.sh),
    outW: notesOutSize(s.nw, s.kw, s.pw, s.sw),
    torchPadH: s.ph % 2 === 0 ? s.ph / 2 : null,
    torchPadW: s.pw % 2 === 0 ? s.pw / 2 : null,
  };
}

/** The windows of one axis that lie wholly inside the padding: output indices (0-based), and the side of each. */
function paddingOnlyAxis(n: number, k: number, stride: number, before: number, out: number): { index: number; side: 'before' | 'after' }[] {
  const found: { index: number; side: 'before' | 'after' }[] = [];
  for (let i = 0; i < out; i++) {
    const first = i * stride;
    const last = first + k - 1;
    // The input occupies rows (columns) before … before + n − 1 of the padded grid.
    if (last < before) found.push({ index: i, side: 'before' });
    else if (first >= before + n) found.push({ index: i, side: 'after' });
  }
  return found;
}

/**
 * The output rows i and columns j (0-based, as in Y[i, j]) whose windows lie wholly inside the
 * padding: they see no input, so Y is 0 all along them. Empty unless one side is padded with at
 * least as many rows (columns) as the kernel has.
 */
export function paddingOnly(s: PaddingStrideSettings, g: Geometry): { rows: number[]; cols: number[] } {
  return {
    rows: paddingOnlyAxis(s.nh, s.kh, s.sh, g.padTop, g.outH).map((w) => w.index),
    cols: paddingOnlyAxis(s.nw, s.kw, s.sw, g.padLeft, g.outW).map((w) => w.index),
  };
}

/** "0", "0 and 5", "0, 1, 11 and 12" (with `or` for "or"). */
function listEn(xs: readonly number[], conj: 'and' | 'or'): string {
  return xs.length === 1 ? String(xs[0]) : `${xs.slice(0, -1).join(', ')} ${conj} ${xs[xs.length - 1]}`;
}

/**
 * Why some output rows or columns are all 0 (the settings allow padding wider than the
 * kernel, so a window can hold only padding): which ones, as Y[i, j] counts them, and why; null
 * when every window meets the input. Like `validate`'s problems, both languages at once.
 */
export function paddingOnlyNote(s: PaddingStrideSettings, g: Geometry): { en: string; zh: string } | null {
  const axes = [
    {
      found: paddingOnlyAxis(s.nh, s.kh, s.sh, g.padTop, g.outH),
      pads: [g.padTop, g.padBottom],
      idx: 'i',
      en: { one: 'row', many: 'rows', size: `k_h = ${s.kh} ${s.kh === 1 ? 'row' : 'rows'} high`, sides: ['on top', 'at the bottom'], unit: (n: number) => (n === 1 ? 'row' : 'rows') },
      zh: { unit: '行', size: `高 k_h = ${s.kh} 行`, sides: ['顶部', '底部'] },
    },
    {
      found: paddingOnlyAxis(s.nw, s.kw, s.sw, g.padLeft, g.outW),
      pads: [g.padLeft, g.padRight],
      idx: 'j',
      en: { one: 'column', many: 'columns', size: `k_w = ${s.kw} ${s.kw === 1 ? 'column' : 'columns'} wide`, sides: ['on the left', 'on the right'], unit: (n: number) => (n === 1 ? 'column' : 'columns') },
      zh: { unit: '列', size: `宽 k_w = ${s.kw} 列`, sides: ['左侧', '右侧'] },
    },
  ];
  const en: string[] = [];
  const zh: string[] = [];
  for (const a of axes) {
    if (a.found.length === 0) continue;
    const xs = a.found.map((w) => w.index);
    const one = xs.length === 1;
    const sides = (['before', 'after'] as const).map((side, k) => (a.found.some((w) => w.side === side) ? k : -1)).filter((k) => k >= 0);
    const whereEn = sides.map((k, n) => `${n === 0 ? `the ${a.pads[k]} ${a.en.unit(a.pads[k])} of zeros` : `the ${a.pads[k]}`} ${a.en.sides[k]}`).join(' or ');
    const whereZh = sides.map((k) => `${a.zh.sides[k]} ${a.pads[k]} ${a.zh.unit}`).join('或');
    en.push(
      `Output ${one ? a.en.one : a.en.many} ${listEn(xs, 'and')} (Y[i, j] with ${a.idx} = ${listEn(xs, 'or')}) ${one ? 'sees' : 'see'} only padding: ${one ? 'its window' : 'their windows'}, ${a.en.size}, ${one ? 'lies' : 'lie'} wholly in ${whereEn}, so ${one ? 'it holds' : 'they hold'} no input and ${one ? 'gives' : 'give'} 0.`,
    );
    zh.push(`输出的第 ${xs.join('、')} ${a.zh.unit}（${a.idx} = ${xs.join('、')} 的 Y[i, j]）只看到填充：${one ? '它的窗口' : '这些窗口'}${a.zh.size}，整个落在${whereZh}零填充里，不含任何输入，所以结果为 0。`);
  }
  if (en.length === 0) return null;
  en.push('A side padded with at least as many rows (columns) as the kernel has leaves room for such windows.');
  zh.push('某一侧填充的行（列）数不少于卷积核的行（列）数时，就会有这样的窗口。');
  return { en: en.join(' '), zh: zh.join('') };
}

/** Flat indices (in the padded grid) of the padding cells. */
export function paddingCells(s: PaddingStrideSettings, g: Geometry): Set<number> {
  return gridPadding(g.paddedH, g.paddedW, g.padTop, g.padLeft, s.nh, s.nw);
}

/** Flat indices (in the padded grid) under the window that computes output cell `pos`. */
export function windowCells(s: PaddingStrideSettings, g: Geometry, pos: number): Set<number> {
  return gridWindow({ cols: g.paddedW, outW: g.outW, kh: s.kh, kw: s.kw, sh: s.sh, sw: s.sw }, pos);
}

/**
 * Applies one change if the result is valid; otherwise keeps the settings and returns
 * the explanation. The kernel never grows past the padded input, and the input or the
 * padding never shrink under the kernel.
 */
export function tryChange(s: PaddingStrideSettings, field: Field, value: number): { next: PaddingStrideSettings; problem: Problem | null } {
  const next = { ...s, [field]: clampField(value, s[field], LIMITS[field]) };
  const problems = validate(next);
  if (problems.length === 0) return { next, problem: null };
  const p = problems[0];
  // Say it from the point of view of the control the reader moved.
  return { next: s, problem: { ...p, field } };
}

/** Turns anything (a hand-edited URL) into valid settings; never throws. */
export function sanitize(raw: unknown, defaults: PaddingStrideSettings = DEFAULTS): PaddingStrideSettings {
  const o = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const s: PaddingStrideSettings = { ...defaults, ...intFields(o, FIELDS, LIMITS, defaults) };
  // Make the kernel fit by shrinking it (the reader asked for this input and padding).
  s.kh = Math.min(s.kh, s.nh + s.ph);
  s.kw = Math.min(s.kw, s.nw + s.pw);
  return s;
}

/** The padding that keeps the size at stride 1 (p = k - 1), clamped to the limits. */
export function samePadding(k: number): number {
  return Math.min(LIMITS.ph[1], k - 1);
}
