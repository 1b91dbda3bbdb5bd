/**
 * Which Fashion-MNIST images the dataset widget shows: a seeded draw of a few images
 * per class from one split, so that a seed in the URL brings back the same grid.
 * Pure functions, no React.
 */
import { mulberry32 } from '../../data/batches';
import type { Split } from '../../data/load';
import { intIn, oneOf } from '../common/useUrlState';

/** Rows of the grid and images per row (the room the widget reserves depends on them). */
export const GRID_ROWS = 10;
export const PER_ROW = 8;
export const MAX_SEED = 9999;
export const SPLITS: readonly Split[] = ['train', 'test'];

export interface FMSettings {
  split: Split;
  /** The draw: "New samples" moves it on by one. */
  seed: number;
  /** One class to show alone, or -1 for a row of each class. */
  cls: number;
}

export const FM_DEFAULTS: FMSettings = { split: 'test', seed: 0, cls: -1 };

/** Turns whatever the URL holds into valid settings; never throws. */
export function sanitizeFM(raw: unknown, d: FMSettings): FMSettings {
  if (typeof raw !== 'object' || raw === null) return d;
  const o = raw as Record<string, unknown>;
  return { split: oneOf(o.split, SPLITS, d.split), seed: intIn(o.seed, 0, MAX_SEED, d.seed), cls: intIn(o.cls, -1, GRID_ROWS - 1, d.cls) };
}

/** The next draw after `seed`, wrapping round after MAX_SEED. */
export const nextSeed = (seed: number) => (seed >= MAX_SEED ? 0 : seed + 1);

/** The indices of each class's images, in file order. */
export function indicesByClass(labels: ArrayLike<number>, classes: number): Uint32Array[] {
  const counts = new Array<number>(classes).fill(0);
  for (let i = 0; i < labels.length; i++) counts[labels[i]]++;
  const out = counts.map((n) => new Uint32Array(n));
  const at = new Array<number>(classes).fill(0);
  for (let i = 0; i < labels.length; i++) out[labels[i]][at[labels[i]]++] = i;
  return out;
}

/**
 * `k` distinct images of one class, drawn by a partial Fisher-Yates shuffle from a
 * generator seeded by (seed, class): a longer draw begins with the shorter one, so the
 * single-class view starts with the images of that class's row in the all-classes view.
 */
export function drawClass(ids: ArrayLike<number>, cls: number, seed: number, k: number): number[] {
  const pool = Array.from(ids);
  const rnd = mulberry32((Math.imul(seed + 1, 0x9e3779b1) ^ Math.imul(cls + 1, 0x85ebca6b)) >>> 0);
  const n = Math.min(k, pool.length);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(rnd() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool.slice(0, n);
}

export interface SampleRow {
  /** The class every image of the row belongs to. */
  cls: number;
  /** Image indices in the split's file. */
  indices: number[];
}

/** The grid: a row of PER_ROW images for each class, or GRID_ROWS rows of one class. */
export function drawGrid(byClass: readonly ArrayLike<number>[], seed: number, cls: number): SampleRow[] {
  if (cls < 0) return byClass.map((ids, c) => ({ cls: c, indices: drawClass(ids, c, seed, PER_ROW) }));
  const all = drawClass(byClass[cls] ?? [], cls, seed, GRID_ROWS * PER_ROW);
  return Array.from({ length: GRID_ROWS }, (_, r) => ({ cls, indices: all.slice(r * PER_ROW, (r + 1) * PER_ROW) }));
}

/** Smallest, largest and mean pixel of one image, for its text alternative. */
export function pixelStats(pixels: Uint8Array, index: number, size: number): { lo: number; hi: number; mean: number } {
  const px = pixels.subarray(index * size, (index + 1) * size);
  let lo = 255;
  let hi = 0;
  let sum = 0;
  for (const v of px) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
    sum += v;
  }
  return { lo, hi, mean: size ? sum / size : 0 };
}
