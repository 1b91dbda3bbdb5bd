import { expect } from 'vitest';

/** A small seeded generator (mulberry32) so every run draws the same shapes and data. */
export { mulberry32 as rng } from '../../src/data/batches';

export function randn(r: () => number, n: number, lo = -1, hi = 1): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * r();
  return a;
}

export function randInt(r: () => number, lo: number, hi: number): number {
  return lo + Math.floor(r() * (hi - lo + 1));
}

export function prod(shape: readonly number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}

/** Asserts |got - want| <= atol + rtol |want| element-wise (NaN matches NaN, infinities match exactly). */
export function expectClose(got: Float32Array, want: Float32Array, what: string, atol = 1e-4, rtol = 1e-4): void {
  expect(got.length, `${what}: length`).toBe(want.length);
  let worst = -1;
  let worstErr = 0;
  for (let i = 0; i < want.length; i++) {
    const g = got[i];
    const w = want[i];
    if (Number.isNaN(w) && Number.isNaN(g)) continue;
    if (!Number.isFinite(w) || !Number.isFinite(g)) {
      if (g !== w) {
        worst = i;
        break;
      }
      continue;
    }
    const err = Math.abs(g - w) - (atol + rtol * Math.abs(w));
    if (err > worstErr || (err > 0 && worst < 0)) {
      worstErr = err;
      worst = i;
    }
  }
  if (worst >= 0) {
    expect.fail(`${what}: element ${worst} is ${got[worst]}, expected ${want[worst]} (of ${want.length})`);
  }
}

/** Runs the same kernel on both backends from the same host inputs (shared with the standalone GPU check). */
export { both } from '../../scripts/bench/backend-pair';
