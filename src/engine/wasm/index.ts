/**
 * The wasm backend: the CPU backend with its heavy kernels (matrix products, the three
 * convolution passes, pooling) replaced by WebAssembly SIMD kernels compiled from C
 * (kernels/*.c, built by scripts/build-wasm.mjs).
 *
 * Storages stay the CPU backend's Float32Arrays, so everything else (element-wise ops,
 * layout, reductions, optimizers) is inherited unchanged. With a shared memory (the
 * threaded build), a wasm kernel's output of 16K floats or more is a Float32Array over
 * a block of the module's linear memory (module.ts, heap.ts), which the next kernel
 * reads where it is; other operands (JavaScript arrays, small outputs) are copied in.
 * Without a shared memory every kernel copies its operands in and its result out.
 * Results agree with the CPU reference to f32 rounding (the kernels accumulate in f32,
 * the reference in f64).
 *
 * With shared memory (Node, or a cross-origin isolated page) the kernels spread over a
 * pool of worker threads: matrix products by columns (or rows, or batch entries),
 * convolutions by images, pooling by planes.
 */
import type { BackendName, BatchNormParams, BatchNormRunning, Conv2dParams, FusedDerivativeOp, Pool2dParams, Storage, UnaryOp } from '../backend';
import { arr, CpuBackend, type CpuStorage } from '../cpu/index';
import { loadKernels, type Kernels, type LoadOptions } from './module';
import { ArrayPool } from './recycle';

/** Freed arrays kept for reuse as kernel outputs, and the shortest worth keeping. */
const POOL_BYTES = 256 * 1024 * 1024;
const POOL_MIN_FLOATS = 16 * 1024;
/** Elements below which an element-wise op stays in JavaScript (the copies in and out cost more). */
const ELTWISE_MIN = 4096;
/** Floating-point operations below which a kernel stays on the calling thread (waking workers costs more). */
export const PARALLEL_MIN_FLOPS = 4e6;
/** Columns (images x output pixels) a convolution's product should have at least, when images are small. */
const CONV_TARGET_COLUMNS = 512;
/** Floats of the im2col matrix of one group of images, at most (unless one image needs more). */
const CONV_MAX_COL_FLOATS = 1 << 20;

/** How a convolution is cut; see convPlan. */
interface ConvPlan {
  group: number;
  block: number;
  tasks: number;
  /** Scratch areas (threads that may run the tasks). */
  areas: number;
  scratchFloats: number;
}

type MatmulParams = { batch: number; m: number; n: number; k: number; transA: boolean; transB: boolean; aBatch: number; bBatch: number };

function f32(s: Storage): Float32Array {
  return arr(s) as Float32Array;
}

export class WasmBackend extends CpuBackend {
  /** Bytes of input and output images a convolution copies into wasm memory at a time (tests lower it). */
  static convBlockBytes = 48 * 1024 * 1024;

  override readonly name: BackendName = 'wasm';
  override readonly description: string;
  /** The compiled kernels and their memory. */
  readonly kernels: Kernels;
  private readonly recycled = new ArrayPool(POOL_BYTES, POOL_MIN_FLOATS);

  constructor(kernels: Kernels) {
    super();
    this.kernels = kernels;
    this.description = kernels.description;
  }

  /** Stops the worker threads and drops the recycled arrays (the backend keeps working on one thread). */
  dispose(): void {
    this.kernels.dispose();
    this.recycled.clear();
  }

  override free(s: Storage): void {
    const c = s as CpuStorage;
    if (!c.freed && c.data instanceof Float32Array) {
      if (this.kernels.owns(c.data)) this.kernels.heapFree(c.data);
      else this.recycled.put(c.data);
    }
    super.free(s);
  }

  /** Copies `length` floats at byte offset `at` of wasm memory into a new storage. */
  private output(at: number, length: number): Storage {
    const out = this.recycled.take(length);
    this.kernels.readInto(at, length, out, 0);
    return this.make(out);
  }

  /**
   * Room for a kernel's output of `length` floats: a lasting block of wasm memory that
   * becomes the storage as it is (shared memory, outputs worth keeping there), else
   * arena room that `done()` copies out.
   */
  private out(length: number): { at: number; done(): Storage } {
    const K = this.kernels;
    const view = K.keepsStorages && length >= POOL_MIN_FLOATS ? K.heapArray(length) : null;
    if (view) return { at: view.byteOffset, done: () => this.make(view) };
    const at = K.alloc(length);
    return { at, done: () => this.output(at, length) };
  }

  /** The address of the first `n` floats of `a` in wasm memory: where it lives, or a copy in the arena. */
  private input(a: Float32Array, n: number): number {
    const K = this.kernels;
    if (K.owns(a)) return a.byteOffset;
    const at = K.alloc(n);
    K.write(at, a.subarray(0, n));
    return at;
  }

  /**
   * Tasks to split `flops` of work into, at most `units`: one when threads do not pay,
   * else `perThread` per thread, which the threads claim one by one (a thread slowed
   * down by other work on the machine then takes fewer).
   */
  private tasks(flops: number, units: number, perThread: number): number {
    const t = this.kernels.threads;
    if (t <= 1 || flops < PARALLEL_MIN_FLOPS) return 1;
    return Math.max(1, Math.min(t * perThread, units));
  }

  /** Scratch areas a kernel split into `tasks` needs: one per thread that may run them. */
  private areas(tasks: number): number {
    return Math.min(tasks, this.kernels.threads);
  }

  // ---- element-wise ----------------------------------------------------------------
  /*
   * The hot activations run as SIMD kernels named after their op (kernels/eltwise.c:
   * unary_<op>, unary_backward_<op>); every other op, and short arrays, take the CPU
   * backend's scalar path from the op registry.
   */
  override unary(op: UnaryOp, x: Storage): Storage {
    const f = this.kernels.kernel(`unary_${op}`);
    return f && x.size >= ELTWISE_MIN ? this.elementwise(f, [x], x.size) : super.unary(op, x);
  }

  override unaryBackward(op: FusedDerivativeOp, v: Storage, g: Storage): Storage {
    const f = this.kernels.kernel(`unary_backward_${op}`);
    return f && v.size >= ELTWISE_MIN ? this.elementwise(f, [v, g], v.size) : super.unaryBackward(op, v, g);
  }

  /** Runs an element-wise kernel over `n` floats of each input: parameter block [n, inputs..., output]. */
  private elementwise(f: (args: number) => void, inputs: Storage[], n: number): Storage {
    const K = this.kernels;
    K.reset();
    const at = inputs.map((s) => this.put(s, n));
    const out = this.out(n);
    K.runExport(f, [n, ...at, out.at]);
    return out.done();
  }

  // ---- batch normalisation (kernels/batchnorm.c, by channels) ----------------------
  /** The parameter block of kernels/batchnorm.c; pointers the call does not use are 0. */
  private bnArgs(p: BatchNormParams, ptr: { x: number; mean: number; variance: number; weight?: number; bias?: number; y?: number; dx?: number; dw?: number; db?: number }, batchStats = false): number[] {
    const tasks = this.tasks(8 * p.n * p.c * p.hw, p.c, 2);
    const eps = new Int32Array(new Float32Array([p.eps]).buffer)[0];
    return [p.n, p.c, p.hw, tasks, eps, batchStats ? 1 : 0, ptr.x, ptr.mean, ptr.variance, ptr.weight ?? 0, ptr.bias ?? 0, ptr.y ?? 0, ptr.dx ?? 0, ptr.dw ?? 0, ptr.db ?? 0];
  }

  /** The address of the first `n` floats of `s` in wasm memory (see `input`). */
  private put(s: Storage, n: number): number {
    return this.input(f32(s), n);
  }

  override batchNormStats(x: Storage, p: BatchNormParams, running?: BatchNormRunning): { mean: Storage; variance: Storage } {
    const size = p.n * p.c * p.hw;
    if (size === 0 || p.c === 0) return super.batchNormStats(x, p, running);
    const K = this.kernels;
    K.reset();
    const px = this.put(x, size);
    const pm = K.alloc(p.c);
    const pv = K.alloc(p.c);
    K.runExport(K.exports.batchnorm_stats, this.bnArgs(p, { x: px, mean: pm, variance: pv }));
    const r = { mean: this.output(pm, p.c), variance: this.output(pv, p.c) };
    if (running) this.batchNormUpdateRunning(running.mean, running.variance, r.mean, r.variance, { ...p, momentum: running.momentum });
    return r;
  }

  override batchNormApply(x: Storage, mean: Storage, variance: Storage, weight: Storage | null, bias: Storage | null, p: BatchNormParams): Storage {
    const size = p.n * p.c * p.hw;
    if (size === 0) return super.batchNormApply(x, mean, variance, weight, bias, p);
    const K = this.kernels;
    K.reset();
    const y = this.out(size);
    const ptr = {
      x: this.put(x, size),
      mean: this.put(mean, p.c),
      variance: this.put(variance, p.c),
      weight: weight ? this.put(weight, p.c) : 0,
      bias: bias ? this.put(bias, p.c) : 0,
      y: y.at,
    };
    K.runExport(K.exports.batchnorm_apply, this.bnArgs(p, ptr));
    return y.done();
  }

  override batchNormBackward(
    g: Storage, x: Storage, mean: Storage, variance: Storage, weight: Storage | null, p: BatchNormParams & { batchStats: boolean },
  ): { dx: Storage; dWeight: Storage; dBias: Storage } {
    const size = p.n * p.c * p.hw;
    if (size === 0) return super.batchNormBackward(g, x, mean, variance, weight, p);
    const K = this.kernels;
    K.reset();
    const dx = this.out(size);
    const ptr = {
      y: this.put(g, size),
      x: this.put(x, size),
      mean: this.put(mean, p.c),
      variance: this.put(variance, p.c),
      weight: weight ? this.put(weight, p.c) : 0,
      dx: dx.at,
      dw: K.alloc(p.c),
      db: K.alloc(p.c),
    };
    K.runExport(K.exports.batchnorm_backward, this.bnArgs(p, ptr, p.batchStats));
    return { dx: dx.done(), dWeight: this.output(ptr.dw, p.c), dBias: this.output(ptr.db, p.c) };
  }

  // ---- linear algebra -------------------------------------------------------------
  override matmul(a: Storage, b: Storage, p: MatmulParams): Storage {
    const { batch, m, n, k } = p;
    const size = batch * m * n;
    if (size === 0) return this.make(new Float32Array(0));
    const A = f32(a), B = f32(b);
    const K = this.kernels;
    const units = batch >= K.threads ? batch : Math.ceil(Math.max(m / 4, n / 8));
    // A task over a share of the columns packs all of A for itself: two tasks per thread at most.
    const tasks = this.tasks(2 * size * k, units, 2);
    K.reset();
    const pa = this.input(A, p.aBatch * m * k);
    const pb = this.input(B, p.bBatch * k * n);
    const po = this.out(size);
    const ps = K.alloc(K.gemmScratchFloats * this.areas(tasks));
    K.run('matmul', [batch, m, n, k, p.transA ? 1 : 0, p.transB ? 1 : 0, p.aBatch, p.bBatch, pa, pb, po.at, ps, tasks]);
    return po.done();
  }

  // ---- convolution ----------------------------------------------------------------
  /**
   * How a convolution over `n` images is cut: `block` images per copy into wasm
   * memory, `tasks` shares of a block that the threads claim, and `group` images per
   * product within a share (enough columns to keep the product efficient on small
   * feature maps).
   */
  private convPlan(p: Conv2dParams): ConvPlan {
    const k = p.cIn * p.kH * p.kW;
    const hw = p.outH * p.outW;
    const inSize = p.cIn * p.h * p.w;
    const outSize = p.cOut * hw;
    const threads = this.kernels.threads;
    // Images per copy into wasm memory: a whole number of rounds over the threads when it
    // is not all of them. Where storages live in wasm memory, the whole batch at once.
    let block = this.kernels.keepsStorages ? p.n : Math.max(1, Math.floor(WasmBackend.convBlockBytes / (4 * Math.max(1, inSize + outSize))));
    if (block >= p.n) block = p.n;
    else if (block >= threads) block -= block % threads;
    // The group a product would like, from the feature map's size and the im2col matrix's.
    let ideal = Math.max(1, Math.ceil(CONV_TARGET_COLUMNS / Math.max(1, hw)));
    ideal = Math.max(1, Math.min(ideal, Math.floor(CONV_MAX_COL_FLOATS / Math.max(1, k * hw))));
    // Threads take a share of a block's images each (up to 4 shares per thread, not
    // smaller than a group), so a block of few images gets smaller groups rather than idle threads.
    const perThread = Math.ceil(block / threads);
    const tasks = this.tasks(2 * p.n * outSize * k, block, Math.min(4, Math.max(1, Math.floor(perThread / ideal))));
    const perTask = Math.ceil(block / tasks);
    const group = Math.ceil(perTask / Math.ceil(perTask / ideal));
    const areas = this.areas(tasks);
    // Per thread: the product's panels, an im2col matrix, a [cOut, columns] buffer, a partial dW.
    const scratchFloats = this.kernels.gemmScratchFloats + (k + p.cOut) * group * hw + (areas > 1 ? p.cOut * k : 0) + 16;
    return { group, block, tasks, areas, scratchFloats };
  }

  private convArgs(p: Conv2dParams, n: number, x: number, w: number, bias: number, y: number, plan: ConvPlan, scratch: number, accumulate: boolean): number[] {
    return [
      n, p.cIn, p.h, p.w, p.cOut, p.kH, p.kW, p.strideH, p.strideW, p.padH, p.padW, p.outH, p.outW,
      x, w, bias, y, plan.group, scratch, plan.scratchFloats, plan.tasks, accumulate ? 1 : 0, plan.areas,
    ];
  }

  override conv2d(x: Storage, w: Storage, bias: Storage | null, p: Conv2dParams): Storage {
    const inSize = p.cIn * p.h * p.w;
    const outSize = p.cOut * p.outH * p.outW;
    if (p.n * outSize === 0) return this.make(new Float32Array(0));
    const X = f32(x), W = f32(w);
    const plan = this.convPlan(p);
    const K = this.kernels;
    K.reset();
    const pw = this.input(W, W.length);
    const pbias = bias ? this.put(bias, p.cOut) : 0;
    const ps = K.alloc(plan.scratchFloats * plan.areas);
    if (plan.block === p.n) {
      const y = this.out(p.n * outSize);
      K.run('conv2d_forward', this.convArgs(p, p.n, this.input(X, p.n * inSize), pw, pbias, y.at, plan, ps, false));
      return y.done();
    }
    const out = this.recycled.take(p.n * outSize);
    const px = K.alloc(plan.block * inSize);
    const py = K.alloc(plan.block * outSize);
    for (let b0 = 0; b0 < p.n; b0 += plan.block) {
      const nb = Math.min(plan.block, p.n - b0);
      K.write(px, X.subarray(b0 * inSize, (b0 + nb) * inSize));
      K.run('conv2d_forward', this.convArgs(p, nb, px, pw, pbias, py, plan, ps, false));
      K.readInto(py, nb * outSize, out, b0 * outSize);
    }
    return this.make(out);
  }

  override conv2dBackwardInput(gy: Storage, w: Storage, p: Conv2dParams): Storage {
    const inSize = p.cIn * p.h * p.w;
    const outSize = p.cOut * p.outH * p.outW;
    if (p.n * inSize === 0) return this.make(new Float32Array(0));
    const G = f32(gy), W = f32(w);
    const plan = this.convPlan(p);
    const K = this.kernels;
    K.reset();
    const pw = this.input(W, W.length);
    const ps = K.alloc(plan.scratchFloats * plan.areas);
    if (plan.block === p.n) {
      const dx = this.out(p.n * inSize);
      K.run('conv2d_backward_input', this.convArgs(p, p.n, dx.at, pw, 0, this.input(G, p.n * outSize), plan, ps, false));
      return dx.done();
    }
    const out = this.recycled.take(p.n * inSize);
    const pdx = K.alloc(plan.block * inSize);
    const pdy = K.alloc(plan.block * outSize);
    for (let b0 = 0; b0 < p.n; b0 += plan.block) {
      const nb = Math.min(plan.block, p.n - b0);
      K.write(pdy, G.subarray(b0 * outSize, (b0 + nb) * outSize));
      K.run('conv2d_backward_input', this.convArgs(p, nb, pdx, pw, 0, pdy, plan, ps, false));
      K.readInto(pdx, nb * inSize, out, b0 * inSize);
    }
    return this.make(out);
  }

  override conv2dBackwardWeight(x: Storage, gy: Storage, p: Conv2dParams): Storage {
    const inSize = p.cIn * p.h * p.w;
    const outSize = p.cOut * p.outH * p.outW;
    const size = p.cOut * p.cIn * p.kH * p.kW;
    if (size === 0) return this.make(new Float32Array(0));
    if (p.n === 0) return this.make(new Float32Array(size));
    const X = f32(x), G = f32(gy);
    const plan = this.convPlan(p);
    const K = this.kernels;
    K.reset();
    const ps = K.alloc(plan.scratchFloats * plan.areas);
    if (plan.block === p.n) {
      const dw = this.out(size);
      K.run('conv2d_backward_weight', this.convArgs(p, p.n, this.input(X, p.n * inSize), dw.at, 0, this.input(G, p.n * outSize), plan, ps, false));
      return dw.done();
    }
    const pdw = K.alloc(size);
    const px = K.alloc(plan.block * inSize);
    const pdy = K.alloc(plan.block * outSize);
    for (let b0 = 0; b0 < p.n; b0 += plan.block) {
      const nb = Math.min(plan.block, p.n - b0);
      K.write(px, X.subarray(b0 * inSize, (b0 + nb) * inSize));
      K.write(pdy, G.subarray(b0 * outSize, (b0 + nb) * outSize));
      K.run('conv2d_backward_weight', this.convArgs(p, nb, px, pdw, 0, pdy, plan, ps, b0 > 0));
    }
    return this.output(pdw, size);
  }

  // ---- pooling --------------------------------------------------------------------
  private poolArgs(p: Pool2dParams, x: number, y: number, dx: number, line: number, tasks: number): number[] {
    return [p.mode === 'max' ? 1 : 0, p.n * p.c, p.h, p.w, p.kH, p.kW, p.strideH, p.strideW, p.padH, p.padW, p.outH, p.outW, x, y, dx, line, tasks];
  }

  /** Pooling splits its planes over the threads; the work counted is one operation per window element. */
  private poolTasks(p: Pool2dParams): number {
    return this.tasks(p.n * p.c * p.outH * p.outW * p.kH * p.kW, p.n * p.c, 2);
  }

  override pool2d(x: Storage, p: Pool2dParams): Storage {
    const planes = p.n * p.c;
    const inSize = planes * p.h * p.w, outSize = planes * p.outH * p.outW;
    if (outSize === 0) return this.make(new Float32Array(0));
    const K = this.kernels;
    K.reset();
    const px = this.put(x, inSize);
    const tasks = this.poolTasks(p);
    const py = this.out(outSize);
    const pline = K.alloc(p.w * this.areas(tasks));
    K.run('pool2d_forward', this.poolArgs(p, px, py.at, 0, pline, tasks));
    return py.done();
  }

  override pool2dBackward(x: Storage, gy: Storage, p: Pool2dParams): Storage {
    const planes = p.n * p.c;
    const inSize = planes * p.h * p.w, outSize = planes * p.outH * p.outW;
    if (inSize === 0) return this.make(new Float32Array(0));
    const K = this.kernels;
    K.reset();
    // Average pooling never looks at x.
    const px = p.mode === 'max' ? this.put(x, inSize) : 0;
    const pgy = this.put(gy, outSize);
    const pdx = this.out(inSize);
    K.run('pool2d_backward', this.poolArgs(p, px, pgy, pdx.at, 0, this.poolTasks(p)));
    return pdx.done();
  }
}

/** Compiles the kernels (and starts their worker threads, when allowed) and makes the backend. */
export async function createWasmBackend(opts: LoadOptions = {}): Promise<WasmBackend> {
  return new WasmBackend(await loadKernels(opts));
}
