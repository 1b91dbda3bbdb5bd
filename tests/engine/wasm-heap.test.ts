// The wasm backend's heap of lasting blocks (src/engine/wasm/heap.ts): blocks never
// overlap, come back when freed, merge with free neighbours and give room back to the
// top; a memory that cannot grow gets null, not an overlapping block.
import { describe, expect, it } from 'vitest';
import { Heap, HEAP_ALIGN } from '../../src/engine/wasm/heap';

function heapOver(limit = Infinity, start = 1000) {
  let length = 0;
  const heap = new Heap((bytes) => {
    if (bytes > limit) return false;
    length = Math.max(length, bytes);
    return true;
  }, start);
  return { heap, length: () => length };
}

describe('wasm heap', () => {
  it('hands out aligned blocks above its start, reuses a freed one and merges neighbours', () => {
    const { heap } = heapOver();
    const a = heap.alloc(100)!;
    const b = heap.alloc(10)!;
    const c = heap.alloc(4096)!;
    expect(a).toBeGreaterThanOrEqual(1000);
    for (const at of [a, b, c]) expect(at % HEAP_ALIGN).toBe(0);
    expect(b).toBe(a + 128);
    expect(c).toBe(b + 64);
    heap.release(b);
    expect(heap.alloc(64)).toBe(b);
    heap.release(a);
    heap.release(b);
    // a and b merged into one free block of 192 bytes, which a block of 150 fits.
    expect(heap.freeBlocks()).toEqual([{ at: a, size: 192 }]);
    expect(heap.alloc(150)).toBe(a);
    heap.release(a);
    // Freeing the top block gives everything back: the next block starts where the first did.
    heap.release(c);
    expect(heap.freeBlocks()).toEqual([]);
    expect(heap.usedBytes()).toBe(0);
    expect(heap.alloc(8)).toBe(a);
  });

  it('says null when the memory cannot grow, and refuses to free what it did not hand out', () => {
    const { heap } = heapOver(1 << 16, 0);
    const a = heap.alloc(60_000);
    expect(a).toBe(0);
    expect(heap.alloc(10_000)).toBeNull();
    expect(heap.alloc(1_000)).not.toBeNull();
    expect(() => heap.release(12345)).toThrow(/no block/);
  });

  it('never overlaps live blocks over a long random sequence, and ends empty', () => {
    const { heap, length } = heapOver();
    let seed = 7;
    const rand = (n: number) => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed % n;
    };
    const live = new Map<number, number>();
    for (let step = 0; step < 5000; step++) {
      if (live.size && rand(100) < 45) {
        const keys = [...live.keys()];
        const at = keys[rand(keys.length)];
        heap.release(at);
        live.delete(at);
      } else {
        const bytes = 1 + rand(rand(2) ? 200 : 100_000);
        const at = heap.alloc(bytes)!;
        expect(at % HEAP_ALIGN).toBe(0);
        expect(at + bytes).toBeLessThanOrEqual(length());
        const overlaps = [...live].filter(([o, s]) => at + bytes > o && o + s > at);
        if (overlaps.length) expect.fail(`block ${at}+${bytes} overlaps ${overlaps.map(([o, s]) => `${o}+${s}`).join(', ')}`);
        live.set(at, bytes);
      }
    }
    for (const at of live.keys()) heap.release(at);
    expect(heap.usedBytes()).toBe(0);
    expect(heap.freeBlocks()).toEqual([]);
  });
});
