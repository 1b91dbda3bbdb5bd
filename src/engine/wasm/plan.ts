/**
 * How the wasm backend cuts a kernel call over its threads and its memory: task counts,
 * scratch areas, and for convolutions the method (im2col or Winograd), the images per
 * copy, per product or per block of tiles, and the parameter blocks of kernels/conv.c and
 * kernels/winograd.h. Pure arithmetic on shapes; the backend (index.ts) allocates and runs.
 */
import type { Conv2dParams, Pool2dParams } from '../backend';

/** Floating-point operations below which a kernel stays on the calling thread (waking workers costs more). */
export const PARALLEL_MIN_FLOPS = 4e6;
/** Elements below which a kernel that streams through memory (element-wise, sums, the optimizer) stays on the calling thread. */
const PARALLEL_MIN_ELEMENTS = 1 << 18;
/** Columns (images x output pixels) a convolution's product should have at least, when images are small. */
const CONV_TARGET_COLUMNS = 512;
/** Floats of the im2col matrix of one group of images, at most (unless one image needs more). */
const CONV_MAX_COL_FLOATS = 1 << 20;
/** Channels in and out a 3x3 convolution needs for Winograd's products to beat im2col's. */
const WINOGRAD_MIN_CHANNELS = 16;
/** Flags of kernels/winograd.h: the weight is the forward one, to be turned and transposed (input gradient); add into dW. */
export const WINOGRAD_FLIPPED = 1;
const WINOGRAD_ACCUMULATE = 2;

/**
 * Tasks to split `flops` of work into, at most `units`: one when threads do not pay,
 * else `perThread` per thread, which the threads claim one by one (a thread slowed
 * down by other work on the machine then takes fewer).
 */
export function taskCount(threads: number, flops: number, units: number, perThread: number): number {
  if (threads <= 1 || flops < PARALLEL_MIN_FLOPS) return 1;
  return Math.max(1, Math.min(threads * perThread, units));
}

/** Tasks for a kernel that streams through `n` elements in equal shares: two per thread, or one when threads do not pay. */
export function streamTaskCount(threads: number, n: number): number {
  return threads <= 1 || n < PARALLEL_MIN_ELEMENTS ? 1 : 2 * threads;
}

/**
 * Scratch areas a kernel split into `tasks` needs: one per thread that may claim a
 * task, which is any thread of the pool once there are two tasks or more.
 */
export function scratchAreas(threads: number, tasks: number): number {
  return tasks > 1 ? threads : 1;
}

/** How a convolution is computed: products over im2col matrices, or Winograd's minimal filtering. */
export type ConvMethod = 'im2col' | 'winograd';

/**
 * Which of Winograd's tilings (kernels/winograd.h) a convolution takes: the side of its
 * input tiles, 4 (F(2x2, 3x3); a 5x5 filter as four 3x3 blocks) or 6 (F(4x4, 3x3) and
 * F(2x2, 5x5)); 'auto' picks by shape (tests force one or the other).
 */
export type WinogradTiles = 'auto' | 4 | 6;

/**
 * The tiling of a Winograd convolution (`p` in forward form): m x m outputs a tile, the
 * filter in blocks of r x r. A 5x5 filter takes F(2x2, 5x5) (36 products per 4 outputs,
 * against 64 as four 3x3 blocks); a 3x3 filter takes F(4x4, 3x3) where its 36 products
 * per tile of 16 outputs do fewer in all than F(2x2, 3x3)'s 16 per tile of 4, counting
 * the outputs that tiles cut at the map's edge compute in vain (a 2x2 map keeps F(2x2, 3x3)).
 */
export function winogradTiling(p: Conv2dParams, tiles: WinogradTiles = 'auto'): { m: number; r: number } {
  const side = tiles === 'auto' ? (p.kH === 5 || products(p, 4) < products(p, 2) ? 6 : 4) : tiles;
  if (side === 4) return { m: 2, r: 3 };
  return p.kH === 5 ? { m: 2, r: 5 } : { m: 4, r: 3 };
}

/** Element-wise products per input and output channel pair of F(m x m, 3x3) over one image. */
function products(p: Conv2dParams, m: number): number {
  return (m + 2) ** 2 * Math.ceil(p.outH / m) * Math.ceil(p.outW / m);
}

/**
 * Winograd's minimal filtering (see winogradTiling) for 3x3 and 5x5 stride-1 convolutions
 * with padding up to k - 1 (so that the input gradient's padding, k - 1 - pad, is one
 * too) and enough channels, where allowed; im2col products for the rest.
 */
export function convMethodFor(p: Conv2dParams, winogradAllowed: boolean): ConvMethod {
  const k = p.kH;
  const square = (k === 3 || k === 5) && p.kW === k && p.strideH === 1 && p.strideW === 1;
  const padded = p.padH <= k - 1 && p.padW <= k - 1 && p.outH > 0 && p.outW > 0;
  const wide = p.cIn >= WINOGRAD_MIN_CHANNELS && p.cOut >= WINOGRAD_MIN_CHANNELS;
  return winogradAllowed && square && padded && wide ? 'winograd' : 'im2col';
}

/**
 * The input gradient of a k x k, stride-1 convolution as a forward one: dY convolved with
 * the filters turned by 180 degrees and their channels swapped, padded by k - 1 - pad.
 */
export function winogradInputGrad(p: Conv2dParams): Conv2dParams {
  return { ...p, cIn: p.cOut, cOut: p.cIn, h: p.outH, w: p.outW, outH: p.h, outW: p.w, padH: p.kH - 1 - p.padH, padW: p.kW - 1 - p.padW };
}

/** The r x r blocks a Winograd filter is split into, a side (1, or 2 for 5x5 as 3x3 blocks), and the extra input rows a tile then reads. */
function winogradSplits(p: Conv2dParams, r: number): { splits: number; halo: number } {
  const splits = Math.ceil(p.kH / r);
  return { splits, halo: r * (splits - 1) };
}

/** What a plan depends on besides the shape: the threads, the memory, and the backend's settings. */
export interface PlanRoom {
  threads: number;
  /** Whether storages live in wasm memory (then a call takes the whole batch at once). */
  keepsStorages: boolean;
  gemmScratchFloats: number;
  /** Bytes of input and output images copied into wasm memory at a time (without keepsStorages). */
  blockBytes: number;
  /** Floats of transformed tiles (V and M) a block of Winograd's forward pass should hold, which one core's cache keeps. */
  blockFloats: number;
  /** Floats of the Winograd weight gradient's dU copies, one per thread, at most; beyond it the threads share one dU. */
  partialFloats: number;
  /** Winograd's tiling: by shape, or forced (see WinogradTiles). */
  winogradTiles?: WinogradTiles;
}

/** How a convolution is cut; see convPlan. */
export interface ConvPlan {
  method: ConvMethod;
  group: number;
  block: number;
  tasks: number;
  /** Scratch areas (threads that may run the tasks), of `scratchFloats` each. */
  areas: number;
  scratchFloats: number;
  /** Floats after the areas that all threads share (Winograd: U, or the weight gradient's shared dU); 0 for none. */
  sharedFloats: number;
  /** Winograd's blocks: tile rows of one image per block (0: `group` whole images), and the tiles a block holds, rounded up to 8. */
  rows: number;
  tiles: number;
  /** Winograd's tiling (see winogradTiling); 0 for im2col. */
  m: number;
  r: number;
}

/** Tiles a Winograd block fills at least, so that each pass over U feeds enough products (large channel counts). */
const WINOGRAD_MIN_BLOCK_TILES = 32;
/** XI_PAD of kernels/winograd.h: floats between the parts of U, of V and of M (one per element of a transformed tile). */
const WINOGRAD_XI_PAD = 16;

/**
 * How a convolution over `n` images is cut: `block` images per copy into wasm memory
 * (the whole batch where storages live there), then
 * - im2col: `tasks` shares of a block that the threads claim, and `group` images per
 *   product within a share (enough columns to keep the product efficient on small
 *   feature maps);
 * - Winograd: blocks of `group` whole images, or of `rows` tile rows of one image,
 *   whose transformed tiles fit `blockFloats`, claimed by the threads one by one (the
 *   weight gradient adds into a dU per thread where those copies fit `partialFloats`,
 *   else into one that the threads share, each task taking some output channels).
 * `p` is in forward form (see winogradInputGrad).
 */
export function convPlan(room: PlanRoom, p: Conv2dParams, method: ConvMethod, weightGrad = false): ConvPlan {
  const k = p.cIn * p.kH * p.kW;
  const hw = p.outH * p.outW;
  const inSize = p.cIn * p.h * p.w;
  const outSize = p.cOut * hw;
  const threads = room.threads;
  let block = room.keepsStorages ? p.n : Math.max(1, Math.floor(room.blockBytes / (4 * Math.max(1, inSize + outSize))));
  // A block that is not all of the batch is a whole number of rounds over the threads.
  if (block >= p.n) block = p.n;
  else if (block >= threads) block -= block % threads;
  const flops = 2 * p.n * outSize * k;
  if (method === 'winograd') return winogradPlan(room, p, block, flops >= PARALLEL_MIN_FLOPS, weightGrad);
  // The group a product would like, from the feature map's size and the im2col matrix's.
  let ideal = Math.max(1, Math.ceil(CONV_TARGET_COLUMNS / Math.max(1, hw)));
  ideal = Math.max(1, Math.min(ideal, Math.floor(CONV_MAX_COL_FLOATS / Math.max(1, k * hw))));
  // Threads take a share of a block's images each (up to 4 shares per thread, not
  // smaller than a group), so a block of few images gets smaller groups rather than idle threads.
  const perThread = Math.ceil(block / threads);
  const tasks = taskCount(threads, flops, block, Math.min(4, Math.max(1, Math.floor(perThread / ideal))));
  const perTask = Math.ceil(block / tasks);
  const group = Math.ceil(perTask / Math.ceil(perTask / ideal));
  const areas = scratchAreas(threads, tasks);
  // Per thread: the product's panels, an im2col matrix, a [cOut, columns] buffer, a partial dW.
  const scratchFloats = room.gemmScratchFloats + (k + p.cOut) * group * hw + (areas > 1 ? p.cOut * k : 0) + 16;
  return { method, group, block, tasks, areas, scratchFloats, sharedFloats: 0, rows: 0, tiles: 0, m: 0, r: 0 };
}

/**
 * The count (of rows or images, each `size` tiles) from `count` up to four times it, while
 * `fits`, whose tiles fill panels of eight best; `count` itself when its last panel is at
 * most an eighth empty.
 */
function leastPadded(count: number, size: number, fits: (c: number) => boolean): number {
  const pad = (c: number) => Math.ceil((c * size) / 8) * 8 - c * size;
  if (8 * pad(count) <= count * size) return count;
  let best = count;
  // pad(c) / (c size) < pad(best) / (best size), in integers.
  for (let c = count + 1; c <= 4 * count && fits(c); c++) if (pad(c) * best < pad(best) * c) best = c;
  return best;
}

/** convPlan for Winograd's tilings; `parallel` when the call's work pays for threads. */
function winogradPlan(room: PlanRoom, p: Conv2dParams, block: number, parallel: boolean, weightGrad: boolean): ConvPlan {
  const threads = room.threads;
  const { m, r } = winogradTiling(p, room.winogradTiles);
  // a: the side of an input tile; xi: the elements of a transformed one, each a product of its own.
  const a = m + r - 1, xi = a * a;
  const tilesH = Math.ceil(p.outH / m), tilesW = Math.ceil(p.outW / m);
  const perImage = tilesH * tilesW;
  const tasks = threads > 1 && parallel ? 2 * threads : 1;
  const areas = scratchAreas(threads, tasks);
  // The input channels of the products: one per channel and r x r block of the filter.
  const { splits, halo } = winogradSplits(p, r);
  const vIn = p.cIn * splits * splits;
  const cIn8 = Math.ceil(vIn / 8) * 8, cOut4 = Math.ceil(p.cOut / 4) * 4;
  const xiParts = (floats: number) => xi * (floats + WINOGRAD_XI_PAD);
  const cIn = weightGrad ? cIn8 : vIn;
  // Tiles per block: what the cache holds, but enough for U's sake, and blocks enough for every thread.
  let want = Math.max(WINOGRAD_MIN_BLOCK_TILES, Math.floor(room.blockFloats / (xi * (cIn + cOut4))));
  // Two blocks per thread balance the threads; but every block streams all of U, so where
  // U is large (16 MB at 512 channels in and out) each thread takes one.
  const perThread = cOut4 * vIn > room.blockFloats ? 1 : 2;
  if (tasks > 1) want = Math.min(want, Math.ceil((block * perImage) / (perThread * threads)));
  want = Math.max(8, want);
  let rows = perImage <= want ? 0 : Math.max(1, Math.min(tilesH, Math.floor(want / tilesW)));
  let group = rows > 0 ? 1 : Math.max(1, Math.min(block, Math.floor(want / perImage)));
  // The products run on panels of eight tiles, so a block of 25 tiles computes 32: take up
  // to four times the rows or images where that wastes less, keeping the blocks the threads want.
  const minBlocks = tasks > 1 ? perThread * threads : 1;
  if (rows > 0) rows = leastPadded(rows, tilesW, (c) => c <= tilesH && block * Math.ceil(tilesH / c) >= minBlocks);
  else group = leastPadded(group, perImage, (g) => g <= block && Math.ceil(block / g) >= minBlocks);
  const tiles = Math.ceil((rows > 0 ? rows * tilesW : group * perImage) / 8) * 8;
  // The padded rows of one channel of the block's planes: input (with the tiles' overlap) and output.
  const segments = rows > 0 ? 1 : group, blockRows = rows > 0 ? rows : tilesH;
  const inputPlanes = segments * (m * blockRows + a - m + halo) * (m * tilesW + a - m + halo);
  const round4 = (floats: number) => Math.ceil(floats / 4) * 4;
  const plan = { method: 'winograd' as const, group, block, tasks, areas, rows, tiles, m, r };
  if (weightGrad) {
    // Per thread: M and V, four channels of input and of output-gradient planes, two numbers per tile;
    // and a dU of its own where the copies fit, else one dU that all share.
    const duFloats = xiParts(cOut4 * cIn8);
    const own = areas * duFloats <= room.partialFloats;
    const gradPlanes = segments * m * blockRows * m * tilesW;
    const scratchFloats = round4((own ? duFloats : 0) + xiParts(cOut4 * tiles) + xiParts(cIn8 * tiles) + 4 * (inputPlanes + gradPlanes) + 2 * tiles);
    return { ...plan, scratchFloats, sharedFloats: own ? 0 : duFloats };
  }
  // Per thread: V and M, one channel of the block's input planes, three numbers per tile; shared: U.
  const scratchFloats = round4(xiParts(vIn * tiles) + xiParts(cOut4 * tiles) + inputPlanes + 3 * tiles);
  return { ...plan, scratchFloats, sharedFloats: xiParts(cOut4 * vIn) };
}

/** Floats of arena room a plan needs: its scratch areas and what they share. */
export function planFloats(plan: ConvPlan): number {
  return plan.scratchFloats * plan.areas + plan.sharedFloats;
}

/**
 * The parameter block of kernels/conv.c or kernels/winograd.h for `n` images (`p` in
 * forward form; `scratch` the address of planFloats(plan) floats; `flags` Winograd's).
 */
export function convArgs(p: Conv2dParams, n: number, x: number, w: number, bias: number, y: number, plan: ConvPlan, scratch: number, accumulate: boolean, flags = 0): number[] {
  if (plan.method === 'winograd') {
    // What the threads share (U, or the weight gradient's dU) follows the areas.
    const shared = plan.sharedFloats > 0 ? scratch + 4 * plan.scratchFloats * plan.areas : 0;
    return [
      n, p.cIn, p.h, p.w, p.cOut, p.padH, p.padW, p.outH, p.outW, x, w, bias, y,
      plan.group, plan.rows, plan.tiles, scratch, plan.scratchFloats, plan.tasks, plan.areas, shared, flags | (accumulate ? WINOGRAD_ACCUMULATE : 0), p.kH, plan.m, plan.r,
    ];
  }
  return [
    n, p.cIn, p.h, p.w, p.cOut, p.kH, p.kW, p.strideH, p.strideW, p.padH, p.padW, p.outH, p.outW,
    x, w, bias, y, plan.group, scratch, plan.scratchFloats, plan.tasks, accumulate ? 1 : 0, plan.areas,
  ];
}

/** The parameter block of pool2d_forward and pool2d_backward (kernels/pool.c); addresses in bytes, 0 where unused. */
export function poolArgs(p: Pool2dParams, x: number, y: number, dx: number, line: number, tasks: number): number[] {
  return [p.mode === 'max' ? 1 : 0, p.n * p.c, p.h, p.w, p.kH, p.kW, p.strideH, p.strideW, p.padH, p.padW, p.outH, p.outW, x, y, dx, line, tasks];
}

/**
 * A sum over `axes` of `shape` as [outer, kept, inner]: the reduced axes before the kept
 * ones, the kept ones, the reduced ones after (axes of length 1 fit anywhere; a whole sum
 * is all inner); null when the kept axes are not one run.
 */
export function keptRun(shape: readonly number[], axes: readonly number[]): [number, number, number] | null {
  const r = shape.length;
  const reduced = new Set(axes.map((a) => (a < 0 ? a + r : a)));
  const sizes = [1, 1, 1];
  let part = 0;
  for (let i = 0; i < r; i++) {
    if (shape[i] === 1) continue;
    const want = reduced.has(i) ? (part === 0 ? 0 : 2) : 1;
    if (want < part) return null;
    part = want;
    sizes[part] *= shape[i];
  }
  return sizes[1] === 1 ? [1, 1, sizes[0] * sizes[2]] : [sizes[0], sizes[1], sizes[2]];
}
