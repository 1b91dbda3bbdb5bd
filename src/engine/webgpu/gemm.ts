/**
 * The WebGPU GEMM family: matmul and the three convolution passes, each in the variant
 * the tuning names (webgpu/variants.ts), falling back where a variant does not cover a
 * shape. The backend class calls these with its tuned variant; the autotune and the
 * tests call them with each variant in turn. The convolutions run as products over
 * im2col columns are in im2col.ts.
 */
import type { Conv2dParams, Storage } from '../backend';
import type { GPUStorage, WebGPUBackend } from './index';
import { Words } from './runtime';
import { CONV_BWD_INPUT_VARIANTS, CONV_BWD_WEIGHT_VARIANTS, CONV_VARIANTS, MATMUL_VARIANTS, conv2dBwdWeightRowsSource, defaultTuning, resolveConv, winogradRuns, type GemmVariant } from './variants';
import packTextureRaw from '../../../shaders/pack-texture.wgsl?raw';
import packWeightsRaw from '../../../shaders/conv2d-pack-weights.wgsl?raw';
import splitFoldRaw from '../../../shaders/split-fold.wgsl?raw';
import splitSumRaw from '../../../shaders/matmul-split-sum.wgsl?raw';
import { convRowsSource, rowPixels } from './conv-rows-source';
import { IM2COL_VARIANT_MAX_FLOATS, NARROW, convBackwardInputIm2col, convBackwardWeightIm2col, convIm2col, im2colFits } from './im2col';
import { convIgemm, convIgemmBackwardInput, convIgemmBackwardWeight, sumSlices, tiles as igemmTiles } from './igemm';
import { wgsl } from './wgsl';
import { conv2dBackwardInputWinograd, conv2dBackwardWeightWinograd, conv2dWinograd } from './winograd';
import { epilogueWgsl, type EpilogueOp } from '../ops/elementwise';

const packTextureSrc = wgsl(packTextureRaw);
const packWeightsSrc = wgsl(packWeightsRaw);
const splitFoldSrc = wgsl(splitFoldRaw);
const splitSumSrc = wgsl(splitSumRaw);

/** The options of one batched product op(A) @ op(B) (see Backend.matmul). */
export interface MatmulOptions { batch: number; m: number; n: number; k: number; transA: boolean; transB: boolean; aBatch: number; bBatch: number }

/**
 * What a layer kernel does as it stores: add a bias per output column / channel (per
 * row with `biasRows`), apply an activation.
 */
export interface Epilogue {
  bias: Storage | null;
  act: EpilogueOp | null;
  biasRows?: boolean;
  /** Store the [m, nb * P] product as [nb, m, P] (P a multiple of 4): a convolution's NCHW output. */
  outPlane?: number;
}
const PLAIN: Epilogue = { bias: null, act: null };

const withActCache = new Map<EpilogueOp | null, Map<string, string>>();
/** A kernel's code with its `act()` prepended (the identity when `act` is null). */
export function withAct(code: string, act: EpilogueOp | null): string {
  let byCode = withActCache.get(act);
  if (!byCode) withActCache.set(act, (byCode = new Map()));
  let full = byCode.get(code);
  if (full === undefined) byCode.set(code, (full = epilogueWgsl(act) + code));
  return full;
}

/** The pipeline key suffix of an epilogue ('' for a plain kernel). */
const epilogueKey = (e: Epilogue): string =>
  (e.bias || e.act ? `:${e.bias ? (e.biasRows ? 'B' : 'b') : ''}${e.act ?? ''}` : '') + (e.outPlane ? `:P${e.outPlane}` : '');

// ---- linear algebra -----------------------------------------------------------------

/** Copies a row-major matrix of `width` x `height` vec4s into a pooled rgba32float texture. */
function packTexture(be: WebGPUBackend, src: Storage, width: number, height: number): GPUTexture {
  const t = be.rt.acquireTexture(width, height);
  be.rt.dispatch({
    key: 'pack-texture',
    code: packTextureSrc,
    buffers: [be.buf(src), be.rt.view(t)],
    uniforms: new Words().u32(width, height).buffer(),
    workgroups: Math.ceil((width * height) / 64),
  });
  return t;
}

/**
 * Smallest product (m n k multiply-adds) worth packing into textures. On SwiftShader the
 * texture kernel with its packing trails the buffer kernel at 256x84x120 (5.7 vs 4.9 ms)
 * and 64x120x400 (7.4 vs 4.5 ms) and only draws level from about 2^24.
 */
const TEXTURE_MIN_MACS = 1 << 24;

/**
 * Matmul with a named variant (the autotune and the tests call this directly); `epi`
 * adds a bias per column of the output and applies an activation as it is stored (the
 * caller handles k == 0 itself when it asks for one).
 */
export function matmulWith(be: WebGPUBackend, variant: string, a: Storage, b: Storage, p: MatmulOptions, epi: Epilogue = PLAIN): Storage {
  const { batch, m, n, k } = p;
  const o = be.out(batch * m * n);
  if (batch * m * n === 0) return o;
  if (k === 0) {
    be.fillInto(o, 0);
    return o;
  }
  const ek = epilogueKey(epi);
  const plane = epi.outPlane ?? 0;
  if (plane % 4 !== 0 || (plane && (batch !== 1 || n % plane !== 0))) throw new Error('matmul: outPlane must be a multiple of 4 dividing n, for one matrix');
  const eb = epilogueBindings(be, epi);
  let v = MATMUL_VARIANTS[variant] ?? MATMUL_VARIANTS[defaultTuning('').matmul];
  if (v.texture) {
    const dim = be.rt.maxTextureDim;
    // Packing costs two extra passes over A and B (and two dispatches); below TEXTURE_MIN_MACS
    // the buffer kernel is as fast or faster on SwiftShader (see TEXTURE_MIN_MACS).
    const fits = batch === 1 && !p.transA && !p.transB && k % 4 === 0 && n % 4 === 0 && m <= dim && k <= dim && k / 4 <= dim && n / 4 <= dim && m * n * k >= TEXTURE_MIN_MACS;
    if (fits) {
      const ta = packTexture(be, a, k / 4, m);
      const tb = packTexture(be, b, n / 4, k);
      const tilesM = Math.ceil(m / v.tileM);
      const tilesN = Math.ceil(n / v.tileN);
      be.rt.dispatch({
        key: `matmul:${variant}${ek}`,
        code: withAct(v.code, epi.act),
        constants: { ...v.constants, ...eb.constants },
        buffers: [be.rt.view(ta), be.rt.view(tb), o.buffer, eb.bias],
        uniforms: new Words().u32(m, n, k, tilesN, tilesM, tilesM * tilesN).buffer(),
        workgroups: tilesM * tilesN,
      });
      be.rt.releaseTexture(ta);
      be.rt.releaseTexture(tb);
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
      be.rt.dispatch({
        key: `matmul:${variant}:${p.transA ? 1 : 0}${p.transB ? 1 : 0}${ek}`,
        code: withAct(v.code, epi.act),
        constants: { ...v.constants, TRANS_A: p.transA ? 1 : 0, TRANS_B: p.transB ? 1 : 0, ...eb.constants },
        buffers: [be.buf(a), be.buf(b), o.buffer, eb.bias],
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
  // op(A)[r, k] at r * aRow + k * aK; op(B)[k, c] at k * bK + c * bCol.
  const aRow = p.transA ? 1 : k;
  const aK = p.transA ? m : 1;
  const bK = p.transB ? 1 : n;
  const bCol = p.transB ? k : 1;
  /** One dispatch of the strided kernel (lib/matmul-strided.wgsl): `entries` products of length `kLen`. */
  const strided = (out: GPUStorage, kLen: number, entries: number, aStride: number, bStride: number, e: Epilogue) => {
    const { constants, bias } = epilogueBindings(be, e);
    const tiles = tilesM * tilesN * entries;
    be.rt.dispatch({
      key: `matmul:${variant}${epilogueKey(e)}`,
      code: withAct(v.code, e.act),
      constants: { ...v.constants, ...constants },
      buffers: [be.buf(a), be.buf(b), out.buffer, bias],
      uniforms: new Words().u32(m, n, kLen, tilesN, tilesM, tiles, aStride, bStride, aRow, aK, bK, bCol).buffer(),
      workgroups: tiles,
    });
  };
  const splits = batch === 1 ? splitsFor(be.splitKTarget, tilesM * tilesN, k) : 1;
  if (splits === 1) {
    strided(o, k, batch, p.aBatch === 1 ? 0 : m * k, p.bBatch === 1 ? 0 : k * n, epi);
    return o;
  }
  // Split-K: slice s multiplies the k range [s kS, (s + 1) kS) as batch entry s (a batch
  // stride of kS along k), plainly; the sum of the slices takes the epilogue.
  const kS = k / splits;
  be.rt.checkSize(splits * m * n * 4, 'the split-K partial products of a matmul');
  const partial = be.out(splits * m * n);
  strided(partial, kS, splits, kS * aK, kS * bK, PLAIN);
  sumSplitsInto(be, partial, o, m, n, splits, epi);
  return o;
}

/**
 * The last step of a split-K product: adds up the partial products [splits, m, n] into
 * `o` through the epilogue (matmul-split-sum.wgsl), and frees them.
 */
function sumSplitsInto(be: WebGPUBackend, partial: GPUStorage, o: GPUStorage, m: number, n: number, splits: number, epi: Epilogue): void {
  const eb = epilogueBindings(be, epi);
  be.rt.dispatch({
    key: `matmul-split-sum${epilogueKey(epi)}`,
    code: withAct(splitSumSrc, epi.act),
    constants: eb.constants,
    buffers: [partial.buffer, null, o.buffer, eb.bias],
    uniforms: new Words().u32(m, n, splits).buffer(),
    workgroups: Math.ceil((m * n) / 256),
  });
  be.free(partial);
}

/**
 * How many slices an implicit-GEMM pass (m x n outputs, k terms) cuts its reduction into
 * on this adapter (splitsFor: 1 on CPU-backed adapters and where the tiles fill the GPU),
 * checking that their partial products fit in a buffer.
 */
function igemmSlices(be: WebGPUBackend, v: GemmVariant, m: number, n: number, k: number, what: string): number {
  if (m * n === 0) return 1;
  const slices = splitsFor(be.splitKTarget, igemmTiles(v, m, n), k);
  if (slices > 1) be.rt.checkSize(slices * m * n * 4, `the split-K partial products of ${what}`);
  return slices;
}

/** The override constants and the bias binding that carry an epilogue into a product kernel. */
function epilogueBindings(be: WebGPUBackend, e: Epilogue): { constants: Record<string, number>; bias: GPUBuffer } {
  return {
    constants: { HAS_BIAS: e.bias ? 1 : 0, BIAS_ROWS: e.biasRows ? 1 : 0, OUT_PLANE: e.outPlane ?? 0 },
    bias: e.bias ? be.buf(e.bias) : be.dummy,
  };
}

/** The shortest k slice worth a split of its own. */
const MIN_SPLIT_K = 256;

/**
 * How many slices to split a product's k into so that about `target` workgroups run
 * (1: no split): a GPU with fewer output tiles than it has cores to run them sits mostly
 * idle on a long k, as a weight gradient's product over a whole batch of pixels
 * (cOut x taps outputs, n * oh * ow terms) does. The slices divide k exactly and are at
 * least MIN_SPLIT_K long. `target` is 0 on CPU-backed adapters, which have far fewer
 * cores than tiles.
 * @internal
 */
export function splitsFor(target: number, tiles: number, k: number): number {
  if (target <= 0 || tiles >= target || k < 2 * MIN_SPLIT_K) return 1;
  const most = Math.min(Math.ceil(target / tiles), Math.floor(k / MIN_SPLIT_K));
  for (let s = most; s > 1; s--) if (k % s === 0) return s;
  return 1;
}

// ---- convolution and pooling --------------------------------------------------------

/** The convolution's shape, the first uniform words of its kernels (lib/conv-shape.wgsl). */
export function convWords(be: WebGPUBackend, p: Conv2dParams): Words {
  return new Words().u32(p.n, p.cIn, p.h, p.w, p.cOut, p.kH, p.kW, p.strideH, p.strideW, p.padH, p.padW, p.outH, p.outW);
}

/** Whether conv2d-rows.wgsl's packed weights (K taps x `channels`) fit in one texture. */
function rowsFit(be: WebGPUBackend, taps: number, channels: number): boolean {
  const dim = be.rt.maxTextureDim;
  return taps <= dim && Math.ceil(channels / 8) * 2 <= dim;
}

/**
 * Stride-1 convolution with conv2d-rows.wgsl: packs the weights (flipped for the
 * backward-input pass), then one dispatch. `c` describes the convolution computed.
 */
function convRows(be: WebGPUBackend, 
  src: GPUBuffer,
  w: Storage,
  bias: Storage | null,
  c: { n: number; cIn: number; h: number; w: number; cOut: number; kH: number; kW: number; padH: number; padW: number; outH: number; outW: number },
  flip: { cIn: number; cOut: number } | null,
  act: EpilogueOp | null = null,
): GPUStorage {
  const o = be.out(c.n * c.cOut * c.outH * c.outW);
  const coPad = Math.ceil(c.cOut / 8) * 8;
  const K = c.cIn * c.kH * c.kW;
  const packed = be.rt.acquireTexture(coPad / 4, K);
  // The weight tensor's own channel counts: forward cOut x cIn; backward-input swaps them.
  const wc = flip ?? { cIn: c.cIn, cOut: c.cOut };
  be.rt.dispatch({
    key: 'conv2d-pack-weights',
    code: packWeightsSrc,
    buffers: [be.buf(w), be.rt.view(packed)],
    uniforms: new Words().u32((K * coPad) / 4, coPad / 4, wc.cIn, wc.cOut, c.kH, c.kW, flip ? 1 : 0).buffer(),
    workgroups: Math.ceil((K * coPad) / 4 / 64),
  });
  const px = rowPixels(c.outW);
  const segs = Math.ceil(c.outW / px);
  const coBlocks = coPad / 8;
  const threads = c.n * c.outH * segs * coBlocks;
  // kW 3 and 5 (the common kernels) have their column taps unrolled.
  const unrolled = (c.kW === 3 || c.kW === 5) && be.unrolledConv ? c.kW : 0;
  be.rt.dispatch({
    key: `conv2d-rows:${unrolled || 'any'}:p${px}${act ? `:${act}` : ''}`,
    code: withAct(convRowsSource(unrolled, px), act),
    buffers: [src, be.rt.view(packed), bias ? be.buf(bias) : be.dummy, o.buffer],
    uniforms: new Words()
      .u32(c.n, c.cIn, c.h, c.w, c.cOut, c.kH, c.kW, c.padH, c.padW, c.outH, c.outW, segs, coBlocks, coPad / 4, threads, bias ? 1 : 0)
      .buffer(),
    workgroups: Math.ceil(threads / 64),
  });
  be.rt.releaseTexture(packed);
  return o;
}

/** Conv2d with a named variant, then `act` (applied as the output is stored). */
export function conv2dWith(be: WebGPUBackend, variant: string, x: Storage, w: Storage, bias: Storage | null, p: Conv2dParams, act: EpilogueOp | null = null): Storage {
  const pixels = p.n * p.outH * p.outW;
  variant = resolveConv(CONV_VARIANTS, CONV_VARIANTS[variant] ? variant : defaultTuning('').conv2d, p);
  let v = CONV_VARIANTS[variant];
  if (v.winograd) {
    const y = winogradRuns(v.winograd, p) ? conv2dWinograd(be, v.winograd, x, w, bias, p, act) : null;
    if (y) return y;
    v = CONV_VARIANTS[(variant = v.winograd.fallback)];
  }
  if (v.igemm) {
    // Few tiles and a long reduction (a deep layer's few pixels): slices, added up through the epilogue.
    const slices = igemmSlices(be, v, p.cOut, pixels, p.cIn * p.kH * p.kW, 'conv2d');
    if (slices === 1) return convIgemm(be, variant, v, withAct(v.code, act), x, w, bias, p, act);
    const o = be.out(pixels * p.cOut);
    const partial = convIgemm(be, variant, v, withAct(v.code, null), x, w, null, p, null, slices);
    sumSplitsInto(be, partial, o, p.cOut, pixels, slices, { bias, act, biasRows: true, outPlane: p.outH * p.outW });
    return o;
  }
  if (v.rows) {
    if (p.strideH === 1 && p.strideW === 1 && p.outW > NARROW && pixels * p.cOut > 0 && rowsFit(be, p.cIn * p.kH * p.kW, p.cOut)) {
      return convRows(be, be.buf(x), w, bias, p, null, act);
    }
    if (pixels * p.cOut > 0 && im2colFits(be, p)) return convIm2col(be, x, w, bias, p, act);
    variant = v.rows.fallback;
    v = CONV_VARIANTS[variant];
  }
  if (v.im2col) {
    if (pixels * p.cOut > 0 && im2colFits(be, p, IM2COL_VARIANT_MAX_FLOATS)) return convIm2col(be, x, w, bias, p, act);
    variant = v.im2col.fallback;
    v = CONV_VARIANTS[variant];
  }
  const o = be.out(pixels * p.cOut);
  if (o.size === 0) return o;
  const tilesN = Math.ceil(pixels / v.tileN);
  const tiles = Math.ceil(p.cOut / v.tileM) * tilesN;
  be.rt.dispatch({
    key: `conv2d:${variant}${act ? `:${act}` : ''}`,
    code: withAct(v.code, act),
    constants: v.constants,
    buffers: [be.buf(x), be.buf(w), bias ? be.buf(bias) : be.dummy, o.buffer],
    uniforms: convWords(be, p).u32(pixels, tilesN, tiles, bias ? 1 : 0).buffer(),
    workgroups: tiles,
  });
  return o;
}

export function conv2dBackwardInputWith(be: WebGPUBackend, variant: string, gy: Storage, w: Storage, p: Conv2dParams): Storage {
  const pixels = p.n * p.h * p.w;
  variant = resolveConv(CONV_BWD_INPUT_VARIANTS, CONV_BWD_INPUT_VARIANTS[variant] ? variant : defaultTuning('').conv2dBackwardInput, p);
  let v = CONV_BWD_INPUT_VARIANTS[variant];
  if (v.winograd) {
    const dx = winogradRuns(v.winograd, p) ? conv2dBackwardInputWinograd(be, v.winograd, gy, w, p) : null;
    if (dx) return dx;
    v = CONV_BWD_INPUT_VARIANTS[(variant = v.winograd.fallback)];
  }
  if (v.igemm) {
    const slices = p.outH * p.outW > 0 ? igemmSlices(be, v, p.cIn, pixels, p.cOut * p.kH * p.kW, 'conv2dBackwardInput') : 1;
    if (slices === 1) return convIgemmBackwardInput(be, variant, v, v.code, gy, w, p);
    const o = be.out(pixels * p.cIn);
    const partial = convIgemmBackwardInput(be, variant, v, v.code, gy, w, p, slices);
    sumSplitsInto(be, partial, o, p.cIn, pixels, slices, { bias: null, act: null, outPlane: p.h * p.w });
    return o;
  }
  if (v.rows) {
    const padH = p.kH - 1 - p.padH;
    const padW = p.kW - 1 - p.padW;
    if (p.strideH === 1 && p.strideW === 1 && p.w > NARROW && padH >= 0 && padW >= 0 && pixels * p.cIn > 0 && p.outH > 0 && p.outW > 0 && rowsFit(be, p.cOut * p.kH * p.kW, p.cIn)) {
      // dL/dx = dL/dy convolved with the flipped kernel (channels swapped), padded by k - 1 - pad.
      const c = { n: p.n, cIn: p.cOut, h: p.outH, w: p.outW, cOut: p.cIn, kH: p.kH, kW: p.kW, padH, padW, outH: p.h, outW: p.w };
      return convRows(be, be.buf(gy), w, null, c, { cIn: p.cIn, cOut: p.cOut });
    }
    if (pixels * p.cIn > 0 && p.outH * p.outW > 0 && im2colFits(be, p)) return convBackwardInputIm2col(be, gy, w, p);
    variant = v.rows.fallback;
    v = CONV_BWD_INPUT_VARIANTS[variant];
  }
  if (v.im2col) {
    if (pixels * p.cIn > 0 && p.outH * p.outW > 0 && im2colFits(be, p, IM2COL_VARIANT_MAX_FLOATS)) return convBackwardInputIm2col(be, gy, w, p);
    variant = v.im2col.fallback;
    v = CONV_BWD_INPUT_VARIANTS[variant];
  }
  const o = be.out(pixels * p.cIn);
  if (o.size === 0) return o;
  const tilesN = Math.ceil(pixels / v.tileN);
  const tiles = Math.ceil(p.cIn / v.tileM) * tilesN;
  be.rt.dispatch({
    key: `conv2dBackwardInput:${variant}`,
    code: v.code,
    constants: v.constants,
    buffers: [be.buf(gy), be.buf(w), o.buffer],
    uniforms: convWords(be, p).u32(pixels, tilesN, tiles).buffer(),
    workgroups: tiles,
  });
  return o;
}

export function conv2dBackwardWeightWith(be: WebGPUBackend, variant: string, x: Storage, gy: Storage, p: Conv2dParams): Storage {
  return conv2dBackwardParams(be, variant, x, gy, p, false).dW;
}

/**
 * dL/dw and dL/dbias of conv2d in one sweep over dL/dy where the row kernel runs (stride 1,
 * 2 padH < kH) or Winograd's does; null where neither does, and the caller sums dL/dy itself.
 */
export function conv2dBackwardWeightBias(
  be: WebGPUBackend, x: Storage, gy: Storage, p: Conv2dParams, variant = be.kernels.state.conv2dBackwardWeight,
): { dW: Storage; dBias: Storage } | null {
  const v = CONV_BWD_WEIGHT_VARIANTS[(variant = resolveConv(CONV_BWD_WEIGHT_VARIANTS, variant, p))];
  const winograd = !!v?.winograd && winogradRuns(v.winograd, p);
  if (!winograd && (!v?.rows || !rowsBackwardWeight(p) || 2 * p.padH >= p.kH || p.n * p.outH * p.outW === 0)) return null;
  const r = conv2dBackwardParams(be, variant, x, gy, p, true);
  if (r.dBias) return { dW: r.dW, dBias: r.dBias };
  be.free(r.dW);
  return null;
}

function rowsBackwardWeight(p: Conv2dParams): boolean {
  return p.strideH === 1 && p.strideW === 1 && p.kW <= 8 && p.outW > NARROW;
}

function conv2dBackwardParams(
  be: WebGPUBackend, variant: string, x: Storage, gy: Storage, p: Conv2dParams, withBias: boolean,
): { dW: Storage; dBias: Storage | null } {
  const taps = p.cIn * p.kH * p.kW;
  const size = p.cOut * taps;
  variant = resolveConv(CONV_BWD_WEIGHT_VARIANTS, CONV_BWD_WEIGHT_VARIANTS[variant] ? variant : defaultTuning('').conv2dBackwardWeight, p);
  let v = CONV_BWD_WEIGHT_VARIANTS[variant];
  const rows = p.n * p.outH;
  if (size === 0) return { dW: be.out(0), dBias: null };
  if (rows === 0 || p.outW === 0) return { dW: be.zeros(size), dBias: null };
  if (v.winograd) {
    const r = winogradRuns(v.winograd, p) ? conv2dBackwardWeightWinograd(be, v.winograd, x, gy, p, withBias) : null;
    if (r) return r;
    v = CONV_BWD_WEIGHT_VARIANTS[(variant = v.winograd.fallback)];
  }
  if (v.igemm) return { dW: convIgemmBackwardWeight(be, variant, v, v.code, x, gy, p, v.targetWorkgroups), dBias: null };
  if (v.rows) {
    if (!rowsBackwardWeight(p) && im2colFits(be, p)) return { dW: convBackwardWeightIm2col(be, x, gy, p), dBias: null };
    if (rowsBackwardWeight(p)) {
      const coBlocks = Math.ceil(p.cOut / 8);
      // Small kernels keep all their taps in one invocation's registers; larger ones one kernel row.
      const kt = p.kH * p.kW <= 9 ? p.kH : 1;
      const kyBlocks = p.kH / kt;
      const per = coBlocks * p.cIn * kyBlocks;
      // Split the (b, oy) rows so that about `targetWorkgroups` invocations run, each
      // still sweeping several rows.
      let splits = Math.max(1, Math.min(Math.ceil(v.targetWorkgroups / per), Math.ceil(rows / 4)));
      const rowsPerSplit = Math.ceil(rows / splits);
      splits = Math.ceil(rows / rowsPerSplit);
      be.rt.checkSize(splits * size * 4, 'the split-K partial sums of conv2dBackwardWeight');
      const partial = be.out(splits * size);
      const partialBias = withBias ? be.out(splits * p.cOut) : null;
      const threads = per * splits;
      be.rt.dispatch({
        key: `conv2d-backward-weight-rows:${kt}x${p.kW}:${withBias ? 1 : 0}`,
        code: conv2dBwdWeightRowsSource(kt, p.kW),
        constants: { HAS_BIAS: withBias ? 1 : 0 },
        buffers: [be.buf(x), be.buf(gy), partial.buffer, partialBias ? partialBias.buffer : be.dummy],
        uniforms: new Words()
          .u32(p.n, p.cIn, p.h, p.w, p.cOut, p.kH, p.kW, p.padH, p.padW, p.outH, p.outW, coBlocks, threads, rowsPerSplit, kyBlocks)
          .buffer(),
        workgroups: Math.ceil(threads / 64),
      });
      if (!partialBias) return { dW: sumSlices(be, partial, splits, size), dBias: null };
      if (splits === 1) return { dW: partial, dBias: partialBias };
      // Both results' splits are added in one pass.
      const dW = be.out(size);
      const dBias = be.out(p.cOut);
      be.rt.dispatch({
        key: 'split-fold',
        code: splitFoldSrc,
        buffers: [partial.buffer, partialBias.buffer, dW.buffer, dBias.buffer],
        uniforms: new Words().u32(size, p.cOut, splits).buffer(),
        workgroups: Math.ceil((size + p.cOut) / 64),
      });
      be.free(partial);
      be.free(partialBias);
      return { dW, dBias };
    }
    variant = v.rows.fallback;
    v = CONV_BWD_WEIGHT_VARIANTS[variant];
  }
  if (v.im2col) {
    if (im2colFits(be, p, IM2COL_VARIANT_MAX_FLOATS)) return { dW: convBackwardWeightIm2col(be, x, gy, p), dBias: null };
    variant = v.im2col.fallback;
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
  be.rt.checkSize(splits * size * 4, 'the split-K partial sums of conv2dBackwardWeight');
  const partial = splits === 1 ? be.out(size) : be.out(splits * size);
  const tiles = tilesM * tilesN * splits;
  be.rt.dispatch({
    key: `conv2dBackwardWeight:${variant}`,
    code: v.code,
    constants: v.constants,
    buffers: [be.buf(x), be.buf(gy), partial.buffer],
    uniforms: convWords(be, p).u32(taps, tilesN, tilesM, tiles, rowsPerSplit).buffer(),
    workgroups: tiles,
  });
  return { dW: sumSlices(be, partial, splits, size), dBias: null };
}
