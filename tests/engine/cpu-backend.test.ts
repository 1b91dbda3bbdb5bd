import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../../src/engine/cpu/index';

const be = new CpuBackend();
const f = (xs: number[]) => be.fromData(Float32Array.from(xs));
const read = (s: ReturnType<typeof f>) => Array.from(be.readSync(s));

describe('the cpu backend', () => {
  it('broadcasts a row against a column in a binary op', () => {
    const out = be.binary('add', f([1, 2, 3]), [1, 3], f([10, 20]), [2, 1], [2, 3]);
    expect(read(out)).toEqual([11, 12, 13, 21, 22, 23]);
  });
  it('reduces non-adjacent axes and keeps them with size 1', () => {
    const x = f(Array.from({ length: 24 }, (_, i) => i));
    const out = be.reduce('sum', x, [2, 3, 4], [0, 2]);
    // sum over axis 0 and 2: for j in 0..2: sum_{i,k} (12i + 4j + k)
    expect(read(out)).toEqual([0, 1, 2].map((j) => [0, 1].reduce((s, i) => s + [0, 1, 2, 3].reduce((t, k) => t + 12 * i + 4 * j + k, 0), 0)));
  });
  it('multiplies transposed batched matrices with a broadcast batch', () => {
    // A^T where A = [[1,2],[3,4]] stored as [k=2, m=2]; B batch of 2 identity-like matrices.
    const a = f([1, 3, 2, 4]);
    const b = f([1, 0, 0, 1, 2, 0, 0, 2]);
    const out = be.matmul(a, b, { batch: 2, m: 2, n: 2, k: 2, transA: true, transB: false, aBatch: 1, bBatch: 2 });
    expect(read(out)).toEqual([1, 2, 3, 4, 2, 4, 6, 8]);
  });
  it('permutes axes in transpose', () => {
    const x = f([0, 1, 2, 3, 4, 5]);
    expect(read(be.transpose(x, [2, 3], [1, 0]))).toEqual([0, 3, 1, 4, 2, 5]);
  });
  it('concatenates along an inner axis', () => {
    const out = be.concat([f([1, 2, 3, 4]), f([5, 6])], [[2, 2], [2, 1]], 1);
    expect(read(out)).toEqual([1, 2, 5, 3, 4, 6]);
  });
  it('counts bytes of live storages and releases them on free', () => {
    const before = be.memoryBytes();
    const s = be.zeros(10);
    expect(be.memoryBytes()).toBe(before + 40);
    be.free(s);
    expect(be.memoryBytes()).toBe(before);
  });
  it('keeps about 1-p of the elements in a dropout mask, scaled by 1/(1-p)', () => {
    const m = be.readSync(be.dropoutMask(10000, 0.3, 42));
    const kept = m.filter((v) => v !== 0);
    expect(kept.length / 10000).toBeGreaterThan(0.67);
    expect(kept.length / 10000).toBeLessThan(0.73);
    expect(kept[0]).toBeCloseTo(1 / 0.7, 6);
  });
});
