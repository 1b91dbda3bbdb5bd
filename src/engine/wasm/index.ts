/**
 * The wasm backend: the CPU backend with its heavy kernels (matrix products, the three
 * convolution passes, pooling, batch normalisation, the hot element-wise ops, bias-style
 * sums, the optimizer updates) replaced by WebAssembly SIMD kernels compiled from C
 * (kernels/*.c, built by scripts/build-wasm.mjs).
 *
 * Storages are Float32Arrays, so everything without a kernel (layout, other reductions,
 * argmax, dropout) is inherited unchanged. With a shared memory (the threaded build),
 * every storage of 16K floats or more is a Float32Array over a block of the module's
 * linear memory (module.ts, heap.ts), which kernels read and update where it is; other
 * operands (small arrays) are copied in. Without a shared memory every kernel copies its
 * operands in and its result out. Results agree with the CPU reference to f32 rounding
 * (the kernels accumulate products in f32, the reference in f64).
 *
 * With shared memory (Node, or a cross-origin isolated page) the kernels spread over a
 * pool of worker threads: matrix products by columns (or rows, or batch entries),
 * convolutions by images (Winograd's by blocks of tiles), pooling by planes,
 * streaming kernels by equal shares.
 */
import type { AdamParams, BackendAbout, BackendName, BatchNormParams, BatchNormRunning, BinaryOp, Conv2dParams, FusedDerivativeOp, NormActGrad, NormEpilogue, Pool2dParams, ReduceOp, SgdItem, SgdParams, Storage, UnaryOp } from '../backend';
import { adamBiasCorrection, arr, CpuBackend, type CpuStorage, type FArray } from '../cpu/index';
import { getConvPrecision } from '../precision';
import { dropoutTest } from '../random';
import { shapeSize } from '../shape';
import { loadKernels, type Kernels, type LoadOptions } from './module';
import { convArgs, convMethodFor, convPlan, keptRun, planFloats, poolArgs, scratchAreas, streamTaskCount, taskCount, winogradInputGrad, WINOGRAD_FLIPPED, type ConvMethod, type ConvPlan, type WinogradTiles } from './plan';
import { ArrayPool } from './recycle';
import * as bn from './batchnorm';

export { keptRun, PARALLEL_MIN_FLOPS } from './plan';

/** Freed arrays kept for reuse as kernel outputs, and the shortest worth keeping. */
const POOL_BYTES = 256 * 1024 * 1024;
const POOL_MIN_FLOATS = 16 * 1024;
/** Elements below which an element-wise op stays in JavaScript (the copies in and out cost more). */
const ELTWISE_MIN = 4096;

type MatmulParams = { batch: number; m: number; n: number; k: number; transA: boolean; transB: boolean; aBatch: number; bBatch: number };

function f32(s: Storage): Float32Array {
  return arr(s) as Float32Array;
}

/** The backend's description and facts, for the kernels as they run now. */
function describe(k: Kernels): [string, BackendAbout] {
  return [k.description, { kind: 'wasm', fma: k.fma, threads: k.threads }];
}

export class WasmBackend extends CpuBackend {
  /** Bytes of input and output images a convolution copies into wasm memory at a time (tests lower it). */
  static convBlockBytes = 48 * 1024 * 1024;
  /** Whether 3x3 and 5x5 convolutions may take Winograd's algorithm (tests turn it off to compare). */
  static winograd = true;
  /** Winograd's tiling, forced (tests), or null: by the engine's convolution precision (precision.ts). */
  static winogradTiles: WinogradTiles | null = null;
  /** Floats of transformed tiles (V and M) a Winograd block aims at: half a megabyte, which a core's cache keeps (tests lower it). */
  static winogradBlockFloats = 128 << 10;
  /** Floats of the Winograd weight gradient's dU copies, one per thread, at most (8 MB); beyond it the threads share one dU (tests lower it). */
  static winogradPartialFloats = 2 << 20;

  /** The Winograd tiling in force unless forced: input tiles of 4 at the 'highest' convolution precision, by shape at 'high' (plan.ts, winogradTiling). */
  static tilesNow(): WinogradTiles {
    return WasmBackend.winogradTiles ?? (getConvPrecision() === 'high' ? 'auto' : 4);
  }

  /** How this backend computes a convolution: Winograd's minimal filtering (kernels/winograd.h; plan.ts picks the tiling) where it applies, else im2col products (kernels/conv.c). */
  static convMethod(p: Conv2dParams): ConvMethod {
    return convMethodFor(p, WasmBackend.winograd);
  }

  override readonly name: BackendName = 'wasm';
  override description: string;
  override about: BackendAbout;
  /** The compiled kernels and their memory. */
  readonly kernels: Kernels;
  private readonly recycled = new ArrayPool(POOL_BYTES, POOL_MIN_FLOATS);

  constructor(kernels: Kernels) {
    super();
    this.kernels = kernels;
    [this.description, this.about] = describe(kernels);
    // After losing a worker thread the kernels go on on one thread: say so.
    kernels.onThreadsChanged = () => ([this.description, this.about] = describe(kernels));
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

  /**
   * Every storage worth keeping there lives in wasm memory (shared memory only), so
   * that the kernels read and update it in place: the JavaScript ops' outputs,
   * parameters, momentum buffers and input batches alike.
   */
  protected override alloc(size: number): FArray {
    const view = this.kernels.keepsStorages && size >= POOL_MIN_FLOATS ? this.kernels.heapArray(size) : null;
    return view ? view.fill(0) : super.alloc(size);
  }

  /** Copies `length` floats at byte offset `at` of wasm memory into a new storage. @internal */
  output(at: number, length: number): Storage {
    const out = this.recycled.take(length);
    this.kernels.readInto(at, length, out, 0);
    return this.make(out);
  }

  /**
   * Room for a kernel's output of `length` floats: a lasting block of wasm memory that
   * becomes the storage as it is (shared memory, outputs worth keeping there), else
   * arena room that `done()` copies out. @internal
   */
  out(length: number): { at: number; done(): Storage } {
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

  /** See plan.ts: taskCount, streamTaskCount, scratchAreas, on this backend's threads. @internal */
  tasks(flops: number, units: number, perThread: number): number {
    return taskCount(this.kernels.threads, flops, units, perThread);
  }
  private streamTasks(n: number): number {
    return streamTaskCount(this.kernels.threads, n);
  }
  private areas(tasks: number): number {
    return scratchAreas(this.kernels.threads, tasks);
  }

  // ---- element-wise ----------------------------------------------------------------
  /*
   * The hot ops run as SIMD kernels named after their op (kernels/eltwise.c: unary_<op>,
   * unary_backward_<op>, binary_<op> where each operand is full-size or one value);
   * every other op, other broadcasts and short arrays take the CPU backend's scalar
   * path from the op registry.
   */
  override unary(op: UnaryOp, x: Storage): Storage {
    const f = this.kernels.kernel(`unary_${op}`);
    return f && x.size >= ELTWISE_MIN ? this.elementwise(f, [x], x.size) : super.unary(op, x);
  }

  override unaryBackward(op: FusedDerivativeOp, v: Storage, g: Storage): Storage {
    const f = this.kernels.kernel(`unary_backward_${op}`);
    return f && v.size >= ELTWISE_MIN ? this.elementwise(f, [v, g], v.size) : super.unaryBackward(op, v, g);
  }

  override binary(op: BinaryOp, a: Storage, aShape: readonly number[], b: Storage, bShape: readonly number[], outShape: readonly number[]): Storage {
    const n = shapeSize(outShape);
    const f = this.kernels.kernel(`binary_${op}`);
    // Each operand's step: 1 when it is full-size, 0 when it is one value.
    const step = (s: Storage) => (s.size === n ? 1 : s.size === 1 ? 0 : -1);
    const sa = step(a), sb = step(b);
    if (!f || n < ELTWISE_MIN || sa < 0 || sb < 0) return super.binary(op, a, aShape, b, bShape, outShape);
    const K = this.kernels;
    K.reset();
    const pa = this.put(a, a.size), pb = this.put(b, b.size);
    const out = this.out(n);
    K.runExport(f, [n, this.streamTasks(n), pa, pb, out.at, sa, sb]);
    return out.done();
  }

  /** The CPU backend's dropout mask, the same bits, from kernels/eltwise.c. */
  override dropoutMask(size: number, p: number, seed: number): Storage {
    const f = this.kernels.kernel('dropout_mask');
    if (!f || size < ELTWISE_MIN || Number.isNaN(p)) return super.dropoutMask(size, p, seed);
    const K = this.kernels;
    K.reset();
    const out = this.out(size);
    const t = dropoutTest(p, seed);
    const scaleBits = new Int32Array(new Float32Array([t.scale]).buffer)[0];
    K.runExport(f, [size, this.streamTasks(size), out.at, t.seedHash | 0, t.threshold | 0, t.dropAll ? 1 : 0, scaleBits]);
    return out.done();
  }

  /** Runs an element-wise kernel over `n` floats of each input: parameter block [n, tasks, inputs..., output]. */
  private elementwise(f: (args: number) => void, inputs: Storage[], n: number): Storage {
    const K = this.kernels;
    K.reset();
    const at = inputs.map((s) => this.put(s, n));
    const out = this.out(n);
    K.runExport(f, [n, this.streamTasks(n), ...at, out.at]);
    return out.done();
  }

  // ---- sums (kernels/reduce.c) ------------------------------------------------------
  /**
   * Sums that keep one run of axes, [reduced..., kept..., reduced...] (a bias's
   * gradient, row sums, whole sums), run as one kernel; other reductions take the CPU
   * backend's loops.
   */
  override reduce(op: ReduceOp, x: Storage, shape: readonly number[], axes: readonly number[]): Storage {
    const groups = op === 'sum' && x.size >= ELTWISE_MIN ? keptRun(shape, axes) : null;
    if (!groups) return super.reduce(op, x, shape, axes);
    const [outer, kept, inner] = groups;
    const K = this.kernels;
    K.reset();
    const px = this.put(x, x.size);
    const out = this.out(kept);
    const scratch = inner === 1 ? K.alloc(2 * kept) : 0;
    K.runExport(K.exports.reduce_sum, [outer, kept, inner, kept > 1 ? Math.min(kept, this.streamTasks(x.size)) : 1, px, out.at, scratch]);
    return out.done();
  }

  // ---- optimizer (kernels/optim.c) --------------------------------------------------
  /**
   * SGD over every parameter that lives in wasm memory, with its gradient and momentum
   * buffer, in one call spread over the threads; the rest (small tensors) in the CPU
   * backend's loop. Both compute the same bits.
   */
  override sgdStep(items: readonly SgdItem[], p: SgdParams): void {
    const K = this.kernels;
    const inWasm = (s: Storage | null) => !s || K.owns(f32(s));
    const here: SgdItem[] = [], elsewhere: SgdItem[] = [];
    for (const it of items) (K.keepsStorages && inWasm(it.param) && inWasm(it.grad) && inWasm(it.momentumBuf) ? here : elsewhere).push(it);
    if (elsewhere.length) super.sgdStep(elsewhere, p);
    if (here.length === 0) return;
    K.reset();
    const table = K.alloc(4 * here.length);
    K.writeInts(table, here.flatMap((it) => [it.param.size, f32(it.param).byteOffset, f32(it.grad).byteOffset, it.momentumBuf ? f32(it.momentumBuf).byteOffset : 0]));
    const hyper = K.alloc(12);
    K.writeDoubles(hyper, [p.lr, p.momentum, p.weightDecay, p.dampening, p.nesterov ? 1 : 0, p.firstStep ? 1 : 0]);
    const total = here.reduce((n, it) => n + it.param.size, 0);
    K.runExport(K.exports.sgd_step, [here.length, this.streamTasks(total), table, hyper, total]);
  }

  /** Adam's update as a kernel where all four arrays live in wasm memory; the CPU backend's loop otherwise. Both compute the same bits. */
  override adamStep(param: Storage, grad: Storage, m: Storage, v: Storage, p: AdamParams): void {
    const K = this.kernels;
    const arrays = [param, grad, m, v].map(f32);
    if (!arrays.every((a) => K.owns(a))) return super.adamStep(param, grad, m, v, p);
    K.reset();
    const hyper = K.alloc(12);
    const { stepSize, sqrtBc2 } = adamBiasCorrection(p);
    K.writeDoubles(hyper, [p.beta1, p.beta2, p.eps, p.weightDecay, stepSize, sqrtBc2]);
    K.runExport(K.exports.adam_step, [param.size, this.streamTasks(param.size), ...arrays.map((a) => a.byteOffset), hyper]);
  }

  // ---- batch normalisation (kernels/batchnorm.c, by channels: batchnorm.ts) ---------
  /** The address of the first `n` floats of `s` in wasm memory (see `input`). @internal */
  put(s: Storage, n: number): number {
    return this.input(f32(s), n);
  }
  override batchNormStats(x: Storage, p: BatchNormParams, running?: BatchNormRunning): { mean: Storage; variance: Storage } {
    if (p.n * p.c * p.hw === 0) return super.batchNormStats(x, p, running);
    const r = bn.batchNormStats(this, x, p);
    if (running) this.batchNormUpdateRunning(running.mean, running.variance, r.mean, r.variance, { ...p, momentum: running.momentum });
    return r;
  }
  override batchNormApply(x: Storage, mean: Storage, variance: Storage, weight: Storage | null, bias: Storage | null, p: BatchNormParams, epi?: NormEpilogue): Storage {
    if (p.n * p.c * p.hw === 0) return super.batchNormApply(x, mean, variance, weight, bias, p, epi);
    if (epi?.act !== 'tanh') return bn.batchNormApply(this, x, mean, variance, weight, bias, p, epi);
    // No vector tanh here: its element-wise op after the rest.
    const y = bn.batchNormApply(this, x, mean, variance, weight, bias, p, { act: null, residual: epi.residual });
    const t = this.unary('tanh', y);
    this.free(y);
    return t;
  }
  override batchNormBackward(
    g: Storage, x: Storage, mean: Storage, variance: Storage, weight: Storage | null, p: BatchNormParams & { batchStats: boolean }, act?: NormActGrad,
  ): { dx: Storage; dWeight: Storage; dBias: Storage; g?: Storage } {
    if (p.n * p.c * p.hw === 0) return super.batchNormBackward(g, x, mean, variance, weight, p, act);
    return bn.batchNormBackward(this, g, x, mean, variance, weight, p, act);
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
  /** How a convolution is cut on this backend (plan.ts), `p` in forward form. */
  private convPlan(p: Conv2dParams, method: ConvMethod, weightGrad = false): ConvPlan {
    const K = this.kernels;
    const room = {
      threads: K.threads,
      keepsStorages: K.keepsStorages,
      gemmScratchFloats: K.gemmScratchFloats,
      blockBytes: WasmBackend.convBlockBytes,
      blockFloats: WasmBackend.winogradBlockFloats,
      partialFloats: WasmBackend.winogradPartialFloats,
      winogradTiles: WasmBackend.tilesNow(),
    };
    return convPlan(room, p, method, weightGrad);
  }

  /** Arena room for a convolution's scratch areas and what they share. */
  private scratch(plan: ConvPlan): number {
    return this.kernels.alloc(planFloats(plan));
  }

  /**
   * A convolution pass over n images of `srcSize` floats each into `dstSize` each: at once
   * when the plan's block holds the whole batch, else `block` images at a time through two
   * arena areas. `run(images, src, dst)` runs the kernel on arena addresses.
   */
  private byBlocks(block: number, n: number, src: Float32Array, srcSize: number, dstSize: number, run: (images: number, src: number, dst: number) => void): Storage {
    const K = this.kernels;
    if (block === n) {
      const y = this.out(n * dstSize);
      run(n, this.input(src, n * srcSize), y.at);
      return y.done();
    }
    const out = this.recycled.take(n * dstSize);
    const ps = K.alloc(block * srcSize);
    const pd = K.alloc(block * dstSize);
    for (let b0 = 0; b0 < n; b0 += block) {
      const nb = Math.min(block, n - b0);
      K.write(ps, src.subarray(b0 * srcSize, (b0 + nb) * srcSize));
      run(nb, ps, pd);
      K.readInto(pd, nb * dstSize, out, b0 * dstSize);
    }
    return this.make(out);
  }

  override conv2d(x: Storage, w: Storage, bias: Storage | null, p: Conv2dParams): Storage {
    const inSize = p.cIn * p.h * p.w;
    const outSize = p.cOut * p.outH * p.outW;
    if (p.n * outSize === 0) return this.make(new Float32Array(0));
    const X = f32(x), W = f32(w);
    const plan = this.convPlan(p, WasmBackend.convMethod(p));
    const kernel = plan.method === 'winograd' ? 'winograd_forward' : 'conv2d_forward';
    const K = this.kernels;
    K.reset();
    const pw = this.input(W, W.length);
    const pbias = bias ? this.put(bias, p.cOut) : 0;
    const ps = this.scratch(plan);
    return this.byBlocks(plan.block, p.n, X, inSize, outSize, (n, src, dst) =>
      K.run(kernel, convArgs(p, n, src, pw, pbias, dst, plan, ps, false)),
    );
  }

  override conv2dBackwardInput(gy: Storage, w: Storage, p: Conv2dParams): Storage {
    const inSize = p.cIn * p.h * p.w;
    const outSize = p.cOut * p.outH * p.outW;
    if (p.n * inSize === 0) return this.make(new Float32Array(0));
    const G = f32(gy), W = f32(w);
    const wino = WasmBackend.convMethod(p) === 'winograd';
    // Winograd runs the input gradient as a forward convolution of dY: dY is its x and dX its y.
    const q = wino ? winogradInputGrad(p) : p;
    const plan = this.convPlan(q, wino ? 'winograd' : 'im2col');
    const K = this.kernels;
    K.reset();
    const pw = this.input(W, W.length);
    const ps = this.scratch(plan);
    // Its source is dY, its result dX.
    return this.byBlocks(plan.block, p.n, G, outSize, inSize, (n, dy, dx) =>
      wino
        ? K.run('winograd_forward', convArgs(q, n, dy, pw, 0, dx, plan, ps, false, WINOGRAD_FLIPPED))
        : K.run('conv2d_backward_input', convArgs(p, n, dx, pw, 0, dy, plan, ps, false)),
    );
  }

  override conv2dBackwardWeight(x: Storage, gy: Storage, p: Conv2dParams): Storage {
    const inSize = p.cIn * p.h * p.w;
    const outSize = p.cOut * p.outH * p.outW;
    const size = p.cOut * p.cIn * p.kH * p.kW;
    if (size === 0) return this.make(new Float32Array(0));
    if (p.n === 0) return this.make(new Float32Array(size));
    const X = f32(x), G = f32(gy);
    const plan = this.convPlan(p, WasmBackend.convMethod(p), true);
    const kernel = plan.method === 'winograd' ? 'winograd_backward_weight' : 'conv2d_backward_weight';
    const K = this.kernels;
    K.reset();
    const ps = this.scratch(plan);
    if (plan.block === p.n) {
      const dw = this.out(size);
      K.run(kernel, convArgs(p, p.n, this.input(X, p.n * inSize), dw.at, 0, this.input(G, p.n * outSize), plan, ps, false));
      return dw.done();
    }
    const pdw = K.alloc(size);
    const px = K.alloc(plan.block * inSize);
    const pdy = K.alloc(plan.block * outSize);
    for (let b0 = 0; b0 < p.n; b0 += plan.block) {
      const nb = Math.min(plan.block, p.n - b0);
      K.write(px, X.subarray(b0 * inSize, (b0 + nb) * inSize));
      K.write(pdy, G.subarray(b0 * outSize, (b0 + nb) * outSize));
      K.run(kernel, convArgs(p, nb, px, pdw, 0, pdy, plan, ps, b0 > 0));
    }
    return this.output(pdw, size);
  }

  // ---- pooling --------------------------------------------------------------------
  /**
   * Pooling splits its planes over the threads, where its window operations would pay
   * for them as a product's do, or where it streams through as many elements as an
   * element-wise kernel that threads pay for (LeNet's 2x2 pooling of 1.2M elements).
   */
  private poolTasks(p: Pool2dParams): number {
    const planes = p.n * p.c;
    return Math.max(this.tasks(planes * p.outH * p.outW * p.kH * p.kW, planes, 2), Math.min(this.streamTasks(planes * p.h * p.w), planes));
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
    K.run('pool2d_forward', poolArgs(p, px, py.at, 0, pline, tasks));
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
    K.run('pool2d_backward', poolArgs(p, px, pgy, pdx.at, 0, this.poolTasks(p)));
    return pdx.done();
  }
}

/** Compiles the kernels (and starts their worker threads, when allowed) and makes the backend. */
export async function createWasmBackend(opts: LoadOptions = {}): Promise<WasmBackend> {
  return new WasmBackend(await loadKernels(opts));
}
