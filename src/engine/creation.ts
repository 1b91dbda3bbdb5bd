/**
 * Making tensors: from host values (nested arrays, typed arrays, numbers), constant
 * fills, ranges and seeded random numbers, on the active backend; and the shared
 * storages of scalar operands (the 2 in `x.mul(2)`).
 */
import type { Backend } from './backend';
import { activeBackend } from './runtime';
import { globalGenerator } from './random';
import { type Shape, fmt, shapeSize } from './shape';
import { StorageRef, Tensor, type NestedArray, type TensorOptions } from './tensor';

function inferShape(data: NestedArray): number[] {
  const shape: number[] = [];
  let d: NestedArray = data;
  while (Array.isArray(d)) {
    shape.push(d.length);
    d = d[0];
  }
  return shape;
}

function flattenNested(data: NestedArray, shape: number[], out: Float32Array): void {
  let k = 0;
  const walk = (d: NestedArray, axis: number): void => {
    if (axis === shape.length) {
      if (typeof d !== 'number') throw new Error('tensor(): ragged nested array');
      out[k++] = d;
      return;
    }
    if (!Array.isArray(d) || d.length !== shape[axis]) throw new Error('tensor(): ragged nested array');
    for (const v of d) walk(v, axis + 1);
  };
  walk(data, 0);
}

/** @internal A tensor on the active backend from host values. */
export function fromHost(values: Float32Array, shape: Shape, backend?: Backend): Tensor {
  const be = backend ?? activeBackend();
  return Tensor._fromStorage(be, be.fromData(values), shape);
}

/**
 * A tensor from nested arrays, a number, or a flat Float32Array / number[] with a shape.
 * `shape` may reshape nested data too (sizes must agree).
 */
export function tensor(data: NestedArray | Float32Array | readonly number[], shapeOrOpts?: Shape | TensorOptions, maybeOpts: TensorOptions = {}): Tensor {
  const shape = Array.isArray(shapeOrOpts) ? (shapeOrOpts as Shape) : undefined;
  const opts = shapeOrOpts && !Array.isArray(shapeOrOpts) ? (shapeOrOpts as TensorOptions) : maybeOpts;
  let values: Float32Array;
  let inferred: number[];
  if (data instanceof Float32Array) {
    values = data;
    inferred = [data.length];
  } else if (typeof data === 'number') {
    values = Float32Array.of(data);
    inferred = [];
  } else {
    inferred = inferShape(data as NestedArray);
    values = new Float32Array(shapeSize(inferred));
    flattenNested(data as NestedArray, inferred, values);
  }
  const s = shape ?? inferred;
  if (shapeSize(s) !== values.length) throw new Error(`tensor(): ${values.length} values do not fill shape ${fmt(s)}`);
  const t = fromHost(values, s);
  if (opts.requiresGrad) t.requiresGrad = true;
  return t;
}

export function full(shape: Shape, value: number, opts: TensorOptions = {}): Tensor {
  const be = activeBackend();
  const t = Tensor._fromStorage(be, be.fill(shapeSize(shape), value), shape);
  if (opts.requiresGrad) t.requiresGrad = true;
  return t;
}
export function zeros(shape: Shape, opts: TensorOptions = {}): Tensor {
  const be = activeBackend();
  const t = Tensor._fromStorage(be, be.zeros(shapeSize(shape)), shape);
  if (opts.requiresGrad) t.requiresGrad = true;
  return t;
}
export function ones(shape: Shape, opts: TensorOptions = {}): Tensor {
  return full(shape, 1, opts);
}
export function zerosLike(t: Tensor): Tensor {
  return Tensor._fromStorage(t.backend, t.backend.zeros(t.size), t.shape);
}
export function onesLike(t: Tensor): Tensor {
  return Tensor._fromStorage(t.backend, t.backend.fill(t.size, 1), t.shape);
}
/** Uniform numbers in [0, 1) from the global generator. */
export function rand(shape: Shape, opts: TensorOptions = {}): Tensor {
  const v = new Float32Array(shapeSize(shape));
  for (let i = 0; i < v.length; i++) v[i] = globalGenerator.nextFloat();
  return tensor(v, shape, opts);
}
/** Standard normal numbers from the global generator. */
export function randn(shape: Shape, opts: TensorOptions = {}): Tensor {
  const v = new Float32Array(shapeSize(shape));
  for (let i = 0; i < v.length; i++) v[i] = globalGenerator.nextNormal();
  return tensor(v, shape, opts);
}
/** arange(end), arange(start, end) or arange(start, end, step), like torch.arange. */
export function arange(start: number, end?: number, step = 1): Tensor {
  if (end === undefined) {
    end = start;
    start = 0;
  }
  if (step === 0) throw new Error('arange(): step must not be 0');
  const n = Math.max(0, Math.ceil((end - start) / step));
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = start + i * step;
  return tensor(v, [n]);
}
/** n evenly spaced values from start to end inclusive. */
export function linspace(start: number, end: number, n: number): Tensor {
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = n === 1 ? start : start + ((end - start) * i) / (n - 1);
  return tensor(v, [n]);
}
/** Identity matrix. */
export function eye(n: number, m = n): Tensor {
  const v = new Float32Array(n * m);
  for (let i = 0; i < Math.min(n, m); i++) v[i * m + i] = 1;
  return tensor(v, [n, m]);
}


/**
 * Scalar operands (the 2 in x.mul(2)) are immutable, so each backend keeps one storage
 * per value (up to a cap) and every scalar tensor of that value shares it; this saves a
 * fill per scalar op on the GPU. The cached storages are counted in memory().numBytes.
 */
const scalarCache = new WeakMap<Backend, Map<number, StorageRef>>();
const SCALAR_CACHE_LIMIT = 1024;

export function scalarLike(x: Tensor, v: number): Tensor {
  x._check();
  const be = x.backend;
  let cache = scalarCache.get(be);
  if (!cache) {
    cache = new Map();
    scalarCache.set(be, cache);
  }
  // (Map keys treat -0 as 0, so -0 is never cached.)
  let ref = Object.is(v, -0) ? undefined : cache.get(v);
  if (!ref) {
    if (cache.size >= SCALAR_CACHE_LIMIT || Object.is(v, -0)) return Tensor._fromStorage(be, be.fill(1, v), []);
    ref = new StorageRef(be, be.fill(1, v)); // the cache holds this first reference forever
    cache.set(v, ref);
  }
  ref.refs++;
  return new Tensor(ref, []);
}

export function asTensor(v: Tensor | number, like: Tensor): Tensor {
  return typeof v === 'number' ? scalarLike(like, v) : v;
}

