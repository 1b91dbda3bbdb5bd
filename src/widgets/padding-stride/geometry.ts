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
