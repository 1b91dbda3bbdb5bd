/**
 * Receptive-field geometry of a stack of square conv / pooling layers, as pure
 * functions. The widget checks every region computed here against the engine (the
 * gradient of one output cell is nonzero exactly on the cells it depends on), and the
 * property tests compare both with a brute-force reference.
 */
import { outSize as convOutSize } from '../common/grid';

export type LayerKind = 'conv' | 'max' | 'avg';

export interface LayerSpec {
  kind: LayerKind;
  /** Square kernel side. */
  k: number;
  stride: number;
  padding: number;
}

/** Limits of what the widget lets a reader build (and what sanitising clamps to). */
export const LIMITS = {
  minInput: 1,
  maxInput: 32,
  maxLayers: 6,
  minK: 1,
  maxK: 7,
  maxStride: 4,
} as const;

/**
 * Largest padding allowed for a layer. Pooling follows PyTorch (at most half the
 * window). Convolution allows up to k - 1: one more and the border outputs would see
 * only padding zeros and depend on no input cell at all.
 */
export function maxPadding(kind: LayerKind, k: number): number {
  return kind === 'conv' ? Math.max(0, k - 1) : Math.floor(k / 2);
}

/** Side of a layer's output map on an input of side n (the engine's shape rule). */
export function outSize(n: number, l: LayerSpec): number {
  return convOutSize(n, l.k, l.padding, l.stride);
}

export type LayerProblem =
  | { code: 'kernel-too-large'; inputSize: number; padded: number }
  | { code: 'padding-too-large'; max: number }
  | { code: 'bad-number' };

/** Why a layer cannot run on an input of side `n`, or null when it can. */
export function layerProblem(n: number, l: LayerSpec): LayerProblem | null {
  if (![l.k, l.stride, l.padding, n].every((v) => Number.isInteger(v)) || l.k < 1 || l.stride < 1 || l.padding < 0 || n < 1) return { code: 'bad-number' };
  const maxP = maxPadding(l.kind, l.k);
  if (l.padding > maxP) return { code: 'padding-too-large', max: maxP };
  if (n + 2 * l.padding < l.k) return { code: 'kernel-too-large', inputSize: n, padded: n + 2 * l.padding };
  return null;
}

export interface LayerGeometry {
  /** Side of this layer's output map. */
  size: number;
  /** Receptive-field size on the input (the classic formula, ignoring borders). */
  rf: number;
  /** Jump: distance on the input between neighbouring cells of this layer. */
  jump: number;
  /** Input coordinate of the first cell's receptive-field start (may be negative: padding). */
  start: number;
}

export interface StackGeometry {
  inputSize: number;
  /** One entry per layer that can run; stops at the first invalid layer. */
  layers: LayerGeometry[];
  /** Index of the first layer that cannot run, with the reason; null when all run. */
  invalidAt: number | null;
  problem: LayerProblem | null;
}

/**
 * Sizes, receptive-field sizes and jumps of every layer. Layer 0 of `layers` is the
 * first conv/pool layer; the input itself has size inputSize, rf 1, jump 1, start 0.
 */
export function stackGeometry(inputSize: number, stack: readonly LayerSpec[]): StackGeometry {
  const layers: LayerGeometry[] = [];
  let n = inputSize;
  let rf = 1;
  let jump = 1;
  let start = 0;
  for (let i = 0; i < stack.length; i++) {
    const l = stack[i];
    const problem = layerProblem(n, l);
    if (problem) return { inputSize, layers, invalidAt: i, problem };
    n = outSize(n, l);
    rf = rf + (l.k - 1) * jump;
    start = start - l.padding * jump;
    jump = jump * l.stride;
    layers.push({ size: n, rf, jump, start });
  }
  return { inputSize, layers, invalidAt: null, problem: null };
}

/**
 * Which cells of each earlier map one cell depends on, along one axis. Returns one
 * boolean mask per map, from the input (index 0) to the chosen layer's own map
 * (index `layer + 1`, where only `index` is set). A cell of a map is in the mask when
 * the chosen cell's value can change if that cell changes. Padding is not a cell.
 */
export function dependencyMasks1d(inputSize: number, stack: readonly LayerSpec[], layer: number, index: number): boolean[][] {
  const sizes = [inputSize];
  for (let i = 0; i <= layer; i++) sizes.push(outSize(sizes[i], stack[i]));
  const masks: boolean[][] = sizes.map((n) => new Array<boolean>(n).fill(false));
  masks[layer + 1][index] = true;
  for (let m = layer; m >= 0; m--) {
    const l = stack[m];
    const below = masks[m];
    const above = masks[m + 1];
    for (let o = 0; o < above.length; o++) {
      if (!above[o]) continue;
      const first = o * l.stride - l.padding;
      for (let t = Math.max(0, first); t < Math.min(below.length, first + l.k); t++) below[t] = true;
    }
  }
  return masks;
}

export interface Region {
  /** First and last row/column (inclusive) of the cells depended on. */
  rowSpan: [number, number];
  colSpan: [number, number];
  /** Number of cells depended on (rows x columns; may be fewer than the span when stride > kernel). */
  rows: number;
  cols: number;
}

export interface Selection {
  /** Map index: 0 is the input, i + 1 the output of layer i. */
  map: number;
  row: number;
  col: number;
}

export interface DependencyResult {
  /** Per map (0 = input ... selection.map): which rows and columns are depended on. */
  rowMasks: boolean[][];
  colMasks: boolean[][];
  regions: Region[];
}

function spanOf(mask: readonly boolean[]): { span: [number, number]; count: number } {
  let lo = -1;
  let hi = -1;
  let count = 0;
  mask.forEach((on, i) => {
    if (!on) return;
    if (lo < 0) lo = i;
    hi = i;
    count++;
  });
  return { span: [lo, hi], count };
}

/** The cells every earlier map contributes to the selected cell (square maps, separable). */
export function dependencies(inputSize: number, stack: readonly LayerSpec[], sel: Selection): DependencyResult {
  if (sel.map === 0) {
    const m = new Array<boolean>(inputSize).fill(false);
    const rm = m.slice();
    rm[sel.row] = true;
    const cm = m.slice();
    cm[sel.col] = true;
    return { rowMasks: [rm], colMasks: [cm], regions: [{ rowSpan: [sel.row, sel.row], colSpan: [sel.col, sel.col], rows: 1, cols: 1 }] };
  }
  const rowMasks = dependencyMasks1d(inputSize, stack, sel.map - 1, sel.row);
  const colMasks = dependencyMasks1d(inputSize, stack, sel.map - 1, sel.col);
  const regions = rowMasks.map((rm, i) => {
    const r = spanOf(rm);
    const c = spanOf(colMasks[i]);
    return { rowSpan: r.span, colSpan: c.span, rows: r.count, cols: c.count };
  });
  return { rowMasks, colMasks, regions };
}

/** A layer of the given kind and square side (stride 1 and no padding unless given). */
export function layer(kind: LayerKind, k: number, stride = 1, padding = 0): LayerSpec {
  return { kind, k, stride, padding };
}

/** The original chapter’s examples: two 2x2 convolutions on 3x3 (the 9-cell field), three 3x3 layers, and LeNet's conv/pool stack. */
export const PRESETS: Record<'twoByTwo' | 'threeByThree' | 'lenet', { inputSize: number; stack: LayerSpec[] }> = {
  twoByTwo: { inputSize: 3, stack: [layer('conv', 2), layer('conv', 2)] },
  threeByThree: { inputSize: 7, stack: [layer('conv', 3), layer('conv', 3), layer('conv', 3)] },
  lenet: { inputSize: 28, stack: [layer('conv', 5, 1, 2), layer('avg', 2, 2), layer('conv', 5), layer('avg', 2, 2)] },
};
