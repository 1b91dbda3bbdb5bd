/**
 * Settings, presets and validation of the corr2d widget (pure: tested in Node).
 * Only INPUTS live here; every number the widget shows as a result comes from the engine.
 */
import { finiteMatrix, intIn } from '../common/useUrlState';
import { outSize, windowCells as gridWindow } from '../common/grid';
import type { Bilingual } from '../common/i18n';

export type Matrix = number[][];

export interface Corr2dSettings {
  x: Matrix;
  k: Matrix;
  /** Index of the window position shown (row-major over the output). */
  pos: number;
}

export const X_MAX = 10;
export const K_MAX = 5;
/** Typed values are kept within ±VALUE_MAX so products and sums stay exact in float32. */
export const VALUE_MAX = 1000;

/** The original chapter’s 6 × 8 image: ones, with the middle four columns black (0). */
export function edgeImage(): Matrix {
  return Array.from({ length: 6 }, () => Array.from({ length: 8 }, (_, c) => (c >= 2 && c < 6 ? 0 : 1)));
}

/** The original chapter’s kernel K = [[1, -1]]: detects vertical edges. */
export function edgeKernel(): Matrix {
  return [[1, -1]];
}

/** The original chapter’s first figure: X = arange(9) as 3 × 3 and K = arange(4) as 2 × 2. */
export function figureInput(): Matrix {
  return [
    [0, 1, 2],
    [3, 4, 5],
    [6, 7, 8],
  ];
}
export function figureKernel(): Matrix {
  return [
    [0, 1],
    [2, 3],
  ];
}

export const DEFAULTS: Corr2dSettings = { x: edgeImage(), k: edgeKernel(), pos: 0 };

export function transpose(m: Matrix): Matrix {
  return m[0].map((_, c) => m.map((row) => row[c]));
}

/** Resizes a matrix, keeping the values that still fit and filling new cells with `fill`. */
export function resize(m: Matrix, rows: number, cols: number, fill = 0): Matrix {
  return Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) => m[r]?.[c] ?? fill));
}

/** A typed value as the widget will use it: finite and within ±VALUE_MAX, or null when unusable. */
export function cleanValue(v: number): number | null {
  if (!Number.isFinite(v)) return null;
  return Math.min(VALUE_MAX, Math.max(-VALUE_MAX, v));
}

export type Problem = Bilingual;

export function validate(s: Corr2dSettings): Problem[] {
  const out: Problem[] = [];
  const xh = s.x.length;
  const xw = s.x[0]?.length ?? 0;
  const kh = s.k.length;
  const kw = s.k[0]?.length ?? 0;
  if (xh < 1 || xw < 1 || xh > X_MAX || xw > X_MAX) out.push({ en: `X must have 1 to ${X_MAX} rows and columns.`, zh: `X 的行数和列数必须在 1 到 ${X_MAX} 之间。` });
  if (kh < 1 || kw < 1 || kh > K_MAX || kw > K_MAX) out.push({ en: `K must have 1 to ${K_MAX} rows and columns.`, zh: `K 的行数和列数必须在 1 到 ${K_MAX} 之间。` });
  if (out.length) return out;
  if (kh > xh)
    out.push({
      en: `The kernel is ${kh} rows high but X has only ${xh}: n_h − k_h + 1 = ${xh - kh + 1}, so there is no output row.`,
      zh: `卷积核高 ${kh} 行，而 X 只有 ${xh} 行：n_h − k_h + 1 = ${xh - kh + 1}，没有输出行。`,
    });
  if (kw > xw)
    out.push({
      en: `The kernel is ${kw} columns wide but X has only ${xw}: n_w − k_w + 1 = ${xw - kw + 1}, so there is no output column.`,
      zh: `卷积核宽 ${kw} 列，而 X 只有 ${xw} 列：n_w − k_w + 1 = ${xw - kw + 1}，没有输出列。`,
    });
  for (const [name, m] of [
    ['X', s.x],
    ['K', s.k],
  ] as const) {
    if (!m.every((row) => row.every((v) => Number.isFinite(v) && Math.abs(v) <= VALUE_MAX)))
      out.push({ en: `${name} holds a value that is not a number between −${VALUE_MAX} and ${VALUE_MAX}.`, zh: `${name} 中有非数值或不在 −${VALUE_MAX} 到 ${VALUE_MAX} 之间的值。` });
  }
  return out;
}

/** Output size (n_h − k_h + 1) × (n_w − k_w + 1) of valid settings: no padding, stride 1. */
export function outShape(s: Corr2dSettings): [number, number] {
  return [outSize(s.x.length, s.k.length, 0, 1), outSize(s.x[0].length, s.k[0].length, 0, 1)];
}

export function positions(s: Corr2dSettings): number {
  const [h, w] = outShape(s);
  return h * w;
}

/** Flat indices of X under the window at output position `pos`. */
export function windowCells(s: Corr2dSettings, pos: number): Set<number> {
  return gridWindow({ cols: s.x[0].length, outW: outShape(s)[1], kh: s.k.length, kw: s.k[0].length }, pos);
}

function cleanMatrix(raw: unknown, maxR: number, maxC: number): Matrix | null {
  const m = finiteMatrix(raw, maxR, maxC);
  return m ? m.map((row) => row.map((v) => cleanValue(v) ?? 0)) : null;
}

/** Turns anything into valid settings; never throws. */
export function sanitize(raw: unknown, defaults: Corr2dSettings = DEFAULTS): Corr2dSettings {
  const o = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const x = cleanMatrix(o.x, X_MAX, X_MAX) ?? defaults.x;
  let k = cleanMatrix(o.k, K_MAX, K_MAX) ?? defaults.k;
  if (k.length > x.length || k[0].length > x[0].length) k = resize(k, Math.min(k.length, x.length), Math.min(k[0].length, x[0].length));
  const s = { x, k, pos: 0 };
  s.pos = intIn(o.pos, 0, positions(s) - 1, 0);
  return s;
}
