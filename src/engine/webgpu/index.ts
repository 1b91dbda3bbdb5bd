/**
 * The WebGPU backend: the backend contract (../backend.ts) on a GPUDevice.
 *
 * Every kernel is a WGSL file under shaders/ (one entry point each, imported with
 * ?raw). Kernels only record dispatches; work reaches the GPU on `flush()`, on
 * `read()`, or when a batch grows large (see runtime.ts for the pool, the pipeline
 * cache, the uniform slots and the batching). Matmul and the three convolution
 * kernels come in variants (register-blocked, workgroup-tiled); a short autotune
 * picks one per adapter, and the choice is exposed as `tuning` so an app can keep it.
 */
import type {
  AdamParams, Backend, BackendAbout, BatchNormParams, BatchNormRunning, BinaryOp, Conv2dParams, CrossEntropyParams, EpilogueOp, FusedDerivativeOp, NormActGrad, NormEpilogue, Pool2dParams, ReduceOp, SgdItem, SgdParams, Storage, UnaryOp,
} from '../backend';
import { Runtime, USAGE, Words } from './runtime';
import { conv2dBackwardInputWith, conv2dBackwardWeightBias, conv2dBackwardWeightWith, conv2dWith, matmulWith, type MatmulOptions } from './gemm';
import { argmax, reduceWith } from './reduce';
import { pool2d, pool2dBackward, resizeBilinear } from './pool';
import * as bn from './batchnorm';
import * as loss from './loss';
import * as opt from './optim';
import { dropoutTest } from '../random';
import { binaryWgsl, derivativeWgsl, unaryWgsl } from '../ops/elementwise';
import { broadcastStrides, coalesceAxes, shapeSize as prod, stridesOf } from '../shape';
import { isSoftwareAdapter, type Tuning } from './variants';

import fillRaw from '../../../shaders/fill.wgsl?raw';
import unaryRaw from '../../../shaders/unary.wgsl?raw';
import binaryRaw from '../../../shaders/binary.wgsl?raw';
import whereRaw from '../../../shaders/where.wgsl?raw';
import unaryBackwardRaw from '../../../shaders/unary-backward.wgsl?raw';
import stridedCopyRaw from '../../../shaders/strided-copy.wgsl?raw';
import concatRaw from '../../../shaders/concat.wgsl?raw';
import dropoutRaw from '../../../shaders/dropout-mask.wgsl?raw';
import { wgsl } from './wgsl';
import { KernelChoice } from './kernel-choice';

const fillSrc = wgsl(fillRaw);
const unarySrc = wgsl(unaryRaw);
const binarySrc = wgsl(binaryRaw);
const whereSrc = wgsl(whereRaw);
const unaryBackwardSrc = wgsl(unaryBackwardRaw);
const stridedCopySrc = wgsl(stridedCopyRaw);
const concatSrc = wgsl(concatRaw);
const dropoutSrc = wgsl(dropoutRaw);

export type { Tuning } from './variants';

/** Coalesced axes the strided kernels (binary, slice/transpose) accept. */
const MAX_DIMS = 8;

export interface DeviceLostInfo {
  reason: string;
  message: string;
}

export interface WebGPUBackendOptions {
  /** Called once when the device is lost for any reason other than this backend's own `destroy()`. */
  onDeviceLost?: (info: DeviceLostInfo) => void;
  /** The GPU entry point; defaults to `navigator.gpu`. */
  gpu?: GPU;
  /** A tuning saved from an earlier `backend.tuning` on the same adapter; skips the autotune. */
  tuning?: Tuning;
  /** Run the short kernel autotune while creating the backend (default true; tests turn it off). */
  autotune?: boolean;
  /**
   * Ask for the adapter's 'timestamp-query' feature, where it has it, so that
   * `rt.startProfile()` can time kernels on the GPU (benchmarks; off by default).
   */
  timestamps?: boolean;
  /** 'adapter' (default): raise the limits worth raising to the adapter's; 'default': WebGPU's defaults, as the smallest adapters give (tests). */
  limits?: 'adapter' | 'default';
}

export class GPUStorage implements Storage {
  alive = true;
  constructor(
    readonly size: number,
    public buffer: GPUBuffer,
  ) {}
}

export class WebGPUBackend implements Backend {
  readonly name = 'webgpu' as const;
  readonly description: string;
  readonly about: BackendAbout;
  readonly rt: Runtime;
  private liveBytes = 0;
  private destroyed = false;
  /** The kernel variant each GEMM-family call runs (the tuning, per op and per shape). */
  readonly kernels: KernelChoice;
  /**
   * Workgroups a product with few output tiles and a long k is split-K'd up to (gemm.ts,
   * splitsFor): enough to fill a discrete GPU; 0 (never split) on CPU-backed adapters.
   * Tests set it to exercise the split.
   */
  splitKTarget: number;
  /** Use the kW-specialised (unrolled) row convolutions when they apply (tests turn it off to check the generic one). */
  unrolledConv = true;
  /** Tiny buffers bound where a kernel's optional operands are absent (two: two writable bindings of one dispatch may not share a buffer). */
  /** @internal */ dummy: GPUBuffer;
  /** @internal */ dummy2: GPUBuffer;

  constructor(
    readonly device: GPUDevice,
    readonly adapterKey: string,
    /** The adapter, as the browser names it. */
    adapter: string,
  ) {
    this.description = `WebGPU: ${adapter}`;
    const software = isSoftwareAdapter(adapterKey);
    this.about = { kind: 'webgpu', adapter, software };
    this.rt = new Runtime(device);
    this.kernels = new KernelChoice(adapterKey);
    this.splitKTarget = software ? 0 : 256;
    this.dummy = device.createBuffer({ size: 16, usage: USAGE.STORAGE });
    this.dummy2 = device.createBuffer({ size: 16, usage: USAGE.STORAGE });
  }

  // ---- tuning -------------------------------------------------------------------------

  /** The kernel variants in use (per adapter); set it to restore a saved tuning. */
  get tuning(): Tuning {
    return this.kernels.tuning;
  }
  set tuning(t: Tuning) {
    this.kernels.tuning = t;
  }

  // ---- lifecycle ----------------------------------------------------------------------

  /** Frees every GPU resource and the device; the device loss that follows is not reported. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    try {
      this.rt.flush();
    } catch {
      // The device may already be gone.
    }
    this.rt.destroyResources();
    this.rt.lost = true;
    this.rt.lostMessage = 'destroyed by backend.destroy()';
    this.device.destroy();
  }

  trimMemory(): void {
    if (!this.destroyed) this.rt.buffers.trim();
  }

  get isDestroyed(): boolean {
    return this.destroyed;
  }

  /** Called by createWebGPUBackend when `device.lost` resolves. */
  handleLost(info: GPUDeviceLostInfo, report?: (i: DeviceLostInfo) => void): void {
    this.rt.lost = true;
    this.rt.lostMessage = `${info.reason}: ${info.message}`;
    if (this.destroyed) return;
    report?.({ reason: info.reason ?? 'unknown', message: info.message });
  }

  /** Resolves when all submitted GPU work has finished (for timing). */
  sync(): Promise<void> {
    return this.rt.idle();
  }

  // ---- memory -------------------------------------------------------------------------

  /** @internal */ buf(s: Storage): GPUBuffer {
    const g = s as GPUStorage;
    if (!(g instanceof GPUStorage)) throw new Error('webgpu backend: storage does not belong to the webgpu backend');
    if (!g.alive) throw new Error('webgpu backend: storage used after free');
    return g.buffer;
  }

  private checkCount(size: number): void {
    if (!Number.isInteger(size) || size < 0) throw new Error(`webgpu backend: invalid element count ${size}`);
    this.rt.checkSize(size * 4);
  }

  /** A new storage of `size` elements; `fresh` when its buffer is known to hold zeros. */
  /** @internal */ alloc(size: number): { s: GPUStorage; fresh: boolean } {
    this.checkCount(size);
    const { buffer, fresh } = this.rt.acquire(size * 4);
    this.liveBytes += size * 4;
    return { s: new GPUStorage(size, buffer), fresh };
  }

  /** @internal */ out(size: number): GPUStorage {
    return this.alloc(size).s;
  }

  zeros(size: number): Storage {
    const { s, fresh } = this.alloc(size);
    if (!fresh) this.fillInto(s, 0);
    return s;
  }

  fromData(data: Float32Array): Storage {
    const { s, fresh } = this.alloc(data.length);
    this.rt.upload(s.buffer, data, fresh);
    return s;
  }

  read(s: Storage): Promise<Float32Array> {
    try {
      return this.rt.read(this.buf(s), s.size * 4);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  free(s: Storage): void {
    const g = s as GPUStorage;
    if (!(g instanceof GPUStorage) || !g.alive) return;
    g.alive = false;
    this.liveBytes -= g.size * 4;
    if (!this.destroyed) this.rt.release(g.buffer);
  }

  memoryBytes(): number {
    return this.liveBytes;
  }

  flush(): void {
    if (!this.destroyed && !this.rt.lost) this.rt.flush();
  }

  // ---- element-wise -------------------------------------------------------------------

  /** @internal */ fillInto(s: GPUStorage, value: number): void {
    this.rt.dispatch({
      key: 'fill',
      code: fillSrc,
      buffers: [s.buffer],
      uniforms: new Words().u32(s.size).f32(value).buffer(),
      workgroups: Math.ceil(s.size / 256),
    });
  }

  fill(size: number, value: number): Storage {
    const { s, fresh } = this.alloc(size);
    if (!(fresh && value === 0)) this.fillInto(s, value);
    return s;
  }

  unary(op: UnaryOp, x: Storage): Storage {
    const o = this.out(x.size);
    this.rt.dispatch({
      key: `unary:${op}`,
      code: unaryWgsl(op) + unarySrc,
      buffers: [this.buf(x), o.buffer],
      uniforms: new Words().u32(x.size).buffer(),
      workgroups: Math.ceil(x.size / 256),
    });
    return o;
  }

  binary(op: BinaryOp, a: Storage, aShape: readonly number[], b: Storage, bShape: readonly number[], outShape: readonly number[]): Storage {
    const n = prod(outShape);
    const o = this.out(n);
    if (n === 0) return o;
    const bufs = [this.buf(a), this.buf(b), o.buffer];
    const code = binaryWgsl(op) + binarySrc;
    if (a.size === n && b.size === n) {
      this.rt.dispatch({
        key: `binary:${op}:0`,
        code,
        constants: { BROADCAST: 0 },
        buffers: bufs,
        uniforms: new Words().u32(n, 0).buffer(),
        workgroups: Math.ceil(n / 256),
      });
      return o;
    }
    const c = coalesceAxes(outShape, [broadcastStrides(aShape, outShape), broadcastStrides(bShape, outShape)]);
    if (c.shape.length > MAX_DIMS) throw new Error(`webgpu backend: binary op over more than ${MAX_DIMS} independent axes`);
    this.rt.dispatch({
      key: `binary:${op}:1`,
      code,
      constants: { BROADCAST: 1 },
      buffers: bufs,
      uniforms: new Words().u32(n, c.shape.length).vec4s(c.shape, 2).vec4s(c.strides[0], 2).vec4s(c.strides[1], 2).buffer(),
      workgroups: Math.ceil(n / 256),
    });
    return o;
  }

  where(cond: Storage, a: Storage, b: Storage): Storage {
    const n = cond.size;
    const o = this.out(n);
    this.rt.dispatch({
      key: 'where',
      code: whereSrc,
      buffers: [this.buf(cond), this.buf(a), this.buf(b), o.buffer],
      uniforms: new Words().u32(n).buffer(),
      workgroups: Math.ceil(n / 256),
    });
    return o;
  }

  unaryBackward(op: FusedDerivativeOp, v: Storage, g: Storage): Storage {
    const n = v.size;
    const o = this.out(n);
    if (n === 0) return o;
    this.rt.dispatch({
      key: `unary-backward:${op}`,
      code: derivativeWgsl(op) + unaryBackwardSrc,
      buffers: [this.buf(v), this.buf(g), o.buffer],
      uniforms: new Words().u32(n).buffer(),
      workgroups: Math.ceil(n / 256),
    });
    return o;
  }

  // ---- layout -------------------------------------------------------------------------

  transpose(x: Storage, shape: readonly number[], perm: readonly number[]): Storage {
    const inSt = stridesOf(shape);
    return this.slice(
      x,
      perm.map((p) => shape[p]),
      perm.map((p) => inSt[p]),
      0,
    );
  }

  slice(x: Storage, outShape: readonly number[], strides: readonly number[], offset: number): Storage {
    const n = prod(outShape);
    const o = this.out(n);
    if (n === 0) return o;
    const c = coalesceAxes(outShape, [strides, stridesOf(outShape)]);
    if (c.shape.length > MAX_DIMS) throw new Error(`webgpu backend: slice over more than ${MAX_DIMS} independent axes`);
    if (strides.some((s) => s < 0) || offset < 0) throw new Error('webgpu backend: slice strides and offset must be non-negative');
    this.rt.dispatch({
      key: 'strided-copy',
      code: stridedCopySrc,
      buffers: [this.buf(x), o.buffer],
      uniforms: new Words().u32(n, c.shape.length, offset).vec4s(c.shape, 2).vec4s(c.strides[0], 2).buffer(),
      workgroups: Math.ceil(n / 256),
    });
    return o;
  }

  concat(xs: readonly Storage[], shapes: readonly (readonly number[])[], axis: number): Storage {
    const first = shapes[0];
    const ax = axis < 0 ? axis + first.length : axis;
    const outer = prod(first.slice(0, ax));
    const inner = prod(first.slice(ax + 1));
    const total = shapes.reduce((t, s) => t + s[ax], 0);
    const o = this.out(outer * total * inner);
    let at = 0;
    xs.forEach((x, k) => {
      const chunk = shapes[k][ax] * inner;
      const n = outer * chunk;
      if (n > 0) {
        this.rt.dispatch({
          key: 'concat',
          code: concatSrc,
          buffers: [this.buf(x), o.buffer],
          uniforms: new Words().u32(n, chunk, total * inner, at).buffer(),
          workgroups: Math.ceil(n / 256),
        });
      }
      at += chunk;
    });
    return o;
  }

  // ---- reductions (reduce.ts) ---------------------------------------------------------

  reduce(op: ReduceOp, x: Storage, shape: readonly number[], axes: readonly number[]): Storage {
    return reduceWith(this, 'auto', op, x, shape, axes);
  }

  /** Reduce with a chosen strategy: one invocation or one workgroup per output ('auto' decides by size). */
  reduceWith(strategy: 'auto' | 'thread' | 'workgroup', op: ReduceOp, x: Storage, shape: readonly number[], axes: readonly number[]): Storage {
    return reduceWith(this, strategy, op, x, shape, axes);
  }

  argmax(x: Storage, shape: readonly number[], axis: number): Storage {
    return argmax(this, x, shape, axis);
  }

  // ---- matmul and convolution (gemm.ts), in the tuned variants --------------------------

  matmul(a: Storage, b: Storage, p: MatmulOptions): Storage {
    return matmulWith(this, this.kernels.variantFor('matmul', p), a, b, p);
  }
  /** Matmul with a named variant (the autotune and the tests call this directly). */
  matmulWith(variant: string, a: Storage, b: Storage, p: MatmulOptions): Storage {
    return matmulWith(this, variant, a, b, p);
  }
  conv2d(x: Storage, w: Storage, bias: Storage | null, p: Conv2dParams): Storage {
    return conv2dWith(this, this.kernels.variantFor('conv2d', p), x, w, bias, p);
  }
  conv2dWith(variant: string, x: Storage, w: Storage, bias: Storage | null, p: Conv2dParams, act: EpilogueOp | null = null): Storage {
    return conv2dWith(this, variant, x, w, bias, p, act);
  }
  conv2dAct(x: Storage, w: Storage, bias: Storage | null, p: Conv2dParams, act: EpilogueOp): Storage {
    return conv2dWith(this, this.kernels.variantFor('conv2d', p), x, w, bias, p, act);
  }
  linear(x: Storage, w: Storage, bias: Storage | null, p: { rows: number; inF: number; outF: number }, act: EpilogueOp | null): Storage {
    const { rows, inF, outF } = p;
    if (inF === 0 && rows * outF > 0) {
      // An empty product: the output is act(bias), or act(0).
      let z = this.fill(rows * outF, 0);
      if (bias) z = this.swap(z, this.binary('add', z, [rows, outF], bias, [outF], [rows, outF]));
      return act ? this.swap(z, this.unary(act, z)) : z;
    }
    const mm = { batch: 1, m: rows, n: outF, k: inF, transA: false, transB: true, aBatch: 1, bBatch: 1 };
    return matmulWith(this, this.kernels.variantFor('matmul', mm), x, w, mm, { bias, act });
  }
  /** Frees `old` and returns `next` (a step of a composed fallback). */
  private swap(old: Storage, next: Storage): Storage {
    this.free(old);
    return next;
  }
  conv2dBackwardInput(gy: Storage, w: Storage, p: Conv2dParams): Storage {
    return conv2dBackwardInputWith(this, this.kernels.variantFor('conv2dBackwardInput', p), gy, w, p);
  }
  conv2dBackwardInputWith(variant: string, gy: Storage, w: Storage, p: Conv2dParams): Storage {
    return conv2dBackwardInputWith(this, variant, gy, w, p);
  }
  conv2dBackwardWeight(x: Storage, gy: Storage, p: Conv2dParams): Storage {
    return conv2dBackwardWeightWith(this, this.kernels.variantFor('conv2dBackwardWeight', p), x, gy, p);
  }
  conv2dBackwardWeightBias(x: Storage, gy: Storage, p: Conv2dParams): { dW: Storage; dBias: Storage } | null {
    return conv2dBackwardWeightBias(this, x, gy, p, this.kernels.variantFor('conv2dBackwardWeight', p));
  }
  conv2dBackwardWeightWith(variant: string, x: Storage, gy: Storage, p: Conv2dParams): Storage {
    return conv2dBackwardWeightWith(this, variant, x, gy, p);
  }

  // ---- pooling and resizing (pool.ts) ---------------------------------------------------

  pool2d(x: Storage, p: Pool2dParams): Storage {
    return pool2d(this, x, p);
  }
  pool2dBackward(x: Storage, gy: Storage, p: Pool2dParams): Storage {
    return pool2dBackward(this, x, gy, p);
  }
  resizeBilinear(x: Storage, n: number, c: number, h: number, w: number, outH: number, outW: number): Storage {
    return resizeBilinear(this, x, n, c, h, w, outH, outW);
  }

  // ---- batch normalisation (batchnorm.ts) ------------------------------------------------

  batchNormStats(x: Storage, p: BatchNormParams, running?: BatchNormRunning): { mean: Storage; variance: Storage } {
    return bn.batchNormStats(this, x, p, undefined, running);
  }
  batchNormApply(x: Storage, mean: Storage, variance: Storage, weight: Storage | null, bias: Storage | null, p: BatchNormParams, epi?: NormEpilogue): Storage {
    return bn.batchNormApply(this, x, mean, variance, weight, bias, p, epi);
  }
  batchNormBackward(g: Storage, x: Storage, mean: Storage, variance: Storage, weight: Storage | null, p: BatchNormParams & { batchStats: boolean }, act?: NormActGrad) {
    return bn.batchNormBackward(this, g, x, mean, variance, weight, p, undefined, act);
  }
  batchNormUpdateRunning(runningMean: Storage, runningVar: Storage, mean: Storage, variance: Storage, p: BatchNormParams & { momentum: number }): void {
    bn.batchNormUpdateRunning(this, runningMean, runningVar, mean, variance, p);
  }

  // ---- losses (loss.ts) ------------------------------------------------------------------

  crossEntropy(logits: Storage, labels: Storage, p: CrossEntropyParams, tally: Storage | null): Storage {
    return loss.crossEntropy(this, logits, labels, p, tally);
  }
  crossEntropyBackward(logits: Storage, labels: Storage, g: Storage, p: CrossEntropyParams): Storage {
    return loss.crossEntropyBackward(this, logits, labels, g, p);
  }

  // ---- randomness ---------------------------------------------------------------------

  dropoutMask(size: number, p: number, seed: number): Storage {
    const o = this.out(size);
    if (size === 0) return o;
    const t = dropoutTest(p, seed);
    this.rt.dispatch({
      key: 'dropout-mask',
      code: dropoutSrc,
      buffers: [o.buffer],
      uniforms: new Words().u32(size, t.seedHash, t.threshold, t.dropAll ? 1 : 0).f32(t.scale).buffer(),
      workgroups: Math.ceil(size / 256),
    });
    return o;
  }

  // ---- optimizers ---------------------------------------------------------------------

  sgdStep(items: readonly SgdItem[], p: SgdParams): void {
    opt.sgdStep(this, items, p);
  }

  adamStep(param: Storage, grad: Storage, m: Storage, v: Storage, p: AdamParams): void {
    opt.adamStep(this, param, grad, m, v, p);
  }

}

export { createWebGPUBackend } from './create';
