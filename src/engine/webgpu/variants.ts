/**
 * Kernel variants of matmul and the convolutions, and the tuning record that says
 * which one each op uses. Register-blocked variants keep a 4x4 block per invocation
 * in registers (no workgroup memory, no barriers: the better fit for CPU-backed
 * adapters such as SwiftShader); workgroup-tiled variants stage operands in shared
 * memory (the classic fit for discrete GPUs). The autotune (autotune.ts) times them.
 */
import matmulRegRaw from '../../../shaders/matmul-reg.wgsl?raw';
import matmulTiledRaw from '../../../shaders/matmul-tiled.wgsl?raw';
import matmulTiled128Raw from '../../../shaders/matmul-tiled-128.wgsl?raw';
import matmulVec4Raw from '../../../shaders/matmul-vec4.wgsl?raw';
import matmulTexRaw from '../../../shaders/matmul-tex.wgsl?raw';
import conv2dRegRaw from '../../../shaders/conv2d-reg.wgsl?raw';
import im2colRaw from '../../../shaders/im2col.wgsl?raw';
import { convRowsSource } from './conv-rows-source';
import conv2dBwdInputRegRaw from '../../../shaders/conv2d-backward-input-reg.wgsl?raw';
import conv2dBwdWeightRegRaw from '../../../shaders/conv2d-backward-weight-reg.wgsl?raw';
import conv2dBwdWeightRowsRaw from '../../../shaders/conv2d-backward-weight-rows.wgsl?raw';
import conv2dIgemmRaw from '../../../shaders/conv2d-igemm.wgsl?raw';
import conv2dBwdInputIgemmRaw from '../../../shaders/conv2d-backward-input-igemm.wgsl?raw';
import conv2dBwdWeightIgemmRaw from '../../../shaders/conv2d-backward-weight-igemm.wgsl?raw';
import { wgsl } from './wgsl';
import { getConvPrecision } from '../precision';
import type { Conv2dParams } from '../backend';

const matmulRegSrc = wgsl(matmulRegRaw);
const matmulTiledSrc = wgsl(matmulTiledRaw);
const matmulVec4Src = wgsl(matmulVec4Raw);
const matmulTexSrc = wgsl(matmulTexRaw);
const conv2dRegSrc = wgsl(conv2dRegRaw);
const im2colSrc = wgsl(im2colRaw);
const conv2dBwdInputRegSrc = wgsl(conv2dBwdInputRegRaw);
const conv2dBwdWeightRegSrc = wgsl(conv2dBwdWeightRegRaw);

const bwdWeightRowsCache = new Map<string, string>();
/**
 * conv2d-backward-weight-rows.wgsl for `kt` kernel rows and all `kw` kernel columns an
 * invocation (its register block is fixed when the shader is built).
 */
export function conv2dBwdWeightRowsSource(kt: number, kw: number): string {
  const key = `${kt}x${kw}`;
  let code = bwdWeightRowsCache.get(key);
  if (code === undefined) bwdWeightRowsCache.set(key, (code = wgsl(conv2dBwdWeightRowsRaw, { KT: kt, KW: kw })));
  return code;
}

/**
 * The shapes Winograd's convolutions with k x k kernels run (winograd.ts): k x k kernels,
 * stride 1, the same padding (at most k - 1) on both axes, and some output.
 */
export function winogradShape(p: ConvShape, k: 3 | 5 = 3): boolean {
  return p.kH === k && p.kW === k && p.strideH === 1 && p.strideW === 1 && p.padH === p.padW && p.padH < k && p.h + 2 * p.padH >= k && p.w + 2 * p.padW >= k && p.n * p.cIn * p.cOut * p.h * p.w > 0;
}

/** A Winograd variant: F(tile x tile, kernel x kernel), and the variant that runs the shapes it does not. */
export interface WinogradSpec { fallback: string; tile: 2 | 4; kernel: 3 | 5 }

/**
 * Whether a Winograd variant runs a shape by its transforms (else its fallback runs it).
 * F(2x2, 5x5) rounds like F(4x4, 3x3) and runs only at the 'high' precision; F(4x4, 3x3)
 * asked for at 'highest' runs as F(2x2, 3x3) (winograd.ts, tileFor).
 */
export function winogradRuns(s: WinogradSpec, p: ConvShape): boolean {
  return winogradShape(p, s.kernel) && (s.kernel === 3 || getConvPrecision() === 'high');
}

/** The shapes F(4x4, 3x3) runs as itself: Winograd's, at the 'high' precision (else it is F(2x2, 3x3)). */
function winograd4Shape(p: ConvShape): boolean {
  return winogradShape(p) && getConvPrecision() === 'high';
}

const WINOGRAD_5X5: WinogradSpec = { fallback: 'rows-8x8', tile: 2, kernel: 5 };
const winograd5Shape = (p: ConvShape) => winogradRuns(WINOGRAD_5X5, p);

/**
 * The convolutions of a CPU-backed adapter (SwiftShader), which has no shape tuning (it
 * would take minutes there): Winograd where it was measured to pay, rows-8x8 elsewhere.
 * On SwiftShader, at batch 16, F(4x4, 3x3) ran the passes of ResNet-18's 64-channel layer
 * on 16x16 maps 3-4x faster than rows-8x8 and of its 128-channel layer on 8x8 3-5x, but
 * its 512-channel layer on 2x2 maps (one tile an image) 2x slower; F(2x2, 5x5) ran
 * AlexNet's 96 -> 256 layer 2.6-3.7x faster. Few channels (LeNet's layers) keep rows-8x8:
 * there the transforms outweigh the products, and each pass would take more dispatches.
 * At the 'highest' precision winograd-4x4 runs F(2x2, 3x3) and winograd-5x5 rows-8x8.
 * `minPlane`: the smallest map side taken (the weight gradient asks for 8).
 */
export function cpuConvChoice(p: ConvShape, minPlane = 4): string {
  const k = p.kH;
  const planes = Math.min(p.h + 2 * p.padH - k + 1, p.w + 2 * p.padW - k + 1, p.h, p.w);
  if ((k !== 3 && k !== 5) || !winogradShape(p, k) || Math.min(p.cIn, p.cOut) < 16 || planes < minPlane) return 'rows-8x8';
  return k === 3 ? 'winograd-4x4' : 'winograd-5x5';
}

/** The variant a call of shape p runs when `name` is asked for: its own, or the one a rule (byShape) picks. */
export function resolveConv(table: Record<string, GemmVariant>, name: string, p: ConvShape): string {
  const rule = table[name]?.byShape;
  return rule ? rule(p) : name;
}

export interface GemmVariant {
  code: string;
  constants?: Record<string, number>;
  /** Output rows / columns one workgroup covers. */
  tileM: number;
  tileN: number;
  /**
   * vec4 kernels need k % 4 == 0 and n % 4 == 0 (and m % 4 == 0 when A is transposed);
   * other shapes run `fallback` instead.
   */
  vec4?: { fallback: string };
  /**
   * Texture-reading kernels (matmul-tex.wgsl): one matrix (batch 1), no transposes,
   * k % 4 == 0 and n % 4 == 0, operands within the device's texture size; other
   * shapes run `fallback` instead.
   */
  texture?: { fallback: string };
  /**
   * Row-segment convolution (conv2d-rows.wgsl): stride 1 only (and, for the backward
   * input pass, padding below the kernel size); other shapes run `fallback`.
   */
  rows?: { fallback: string };
  /**
   * Convolutions as matmuls over im2col columns of the whole batch (im2col.ts), any stride,
   * in the tuned matmul variant; shapes whose columns would not fit run `fallback`.
   */
  im2col?: { fallback: string };
  /**
   * Implicit GEMM on 128 x 128 or 64 x 128 workgroup tiles (igemm.ts): the operands are
   * gathered from the tensors as the tiles load, so no im2col matrix is written; every
   * shape runs.
   */
  igemm?: boolean;
  /**
   * Winograd F(tile x tile, kernel x kernel) (winograd.ts): transforms around batched
   * products in the tuned matmul variant (its `code` is unused); the shapes winogradRuns
   * does not take run `fallback`.
   */
  winograd?: WinogradSpec;
  /**
   * A rule rather than a kernel: the variant of the same table that runs each shape
   * (resolveConv). `cpu-mix` is the one CPU-backed adapters take.
   */
  byShape?: (p: ConvShape) => string;
  /** The shapes a variant for some shapes only runs as itself (the others run its fallback). */
  covers?: (p: ConvShape) => boolean;
  /** False for variants the autotune skips (kept for tests and benchmarks). */
  tune?: boolean;
  /**
   * Built for GPUs: the autotune skips it on CPU-backed adapters, where it does not win
   * and its pipeline takes seconds to compile.
   */
  gpuOnly?: boolean;
}

export interface SplitGemmVariant extends GemmVariant {
  /** Workgroups the split-K planner aims for. */
  targetWorkgroups: number;
}

/**
 * A variant on (64 mh) x 128 workgroup tiles, the body of lib/tiled-block.wgsl in `raw`
 * (MH = mh), built for GPUs. Its code is expanded when a pipeline first asks for it: most
 * adapters never run these kernels, and the template unrolls to hundreds of lines.
 */
function tiledBlock<T extends object>(raw: string, mh: 1 | 2, more: T): GemmVariant & T {
  let code: string | undefined;
  return {
    get code() {
      return (code ??= wgsl(raw, { MH: mh }));
    },
    tileM: 64 * mh,
    tileN: 128,
    gpuOnly: true,
    ...more,
  };
}

function reg(code: string, wgx: number, wgy: number): GemmVariant {
  return { code, constants: { WGX: wgx, WGY: wgy }, tileM: 4 * wgy, tileN: 4 * wgx };
}

export const MATMUL_VARIANTS: Record<string, GemmVariant> = {
  'reg-16x16': reg(matmulRegSrc, 16, 16),
  'reg-8x8': { ...reg(matmulRegSrc, 8, 8), tune: false },
  'reg-16x4': { ...reg(matmulRegSrc, 16, 4), tune: false },
  'tiled-64': { code: matmulTiledSrc, tileM: 64, tileN: 64 },
  // 8x8 outputs an invocation from double-buffered workgroup tiles (K step 8, 16 KB): the
  // classic GPU SGEMM shape, for discrete GPUs.
  'tiled-128': tiledBlock(matmulTiled128Raw, 2, {}),
  // The same body on 64-row tiles (4 x 8 an invocation): few rows, or too few big tiles for the GPU.
  'tiled-64x128': tiledBlock(matmulTiled128Raw, 1, {}),
  'vec4-8x8-wg8': { code: matmulVec4Src, constants: { WGX: 8, WGY: 8 }, tileM: 64, tileN: 64, vec4: { fallback: 'reg-16x16' } },
  'vec4-8x8-wg16': { code: matmulVec4Src, constants: { WGX: 16, WGY: 16 }, tileM: 128, tileN: 128, vec4: { fallback: 'reg-16x16' } },
  'tex-8x8-wg8': { code: matmulTexSrc, constants: { WGX: 8, WGY: 8 }, tileM: 64, tileN: 64, texture: { fallback: 'vec4-8x8-wg8' } },
};

/**
 * The variants of a convolution pass that is itself a convolution: the forward pass, and the
 * input gradient (dY convolved with the flipped kernel, channels swapped). They differ only
 * in the register-tile and implicit-GEMM kernels.
 */
function convPassVariants(regSrc: string, igemmRaw: string): Record<string, GemmVariant> {
  return {
    'rows-8x8': { code: convRowsSource(0), tileM: 8, tileN: 8, rows: { fallback: 'reg-32x2' } },
    'reg-16x4': { ...reg(regSrc, 16, 4), tune: false },
    'reg-8x8': { ...reg(regSrc, 8, 8), tune: false },
    'reg-32x2': reg(regSrc, 32, 2),
    im2col: { code: im2colSrc, tileM: 64, tileN: 64, im2col: { fallback: 'reg-32x2' } },
    'igemm-128': tiledBlock(igemmRaw, 2, { igemm: true }),
    // 64 output channels (ResNet's first stage) fill its tiles, and deep layers get twice the workgroups.
    'igemm-64x128': tiledBlock(igemmRaw, 1, { igemm: true }),
    winograd: { code: '', tileM: 0, tileN: 0, winograd: { fallback: 'rows-8x8', tile: 2, kernel: 3 }, covers: winogradShape },
    'winograd-4x4': { code: '', tileM: 0, tileN: 0, winograd: { fallback: 'rows-8x8', tile: 4, kernel: 3 }, covers: winograd4Shape },
    'winograd-5x5': { code: '', tileM: 0, tileN: 0, winograd: WINOGRAD_5X5, covers: winograd5Shape },
    'cpu-mix': { code: '', tileM: 0, tileN: 0, byShape: (p) => cpuConvChoice(p), tune: false },
  };
}

export const CONV_VARIANTS = convPassVariants(conv2dRegSrc, conv2dIgemmRaw);
export const CONV_BWD_INPUT_VARIANTS = convPassVariants(conv2dBwdInputRegSrc, conv2dBwdInputIgemmRaw);

export const CONV_BWD_WEIGHT_VARIANTS: Record<string, SplitGemmVariant> = {
  // Stride 1 and kW <= 8 only; the targets count invocations here, not workgroups. The
  // shader is built per kernel size (conv2dBwdWeightRowsSource); `code` is the 3x3 one.
  'rows-8x8': { code: conv2dBwdWeightRowsSource(3, 3), tileM: 8, tileN: 8, targetWorkgroups: 2048, rows: { fallback: 'reg-8x2' } },
  'reg-8x2': { ...reg(conv2dBwdWeightRegSrc, 8, 2), targetWorkgroups: 128 },
  'reg-8x4': { ...reg(conv2dBwdWeightRegSrc, 8, 4), targetWorkgroups: 128, tune: false },
  'reg-8x2-wide': { ...reg(conv2dBwdWeightRegSrc, 8, 2), targetWorkgroups: 512 },
  im2col: { code: im2colSrc, tileM: 64, tileN: 64, targetWorkgroups: 0, im2col: { fallback: 'reg-8x2' } },
  // Slices of the reduction over the batch's pixels: about this many workgroups in all.
  'igemm-128': tiledBlock(conv2dBwdWeightIgemmRaw, 2, { igemm: true, targetWorkgroups: 256 }),
  'igemm-64x128': tiledBlock(conv2dBwdWeightIgemmRaw, 1, { igemm: true, targetWorkgroups: 256 }),
  winograd: { code: '', tileM: 0, tileN: 0, targetWorkgroups: 0, winograd: { fallback: 'rows-8x8', tile: 2, kernel: 3 }, covers: winogradShape },
  'winograd-4x4': { code: '', tileM: 0, tileN: 0, targetWorkgroups: 0, winograd: { fallback: 'rows-8x8', tile: 4, kernel: 3 }, covers: winograd4Shape },
  'winograd-5x5': { code: '', tileM: 0, tileN: 0, targetWorkgroups: 0, winograd: WINOGRAD_5X5, covers: winograd5Shape },
  // The weight gradient by Winograd takes three dispatches to rows-8x8's one (with the bias): on maps under 8x8 it keeps rows.
  'cpu-mix': { code: '', tileM: 0, tileN: 0, targetWorkgroups: 0, byShape: (p) => cpuConvChoice(p, 8), tune: false },
};

/** A per-channel reduction variant (batchnorm-stats.wgsl, batchnorm-backward-sums.wgsl). */
export interface ChannelReduceVariant extends TunableVariant {
  constants: { WG: number; LANES: number };
  /** With fewer channels than `below`, the variant `use` runs instead. */
  fewChannels?: { below: number; use: string };
  /**
   * Cuts each channel into chunks of at least `chunk` values (at most `most` chunks), a
   * workgroup each, then folds the chunks' results (batchnorm-fold.wgsl); a channel too
   * short for two chunks runs `fallback` (and `covers` says which shapes split).
   */
  split?: { chunk: number; most: number; fallback: string };
}

const SPLIT_CHANNELS = { chunk: 8192, most: 256, fallback: 'lanes-256' };

/** The chunks `split` cuts each channel of a batch-norm input [n, c, hw] into (below 2: it does not split). */
export function channelChunks(split: NonNullable<ChannelReduceVariant['split']>, p: ChannelShape): number {
  return Math.min(split.most, Math.floor((p.n * p.hw) / split.chunk));
}

/**
 * Per-channel reductions (batch-norm statistics and backward sums): LANES invocations
 * share a channel and WG / LANES channels a workgroup. 'lanes-1' runs no barrier at all,
 * which wins by far on CPU-backed adapters; 'lanes-256' folds each channel in a whole
 * workgroup, which wins on real GPUs where there are channels enough to fill them;
 * 'split-256' cuts long channels into chunks of a workgroup each (a ResNet stem's 64
 * channels of 256 x 48 x 48 values would otherwise occupy 64 workgroups of a GPU that
 * runs over a thousand at once), at the price of a second, small dispatch.
 */
export const CHANNEL_REDUCE_VARIANTS: Record<string, ChannelReduceVariant> = {
  'lanes-256': { constants: { WG: 256, LANES: 256 } },
  'split-256': {
    constants: { WG: 256, LANES: 256 },
    split: SPLIT_CHANNELS,
    covers: (p) => channelChunks(SPLIT_CHANNELS, p as ChannelShape) >= 2,
    gpuOnly: true,
  },
  'lanes-32': { constants: { WG: 64, LANES: 32 } },
  // Fewer channels than invocations a CPU runs at once leave it idle: share them out.
  'lanes-1': { constants: { WG: 16, LANES: 1 }, fewChannels: { below: 32, use: 'lanes-32' } },
};

/** Adapters that compute on the CPU (their names say so). */
const SOFTWARE_ADAPTER = /swiftshader|llvmpipe|lavapipe|softpipe|software|basic render/i;

export function isSoftwareAdapter(adapter: string): boolean {
  return SOFTWARE_ADAPTER.test(adapter);
}

/** Which variant each tunable op uses, for one adapter. */
export interface Tuning {
  /** Identifies the adapter the tuning was measured on. */
  adapter: string;
  matmul: string;
  conv2d: string;
  conv2dBackwardInput: string;
  conv2dBackwardWeight: string;
  channelReduce: string;
  /**
   * The variant tables the choices were made among (VARIANT_SET of the build that measured
   * them); a saved tuning from a build with other variants is measured again (create.ts),
   * since a variant added since was never timed.
   */
  variants?: string;
  /**
   * Per-shape choices (like cuDNN's benchmark mode), measured by tuneShapes (autotune.ts):
   * shapeKey(op, params) -> a variant of that op. Shapes without an entry use the op-wide
   * choice above.
   */
  shapes?: Record<string, string>;
}

/**
 * The ops that take per-shape choices: the GEMM family, and the per-channel reduction of
 * batch norm (whose best split of a channel over lanes depends on its images x pixels).
 */
export type ShapeOp = 'matmul' | 'conv2d' | 'conv2dBackwardInput' | 'conv2dBackwardWeight' | 'channelReduce';

/** What the tuning needs of a variant: whether the autotune times it, on which adapters and shapes. */
export interface TunableVariant {
  tune?: boolean;
  im2col?: object;
  gpuOnly?: boolean;
  /** The shapes of its op a variant for some shapes only runs as itself (a method: each table's variants take their own op's shape). */
  covers?(p: OpShape): boolean;
}

/** Each shape-tuned op's variant table. */
export const SHAPE_OP_VARIANTS: Record<ShapeOp, Record<string, TunableVariant>> = {
  matmul: MATMUL_VARIANTS,
  conv2d: CONV_VARIANTS,
  conv2dBackwardInput: CONV_BWD_INPUT_VARIANTS,
  conv2dBackwardWeight: CONV_BWD_WEIGHT_VARIANTS,
  channelReduce: CHANNEL_REDUCE_VARIANTS,
};

/** Most per-shape entries a tuning keeps (the newest win): bounds what an app persists. */
export const MAX_TUNED_SHAPES = 512;

export interface MatmulShape { batch: number; m: number; n: number; k: number; transA: boolean; transB: boolean; aBatch: number; bBatch: number }
/** A convolution's shape: its parameters less the output size they imply. */
export type ConvShape = Omit<Conv2dParams, 'outH' | 'outW'>;
/** A batch-norm input [n, c, hw]. */
export interface ChannelShape { n: number; c: number; hw: number }
/** The shape of one tunable call. */
export type OpShape = MatmulShape | ConvShape | ChannelShape;

/**
 * The key of one call's shape in `Tuning.shapes`: `matmul:batch,m,n,k,tA,tB,aBatch,bBatch`,
 * `<conv op>:n,cIn,h,w,cOut,kH,kW,sH,sW,pH,pW` or `channelReduce:n,c,hw`.
 */
export function shapeKey(op: ShapeOp, p: OpShape): string {
  if (op === 'channelReduce') {
    const q = p as ChannelShape;
    return `channelReduce:${q.n},${q.c},${q.hw}`;
  }
  if (op === 'matmul') {
    const q = p as MatmulShape;
    return `matmul:${q.batch},${q.m},${q.n},${q.k},${q.transA ? 1 : 0},${q.transB ? 1 : 0},${q.aBatch},${q.bBatch}`;
  }
  const q = p as ConvShape;
  return `${op}:${q.n},${q.cIn},${q.h},${q.w},${q.cOut},${q.kH},${q.kW},${q.strideH},${q.strideW},${q.padH},${q.padW}`;
}

/** The entries of `shapes` whose op is known and whose variant is one of that op's (the newest MAX_TUNED_SHAPES). */
export function validShapes(shapes: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!shapes || typeof shapes !== 'object') return out;
  const entries = Object.entries(shapes as Record<string, unknown>).filter(([k, v]) => {
    const op = k.slice(0, k.indexOf(':')) as ShapeOp;
    return typeof v === 'string' && Object.prototype.hasOwnProperty.call(SHAPE_OP_VARIANTS, op) && Object.prototype.hasOwnProperty.call(SHAPE_OP_VARIANTS[op], v);
  });
  for (const [k, v] of entries.slice(-MAX_TUNED_SHAPES)) out[k] = v as string;
  return out;
}

/** Names this build's variant tables (FNV-1a of every tuned op's variant names). */
export const VARIANT_SET = (() => {
  let h = 0x811c9dc5;
  for (const ch of Object.entries(SHAPE_OP_VARIANTS).map(([op, t]) => `${op}:${Object.keys(t).join(',')}`).join(';')) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
})();

/** Whether a tuning (a saved one, say) was made among this build's variants. */
export function tuningIsCurrent(t: Pick<Tuning, 'variants'>): boolean {
  return t.variants === VARIANT_SET;
}

export function defaultTuning(adapter: string): Tuning {
  const software = isSoftwareAdapter(adapter);
  return {
    adapter,
    variants: VARIANT_SET,
    matmul: 'tex-8x8-wg8',
    conv2d: software ? 'cpu-mix' : 'rows-8x8',
    conv2dBackwardInput: software ? 'cpu-mix' : 'rows-8x8',
    conv2dBackwardWeight: software ? 'cpu-mix' : 'rows-8x8',
    channelReduce: software ? 'lanes-1' : 'lanes-256',
  };
}
