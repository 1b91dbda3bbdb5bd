import { beforeAll, expect } from 'vitest';
import { setBackend, ready, type BackendName } from '../../src/engine/index';

export const BACKENDS: BackendName[] = ['cpu', 'wasm', 'webgpu'];

/** Makes `name` the current backend for the tests of the enclosing describe block. */
export function useBackend(name: BackendName): void {
  beforeAll(async () => {
    // The kernel autotune is the WebGPU backend's own business; engine tests use its defaults.
    await setBackend(name, { autotune: false });
    await ready();
  });
}

/** Asserts |a - e| <= atol + rtol * |e| element-wise, reporting the worst element. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-4, label = ''): void {
  expect(actual.length, `${label} length`).toBe(expected.length);
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i], e = expected[i];
    if (Number.isNaN(e) && Number.isNaN(a)) continue;
    if (e === a) continue;
    const excess = Math.abs(a - e) - (tol + tol * Math.abs(e));
    if (!(excess <= 0) && (worst < 0 || excess > worstExcess || Number.isNaN(excess))) {
      worst = i;
      worstExcess = excess;
    }
  }
  if (worst >= 0) {
    expect.fail(`${label} element ${worst}: got ${actual[worst]}, expected ${expected[worst]} (tolerance ${tol} abs/rel)`);
  }
}
