/**
 * Shape and index arithmetic shared by the engine and every backend: sizes, row-major
 * strides, broadcasting, axis normalisation, and the coalescing of axes that strided
 * kernels walk as one.
 */

export type Shape = readonly number[];

/** Number of elements of a shape (1 for a scalar). */
export function shapeSize(shape: Shape): number {
  let p = 1;
  for (const d of shape) p *= d;
  return p;
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** `[2, 3]` for error messages. */
export function fmt(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

/** Row-major strides of a shape. */
export function stridesOf(shape: Shape): number[] {
  const st = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    st[i] = s;
    s *= shape[i];
  }
  return st;
}

/** NumPy/PyTorch broadcast of two shapes. */
export function broadcastShapes(a: Shape, b: Shape): number[] {
  const r = Math.max(a.length, b.length);
  const out = new Array<number>(r);
  for (let i = 0; i < r; i++) {
    const da = a[a.length - r + i] ?? 1;
    const db = b[b.length - r + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) throw new Error(`Shapes ${fmt(a)} and ${fmt(b)} cannot be broadcast together`);
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Strides of an input of `shape` read as if broadcast to `outShape` (0 on stretched axes). */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const off = outShape.length - shape.length;
  const own = stridesOf(shape);
  return outShape.map((o, i) => {
    const k = i - off;
    if (k < 0) return 0;
    const d = shape[k];
    if (d === o) return d === 1 ? 0 : own[k];
    if (d === 1) return 0;
    throw new Error(`Shape ${fmt(shape)} does not broadcast to ${fmt(outShape)}`);
  });
}

/**
 * Drops size-1 axes and merges neighbouring axes that every stride set walks as one
 * (stride[d-1] == stride[d] * shape[d]), so strided loops run over as few, as long,
 * rows as possible. A shape that collapses entirely becomes `[1]` with stride 0 when
 * `keepOne` is set.
 */
export function coalesceAxes(shape: Shape, strideSets: readonly Shape[], keepOne = false): { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const outStrides: number[][] = strideSets.map(() => []);
  for (let i = 0; i < shape.length; i++) {
    if (shape[i] === 1) continue;
    const last = outShape.length - 1;
    if (last >= 0 && strideSets.every((st, k) => outStrides[k][last] === st[i] * shape[i])) {
      outShape[last] *= shape[i];
      strideSets.forEach((st, k) => (outStrides[k][last] = st[i]));
    } else {
      outShape.push(shape[i]);
      strideSets.forEach((st, k) => outStrides[k].push(st[i]));
    }
  }
  if (keepOne && outShape.length === 0) {
    outShape.push(1);
    outStrides.forEach((s) => s.push(0));
  }
  return { shape: outShape, strides: outStrides };
}

/** A possibly negative axis as an index in [0, rank). */
export function normAxis(axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank || !Number.isInteger(a)) throw new Error(`Axis ${axis} is out of range for a tensor of rank ${rank}`);
  return a;
}

/** Sorted, distinct, non-negative axes (all axes when `axis` is undefined). */
export function normAxes(axis: number | readonly number[] | undefined, rank: number): number[] {
  if (axis === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axis === 'number' ? [axis] : axis;
  return [...new Set(list.map((a) => normAxis(a, rank)))].sort((x, y) => x - y);
}

/** Sizes before, along and after `axis`: the (outer, length, inner) view of a tensor. */
export function aroundAxis(shape: Shape, axis: number): { outer: number; len: number; inner: number } {
  return { outer: shapeSize(shape.slice(0, axis)), len: shape[axis], inner: shapeSize(shape.slice(axis + 1)) };
}

/** Output size of a convolution or pooling window along one axis. */
export function outSize(n: number, k: number, pad: number, stride: number): number {
  return Math.floor((n + 2 * pad - k) / stride) + 1;
}
