/**
 * Convolutions as one product over im2col columns: im2col lays out every window of the
 * input as a column, the tuned matmul multiplies (bias and activation in its epilogue),
 * col2im folds dL/dx back. The rows variants take this path for narrow outputs and
 * strided convolutions, the im2col variants for every shape whose columns fit.
 */
import type { Conv2dParams, Storage } from '../backend';
import type { GPUStorage, WebGPUBackend } from './index';
import { convWords, matmulWith } from './gemm';
import { wgsl } from './wgsl';
import type { EpilogueOp } from '../ops/elementwise';
import im2colRaw from '../../../shaders/im2col.wgsl?raw';
import col2imRaw from '../../../shaders/col2im.wgsl?raw';

const im2colSrc = wgsl(im2colRaw);
const col2imSrc = wgsl(col2imRaw);

/**
 * Outputs this narrow or narrower leave most of the row kernels' 8-pixel segments idle;
 * the rows variants run them, and strided convolutions, as a product over im2col columns.
 */
export const NARROW = 4;
/**
 * The most floats the im2col columns of one convolution may take: in the rows variants'
 * narrow and strided cases, and (larger, for GPUs with the memory) in the im2col variants.
 * Larger ones run the register kernels.
 */
const IM2COL_MAX_FLOATS = 1 << 24;
export const IM2COL_VARIANT_MAX_FLOATS = 1 << 28;

export function im2colFits(be: WebGPUBackend, p: Conv2dParams, maxFloats = IM2COL_MAX_FLOATS): boolean {
  const floats = p.n * p.cIn * p.kH * p.kW * p.outH * p.outW;
  return p.cIn * p.kH * p.kW > 0 && floats <= maxFloats && floats * 4 <= be.rt.maxBufferBytes;
}

/** The im2col / col2im dispatch over `total` items of convolution `p`. */
function foldDispatch(be: WebGPUBackend, key: 'im2col' | 'col2im', src: GPUBuffer, dst: GPUBuffer, p: Conv2dParams, total: number): void {
  be.rt.dispatch({
    key,
    code: key === 'im2col' ? im2colSrc : col2imSrc,
    buffers: [src, dst],
    uniforms: convWords(be, p).u32(total, p.cIn * p.kH * p.kW, p.outH * p.outW).buffer(),
    workgroups: Math.ceil(total / 256),
  });
}

/** Swaps the first two axes of [a, b, rest] (no copy when either is 1). */
function swapLeading(be: WebGPUBackend, s: Storage, a: number, b: number, rest: number): Storage {
  if (a === 1 || b === 1) return s;
  const t = be.transpose(s, [a, b, rest], [1, 0, 2]);
  be.free(s);
  return t;
}

/**
 * conv2d as one product over the whole batch, W [cOut, K] @ cols [K, n * oh * ow] (so the
 * columns of every image fill the kernel's tiles), bias and act in its epilogue; the
 * [cOut, n, oh * ow] result is then laid out as [n, cOut, oh, ow].
 */
export function convIm2col(be: WebGPUBackend, x: Storage, w: Storage, bias: Storage | null, p: Conv2dParams, act: EpilogueOp | null): Storage {
  const taps = p.cIn * p.kH * p.kW;
  const pixels = p.outH * p.outW;
  const cols = be.out(p.n * taps * pixels);
  foldDispatch(be, 'im2col', be.buf(x), cols.buffer, p, cols.size);
  const mm = { batch: 1, m: p.cOut, n: p.n * pixels, k: taps, transA: false, transB: false, aBatch: 1, bBatch: 1 };
  // The product stores NCHW directly where the planes are whole vec4s; else it is laid out after.
  const direct = pixels % 4 === 0 && p.n > 1 && p.cOut > 1;
  const o = matmulWith(be, be.kernels.variantFor('matmul', mm), w, cols, mm, { bias, act, biasRows: true, outPlane: direct ? pixels : 0 });
  be.free(cols);
  return direct ? o : swapLeading(be, o, p.cOut, p.n, pixels);
}

/**
 * dL/dy [n, cOut, oh * ow] as [cOut, n * oh * ow], the layout of both im2col gradient
 * products. The input pass of a convolution keeps its copy for the weight pass that
 * follows it on the same dL/dy (`take` hands it over); a copy nobody takes is freed when
 * the next one is made.
 */
const dyByChannel = {
  kept: null as { be: WebGPUBackend; of: Storage; t: Storage } | null,
  make(be: WebGPUBackend, gy: Storage, p: Conv2dParams): Storage {
    if (p.n === 1 || p.cOut === 1) return gy;
    return be.transpose(gy, [p.n, p.cOut, p.outH * p.outW], [1, 0, 2]);
  },
  keep(be: WebGPUBackend, gy: Storage, t: Storage): void {
    this.drop();
    if (t !== gy) this.kept = { be, of: gy, t };
  },
  take(be: WebGPUBackend, gy: Storage, p: Conv2dParams): Storage {
    const k = this.kept;
    if (k && k.be === be && k.of === gy && k.t.size === gy.size) {
      this.kept = null;
      return k.t;
    }
    return this.make(be, gy, p);
  },
  drop(): void {
    if (this.kept) this.kept.be.free(this.kept.t);
    this.kept = null;
  },
};

/** Frees the dL/dy copy kept for a weight pass that has not come (the shape autotune calls it when done). */
export function dropKeptGradient(): void {
  dyByChannel.drop();
}

/** conv2d's dL/dx for any stride: cols = W^T @ dL/dy over the whole batch, folded back by col2im. */
export function convBackwardInputIm2col(be: WebGPUBackend, gy: Storage, w: Storage, p: Conv2dParams): Storage {
  const taps = p.cIn * p.kH * p.kW;
  const pixels = p.outH * p.outW;
  const g = dyByChannel.make(be, gy, p);
  const mm = { batch: 1, m: taps, n: p.n * pixels, k: p.cOut, transA: true, transB: false, aBatch: 1, bBatch: 1 };
  const cols = matmulWith(be, be.kernels.variantFor('matmul', mm), w, g, mm) as GPUStorage;
  dyByChannel.keep(be, gy, g);
  const dx = be.out(p.n * p.cIn * p.h * p.w);
  foldDispatch(be, 'col2im', cols.buffer, dx.buffer, p, dx.size);
  be.free(cols);
  return dx;
}

/** conv2d's dL/dw as one product over the batch: dL/dy [cOut, n * oh * ow] @ im2col(x)^T. */
export function convBackwardWeightIm2col(be: WebGPUBackend, x: Storage, gy: Storage, p: Conv2dParams): Storage {
  const taps = p.cIn * p.kH * p.kW;
  const pixels = p.outH * p.outW;
  const cols = be.out(p.n * taps * pixels);
  foldDispatch(be, 'im2col', be.buf(x), cols.buffer, p, cols.size);
  const g = dyByChannel.take(be, gy, p);
  const mm = { batch: 1, m: p.cOut, n: taps, k: p.n * pixels, transA: false, transB: true, aBatch: 1, bBatch: 1 };
  const dW = matmulWith(be, be.kernels.variantFor('matmul', mm), g, cols, mm);
  if (g !== gy) be.free(g);
  be.free(cols);
  return dW;
}
