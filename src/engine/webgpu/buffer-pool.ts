/**
 * The storage buffers of the WebGPU runtime: a pool keyed by size class. A training step
 * frees most of what it made and makes it again in the next step, in the same sizes, so
 * each size class keeps as many free buffers as it has had live at once: a steady step
 * creates no buffers (a new buffer costs an allocation and a clear on the device).
 *
 * A size class hands out its oldest free buffer first. What a step is given then depends
 * only on which buffers are free when it starts, not on the order the last step freed
 * them in, so every step of a steady run binds the very same buffers to the same kernels
 * and finds its bind groups kept (bind-cache.ts). Handing out the last freed one instead
 * permutes the buffers from step to step, and a ResNet-18 step made about a hundred new
 * bind groups each time.
 */
import { USAGE } from './flags';

export const STORAGE_USAGE = USAGE.STORAGE | USAGE.COPY_SRC | USAGE.COPY_DST;

/**
 * Free bytes the pool keeps beyond the buffers each size class has needed at once (see
 * release): a training step's working set, however large, is kept whole between steps.
 */
const POOL_KEEP_BYTES = 512 * 1024 * 1024;

/** A byte size rounded up to its pool size class: 256 B, then steps of 2^k * {1, 1.25, 1.5, 1.75}. */
export function sizeClass(bytes: number): number {
  if (bytes <= 256) return 256;
  const p = 2 ** Math.floor(Math.log2(bytes));
  const q = p / 4;
  return Math.ceil(bytes / q) * q;
}

export class BufferPool {
  /** Storage buffers created so far (the rest came from the pool). */
  created = 0;
  /** Free bytes the pool keeps beyond the buffers each size class has needed at once (see release). */
  keepBytes = POOL_KEEP_BYTES;
  /** Free buffers by size class, newest first (the oldest is popped). */
  private free = new Map<number, GPUBuffer[]>();
  /** When each buffer was made, in creation order. */
  private born = new WeakMap<GPUBuffer, number>();
  private freeBytes = 0;
  /** Per size class: the buffers handed out and not yet released, and the most at once (since trim). */
  private live = new Map<number, { now: number; peak: number }>();
  /** Bytes of those buffers, and the most at once (since trim). */
  private liveBytes = 0;
  private peakLiveBytes = 0;

  /** `destroy` destroys a buffer once nothing recorded can still use it. */
  constructor(
    private readonly device: GPUDevice,
    private readonly maxBufferBytes: number,
    private readonly destroy: (buffer: GPUBuffer) => void,
  ) {}

  /** A storage buffer of at least `bytes`, from the pool when one is free; `fresh` when newly made (all zeros). */
  acquire(bytes: number): { buffer: GPUBuffer; fresh: boolean } {
    const cls = sizeClass(Math.max(bytes, 4));
    const list = this.free.get(cls);
    let buffer: GPUBuffer;
    let fresh = false;
    if (list && list.length > 0) {
      this.freeBytes -= cls;
      buffer = list.pop()!;
    } else {
      const size = cls <= this.maxBufferBytes ? cls : Math.ceil(bytes / 4) * 4;
      buffer = this.device.createBuffer({ size, usage: STORAGE_USAGE });
      this.born.set(buffer, this.created++);
      fresh = true;
    }
    const n = this.live.get(buffer.size) ?? { now: 0, peak: 0 };
    n.now++;
    n.peak = Math.max(n.peak, n.now);
    this.live.set(buffer.size, n);
    this.liveBytes += buffer.size;
    this.peakLiveBytes = Math.max(this.peakLiveBytes, this.liveBytes);
    return { buffer, fresh };
  }

  /**
   * Takes a buffer back while its size class holds no more buffers (live and pooled)
   * than it has needed at once, and beyond that while the free bytes stay within
   * keepBytes; otherwise (or with `discard`, a lost device) destroys it. Whatever the
   * sizes, what is held (live and pooled) stays within twice the most bytes live at once
   * plus keepBytes, so that work in many different sizes does not pile up.
   */
  release(buffer: GPUBuffer, discard = false): void {
    const cls = buffer.size;
    const n = this.live.get(cls);
    if (n) n.now--;
    this.liveBytes -= cls;
    const held = (n?.now ?? 0) + (this.free.get(cls)?.length ?? 0) + 1;
    const overClass = held > (n?.peak ?? 0) && this.freeBytes + cls > this.keepBytes;
    const overAll = this.liveBytes + this.freeBytes + cls > 2 * this.peakLiveBytes + this.keepBytes;
    if (overClass || overAll || discard) {
      this.destroy(buffer);
      return;
    }
    let list = this.free.get(cls);
    if (!list) this.free.set(cls, (list = []));
    // Kept in order, newest first: the first place whose buffer is older than this one.
    const age = this.born.get(buffer) ?? -1;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.born.get(list[mid]) ?? -1) > age) lo = mid + 1;
      else hi = mid;
    }
    list.splice(lo, 0, buffer);
    this.freeBytes += cls;
  }

  /** Bytes held by free pooled buffers. */
  pooledBytes(): number {
    return this.freeBytes;
  }

  /**
   * Destroys every free buffer and counts each size class's needs again from what is
   * live: after a training run, whose working set the pool kept, memory goes back to
   * the system.
   */
  trim(): void {
    for (const list of this.free.values()) for (const b of list) this.destroy(b);
    this.free.clear();
    this.freeBytes = 0;
    for (const [cls, n] of this.live) {
      if (n.now === 0) this.live.delete(cls);
      else n.peak = n.now;
    }
    this.peakLiveBytes = this.liveBytes;
  }
}
