/**
 * 3x3 and 5x5 stride-1 convolutions by Winograd's minimal filtering, as cuDNN and the
 * WebAssembly backend run them. F(2x2, 3x3) makes each 2x2 output tile from a 4x4 input
 * patch with 16 multiplications per input channel instead of 36; at the 'high'
 * convolution precision (precision.ts), F(4x4, 3x3) (variant 'winograd-4x4') makes 4x4
 * tiles from 6x6 patches, 36 instead of 144, and F(2x2, 5x5) ('winograd-5x5') 2x2 tiles
 * from 6x6 patches, 36 instead of 100; both round more. The three passes are each a few
 * element-wise transforms around a*a batched products (a = 4 or 6 points), which run in
 * the tuned matmul variant:
 *
 *   forward         U = G w G^T (per kernel), V = B^T x B (per patch), M[xi] = U[xi] V[xi],
 *                   y = A^T M A + bias, act();
 *   input gradient  the same, of dL/dy padded by r - 1 - pad, with the kernels turned by 180
 *                   degrees and their channels swapped;
 *   weight gradient Z = A dL/dy A^T (per tile), S[xi] = Z[xi] V[xi]^T summed over the
 *                   tiles, dL/dw = G^T S G.
 *
 * The transforms (shaders/winograd-*.wgsl) are exact up to rounding; the products carry
 * the whole reduction. A batch whose transformed tiles would not fit a buffer runs in
 * chunks of images; a shape this does not cover (another kernel size, a stride, padding
 * of r or more) runs the variant's fallback.
 */
import type { Conv2dParams, Storage } from '../backend';
import type { GPUStorage, WebGPUBackend } from './index';
import type { WinogradSpec } from './variants';
import { withAct, type MatmulOptions } from './gemm';
import { Words } from './runtime';
import { wgsl } from './wgsl';
import type { EpilogueOp } from '../ops/elementwise';
import { getConvPrecision } from '../precision';
import filterInputRaw from '../../../shaders/winograd-filter-input.wgsl?raw';
import dyInputRaw from '../../../shaders/winograd-dy-input.wgsl?raw';
import outputRaw from '../../../shaders/winograd-output.wgsl?raw';
import filterGradRaw from '../../../shaders/winograd-filter-grad.wgsl?raw';

const RAW = { filterInput: filterInputRaw, dyInput: dyInputRaw, output: outputRaw, filterGrad: filterGradRaw };
const built = new Map<string, string>();
/** A transform's code for the tiling of g. */
function code(kernel: keyof typeof RAW, g: Grid): string {
  const key = `${kernel}:${g.name}`;
  let text = built.get(key);
  if (text === undefined) built.set(key, (text = wgsl(RAW[kernel], { A: g.a, M: g.m, R: g.r })));
  return text;
}

/**
 * Largest transformed operand (floats) a chunk of images may make, below the device's
 * buffer limit: 2^25 floats (128 MiB) keeps a chunk's operands within a few hundred MiB.
 * (Tests lower it to run a batch in chunks.)
 */
export const winogradLimit = { floats: 1 << 25 };

/** The tile a variant asking for `spec.tile` runs: F(4x4, 3x3) only at the 'high' precision. */
export function tileFor(spec: Pick<WinogradSpec, 'tile'>): 2 | 4 {
  return spec.tile === 4 && getConvPrecision() === 'high' ? 4 : 2;
}

interface Grid {
  /** Outputs a tile (m x m), taps a kernel (r x r) and points a patch (a = m + r - 1); the products are a * a. */
  m: number;
  r: number;
  a: number;
  xi: number;
  /** The tiling in dispatch keys: F2, F4 (3x3 kernels), F2r5. */
  name: string;
  /** Tiles over the plane the transform covers (the output of the pass). */
  tilesH: number;
  tilesW: number;
  /** Images per chunk. */
  chunk: number;
}

/**
 * The tiling of a pass whose output planes are outH x outW, for products with up to
 * `channels` rows or columns; null where not even one image fits.
 */
function grid(be: WebGPUBackend, spec: WinogradSpec, n: number, outH: number, outW: number, channels: number): Grid | null {
  const m = tileFor(spec);
  const r = spec.kernel;
  const a = m + r - 1;
  const tilesH = Math.ceil(outH / m);
  const tilesW = Math.ceil(outW / m);
  const limit = Math.min(winogradLimit.floats, Math.floor(be.rt.maxBufferBytes / 4));
  const chunk = Math.min(n, Math.floor(limit / (a * a * channels * tilesH * tilesW)));
  return chunk >= 1 ? { m, r, a, xi: a * a, name: `F${m}${r === 3 ? '' : `r${r}`}`, tilesH, tilesW, chunk } : null;
}

/** The g.xi products op(A[xi]) @ op(B[xi]) in the tuned matmul variant. */
function products(be: WebGPUBackend, g: Grid, a: Storage, b: Storage, m: number, n: number, k: number, transB: boolean): Storage {
  const mm: MatmulOptions = { batch: g.xi, m, n, k, transA: false, transB, aBatch: g.xi, bBatch: g.xi };
  return be.matmul(a, b, mm);
}

/** The uniform words of the data transform (winograd-data.wgsl's Tiles) of images n0.. (`tiles` of them) of x [n, c, h, w], padded by `pad`. */
function tilesWords(c: number, h: number, w: number, pad: number, g: Grid, n0: number, tiles: number): Words {
  return new Words().u32(c, h, w, pad, g.tilesH, g.tilesW, tiles, n0);
}

/**
 * A convolution's forward pass (and, with the flipped kernels, its input gradient): out
 * [n, rows, outH, outW] from x [n, cols, h, w] and the kernels w, in chunks of images.
 * Each chunk is one dispatch of transforms (the first chunk's transforms the kernels
 * too, into U: g.xi matrices of rows x cols), the products and the output transform.
 */
function convolve(
  be: WebGPUBackend, x: Storage, w: Storage, flip: boolean, bias: Storage | null, act: EpilogueOp | null,
  s: { n: number; cols: number; h: number; w: number; rows: number; pad: number; outH: number; outW: number }, g: Grid,
): GPUStorage {
  const y = be.out(s.n * s.rows * s.outH * s.outW);
  const u = be.out(g.xi * s.rows * s.cols);
  const key = `winograd-output:${act ?? ''}:${g.name}`;
  const text = withAct(code('output', g), act);
  const perImage = g.tilesH * g.tilesW;
  for (let n0 = 0; n0 < s.n; n0 += g.chunk) {
    const tiles = Math.min(g.chunk, s.n - n0) * perImage;
    const v = be.out(g.xi * s.cols * tiles);
    const kernels = n0 === 0 ? s.rows * s.cols : 0;
    be.rt.dispatch({
      key: `winograd-filter-input:${flip ? 1 : 0}:${g.name}`,
      code: code('filterInput', g),
      constants: { FLIP: flip ? 1 : 0 },
      buffers: [be.buf(w), u.buffer, be.buf(x), v.buffer],
      uniforms: tilesWords(s.cols, s.h, s.w, s.pad, g, n0, tiles).u32(kernels, s.rows, s.cols).pad4().buffer(),
      workgroups: Math.ceil((kernels + s.cols * tiles) / 64),
    });
    const m = products(be, g, u, v, s.rows, tiles, s.cols, false);
    be.free(v);
    be.rt.dispatch({
      key,
      code: text,
      buffers: [be.buf(m), bias ? be.buf(bias) : be.dummy, y.buffer],
      uniforms: new Words().u32(s.rows, s.outH, s.outW, g.tilesH, g.tilesW, tiles, n0, bias ? 1 : 0).buffer(),
      workgroups: Math.ceil((s.rows * tiles) / 64),
    });
    be.free(m);
  }
  be.free(u);
  return y;
}

/** conv2d of a shape winogradRuns (variants.ts) takes, or null where it does not fit (the caller falls back). */
export function conv2dWinograd(be: WebGPUBackend, spec: WinogradSpec, x: Storage, w: Storage, bias: Storage | null, p: Conv2dParams, act: EpilogueOp | null): GPUStorage | null {
  const g = grid(be, spec, p.n, p.outH, p.outW, Math.max(p.cIn, p.cOut));
  if (!g) return null;
  return convolve(be, x, w, false, bias, act, { n: p.n, cols: p.cIn, h: p.h, w: p.w, rows: p.cOut, pad: p.padH, outH: p.outH, outW: p.outW }, g);
}

/** dL/dx of a shape winogradRuns (variants.ts) takes: dL/dy padded by r - 1 - pad, convolved with the flipped kernels. */
export function conv2dBackwardInputWinograd(be: WebGPUBackend, spec: WinogradSpec, gy: Storage, w: Storage, p: Conv2dParams): GPUStorage | null {
  const g = grid(be, spec, p.n, p.h, p.w, Math.max(p.cIn, p.cOut));
  if (!g) return null;
  return convolve(be, gy, w, true, null, null, { n: p.n, cols: p.cOut, h: p.outH, w: p.outW, rows: p.cIn, pad: g.r - 1 - p.padH, outH: p.h, outW: p.w }, g);
}

/**
 * dL/dw of a shape winogradRuns (variants.ts) takes: the products of the dL/dy tiles with
 * the input patches, summed over the tiles; and with `withBias` dL/dbias, the sums of
 * dL/dy per channel, from the same transformed tiles in the same last dispatch.
 */
export function conv2dBackwardWeightWinograd(be: WebGPUBackend, spec: WinogradSpec, x: Storage, gy: Storage, p: Conv2dParams, withBias = false): { dW: GPUStorage; dBias: GPUStorage | null } | null {
  const g = grid(be, spec, p.n, p.outH, p.outW, Math.max(p.cIn, p.cOut));
  if (!g) return null;
  const dw = be.out(p.cOut * p.cIn * g.r * g.r);
  const db = withBias ? be.out(p.cOut) : null;
  const perImage = g.tilesH * g.tilesW;
  for (let n0 = 0; n0 < p.n; n0 += g.chunk) {
    const tiles = Math.min(g.chunk, p.n - n0) * perImage;
    const z = be.out(g.xi * p.cOut * tiles);
    const v = be.out(g.xi * p.cIn * tiles);
    be.rt.dispatch({
      key: `winograd-dy-input:${g.name}`,
      code: code('dyInput', g),
      buffers: [be.buf(gy), z.buffer, be.buf(x), v.buffer],
      uniforms: tilesWords(p.cIn, p.h, p.w, p.padH, g, n0, tiles).u32(p.cOut * tiles, p.cOut, p.outH, p.outW).buffer(),
      workgroups: Math.ceil((p.cOut + p.cIn) * tiles / 64),
    });
    const s = products(be, g, z, v, p.cOut, p.cIn, tiles, true);
    be.free(v);
    const acc = n0 > 0 ? 1 : 0;
    const sums = db ? p.cOut : 0;
    be.rt.dispatch({
      key: `winograd-filter-grad:${acc}:${g.name}`,
      code: code('filterGrad', g),
      constants: { ACC: acc },
      buffers: [be.buf(s), dw.buffer, z.buffer, db ? db.buffer : be.dummy],
      uniforms: new Words().u32(p.cOut * p.cIn, sums, tiles).buffer(),
      workgroups: Math.ceil((p.cOut * p.cIn + sums) / 64),
    });
    be.free(z);
    be.free(s);
  }
  return { dW: dw, dBias: db };
}
