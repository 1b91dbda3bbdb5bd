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
  AdamParams,
  Backend,
  BinaryOp,
  Conv2dParams,
  FusedDerivativeOp,
  Pool2dParams,
  ReduceOp,
  SgdParams,
  Storage,
  UnaryOp,
} from '../backend';
import { Runtime, USAGE, Words } from './runtime';
import { hash32 } from '../random';
import { binaryWgsl, derivativeWgsl, unaryWgsl } from '../ops/elementwise';
import { broadcastStrides, coalesceAxes, shapeSize as prod, stridesOf } from '../shape';
import {
  CONV_BWD_INPUT_VARIANTS,
  CONV_BWD_WEIGHT_VARIANTS,
  CONV_VARIANTS,
  MATMUL_VARIANTS,
  defaultTuning,
  type Tuning,
} from './variants';

import packTextureSrc from '../../../shaders/pack-texture.wgsl?raw';
import fillSrc from '../../../shaders/fill.wgsl?raw';
import unarySrc from '../../../shaders/unary.wgsl?raw';
import binarySrc from '../../../shaders/binary.wgsl?raw';
import whereSrc from '../../../shaders/where.wgsl?raw';
import unaryBackwardSrc from '../../../shaders/unary-backward.wgsl?raw';
import avgPoolTilesSrc from '../../../shaders/avg-pool2d-tiles.wgsl?raw';
import avgPoolTilesBackwardSrc from '../../../shaders/avg-pool2d-tiles-backward.wgsl?raw';
import stridedCopySrc from '../../../shaders/strided-copy.wgsl?raw';
import concatSrc from '../../../shaders/concat.wgsl?raw';
import reduceSrc from '../../../shaders/reduce.wgsl?raw';
import reduceWgSrc from '../../../shaders/reduce-workgroup.wgsl?raw';
import argmaxSrc from '../../../shaders/argmax.wgsl?raw';
import pool2dSrc from '../../../shaders/pool2d.wgsl?raw';
import pool2dBackwardSrc from '../../../shaders/pool2d-backward.wgsl?raw';
import resizeSrc from '../../../shaders/resize-bilinear.wgsl?raw';
import packWeightsSrc from '../../../shaders/conv2d-pack-weights.wgsl?raw';
import conv2dRowsSrc from '../../../shaders/conv2d-rows.wgsl?raw';
import conv2dRowsK3Src from '../../../shaders/conv2d-rows-k3.wgsl?raw';
import conv2dRowsK5Src from '../../../shaders/conv2d-rows-k5.wgsl?raw';
import dropoutSrc from '../../../shaders/dropout-mask.wgsl?raw';
import sgdSrc from '../../../shaders/sgd-step.wgsl?raw';
import adamSrc from '../../../shaders/adam-step.wgsl?raw';

export type { Tuning } from './variants';

const REDUCE_CODES: Record<ReduceOp, number> = { sum: 0, max: 1, min: 2 };
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
  readonly rt: Runtime;
  private liveBytes = 0;
  private destroyed = false;
  private tuningState: Tuning;
  /** Use the kW-specialised (unrolled) row convolutions when they apply (tests turn it off to check the generic one). */
  unrolledConv = true;
  /** A tiny buffer bound where a kernel's optional operand is absent. */
  private dummy: GPUBuffer;

  constructor(
    readonly device: GPUDevice,
    readonly adapterKey: string,
    description: string,
  ) {
    this.description = description;
    this.rt = new Runtime(device);
    this.tuningState = defaultTuning(adapterKey);
    this.dummy = device.createBuffer({ size: 16, usage: USAGE.STORAGE });
  }

  // ---- tuning -------------------------------------------------------------------------

  /** The kernel variants in use (per adapter); set it to restore a saved tuning. */
  get tuning(): Tuning {
    return { ...this.tuningState };
  }
  set tuning(t: Tuning) {
    const d = defaultTuning(this.adapterKey);
    this.tuningState = {
      adapter: this.adapterKey,
      matmul: t.matmul in MATMUL_VARIANTS ? t.matmul : d.matmul,
      conv2d: t.conv2d in CONV_VARIANTS ? t.conv2d : d.conv2d,
      conv2dBackwardInput: t.conv2dBackwardInput in CONV_BWD_INPUT_VARIANTS ? t.conv2dBackwardInput : d.conv2dBackwardInput,
      conv2dBackwardWeight: t.conv2dBackwardWeight in CONV_BWD_WEIGHT_VARIANTS ? t.conv2dBackwardWeight : d.conv2dBackwardWeight,
    };
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

  private buf(s: Storage): GPUBuffer {
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
  private alloc(size: number): { s: GPUStorage; fresh: boolean } {
    this.checkCount(size);
    const { buffer, fresh } = this.rt.acquire(size * 4);
    this.liveBytes += size * 4;
    return { s: new GPUStorage(size, buffer), fresh };
  }

  private out(size: number): GPUStorage {
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

  private fillInto(s: GPUStorage, value: number): void {
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

  // ---- reductions ---------------------------------------------------------------------

  reduce(op: ReduceOp, x: Storage, shape: readonly number[], axes: readonly number[]): Storage {
    return this.reduceWith('auto', op, x, shape, axes);
  }

  /** Reduce with a chosen strategy: one invocation or one workgroup per output ('auto' decides by size). */
  reduceWith(strategy: 'auto' | 'thread' | 'workgroup', op: ReduceOp, x: Storage, shape: readonly number[], axes: readonly number[]): Storage {
    const code = REDUCE_CODES[op];
    if (code === undefined) throw new Error(`webgpu backend: unknown reduce op ${op}`);
    const r = shape.length;
    const red = new Array<boolean>(r).fill(false);
    for (const a of axes) red[a < 0 ? a + r : a] = true;
    const outN = prod(shape.map((d, i) => (red[i] ? 1 : d)));
    const o = this.out(outN);
    if (outN === 0) return o;
    const R = prod(shape.filter((_, i) => red[i]));
    if (R === 0) {
      this.fillInto(o, op === 'sum' ? 0 : op === 'max' ? -Infinity : Infinity);
      return o;
    }
    // Group the axes into runs of kept / reduced (size-1 axes play no part).
    const groups: { size: number; red: boolean }[] = [];
    for (let i = 0; i < r; i++) {
      if (shape[i] === 1) continue;
      const g = groups[groups.length - 1];
      if (g && g.red === red[i]) g.size *= shape[i];
      else groups.push({ size: shape[i], red: red[i] });
    }
    let stride = 1;
    const st = new Array<number>(groups.length);
    for (let i = groups.length - 1; i >= 0; i--) {
      st[i] = stride;
      stride *= groups[i].size;
    }
    const kept = groups.map((g, i) => ({ ...g, st: st[i] })).filter((g) => !g.red);
    const reds = groups.map((g, i) => ({ ...g, st: st[i] })).filter((g) => g.red);
    if (reds.length === 0) {
      // Nothing of size > 1 is reduced: the result is a copy.
      return this.slice(x, [outN], [1], 0);
    }
    if (kept.length > 4 || reds.length > 5) throw new Error('webgpu backend: reduction over too many interleaved axes');
    const innerG = reds[reds.length - 1];
    const outerR = reds.slice(0, -1);
    const workgroup = strategy === 'workgroup';
    // 'auto' folds long reductions in `splits` ranges per output, one invocation each,
    // then folds the partial results in a second pass: enough parallel work for few
    // outputs, and no barriers.
    let splits = 1;
    if (!workgroup && strategy === 'auto' && R >= 1024 && outN < 4096) {
      splits = Math.min(Math.ceil(R / 256), Math.ceil(4096 / outN));
    }
    const chunk = Math.ceil(R / splits);
    splits = Math.ceil(R / chunk);
    const words = new Words()
      .u32(outN, kept.length, outerR.length, innerG.size, innerG.st, R / innerG.size, splits, chunk)
      .f32(op === 'sum' ? 0 : op === 'max' ? -Infinity : Infinity)
      .vec4s(kept.map((g) => g.size), 1)
      .vec4s(kept.map((g) => g.st), 1)
      .vec4s(outerR.map((g) => g.size), 1)
      .vec4s(outerR.map((g) => g.st), 1)
      .buffer();
    const target = splits > 1 ? this.out(outN * splits) : o;
    this.rt.dispatch({
      key: `reduce:${code}:${workgroup ? 'wg' : 't'}`,
      code: workgroup ? reduceWgSrc : reduceSrc,
      constants: { OP: code },
      buffers: [this.buf(x), target.buffer],
      uniforms: words,
      workgroups: workgroup ? outN : Math.ceil((outN * splits) / 64),
    });
    if (splits > 1) {
      this.free(o);
      const folded = this.reduceWith('thread', op, target, [outN, splits], [1]);
      this.free(target);
      return folded;
    }
    return o;
  }

  argmax(x: Storage, shape: readonly number[], axis: number): Storage {
    const ax = axis < 0 ? axis + shape.length : axis;
    const outer = prod(shape.slice(0, ax));
    const len = shape[ax];
    const inner = prod(shape.slice(ax + 1));
    const n = outer * inner;
    const o = this.out(n);
    if (n === 0) return o;
    if (len === 0) throw new Error('webgpu backend: argmax over an empty axis');
    this.rt.dispatch({
      key: 'argmax',
      code: argmaxSrc,
      buffers: [this.buf(x), o.buffer],
      uniforms: new Words().u32(n, len, inner).buffer(),
      workgroups: Math.ceil(n / 64),
    });
    return o;
  }

  // ---- linear algebra -----------------------------------------------------------------

  matmul(
    a: Storage,
    b: Storage,
    p: { batch: number; m: number; n: number; k: number; transA: boolean; transB: boolean; aBatch: number; bBatch: number },
  ): Storage {
    return this.matmulWith(this.tuningState.matmul, a, b, p);
  }

  /** Copies a row-major matrix of `width` x `height` vec4s into a pooled rgba32float texture. */
  private packTexture(src: Storage, width: number, height: number): GPUTexture {
    const t = this.rt.acquireTexture(width, height);
    this.rt.dispatch({
      key: 'pack-texture',
      code: packTextureSrc,
      buffers: [this.buf(src), t.createView()],
      uniforms: new Words().u32(width, height).buffer(),
      workgroups: Math.ceil((width * height) / 64),
    });
    return t;
  }

  /** Matmul with a named variant (the autotune and the tests call this directly). */
  matmulWith(
    variant: string,
    a: Storage,
    b: Storage,
    p: { batch: number; m: number; n: number; k: number; transA: boolean; transB: boolean; aBatch: number; bBatch: number },
  ): Storage {
    const { batch, m, n, k } = p;
    const o = this.out(batch * m * n);
    if (batch * m * n === 0) return o;
    if (k === 0) {
      this.fillInto(o, 0);
      return o;
    }
    let v = MATMUL_VARIANTS[variant] ?? MATMUL_VARIANTS[defaultTuning('').matmul];
    if (v.texture) {
      const dim = this.rt.maxTextureDim;
      const fits = batch === 1 && !p.transA && !p.transB && k % 4 === 0 && n % 4 === 0 && m <= dim && k <= dim && k / 4 <= dim && n / 4 <= dim;
      if (fits) {
        const ta = this.packTexture(a, k / 4, m);
        const tb = this.packTexture(b, n / 4, k);
        const tilesM = Math.ceil(m / v.tileM);
        const tilesN = Math.ceil(n / v.tileN);
        this.rt.dispatch({
          key: `matmul:${variant}`,
          code: v.code,
          constants: v.constants,
          buffers: [ta.createView(), tb.createView(), o.buffer],
          uniforms: new Words().u32(m, n, k, tilesN, tilesM, tilesM * tilesN).buffer(),
          workgroups: tilesM * tilesN,
        });
        this.rt.releaseTexture(ta);
        this.rt.releaseTexture(tb);
        return o;
      }
      variant = v.texture.fallback;
      v = MATMUL_VARIANTS[variant];
    }
    if (v.vec4) {
      const aligned = k % 4 === 0 && n % 4 === 0 && (!p.transA || m % 4 === 0);
      if (aligned) {
        const tilesM = Math.ceil(m / v.tileM);
        const tilesN = Math.ceil(n / v.tileN);
        const tiles = tilesM * tilesN * batch;
        this.rt.dispatch({
          key: `matmul:${variant}:${p.transA ? 1 : 0}${p.transB ? 1 : 0}`,
          code: v.code,
          constants: { ...v.constants, TRANS_A: p.transA ? 1 : 0, TRANS_B: p.transB ? 1 : 0 },
          buffers: [this.buf(a), this.buf(b), o.buffer],
          uniforms: new Words()
            .u32(m, n, k, tilesN, tilesM, tiles, p.aBatch === 1 ? 0 : (m * k) / 4, p.bBatch === 1 ? 0 : (k * n) / 4)
            .buffer(),
          workgroups: tiles,
        });
        return o;
      }
      variant = v.vec4.fallback;
      v = MATMUL_VARIANTS[variant];
    }
    const tilesM = Math.ceil(m / v.tileM);
    const tilesN = Math.ceil(n / v.tileN);
    const tiles = tilesM * tilesN * batch;
    this.rt.dispatch({
      key: `matmul:${variant}`,
      code: v.code,
      constants: v.constants,
      buffers: [this.buf(a), this.buf(b), o.buffer],
      uniforms: new Words()
        .u32(
          m, n, k, tilesN, tilesM, tiles,
          p.aBatch === 1 ? 0 : m * k,
          p.bBatch === 1 ? 0 : k * n,
          p.transA ? 1 : k, // row stride of op(A)
          p.transA ? m : 1, // k stride of op(A)
          p.transB ? 1 : n, // k stride of op(B)
          p.transB ? k : 1, // column stride of op(B)
        )
        .buffer(),
      workgroups: tiles,
    });
    return o;
  }

  // ---- convolution and pooling --------------------------------------------------------

  private convWords(p: Conv2dParams): Words {
    return new Words().u32(p.n, p.cIn, p.h, p.w, p.cOut, p.kH, p.kW, p.strideH, p.strideW, p.padH, p.padW, p.outH, p.outW);
  }

  conv2d(x: Storage, w: Storage, bias: Storage | null, p: Conv2dParams): Storage {
    return this.conv2dWith(this.tuningState.conv2d, x, w, bias, p);
  }

  /** Whether conv2d-rows.wgsl's packed weights (K taps x `channels`) fit in one texture. */
  private rowsFit(taps: number, channels: number): boolean {
    const dim = this.rt.maxTextureDim;
    return taps <= dim && Math.ceil(channels / 8) * 2 <= dim;
  }

  /**
   * Stride-1 convolution with conv2d-rows.wgsl: packs the weights (flipped for the
   * backward-input pass), then one dispatch. `c` describes the convolution computed.
   */
  private convRows(
    src: GPUBuffer,
    w: Storage,
    bias: Storage | null,
    c: { n: number; cIn: number; h: number; w: number; cOut: number; kH: number; kW: number; padH: number; padW: number; outH: number; outW: number },
    flip: { cIn: number; cOut: number } | null,
  ): GPUStorage {
    const o = this.out(c.n * c.cOut * c.outH * c.outW);
    const coPad = Math.ceil(c.cOut / 8) * 8;
    const K = c.cIn * c.kH * c.kW;
    const packed = this.rt.acquireTexture(coPad / 4, K);
    // The weight tensor's own channel counts: forward cOut x cIn; backward-input swaps them.
    const wc = flip ?? { cIn: c.cIn, cOut: c.cOut };
    this.rt.dispatch({
      key: 'conv2d-pack-weights',
      code: packWeightsSrc,
      buffers: [this.buf(w), packed.createView()],
      uniforms: new Words().u32((K * coPad) / 4, coPad / 4, wc.cIn, wc.cOut, c.kH, c.kW, flip ? 1 : 0).buffer(),
      workgroups: Math.ceil((K * coPad) / 4 / 64),
    });
    const segs = Math.ceil(c.outW / 8);
    const coBlocks = coPad / 8;
    const threads = c.n * c.outH * segs * coBlocks;
    // kW 3 and 5 (the common kernels) have their column taps unrolled.
    const rowsCode = c.kW === 5 && this.unrolledConv ? conv2dRowsK5Src : c.kW === 3 && this.unrolledConv ? conv2dRowsK3Src : conv2dRowsSrc;
    this.rt.dispatch({
      key: `conv2d-rows:${rowsCode === conv2dRowsSrc ? 'any' : c.kW}`,
      code: rowsCode,
      buffers: [src, packed.createView(), bias ? this.buf(bias) : this.dummy, o.buffer],
      uniforms: new Words()
        .u32(c.n, c.cIn, c.h, c.w, c.cOut, c.kH, c.kW, c.padH, c.padW, c.outH, c.outW, segs, coBlocks, coPad / 4, threads, bias ? 1 : 0)
        .buffer(),
      workgroups: Math.ceil(threads / 64),
    });
    this.rt.releaseTexture(packed);
    return o;
  }

  conv2dWith(variant: string, x: Storage, w: Storage, bias: Storage | null, p: Conv2dParams): Storage {
    const pixels = p.n * p.outH * p.outW;
    let v = CONV_VARIANTS[variant] ?? CONV_VARIANTS[defaultTuning('').conv2d];
    if (v.rows) {
      if (p.strideH === 1 && p.strideW === 1 && pixels * p.cOut > 0 && this.rowsFit(p.cIn * p.kH * p.kW, p.cOut)) {
        return this.convRows(this.buf(x), w, bias, p, null);
      }
      variant = v.rows.fallback;
      v = CONV_VARIANTS[variant];
    }
    const o = this.out(pixels * p.cOut);
    if (o.size === 0) return o;
    const tilesN = Math.ceil(pixels / v.tileN);
    const tiles = Math.ceil(p.cOut / v.tileM) * tilesN;
    this.rt.dispatch({
      key: `conv2d:${variant}`,
      code: v.code,
      constants: v.constants,
      buffers: [this.buf(x), this.buf(w), bias ? this.buf(bias) : this.dummy, o.buffer],
      uniforms: this.convWords(p).u32(pixels, tilesN, tiles, bias ? 1 : 0).buffer(),
      workgroups: tiles,
    });
    return o;
  }

  conv2dBackwardInput(gy: Storage, w: Storage, p: Conv2dParams): Storage {
    return this.conv2dBackwardInputWith(this.tuningState.conv2dBackwardInput, gy, w, p);
  }

  conv2dBackwardInputWith(variant: string, gy: Storage, w: Storage, p: Conv2dParams): Storage {
    const pixels = p.n * p.h * p.w;
    let v = CONV_BWD_INPUT_VARIANTS[variant] ?? CONV_BWD_INPUT_VARIANTS[defaultTuning('').conv2dBackwardInput];
    if (v.rows) {
      const padH = p.kH - 1 - p.padH;
      const padW = p.kW - 1 - p.padW;
      if (p.strideH === 1 && p.strideW === 1 && padH >= 0 && padW >= 0 && pixels * p.cIn > 0 && p.outH > 0 && p.outW > 0 && this.rowsFit(p.cOut * p.kH * p.kW, p.cIn)) {
        // dL/dx = dL/dy convolved with the flipped kernel (channels swapped), padded by k - 1 - pad.
        const c = { n: p.n, cIn: p.cOut, h: p.outH, w: p.outW, cOut: p.cIn, kH: p.kH, kW: p.kW, padH, padW, outH: p.h, outW: p.w };
        return this.convRows(this.buf(gy), w, null, c, { cIn: p.cIn, cOut: p.cOut });
      }
      variant = v.rows.fallback;
      v = CONV_BWD_INPUT_VARIANTS[variant];
    }
    const o = this.out(pixels * p.cIn);
    if (o.size === 0) return o;
    const tilesN = Math.ceil(pixels / v.tileN);
    const tiles = Math.ceil(p.cIn / v.tileM) * tilesN;
    this.rt.dispatch({
      key: `conv2dBackwardInput:${variant}`,
      code: v.code,
      constants: v.constants,
      buffers: [this.buf(gy), this.buf(w), o.buffer],
      uniforms: this.convWords(p).u32(pixels, tilesN, tiles).buffer(),
      workgroups: tiles,
    });
    return o;
  }

  conv2dBackwardWeight(x: Storage, gy: Storage, p: Conv2dParams): Storage {
    return this.conv2dBackwardWeightWith(this.tuningState.conv2dBackwardWeight, x, gy, p);
  }

  conv2dBackwardWeightWith(variant: string, x: Storage, gy: Storage, p: Conv2dParams): Storage {
    const taps = p.cIn * p.kH * p.kW;
    const size = p.cOut * taps;
    let v = CONV_BWD_WEIGHT_VARIANTS[variant] ?? CONV_BWD_WEIGHT_VARIANTS[defaultTuning('').conv2dBackwardWeight];
    const rows = p.n * p.outH;
    if (size === 0) return this.out(0);
    if (rows === 0 || p.outW === 0) return this.zeros(size);
    if (v.rows) {
      if (p.strideH === 1 && p.strideW === 1 && p.kW <= 8) {
        const coBlocks = Math.ceil(p.cOut / 8);
        const per = coBlocks * p.cIn * p.kH;
        // Split the (b, oy) rows so that about `targetWorkgroups` invocations run, each
        // still sweeping several rows.
        let splits = Math.max(1, Math.min(Math.ceil(v.targetWorkgroups / per), Math.ceil(rows / 4)));
        const rowsPerSplit = Math.ceil(rows / splits);
        splits = Math.ceil(rows / rowsPerSplit);
        this.rt.checkSize(splits * size * 4, 'the split-K partial sums of conv2dBackwardWeight');
        const partial = this.out(splits * size);
        const threads = per * splits;
        this.rt.dispatch({
          key: 'conv2d-backward-weight-rows',
          code: v.code,
          buffers: [this.buf(x), this.buf(gy), partial.buffer],
          uniforms: new Words()
            .u32(p.n, p.cIn, p.h, p.w, p.cOut, p.kH, p.kW, p.padH, p.padW, p.outH, p.outW, coBlocks, threads, rowsPerSplit)
            .buffer(),
          workgroups: Math.ceil(threads / 64),
        });
        if (splits === 1) return partial;
        const o = this.reduce('sum', partial, [splits, size], [0]);
        this.free(partial);
        return o;
      }
      variant = v.rows.fallback;
      v = CONV_BWD_WEIGHT_VARIANTS[variant];
    }
    const tilesM = Math.ceil(p.cOut / v.tileM);
    const tilesN = Math.ceil(taps / v.tileN);
    // Split the reduction over (b, oy) rows so that enough workgroups run at once,
    // while each keeps a few thousand multiply-adds per output.
    const work = rows * p.outW;
    let splits = Math.max(1, Math.min(rows, Math.ceil(v.targetWorkgroups / (tilesM * tilesN)), Math.floor(work / 256)));
    const rowsPerSplit = Math.ceil(rows / splits);
    splits = Math.ceil(rows / rowsPerSplit);
    this.rt.checkSize(splits * size * 4, 'the split-K partial sums of conv2dBackwardWeight');
    const partial = splits === 1 ? this.out(size) : this.out(splits * size);
    const tiles = tilesM * tilesN * splits;
    this.rt.dispatch({
      key: `conv2dBackwardWeight:${variant}`,
      code: v.code,
      constants: v.constants,
      buffers: [this.buf(x), this.buf(gy), partial.buffer],
      uniforms: this.convWords(p).u32(taps, tilesN, tilesM, tiles, rowsPerSplit).buffer(),
      workgroups: tiles,
    });
    if (splits === 1) return partial;
    const o = this.reduce('sum', partial, [splits, size], [0]);
    this.free(partial);
    return o;
  }

  private poolWords(p: Pool2dParams, n: number): ArrayBuffer {
    return new Words().u32(n, p.n * p.c, p.h, p.w, p.kH, p.kW, p.strideH, p.strideW, p.padH, p.padW, p.outH, p.outW).f32(-Infinity).buffer();
  }

  /** Average pooling whose windows tile the input exactly: no padding, stride = kernel, no remainder. */
  private static tiles(p: Pool2dParams): boolean {
    return (
      p.mode === 'avg' && p.padH === 0 && p.padW === 0 && p.strideH === p.kH && p.strideW === p.kW &&
      p.h === p.outH * p.kH && p.w === p.outW * p.kW && p.kH * p.kW <= 16
    );
  }

  /** The exact-tiling average pool (forward, or backward from `gy`), one invocation per output. */
  private avgPoolTiles(src: Storage, p: Pool2dParams, backward: boolean): Storage {
    const n = p.n * p.c * p.outH * p.outW;
    const o = this.out(backward ? p.n * p.c * p.h * p.w : n);
    if (n === 0) return o;
    this.rt.dispatch({
      key: `avg-pool2d-tiles:${backward ? 'b' : 'f'}:${p.kH}x${p.kW}`,
      code: backward ? avgPoolTilesBackwardSrc : avgPoolTilesSrc,
      constants: { KH: p.kH, KW: p.kW },
      buffers: [this.buf(src), o.buffer],
      uniforms: new Words().u32(n, p.outH, p.outW).buffer(),
      workgroups: Math.ceil(n / 64),
    });
    return o;
  }

  pool2d(x: Storage, p: Pool2dParams): Storage {
    if (WebGPUBackend.tiles(p)) return this.avgPoolTiles(x, p, false);
    const n = p.n * p.c * p.outH * p.outW;
    const o = this.out(n);
    if (n === 0) return o;
    const mode = p.mode === 'max' ? 0 : 1;
    this.rt.dispatch({
      key: `pool2d:${mode}`,
      code: pool2dSrc,
      constants: { MODE: mode },
      buffers: [this.buf(x), o.buffer],
      uniforms: this.poolWords(p, n),
      workgroups: Math.ceil(n / 64),
    });
    return o;
  }

  pool2dBackward(x: Storage, gy: Storage, p: Pool2dParams): Storage {
    if (WebGPUBackend.tiles(p)) return this.avgPoolTiles(gy, p, true);
    const n = p.n * p.c * p.h * p.w;
    const o = this.out(n);
    if (n === 0) return o;
    const mode = p.mode === 'max' ? 0 : 1;
    this.rt.dispatch({
      key: `pool2dBackward:${mode}`,
      code: pool2dBackwardSrc,
      constants: { MODE: mode },
      buffers: [this.buf(x), this.buf(gy), o.buffer],
      uniforms: this.poolWords(p, n),
      workgroups: Math.ceil(n / 64),
    });
    return o;
  }

  resizeBilinear(x: Storage, n: number, c: number, h: number, w: number, outH: number, outW: number): Storage {
    const total = n * c * outH * outW;
    const o = this.out(total);
    if (total === 0) return o;
    this.rt.dispatch({
      key: 'resize-bilinear',
      code: resizeSrc,
      buffers: [this.buf(x), o.buffer],
      uniforms: new Words().u32(total, h, w, outH, outW).f32(h / outH, w / outW).buffer(),
      workgroups: Math.ceil(total / 64),
    });
    return o;
  }

  // ---- randomness ---------------------------------------------------------------------

  dropoutMask(size: number, p: number, seed: number): Storage {
    const o = this.out(size);
    if (size === 0) return o;
    const threshold = Math.ceil(Math.max(0, p) * 4294967296);
    const dropAll = p >= 1 || threshold > 0xffffffff;
    this.rt.dispatch({
      key: 'dropout-mask',
      code: dropoutSrc,
      buffers: [o.buffer],
      uniforms: new Words()
        .u32(size, hash32(seed >>> 0), dropAll ? 0 : threshold, dropAll ? 1 : 0)
        .f32(dropAll ? 0 : 1 / (1 - p))
        .buffer(),
      workgroups: Math.ceil(size / 256),
    });
    return o;
  }

  // ---- optimizers ---------------------------------------------------------------------

  sgdStep(param: Storage, grad: Storage, momentumBuf: Storage | null, p: SgdParams): void {
    const n = param.size;
    if (n === 0) return;
    const useMomentum = p.momentum !== 0 && momentumBuf !== null;
    const pb = this.buf(param);
    const mb = useMomentum ? this.buf(momentumBuf!) : this.dummy;
    if (pb === this.buf(grad) || pb === mb) throw new Error('webgpu backend: sgdStep operands must be distinct storages');
    this.rt.dispatch({
      key: 'sgd-step',
      code: sgdSrc,
      buffers: [pb, this.buf(grad), mb],
      uniforms: new Words()
        .u32(n, useMomentum ? 1 : 0, p.nesterov ? 1 : 0, p.firstStep ? 1 : 0)
        .f32(p.lr, p.momentum, p.weightDecay, p.dampening)
        .buffer(),
      workgroups: Math.ceil(n / 256),
    });
  }

  adamStep(param: Storage, grad: Storage, m: Storage, v: Storage, p: AdamParams): void {
    const n = param.size;
    if (n === 0) return;
    const bufs = [this.buf(param), this.buf(grad), this.buf(m), this.buf(v)];
    if (new Set(bufs).size !== 4) throw new Error('webgpu backend: adamStep operands must be distinct storages');
    const bc1 = 1 - Math.pow(p.beta1, p.step);
    const bc2 = 1 - Math.pow(p.beta2, p.step);
    this.rt.dispatch({
      key: 'adam-step',
      code: adamSrc,
      buffers: bufs,
      uniforms: new Words()
        .u32(n)
        .f32(p.beta1, p.beta2, p.eps, p.weightDecay, p.lr / bc1, Math.sqrt(bc2))
        .buffer(),
      workgroups: Math.ceil(n / 256),
    });
  }
}

/** Limits worth raising above the WebGPU defaults when the adapter allows. */
const WANTED_LIMITS = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupSizeZ',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBuffersPerShaderStage',
] as const;

/**
 * Creates the WebGPU backend on `opts.gpu ?? navigator.gpu`. Throws a clear Error when
 * WebGPU or an adapter is unavailable. Unless a saved `tuning` for this adapter is
 * given (or `autotune: false`), a short autotune picks the matmul/conv variants.
 */
export async function createWebGPUBackend(opts: WebGPUBackendOptions = {}): Promise<WebGPUBackend> {
  const gpu = opts.gpu ?? (typeof navigator !== 'undefined' ? (navigator as Navigator & { gpu?: GPU }).gpu : undefined);
  if (!gpu) throw new Error('WebGPU is not available in this environment (navigator.gpu is missing)');
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new Error('WebGPU is available but no GPU adapter was found');
  const requiredLimits: Record<string, number> = {};
  for (const k of WANTED_LIMITS) {
    const v = (adapter.limits as unknown as Record<string, number>)[k];
    if (typeof v === 'number') requiredLimits[k] = v;
  }
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({ requiredLimits });
  } catch {
    device = await adapter.requestDevice();
  }
  const info = adapter.info ?? ({} as GPUAdapterInfo);
  const parts = [info.vendor, info.architecture, info.device, info.description].filter((s) => s && s.length > 0);
  const description = parts.length > 0 ? [...new Set(parts)].join(' / ') : 'WebGPU adapter';
  const adapterKey = [info.vendor, info.architecture, info.device, info.description].join('|');
  const backend = new WebGPUBackend(device, adapterKey, `WebGPU: ${description}`);
  device.lost.then((lost) => backend.handleLost(lost, opts.onDeviceLost));
  if (opts.tuning && opts.tuning.adapter === adapterKey) backend.tuning = opts.tuning;
  else if (opts.autotune !== false) {
    const { autotune } = await import('./autotune');
    backend.tuning = await autotune(backend);
  }
  return backend;
}
