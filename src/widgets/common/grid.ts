/**
 * Geometry shared by the widgets that slide a window over a grid: output sizes (from the
 * engine's own shape rule), the cells under a window, the padding cells, and checks of
 * integer settings against their limits. Pure: no React, tested in Node.
 */
import { outSize } from '../../engine';
import { intIn } from './useUrlState';
import type { Bilingual } from './i18n';

export { outSize };

/**
 * Output size with the original chapter's TOTAL padding p (all the added rows or columns, possibly an
 * odd number): the padded input is n + p long and the window moves with stride s.
 */
export function notesOutSize(n: number, k: number, pTotal: number, s: number): number {
  return outSize(n + pTotal, k, 0, s);
}

export interface WindowGeometry {
  /** Width of the grid the indices refer to (the padded input, when there is padding). */
  cols: number;
  /** Width of the output, which numbers the window positions row by row. */
  outW: number;
  kh: number;
  kw: number;
  sh?: number;
  sw?: number;
}

/** Flat indices of the grid under the window that computes output cell `pos`. */
export function windowCells(g: WindowGeometry, pos: number): Set<number> {
  const { cols, outW, kh, kw, sh = 1, sw = 1 } = g;
  const i = Math.floor(pos / outW);
  const j = pos % outW;
  const out = new Set<number>();
  for (let a = 0; a < kh; a++) for (let b = 0; b < kw; b++) out.add((i * sh + a) * cols + j * sw + b);
  return out;
}

/** Flat indices of a rows × cols grid that lie outside the h × w input placed at (top, left). */
export function paddingCells(rows: number, cols: number, top: number, left: number, h: number, w: number): Set<number> {
  const out = new Set<number>();
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) if (r < top || r >= top + h || c < left || c >= left + w) out.add(r * cols + c);
  return out;
}

/** Inclusive [min, max] of each integer setting. */
export type Limits<F extends string> = Record<F, readonly [number, number]>;

/** The same limits along the height and the width: `bothAxes('k', [1, 6])` is `{ kh: [1, 6], kw: [1, 6] }`. */
export function bothAxes<P extends string>(prefix: P, range: readonly [number, number]): Limits<`${P}h` | `${P}w`> {
  return { [`${prefix}h`]: range, [`${prefix}w`]: range } as Limits<`${P}h` | `${P}w`>;
}

/**
 * A window sliding over a 2-D input: its height and width, the padding along the height
 * and the width (each widget says whether it counts all the added rows or those on one
 * side), and the stride down and across.
 */
export interface WindowSettings {
  kh: number;
  kw: number;
  ph: number;
  pw: number;
  sh: number;
  sw: number;
}

/** A reason why settings cannot run, said from the point of view of one control. */
export interface Problem<F extends string> extends Bilingual {
  field: F;
}

/** One problem per setting that is not a whole number within its limits. */
export function rangeProblems<F extends string>(s: Record<F, number>, fields: readonly F[], limits: Limits<F>): Problem<F>[] {
  const out: Problem<F>[] = [];
  for (const f of fields) {
    const v = s[f];
    const [lo, hi] = limits[f];
    if (!Number.isInteger(v) || v < lo || v > hi) out.push({ field: f, en: `${f} must be a whole number from ${lo} to ${hi}.`, zh: `${f} 必须是 ${lo} 到 ${hi} 之间的整数。` });
  }
  return out;
}

/** Every integer setting read from an unknown object, clamped to its limits (defaults where unusable). */
export function intFields<F extends string>(raw: Record<string, unknown>, fields: readonly F[], limits: Limits<F>, defaults: Record<F, number>): Record<F, number> {
  const out = {} as Record<F, number>;
  for (const f of fields) out[f] = intIn(raw[f], limits[f][0], limits[f][1], defaults[f]);
  return out;
}

/** A value a control asked for, rounded and clamped to the field's limits (the current value when not a number). */
export function clampField(value: number, current: number, [lo, hi]: readonly [number, number]): number {
  return Math.min(hi, Math.max(lo, Math.round(Number.isFinite(value) ? value : current)));
}
