/**
 * Blocks of a wasm memory that outlive a kernel call: the storages the wasm backend
 * keeps in linear memory (so the next kernel reads them where they are, without a
 * copy) and the chunks of the per-call scratch arena.
 *
 * Best fit over an address-ordered list of free blocks, split when a block is larger
 * than asked and merged with its free neighbours when given back; new blocks are cut
 * at the top, growing the memory. A free block that reaches the top lowers it again.
 * Sizes are multiples of 64 bytes. Pure bookkeeping: it never reads or writes the memory.
 */
const PAGE = 65536;
export const HEAP_ALIGN = 64;

const align = (bytes: number) => Math.ceil(bytes / HEAP_ALIGN) * HEAP_ALIGN;

export class Heap {
  /** Free blocks, by address. */
  private readonly free: { at: number; size: number }[] = [];
  /** The size of every block handed out, by address. */
  private readonly used = new Map<number, number>();
  private top: number;

  /**
   * @param grow makes the memory at least `bytes` long, or returns false when it cannot
   * @param start the first byte the heap may use
   */
  constructor(
    private readonly grow: (bytes: number) => boolean,
    start: number,
  ) {
    this.top = align(start);
  }

  /** The address of a new block of at least `bytes`, or null when the memory cannot grow that far. */
  alloc(bytes: number): number | null {
    const size = align(Math.max(HEAP_ALIGN, bytes));
    let best = -1;
    for (let i = 0; i < this.free.length; i++) {
      const s = this.free[i].size;
      if (s >= size && (best < 0 || s < this.free[best].size)) {
        best = i;
        if (s === size) break;
      }
    }
    if (best >= 0) {
      const b = this.free[best];
      const at = b.at;
      if (b.size > size) {
        b.at += size;
        b.size -= size;
      } else this.free.splice(best, 1);
      this.used.set(at, size);
      return at;
    }
    const at = this.top;
    if (!this.grow(at + size)) return null;
    this.top = at + size;
    this.used.set(at, size);
    return at;
  }

  /** Gives back the block at `at`. */
  release(at: number): void {
    const size = this.used.get(at);
    if (size === undefined) throw new Error(`wasm heap: no block at ${at}`);
    this.used.delete(at);
    // The first free block after this one.
    let i = 0;
    while (i < this.free.length && this.free[i].at < at) i++;
    const block = { at, size };
    const next = this.free[i];
    if (next && at + size === next.at) {
      block.size += next.size;
      this.free.splice(i, 1);
    }
    const prev = this.free[i - 1];
    if (prev && prev.at + prev.size === at) prev.size += block.size;
    else this.free.splice(i, 0, block);
    // A free block that ends at the top gives its room back to the top.
    const last = this.free[this.free.length - 1];
    if (last && last.at + last.size === this.top) {
      this.top = last.at;
      this.free.pop();
    }
  }

  /** Bytes in blocks handed out. */
  usedBytes(): number {
    let n = 0;
    for (const s of this.used.values()) n += s;
    return n;
  }

  /** Free blocks (for tests). */
  freeBlocks(): readonly { at: number; size: number }[] {
    return this.free;
  }
}

/** Grows `memory` to at least `bytes`, within its maximum; false when it cannot. */
export function growTo(memory: WebAssembly.Memory, bytes: number): boolean {
  const have = memory.buffer.byteLength;
  if (bytes <= have) return true;
  try {
    memory.grow(Math.ceil((bytes - have) / PAGE));
    return true;
  } catch {
    return false;
  }
}
