/**
 * The three convolution passes as implicit GEMMs on 128 x 128 or 64 x 128 workgroup tiles
 * (shaders/conv2d-*-igemm.wgsl over lib/tiled-block.wgsl, the body of the tiled matmuls):
 * each kernel gathers its operands from the NCHW tensors as it loads a tile, so no im2col
 * matrix is written or read back, at any size. Built for GPUs; every shape runs.
 */
import type { Conv2dParams, Storage } from '../backend';
import type { GPUStorage, WebGPUBackend } from './index';
import { Words } from './runtime';
import type { EpilogueOp } from '../ops/elementwise';
import type { GemmVariant } from './variants';

/** Output rows and columns of one workgroup's tile. */
type Tile = Pick<GemmVariant, 'tileM' | 'tileN'>;
/** The shortest slice of a weight gradient's reduction worth a workgroup of its own. */
const MIN_SLICE = 256;

/** Uniform words of lib/conv-igemm.wgsl: the product (m x n, k a batch entry), the convolution, the whole reduction. */
function words(t: Tile, p: Conv2dParams, m: number, n: number, k: number, entries: number, kTotal: number): ArrayBuffer {
  const tilesM = Math.ceil(m / t.tileM);
  const tilesN = Math.ceil(n / t.tileN);
  return new Words()
    .u32(m, n, k, tilesN, tilesM, tilesM * tilesN * entries)
    .u32(p.n, p.cIn, p.h, p.w, p.cOut, p.kH, p.kW, p.strideH, p.strideW, p.padH, p.padW, p.outH, p.outW, kTotal)
    .buffer();
}

/** Workgroup tiles of an m x n product. */
export const tiles = (t: Tile, m: number, n: number) => Math.ceil(m / t.tileM) * Math.ceil(n / t.tileN);

/**
 * y = act(conv2d(x, w) + bias), stored NCHW; `code` has its `act()` prepended. With
 * `slices` > 1 (dividing cIn kH kW), the partial products P[s, cOut, (b, oy, ox)] instead,
 * plain (no bias, no activation): the caller adds them up through the epilogue.
 */
export function convIgemm(be: WebGPUBackend, variant: string, v: Tile, code: string, x: Storage, w: Storage, bias: Storage | null, p: Conv2dParams, act: EpilogueOp | null, slices = 1): GPUStorage {
  const m = p.cOut;
  const n = p.n * p.outH * p.outW;
  const k = p.cIn * p.kH * p.kW;
  const o = be.out(slices * m * n);
  if (o.size === 0) return o;
  // (No input channels: the product's loop runs no step and the stores give act(bias).)
  be.rt.dispatch({
    key: `conv2d:${variant}:${bias ? 'B' : ''}${act ?? ''}`,
    code,
    constants: { HAS_BIAS: bias ? 1 : 0, BIAS_ROWS: 1 },
    buffers: [be.buf(w), be.buf(x), o.buffer, bias ? be.buf(bias) : be.dummy],
    uniforms: words(v, p, m, n, k / slices, slices, k),
    workgroups: slices * tiles(v, m, n),
  });
  return o;
}

/**
 * dL/dx of conv2d, stored NCHW; with `slices` > 1 (dividing cOut kH kW), the partial
 * products P[s, cIn, (b, iy, ix)] instead, which the caller adds up.
 */
export function convIgemmBackwardInput(be: WebGPUBackend, variant: string, v: Tile, code: string, gy: Storage, w: Storage, p: Conv2dParams, slices = 1): GPUStorage {
  const m = p.cIn;
  const n = p.n * p.h * p.w;
  const k = p.cOut * p.kH * p.kW;
  const o = be.out(slices * m * n);
  if (o.size === 0) return o;
  if (k === 0 || p.outH * p.outW === 0) {
    be.fillInto(o, 0);
    return o;
  }
  be.rt.dispatch({
    key: `conv2dBackwardInput:${variant}`,
    code,
    buffers: [be.buf(w), be.buf(gy), o.buffer, null],
    uniforms: words(v, p, m, n, k / slices, slices, k),
    workgroups: slices * tiles(v, m, n),
  });
  return o;
}

/**
 * dL/dw of conv2d. The reduction over the batch's output pixels is long and the output
 * small (cOut x cIn kH kW), so it is cut into slices, about `target` workgroups in all,
 * whose partial sums are then added.
 */
export function convIgemmBackwardWeight(be: WebGPUBackend, variant: string, v: Tile, code: string, x: Storage, gy: Storage, p: Conv2dParams, target: number): Storage {
  const m = p.cOut;
  const n = p.cIn * p.kH * p.kW;
  const kTotal = p.n * p.outH * p.outW;
  if (m * n === 0) return be.out(0);
  if (kTotal === 0) return be.zeros(m * n);
  const t = tiles(v, m, n);
  const most = Math.max(1, Math.min(Math.ceil(target / t), Math.floor(kTotal / MIN_SLICE)));
  const slice = Math.ceil(kTotal / most);
  const slices = Math.ceil(kTotal / slice);
  be.rt.checkSize(slices * m * n * 4, 'the partial sums of conv2dBackwardWeight');
  const partial = be.out(slices * m * n);
  be.rt.dispatch({
    key: `conv2dBackwardWeight:${variant}`,
    code,
    buffers: [be.buf(gy), be.buf(x), partial.buffer, null],
    uniforms: words(v, p, m, n, slice, slices, kTotal),
    workgroups: t * slices,
  });
  return sumSlices(be, partial, slices, m * n);
}

/** Partial sums [slices, size] added up over the slices (the storage itself when there is one slice); frees them. */
export function sumSlices(be: WebGPUBackend, partial: GPUStorage, slices: number, size: number): GPUStorage {
  if (slices === 1) return partial;
  const o = be.reduce('sum', partial, [slices, size], [0]) as GPUStorage;
  be.free(partial);
  return o;
}
