/**
 * Float32Arrays of freed storages, kept by length and handed out again as the outputs
 * of later wasm kernels. A training step frees and makes the same sizes over and over;
 * a fresh large typed array costs page faults and zeroing on first touch (and pressure
 * on the garbage collector), often more than the copy that fills it.
 *
 * Only the backend's `free` puts arrays here, and the engine never touches a storage
 * after freeing it, so nobody else still holds a pooled array.
 */
export class ArrayPool {
  private readonly byLength = new Map<number, Float32Array[]>();
  private bytes = 0;

  /**
   * @param maxBytes bytes kept at most (the oldest lengths go first beyond that)
   * @param minLength shorter arrays are not worth keeping
   */
  constructor(
    private readonly maxBytes: number,
    private readonly minLength: number,
  ) {}

  put(a: Float32Array): void {
    if (a.length < this.minLength || a.byteLength > this.maxBytes) return;
    if (a.byteOffset !== 0 || a.byteLength !== a.buffer.byteLength) return;
    let list = this.byLength.get(a.length);
    if (!list) this.byLength.set(a.length, (list = []));
    list.push(a);
    this.bytes += a.byteLength;
    for (const [len, l] of this.byLength) {
      if (this.bytes <= this.maxBytes) break;
      while (l.length && this.bytes > this.maxBytes) this.bytes -= l.shift()!.byteLength;
      if (!l.length) this.byLength.delete(len);
    }
  }

  /** An array of `length` floats with arbitrary contents. */
  take(length: number): Float32Array {
    const list = this.byLength.get(length);
    const a = list?.pop();
    if (!a) return new Float32Array(length);
    this.bytes -= a.byteLength;
    if (!list!.length) this.byLength.delete(length);
    return a;
  }

  clear(): void {
    this.byLength.clear();
    this.bytes = 0;
  }
}
