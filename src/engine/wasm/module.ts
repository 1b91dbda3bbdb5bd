/**
 * Loads the compiled kernels (kernel-source.ts: the builds of scripts/build-wasm.mjs) and
 * manages their linear memory.
 *
 * Memory is a bump arena above the module's stack and static data: before each kernel
 * the backend calls `reset()`, `alloc()`s its operands, output and scratch, copies the
 * operands in, runs the kernel with a parameter block of 32-bit integers, and copies
 * the result out. Growing the memory detaches the old views, so `f32`/`i32` are read
 * again after the allocations of a call.
 *
 * A shared memory (the threaded build) never detaches a view when it grows, so there
 * the backend also keeps storages in it: `heapArray()` hands out a Float32Array over a
 * block of a heap (heap.ts) that lives until `heapFree()`, and a kernel reads such an
 * operand where it is and writes its output straight into one. The arena is then made
 * of heap blocks too (one, once calls have settled on the room they need).
 *
 * Two builds: a single-threaded one with its own memory, and a threaded one that
 * imports a shared memory and runs its tasks on a pool of workers (pool.ts), used
 * when shared memory is available (`crossOriginIsolated` in browsers; always in Node).
 * Each comes twice: with plain SIMD, and with relaxed SIMD, whose matrix products use
 * the fused multiply-add; the relaxed one is used where the engine accepts it
 * (Chromium 114 and later; Node only with --experimental-wasm-relaxed-simd).
 */
import { WASM_MAX_THREADS } from '../backend';
import { Heap, growTo } from './heap';
import { importNode, startPool, type Pool } from './pool';
import { kernelBytes, relaxedMade } from './kernel-source';

export interface KernelExports {
  memory?: WebAssembly.Memory;
  __heap_base: WebAssembly.Global;
  gemm_scratch_floats(): number;
  matmul(args: number): void;
  conv2d_forward(args: number): void;
  conv2d_backward_input(args: number): void;
  conv2d_backward_weight(args: number): void;
  winograd_forward(args: number): void;
  winograd_backward_weight(args: number): void;
  pool2d_forward(args: number): void;
  pool2d_backward(args: number): void;
  batchnorm_stats(args: number): void;
  batchnorm_apply(args: number): void;
  batchnorm_backward(args: number): void;
  reduce_sum(args: number): void;
  sgd_step(args: number): void;
  adam_step(args: number): void;
  thread_count(): number;
  /** Threaded build: the worker that trapped since the last ask (0: none); see threads-shared.c. */
  pool_failed?(): number;
  /** Threaded build, for tests: a job whose tasks record the thread that ran them (see threads-shared.c). */
  pool_trace?(args: number): void;
}

let relaxedChecked: boolean | undefined;

/**
 * The smallest module that uses relaxed SIMD (one f32x4.relaxed_madd of three zero
 * vectors): an engine that validates it runs the relaxed builds.
 */
export const RELAXED_PROBE = (() => {
  const zero = (): number[] => [0xfd, 0x0c, ...new Array<number>(16).fill(0)];
  const body = [0x00, ...zero(), ...zero(), ...zero(), 0xfd, 0x85, 0x02, 0x0b];
  const header = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  // A type () -> v128, one function of it, and its body.
  return new Uint8Array([...header, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, 0x03, 0x02, 0x01, 0x00, 0x0a, body.length + 2, 0x01, body.length, ...body]);
})();

/** Whether the relaxed-SIMD builds exist and this engine accepts them. */
export function fusedMultiplyAddAvailable(): boolean {
  if (relaxedChecked === undefined) relaxedChecked = relaxedMade() && WebAssembly.validate(RELAXED_PROBE);
  return relaxedChecked;
}

/** The least room the arena takes from the heap at a time (shared memory). */
const ARENA_CHUNK_BYTES = 16 * 2 ** 20;
/** Pages of the shared memory at start and at most (the threaded build declares 2 GiB). */
const SHARED_INITIAL_PAGES = 64;
const SHARED_MAX_PAGES = 32768;
/** Stack of each worker thread (the calling thread uses the module's own stack). */
const WORKER_STACK_BYTES = 65536;
/** Integers in the parameter block. */
const ARGS_INTS = 64;

export class Kernels {
  readonly exports: KernelExports;
  readonly memory: WebAssembly.Memory;
  /** Threads the kernels spread over (1 without the pool). */
  threads: number;
  /** Floats of scratch one serial matrix product needs. */
  readonly gemmScratchFloats: number;
  f32: Float32Array;
  i32: Int32Array;
  /** Byte offset of the parameter block. */
  private readonly argsAt: number;
  private readonly base: number;
  private top: number;
  private pool: Pool | null;
  /** Shared memory only: the heap of lasting blocks, and the arena's blocks on it. */
  private readonly heap: Heap | null;
  private chunks: { at: number; size: number }[] = [];
  /** The arena block the call allocates from (-1: none yet this call), and where it ends. */
  private chunk = -1;
  private chunkEnd = 0;
  /** The buffers this memory has had (a shared memory hands out a new one after growing). */
  private readonly buffers = new WeakSet<ArrayBufferLike>();

  /** Whether the matrix products use the fused multiply-add (the relaxed-SIMD build). */
  readonly fma: boolean;
  /** Called when `threads` changes (a worker thread failed). */
  onThreadsChanged: (() => void) | null = null;

  constructor(exports: KernelExports, memory: WebAssembly.Memory, firstFree: number, pool: Pool | null, fma: boolean) {
    this.exports = exports;
    this.fma = fma;
    this.memory = memory;
    this.pool = pool;
    this.threads = pool ? pool.size + 1 : 1;
    this.gemmScratchFloats = exports.gemm_scratch_floats();
    const buffer = memory.buffer;
    this.f32 = new Float32Array(buffer);
    this.i32 = new Int32Array(buffer);
    this.argsAt = align(firstFree);
    this.base = align(this.argsAt + ARGS_INTS * 4);
    this.top = this.base;
    this.buffers.add(buffer);
    this.heap = buffer instanceof SharedArrayBuffer ? new Heap((bytes) => growTo(memory, bytes), this.base) : null;
  }

  /** Whether storages can live in this memory (`heapArray`): a shared memory, whose views survive growth. */
  get keepsStorages(): boolean {
    return this.heap !== null;
  }

  /** A Float32Array of `floats` over a lasting block of this memory (shared memory only), or null when there is no room. */
  heapArray(floats: number): Float32Array | null {
    const at = this.heap?.alloc(floats * 4) ?? null;
    if (at === null) return null;
    // The buffer that refresh() recorded: another thread's growth may hand out a new one at any call.
    return new Float32Array(this.refresh(), at, floats);
  }

  /** Whether `a` is a view of this memory (its byte offset is then its address). */
  owns(a: ArrayBufferView): boolean {
    return this.buffers.has(a.buffer);
  }

  /** Bytes of lasting blocks in use (shared memory; the arena's blocks included), else 0. */
  heapBytes(): number {
    return this.heap?.usedBytes() ?? 0;
  }

  /** Gives back the block of an array from `heapArray`. */
  heapFree(a: Float32Array): void {
    this.heap!.release(a.byteOffset);
  }

  get description(): string {
    const simd = this.fma ? 'WebAssembly SIMD with fused multiply-add' : 'WebAssembly SIMD';
    return this.threads > 1 ? `${simd}, ${this.threads} threads` : `${simd}, 1 thread`;
  }

  /** Forgets every allocation of the previous kernel call. */
  reset(): void {
    if (this.heap && this.chunk > 0) {
      // A call that needed several arena blocks gets them as one from the next call on.
      const total = this.chunks.reduce((n, c) => n + c.size, 0);
      for (const c of this.chunks) this.heap.release(c.at);
      this.chunks = [];
      this.addChunk(total);
    }
    this.chunk = -1;
    this.top = this.base;
    this.chunkEnd = 0;
  }

  /** Reserves `floats` float32 slots (64-byte aligned) and returns their byte offset. */
  alloc(floats: number): number {
    const bytes = align(Math.max(0, floats) * 4);
    if (this.heap) {
      if (this.chunk < 0 || this.top + bytes > this.chunkEnd) {
        // The next arena block, replaced by a larger one when it is too small.
        this.chunk++;
        if (this.chunk < this.chunks.length && this.chunks[this.chunk].size < bytes) this.heap.release(this.chunks.splice(this.chunk, 1)[0].at);
        if (this.chunk === this.chunks.length || this.chunks[this.chunk].size < bytes) this.addChunk(Math.max(bytes, ARENA_CHUNK_BYTES), this.chunk);
        const c = this.chunks[this.chunk];
        this.top = c.at;
        this.chunkEnd = c.at + c.size;
      }
    } else if (!growTo(this.memory, this.top + bytes)) {
      throw new RangeError(`wasm backend: out of memory (${Math.round(bytes / 2 ** 20)} MiB more wanted)`);
    }
    const at = this.top;
    this.top += bytes;
    this.refresh();
    return at;
  }

  /** Takes a block of `bytes` from the heap for the arena (at `index` of its blocks, else at the end). */
  private addChunk(bytes: number, index = this.chunks.length): void {
    const at = this.heap!.alloc(bytes);
    if (at === null) throw new RangeError(`wasm backend: out of memory (${Math.round(bytes / 2 ** 20)} MiB more wanted)`);
    this.chunks.splice(index, 0, { at, size: align(bytes) });
  }

  /** Copies `data` in at byte offset `at`. */
  write(at: number, data: Float32Array): void {
    this.refresh();
    this.f32.set(data, at >> 2);
  }

  /** Writes 32-bit integers at byte offset `at`. */
  writeInts(at: number, ints: readonly number[]): void {
    this.refresh();
    this.i32.set(ints, at >> 2);
  }

  /** Writes float64 values at byte offset `at` (a multiple of 8). */
  writeDoubles(at: number, values: readonly number[]): void {
    new Float64Array(this.memory.buffer, at, values.length).set(values);
  }

  /** Copies `length` floats from byte offset `at` into `out` at element `outAt`. */
  readInto(at: number, length: number, out: Float32Array, outAt: number): void {
    this.refresh();
    out.set(this.f32.subarray(at >> 2, (at >> 2) + length), outAt);
  }

  /** Writes the parameter block and runs an exported kernel on it. */
  run(
    kernel: 'matmul' | 'conv2d_forward' | 'conv2d_backward_input' | 'conv2d_backward_weight' | 'winograd_forward' | 'winograd_backward_weight' | 'pool2d_forward' | 'pool2d_backward',
    params: readonly number[],
  ): void {
    this.runExport(this.exports[kernel], params);
  }

  /** The export called `name` that takes a parameter block (the element-wise kernels are looked up by op name), if the module has it. */
  kernel(name: string): ((args: number) => void) | null {
    const f = (this.exports as unknown as Record<string, unknown>)[name];
    return typeof f === 'function' ? (f as (args: number) => void) : null;
  }

  /** Writes the parameter block and runs `f` (an export) on it. */
  runExport(f: (args: number) => void, params: readonly number[]): void {
    if (params.length > ARGS_INTS) throw new Error('wasm backend: parameter block too long');
    this.refresh();
    this.i32.set(params, this.argsAt >> 2);
    f(this.argsAt);
    if (this.pool && this.exports.pool_failed!() !== 0) this.lostThread();
  }

  /**
   * A worker thread trapped during the last call (its task counted as done, so the call
   * returned): its result is wrong. The kernels go on, on the calling thread alone.
   */
  private lostThread(): never {
    this.dispose();
    throw new Error('wasm backend: a kernel thread failed, so this call did not finish; the kernels run on one thread from now on');
  }

  /**
   * Views of a shared memory are not detached by growth made elsewhere, but may be short.
   * Returns the memory's buffer, known to `owns` from now on.
   */
  private refresh(): ArrayBufferLike {
    const buffer = this.memory.buffer;
    if (this.f32.buffer !== buffer || this.f32.byteLength !== buffer.byteLength) {
      this.f32 = new Float32Array(buffer);
      this.i32 = new Int32Array(buffer);
      this.buffers.add(buffer);
    }
    return buffer;
  }

  /** Stops the worker threads; the kernels then run on the calling thread alone. */
  dispose(): void {
    if (!this.pool) return;
    (this.exports as KernelExports & { set_pool_size(n: number, canBlock: number): void }).set_pool_size(0, 0);
    this.pool.terminate();
    this.pool = null;
    this.threads = 1;
    this.onThreadsChanged?.();
  }
}

function align(bytes: number): number {
  return (bytes + 63) & ~63;
}

function sharedMemoryAvailable(): boolean {
  if (typeof SharedArrayBuffer === 'undefined' || typeof Atomics === 'undefined') return false;
  const g = globalThis as { crossOriginIsolated?: boolean; process?: { versions?: { node?: string } } };
  // Node has no cross-origin isolation to ask for; browsers do.
  if (g.process?.versions?.node) return true;
  return g.crossOriginIsolated === true;
}

export interface LoadOptions {
  /** Threads to use, the calling one included; default: the machine's core count (at most 8). */
  threads?: number;
  /** Use the relaxed-SIMD build (fused multiply-add); default: where the engine accepts it. Ignored where it does not. */
  fma?: boolean;
}

/** Compiles and instantiates the kernels, with a worker pool when threads are wanted and allowed. */
export async function loadKernels(opts: LoadOptions = {}): Promise<Kernels> {
  const wanted = Math.max(1, Math.floor(opts.threads ?? (await defaultThreads())));
  const fma = (opts.fma ?? true) && fusedMultiplyAddAvailable();
  if (wanted > 1 && sharedMemoryAvailable()) {
    try {
      return await loadThreaded(wanted, fma);
    } catch (e) {
      console.warn(`wasm backend: no worker threads (${(e as Error).message ?? String(e)}), running single-threaded`);
    }
  }
  const module = await WebAssembly.compile(await kernelBytes(fma ? 'SINGLE_RELAXED_WASM' : 'SINGLE_WASM'));
  const instance = await WebAssembly.instantiate(module, {});
  const exports = instance.exports as unknown as KernelExports;
  return new Kernels(exports, exports.memory!, exports.__heap_base.value as number, null, fma);
}

async function loadThreaded(threads: number, fma: boolean): Promise<Kernels> {
  const module = await WebAssembly.compile(await kernelBytes(fma ? 'THREADED_RELAXED_WASM' : 'THREADED_WASM'));
  const memory = new WebAssembly.Memory({ initial: SHARED_INITIAL_PAGES, maximum: SHARED_MAX_PAGES, shared: true });
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  const exports = instance.exports as unknown as KernelExports & {
    set_pool_size(n: number, callerCanBlock: number): void;
    pool_generation(): number;
  };
  // Worker stacks sit right above the static data; the arena starts after them.
  const heapBase = align(exports.__heap_base.value as number);
  const workers = threads - 1;
  const stacksEnd = heapBase + workers * WORKER_STACK_BYTES;
  if (!growTo(memory, stacksEnd)) throw new RangeError('wasm backend: no room for the worker stacks');
  const stackTops = Array.from({ length: workers }, (_, i) => heapBase + (i + 1) * WORKER_STACK_BYTES);
  const pool = await startPool(module, memory, stackTops, exports.pool_generation());
  exports.set_pool_size(pool.size, callerCanBlock() ? 1 : 0);
  return new Kernels(exports, memory, stacksEnd, pool, fma);
}

/** Whether this thread may sleep in Atomics.wait: everywhere but a browser page's main thread. */
function callerCanBlock(): boolean {
  const g = globalThis as { process?: { versions?: { node?: string } }; WorkerGlobalScope?: unknown };
  return !!g.process?.versions?.node || g.WorkerGlobalScope !== undefined;
}

async function defaultThreads(): Promise<number> {
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  let cores = nav?.hardwareConcurrency ?? 0;
  if (!cores) {
    try {
      const os = await importNode<{ availableParallelism?: () => number; cpus: () => unknown[] }>('node:os');
      cores = os.availableParallelism ? os.availableParallelism() : os.cpus().length;
    } catch {
      cores = 1;
    }
  }
  return Math.min(WASM_MAX_THREADS, Math.max(1, cores));
}
