/**
 * Tensor, the autograd tape, and every differentiable primitive.
 *
 * In the spirit of micrograd: each primitive op computes its output through the
 * backend and, when gradients are wanted, records its parents and a `backward`
 * closure that maps the output's gradient to one gradient per parent. This file is
 * the ONE place where derivatives are written down; everything else (softmax,
 * batch norm, losses, layers) is composed from these primitives.
 *
 * Tensors are always contiguous row-major float32. `reshape` shares storage (storages
 * are reference counted); transposes and slices materialise a copy.
 *
 * Memory: every tensor holds backend memory until `dispose()`. `tidy(fn)` disposes
 * every tensor created inside `fn` except those it returns and those marked with
 * `keep()`. Parameters, buffers, gradients written by `backward()` and optimizer
 * state are kept automatically.
 */
import type { ActivationOp, Backend, BinaryOp, Conv2dParams, Pool2dParams, ReduceOp, Storage, UnaryOp } from './backend';
import { activeBackend, isLost } from './runtime';
import { globalGenerator } from './random';

export type Shape = readonly number[];

// ---------------------------------------------------------------------------------
// Shape helpers
// ---------------------------------------------------------------------------------

export function shapeSize(shape: Shape): number {
  let p = 1;
  for (const d of shape) p *= d;
  return p;
}

function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function fmt(shape: Shape): string {
  return `[${shape.join(', ')}]`;
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

function normAxis(axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank || !Number.isInteger(a)) throw new Error(`Axis ${axis} is out of range for a tensor of rank ${rank}`);
  return a;
}

function normAxes(axis: number | readonly number[] | undefined, rank: number): number[] {
  if (axis === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axis === 'number' ? [axis] : axis;
  const out = [...new Set(list.map((a) => normAxis(a, rank)))].sort((x, y) => x - y);
  return out;
}

function rowStrides(shape: Shape): number[] {
  const st = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    st[i] = s;
    s *= shape[i];
  }
  return st;
}

// ---------------------------------------------------------------------------------
// Global state: grad mode, tidy scopes, counters
// ---------------------------------------------------------------------------------

let gradEnabled = true;
const scopes: Set<Tensor>[] = [];
let liveTensors = 0;
let nextId = 1;

/** Runs `fn` without recording gradients (like `with torch.no_grad()`). Synchronous `fn` only. */
export function noGrad<T>(fn: () => T): T {
  const prev = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = prev;
  }
}

/** Whether ops currently record gradients. */
export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Marks a tensor so that no `tidy` scope disposes it. Returns it. */
export function keep<T extends Tensor>(t: T): T {
  t._kept = true;
  return t;
}

function collectTensors(value: unknown, out: Set<Tensor>, depth = 0): void {
  if (depth > 8 || value === null || typeof value !== 'object') return;
  if (value instanceof Tensor) {
    out.add(value);
    return;
  }
  if (Array.isArray(value)) {
    for (const v of value) collectTensors(v, out, depth + 1);
    return;
  }
  if (value instanceof Map) {
    for (const v of value.values()) collectTensors(v, out, depth + 1);
    return;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) {
    for (const v of Object.values(value as Record<string, unknown>)) collectTensors(v, out, depth + 1);
  }
}

/**
 * Runs `fn` and disposes every tensor created inside it, except the tensors it
 * returns (found in a returned tensor, array, Map or plain object) and kept ones.
 * Returned tensors move to the enclosing scope. `fn` must be synchronous.
 */
export function tidy<T>(fn: () => T): T {
  const scope = new Set<Tensor>();
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } catch (e) {
    scopes.pop();
    for (const t of scope) if (!t._kept) t.dispose();
    throw e;
  }
  scopes.pop();
  if (result instanceof Promise) {
    for (const t of scope) if (!t._kept) t.dispose();
    throw new Error('tidy() takes a synchronous function; await outside of it and tidy the synchronous parts');
  }
  const returned = new Set<Tensor>();
  collectTensors(result, returned);
  const parent = scopes[scopes.length - 1];
  for (const t of scope) {
    if (returned.has(t)) {
      if (parent) parent.add(t);
    } else if (!t._kept) t.dispose();
  }
  return result;
}

/** Disposes every tensor found in `value` (a tensor, array, Map or plain object). */
export function dispose(value: unknown): void {
  const found = new Set<Tensor>();
  collectTensors(value, found);
  for (const t of found) t.dispose();
}

/** Number of tensors not yet disposed. */
export function liveTensorCount(): number {
  return liveTensors;
}

// ---------------------------------------------------------------------------------
// Tensor
// ---------------------------------------------------------------------------------

/** Reference-counted storage shared by tensors that are reshapes of each other. */
class StorageRef {
  refs = 1;
  constructor(
    readonly backend: Backend,
    readonly storage: Storage,
  ) {}
  release(): void {
    if (--this.refs === 0 && !isLost(this.backend)) this.backend.free(this.storage);
  }
}

interface GradNode {
  op: string;
  parents: Tensor[];
  /** Maps the output gradient to one gradient (or null) per parent. */
  backward: (g: Tensor) => (Tensor | null)[];
}

export type NestedArray = number | NestedArray[];

export interface TensorOptions {
  requiresGrad?: boolean;
}

export class Tensor {
  readonly id: number;
  readonly shape: readonly number[];
  readonly size: number;
  /** Whether gradients flow to this tensor. Leaves with requiresGrad get `.grad` after backward(). */
  requiresGrad = false;
  /** Gradient accumulated by backward() (leaves only, unless retainGrad() was called). */
  grad: Tensor | null = null;
  /** @internal */ _ref: StorageRef;
  /** @internal */ _node: GradNode | null = null;
  /** @internal */ _kept = false;
  /** @internal */ _retainGrad = false;
  /** @internal */ _disposed = false;
  /** @internal marks nn parameters */ _isParameter = false;
  /** @internal set when backward() freed the node that made this tensor */ _graphFreed = false;

  /** @internal Use the factory functions (tensor, zeros, ...) instead. */
  constructor(ref: StorageRef, shape: Shape) {
    this.id = nextId++;
    this._ref = ref;
    this.shape = Object.freeze([...shape]);
    this.size = shapeSize(shape);
    liveTensors++;
    const scope = scopes[scopes.length - 1];
    if (scope) scope.add(this);
  }

  /** @internal */
  static _fromStorage(backend: Backend, storage: Storage, shape: Shape): Tensor {
    if (storage.size !== shapeSize(shape)) {
      throw new Error(`Internal error: storage of ${storage.size} elements for shape ${fmt(shape)}`);
    }
    return new Tensor(new StorageRef(backend, storage), shape);
  }

  get backend(): Backend {
    return this._ref.backend;
  }
  /** @internal the storage, after checking the tensor is usable */
  get _s(): Storage {
    this._check();
    return this._ref.storage;
  }
  get ndim(): number {
    return this.shape.length;
  }
  dim(): number {
    return this.shape.length;
  }
  get isDisposed(): boolean {
    return this._disposed;
  }
  /** The op that produced this tensor ('leaf' for created tensors). */
  get gradFn(): string | null {
    return this._node ? this._node.op : null;
  }
  get isLeaf(): boolean {
    return this._node === null;
  }

  /** @internal */
  _check(): void {
    if (this._disposed) throw new Error(`Tensor of shape ${fmt(this.shape)} was used after dispose() (was it created inside a tidy() that has ended?)`);
    if (isLost(this._ref.backend)) {
      throw new Error(`This tensor lives on a ${this._ref.backend.name} device that was lost; it is invalid. Recreate it after restartBackend().`);
    }
  }

  // ---- reading ------------------------------------------------------------------
  /** Copies the values to the host. */
  async data(): Promise<Float32Array> {
    this._check();
    return this._ref.backend.read(this._ref.storage);
  }
  /** Synchronous read; only on the cpu backend. */
  dataSync(): Float32Array {
    this._check();
    const be = this._ref.backend;
    if (!be.readSync) throw new Error(`dataSync() is only available on the cpu backend (this tensor is on '${be.name}'); use await t.data()`);
    return be.readSync(this._ref.storage);
  }
  /** The single value of a one-element tensor. */
  async item(): Promise<number> {
    if (this.size !== 1) throw new Error(`item() needs a tensor with one element, got shape ${fmt(this.shape)}`);
    return (await this.data())[0];
  }
  /** Synchronous item() (cpu only). */
  itemSync(): number {
    if (this.size !== 1) throw new Error(`itemSync() needs a tensor with one element, got shape ${fmt(this.shape)}`);
    return this.dataSync()[0];
  }
  /** The values as nested arrays of the tensor's shape. */
  async array(): Promise<NestedArray> {
    return nest(await this.data(), this.shape);
  }
  arraySync(): NestedArray {
    return nest(this.dataSync(), this.shape);
  }

  toString(): string {
    return `Tensor(shape=${fmt(this.shape)}, backend=${this._ref.backend.name}${this.requiresGrad ? ', requiresGrad' : ''}${this._disposed ? ', disposed' : ''})`;
  }

  // ---- memory ---------------------------------------------------------------------
  /** Releases the memory; the tensor must not be used afterwards. Safe to call twice. */
  dispose(): void {
    if (this._disposed) return;
    this._disposed = true;
    liveTensors--;
    this._ref.release();
    this._node = null;
    const scope = scopes[scopes.length - 1];
    if (scope) scope.delete(this);
  }

  /** Keeps this tensor alive past the enclosing tidy(). */
  keep(): this {
    this._kept = true;
    return this;
  }

  /**
   * Replaces the contents with a copy of `other` (same shape; a tensor, Float32Array or
   * flat number array). An in-place, untracked update (like PyTorch's `copy_` under
   * no_grad); reshapes that share this tensor's old storage keep the old values.
   */
  assign(other: Tensor | Float32Array | readonly number[]): this {
    this._check();
    const be = this._ref.backend;
    let storage: Storage;
    if (other instanceof Tensor) {
      other._check();
      if (!sameShape(other.shape, this.shape)) throw new Error(`assign(): shape ${fmt(other.shape)} does not match ${fmt(this.shape)}`);
      if (other.backend !== be) throw new Error('assign(): the tensors live on different backends');
      storage = be.slice(other._ref.storage, [this.size], [1], 0);
    } else {
      if (other.length !== this.size) throw new Error(`assign(): ${other.length} values for a tensor of ${this.size} elements`);
      storage = be.fromData(other instanceof Float32Array ? other : Float32Array.from(other));
    }
    this._replaceStorage(storage);
    return this;
  }

  /** @internal swaps in a new storage of the same size (old one released). */
  _replaceStorage(storage: Storage): void {
    const old = this._ref;
    this._ref = new StorageRef(old.backend, storage);
    old.release();
  }
  /** @internal takes over the storage of `other` (same size), which is then disposed. */
  _adopt(other: Tensor): void {
    const old = this._ref;
    this._ref = other._ref;
    other._ref.refs++;
    old.release();
    other.dispose();
  }

  // ---- autograd -------------------------------------------------------------------
  /** Sets requiresGrad (leaf tensors only) and returns this. */
  requiresGrad_(flag = true): this {
    if (this._node && !flag) throw new Error('requiresGrad_(false) is only allowed on leaf tensors; use detach()');
    this.requiresGrad = flag;
    return this;
  }
  /** Asks backward() to also fill `.grad` of this non-leaf tensor. */
  retainGrad(): this {
    this._retainGrad = true;
    return this;
  }
  /** A tensor sharing this one's values, cut from the graph. */
  detach(): Tensor {
    this._check();
    this._ref.refs++;
    return new Tensor(this._ref, this.shape);
  }
  /**
   * Back-propagates from this tensor: accumulates dL/dx into `.grad` of every leaf
   * that requires grad. `grad` defaults to 1 for a one-element tensor. The graph is
   * released afterwards unless `retainGraph`.
   */
  backward(grad?: Tensor, opts: { retainGraph?: boolean } = {}): void {
    runBackward(this, grad, opts.retainGraph ?? false);
  }

  // ---- layout ---------------------------------------------------------------------
  reshape(...shape: (number | readonly number[])[]): Tensor {
    return reshape(this, flatShapeArgs(shape));
  }
  /** Same as reshape (tensors are always contiguous). */
  view(...shape: (number | readonly number[])[]): Tensor {
    return reshape(this, flatShapeArgs(shape));
  }
  /** Merges axes start..end (inclusive) into one. */
  flatten(start = 0, end = -1): Tensor {
    if (this.ndim === 0) return reshape(this, [1]);
    const s = normAxis(start, this.ndim);
    const e = normAxis(end, this.ndim);
    if (e < s) throw new Error('flatten(): end axis before start axis');
    const shape = [...this.shape.slice(0, s), shapeSize(this.shape.slice(s, e + 1)), ...this.shape.slice(e + 1)];
    return reshape(this, shape);
  }
  /** Removes axes of size 1 (all of them, or the given one). */
  squeeze(axis?: number): Tensor {
    if (axis === undefined) return reshape(this, this.shape.filter((d) => d !== 1));
    const a = normAxis(axis, this.ndim);
    if (this.shape[a] !== 1) return reshape(this, this.shape);
    return reshape(this, this.shape.filter((_, i) => i !== a));
  }
  /** Inserts an axis of size 1 at `axis`. */
  unsqueeze(axis: number): Tensor {
    const a = normAxis(axis, this.ndim + 1);
    const s = [...this.shape];
    s.splice(a, 0, 1);
    return reshape(this, s);
  }
  transpose(d0: number, d1: number): Tensor {
    const perm = Array.from({ length: this.ndim }, (_, i) => i);
    const a = normAxis(d0, this.ndim), b = normAxis(d1, this.ndim);
    perm[a] = b;
    perm[b] = a;
    return permute(this, perm);
  }
  /** Transpose of a 2-D tensor. */
  t(): Tensor {
    if (this.ndim !== 2) throw new Error(`t() expects a 2-D tensor, got shape ${fmt(this.shape)}`);
    return permute(this, [1, 0]);
  }
  permute(...dims: (number | readonly number[])[]): Tensor {
    return permute(this, flatShapeArgs(dims));
  }
  /** Broadcasts to a larger shape (materialised). */
  expand(...shape: (number | readonly number[])[]): Tensor {
    const s = flatShapeArgs(shape);
    const off = s.length - this.ndim;
    return broadcastTo(this, s.map((d, i) => (d === -1 ? this.shape[i - off] : d)));
  }
  /** Elements start..start+length-1 along `axis`. */
  narrow(axis: number, start: number, length: number): Tensor {
    return narrow(this, axis, start, length);
  }
  /** A copy that stays in the graph. */
  clone(): Tensor {
    return unaryId(this);
  }

  // ---- element-wise -----------------------------------------------------------------
  add(o: Tensor | number): Tensor { return binary('add', this, o); }
  sub(o: Tensor | number): Tensor { return binary('sub', this, o); }
  mul(o: Tensor | number): Tensor { return binary('mul', this, o); }
  div(o: Tensor | number): Tensor { return binary('div', this, o); }
  pow(o: Tensor | number): Tensor { return binary('pow', this, o); }
  /** Element-wise maximum (torch.maximum). */
  maximum(o: Tensor | number): Tensor { return binary('max', this, o); }
  minimum(o: Tensor | number): Tensor { return binary('min', this, o); }
  gt(o: Tensor | number): Tensor { return binary('gt', this, o); }
  ge(o: Tensor | number): Tensor { return binary('ge', this, o); }
  lt(o: Tensor | number): Tensor { return binary('lt', this, o); }
  le(o: Tensor | number): Tensor { return binary('le', this, o); }
  eq(o: Tensor | number): Tensor { return binary('eq', this, o); }
  neg(): Tensor { return unary('neg', this); }
  exp(): Tensor { return unary('exp', this); }
  log(): Tensor { return unary('log', this); }
  sqrt(): Tensor { return unary('sqrt', this); }
  rsqrt(): Tensor { return unary('rsqrt', this); }
  abs(): Tensor { return unary('abs', this); }
  square(): Tensor { return unary('square', this); }
  reciprocal(): Tensor { return unary('reciprocal', this); }
  relu(): Tensor { return unary('relu', this); }
  sigmoid(): Tensor { return unary('sigmoid', this); }
  tanh(): Tensor { return unary('tanh', this); }
  sign(): Tensor { return unary('sign', this); }

  // ---- reductions ---------------------------------------------------------------------
  sum(axis?: number | readonly number[], keepdim = false): Tensor {
    return reduce('sum', this, axis, keepdim);
  }
  mean(axis?: number | readonly number[], keepdim = false): Tensor {
    const axes = normAxes(axis, this.ndim);
    const count = axes.reduce((c, a) => c * this.shape[a], 1);
    return tidyKeepGraph(() => reduce('sum', this, axes, keepdim).div(count));
  }
  /** Variance over axes (unbiased by default, like torch.var). */
  var(axis?: number | readonly number[], opts: { unbiased?: boolean; keepdim?: boolean } = {}): Tensor {
    const axes = normAxes(axis, this.ndim);
    const count = axes.reduce((c, a) => c * this.shape[a], 1);
    const denom = (opts.unbiased ?? true) ? count - 1 : count;
    return tidyKeepGraph(() => {
      const centred = this.sub(reduce('sum', this, axes, true).div(count));
      return reduce('sum', centred.square(), axes, opts.keepdim ?? false).div(denom);
    });
  }
  /** Maximum values over axes (values only; use argmax for indices). */
  max(axis?: number | readonly number[], keepdim = false): Tensor {
    return reduce('max', this, axis, keepdim);
  }
  min(axis?: number | readonly number[], keepdim = false): Tensor {
    return reduce('min', this, axis, keepdim);
  }
  /** Index of the maximum along `axis` (of the flattened tensor when omitted); first on ties. */
  argmax(axis?: number, keepdim = false): Tensor {
    if (axis === undefined) return argmax(reshape(this, [this.size]), 0, false);
    return argmax(this, axis, keepdim);
  }
  softmax(dim: number): Tensor {
    return softmax(this, dim);
  }
  logSoftmax(dim: number): Tensor {
    return logSoftmax(this, dim);
  }

  // ---- linear algebra -------------------------------------------------------------------
  /** Matrix product with PyTorch's rules (1-D, 2-D, batched with broadcast batch axes). */
  matmul(o: Tensor): Tensor {
    return matmul(this, o);
  }
  mm(o: Tensor): Tensor {
    return matmul(this, o);
  }
}

function flatShapeArgs(args: (number | readonly number[])[]): number[] {
  if (args.length === 1 && typeof args[0] !== 'number') return [...args[0]];
  return args as number[];
}

function nest(data: Float32Array, shape: Shape): NestedArray {
  if (shape.length === 0) return data[0];
  const build = (off: number, axis: number): NestedArray[] => {
    const n = shape[axis];
    if (axis === shape.length - 1) return Array.from(data.subarray(off, off + n));
    const step = shapeSize(shape.slice(axis + 1));
    return Array.from({ length: n }, (_, i) => build(off + i * step, axis + 1));
  };
  return build(0, 0);
}

// ---------------------------------------------------------------------------------
// Creation
// ---------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------
// The primitive ops and their derivatives
// ---------------------------------------------------------------------------------

function backendOf(...ts: Tensor[]): Backend {
  const be = ts[0].backend;
  for (const t of ts) {
    t._check();
    if (t.backend !== be) throw new Error(`Tensors live on different backends ('${be.name}' and '${t.backend.name}')`);
  }
  return be;
}

/**
 * Wraps a fresh storage as the output of an op; records the backward rule when any
 * input requires grad and grad mode is on.
 */
function output(
  be: Backend,
  storage: Storage,
  shape: Shape,
  op: string,
  parents: Tensor[],
  backward: ((g: Tensor) => (Tensor | null)[]) | null,
): Tensor {
  const t = Tensor._fromStorage(be, storage, shape);
  if (backward && gradEnabled && parents.some((p) => p.requiresGrad)) {
    t.requiresGrad = true;
    t._node = { op, parents, backward };
  }
  return t;
}

/**
 * Scalar operands (the 2 in x.mul(2)) are immutable, so each backend keeps one storage
 * per value (up to a cap) and every scalar tensor of that value shares it; this saves a
 * fill per scalar op on the GPU. The cached storages are counted in memory().numBytes.
 */
const scalarCache = new WeakMap<Backend, Map<number, StorageRef>>();
const SCALAR_CACHE_LIMIT = 1024;

function scalarLike(x: Tensor, v: number): Tensor {
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

function asTensor(v: Tensor | number, like: Tensor): Tensor {
  return typeof v === 'number' ? scalarLike(like, v) : v;
}

/** Sums a broadcast gradient back down to `shape`. */
export function sumTo(g: Tensor, shape: Shape): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const off = g.ndim - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.ndim; i++) {
    if (i < off || (shape[i - off] === 1 && g.shape[i] !== 1)) axes.push(i);
  }
  const r = axes.length ? reduce('sum', g, axes, true) : g;
  return reshape(r, shape);
}

function unaryId(x: Tensor): Tensor {
  const be = backendOf(x);
  return output(be, be.slice(x._s, [x.size], [1], 0), x.shape, 'clone', [x], (g) => [g]);
}

export function unary(op: UnaryOp, x: Tensor): Tensor {
  const be = backendOf(x);
  const y = output(be, be.unary(op, x._s), x.shape, op, [x], (g) => [unaryGrad(op, x, y, g)]);
  return y;
}

/** The fused activation gradient (backward runs without recording, so it needs no derivative of its own). */
function activationGrad(op: ActivationOp, v: Tensor, g: Tensor): Tensor {
  const be = backendOf(v, g);
  return output(be, be.activationBackward(op, v._s, g._s), v.shape, `${op}Backward`, [v, g], null);
}

/** d(op(x))/dx times g. */
function unaryGrad(op: UnaryOp, x: Tensor, y: Tensor, g: Tensor): Tensor | null {
  switch (op) {
    case 'neg': return g.neg();
    case 'exp': return g.mul(y);
    case 'log': return g.div(x);
    case 'sqrt': return g.div(y.mul(2));
    case 'rsqrt': return g.mul(y.square().mul(y).mul(-0.5));
    case 'abs': return g.mul(x.sign());
    case 'square': return g.mul(x.mul(2));
    case 'reciprocal': return g.mul(y.square()).neg();
    // g * step(x), g * y (1 - y) and g * (1 - y^2), each fused into one kernel.
    case 'relu': return activationGrad('relu', x, g);
    case 'sigmoid': return activationGrad('sigmoid', y, g);
    case 'tanh': return activationGrad('tanh', y, g);
    case 'step':
    case 'sign':
      return null;
  }
}


export function binary(op: BinaryOp, aIn: Tensor | number, bIn: Tensor | number): Tensor {
  const like = aIn instanceof Tensor ? aIn : (bIn as Tensor);
  const a = asTensor(aIn, like);
  const b = asTensor(bIn, like);
  const be = backendOf(a, b);
  const shape = broadcastShapes(a.shape, b.shape);
  const differentiable = !(op === 'gt' || op === 'ge' || op === 'lt' || op === 'le' || op === 'eq');
  const y = output(be, be.binary(op, a._s, a.shape, b._s, b.shape, shape), shape, op, [a, b], differentiable ? (g) => binaryGrad(op, a, b, y, g) : null);
  return y;
}

function binaryGrad(op: BinaryOp, a: Tensor, b: Tensor, y: Tensor, g: Tensor): (Tensor | null)[] {
  const needA = a.requiresGrad, needB = b.requiresGrad;
  let ga: Tensor | null, gb: Tensor | null;
  switch (op) {
    case 'add':
      ga = needA ? g : null;
      gb = needB ? g : null;
      break;
    case 'sub':
      ga = needA ? g : null;
      gb = needB ? g.neg() : null;
      break;
    case 'mul':
      ga = needA ? g.mul(b) : null;
      gb = needB ? g.mul(a) : null;
      break;
    case 'div':
      ga = needA ? g.div(b) : null;
      gb = needB ? g.mul(a).div(b.square()).neg() : null;
      break;
    case 'pow':
      // d(a^b)/da = b a^(b-1); d(a^b)/db = a^b log a.
      ga = needA ? g.mul(b).mul(a.pow(b.sub(1))) : null;
      gb = needB ? g.mul(y).mul(a.log()) : null;
      break;
    case 'max':
    case 'min': {
      // The larger (smaller) input takes the gradient; ties split it in half (PyTorch).
      const wins = op === 'max' ? a.gt(b) : a.lt(b);
      const share = wins.add(a.eq(b).mul(0.5));
      ga = needA ? g.mul(share) : null;
      gb = needB ? g.mul(share.neg().add(1)) : null;
      break;
    }
    default:
      return [null, null];
  }
  return [ga && sumTo(ga, a.shape), gb && sumTo(gb, b.shape)];
}

/** where(cond, a, b): a where cond != 0, else b (broadcasting all three). */
export function where(cond: Tensor, aIn: Tensor | number, bIn: Tensor | number): Tensor {
  const a = asTensor(aIn, cond);
  const b = asTensor(bIn, cond);
  const be = backendOf(cond, a, b);
  const shape = broadcastShapes(broadcastShapes(cond.shape, a.shape), b.shape);
  const c2 = broadcastTo(cond, shape);
  const a2 = broadcastTo(a, shape);
  const b2 = broadcastTo(b, shape);
  return output(be, be.where(c2._s, a2._s, b2._s), shape, 'where', [a2, b2], (g) => {
    const z = zerosLike(g);
    return [a2.requiresGrad ? where(c2, g, z) : null, b2.requiresGrad ? where(c2, z, g) : null];
  });
}

/** Materialised broadcast of x to `shape`; its gradient sums back. */
export function broadcastTo(x: Tensor, shape: Shape): Tensor {
  if (sameShape(x.shape, shape)) return x;
  const be = backendOf(x);
  const full = broadcastShapes(x.shape, shape);
  if (!sameShape(full, shape)) throw new Error(`Cannot broadcast shape ${fmt(x.shape)} to ${fmt(shape)}`);
  const off = shape.length - x.ndim;
  const own = rowStrides(x.shape);
  const strides = shape.map((d, i) => (i < off || x.shape[i - off] === 1 ? 0 : own[i - off]));
  return output(be, be.slice(x._s, shape, strides, 0), shape, 'expand', [x], (g) => [sumTo(g, x.shape)]);
}

export function reshape(x: Tensor, shapeIn: Shape): Tensor {
  x._check();
  const shape = [...shapeIn];
  const neg = shape.indexOf(-1);
  if (neg >= 0) {
    const rest = shapeSize(shape.filter((_, i) => i !== neg));
    if (rest === 0 || x.size % rest !== 0) throw new Error(`reshape(): cannot infer -1 for ${x.size} elements into ${fmt(shapeIn)}`);
    shape[neg] = x.size / rest;
  }
  if (shapeSize(shape) !== x.size) throw new Error(`reshape(): shape ${fmt(shapeIn)} is invalid for ${x.size} elements (shape ${fmt(x.shape)})`);
  x._ref.refs++;
  const y = new Tensor(x._ref, shape);
  if (gradEnabled && x.requiresGrad) {
    y.requiresGrad = true;
    y._node = { op: 'reshape', parents: [x], backward: (g) => [reshape(g, x.shape)] };
  }
  return y;
}

export function permute(x: Tensor, perm: readonly number[]): Tensor {
  const be = backendOf(x);
  if (perm.length !== x.ndim) throw new Error(`permute(): ${perm.length} axes for a tensor of rank ${x.ndim}`);
  const p = perm.map((a) => normAxis(a, x.ndim));
  if (new Set(p).size !== p.length) throw new Error(`permute(): repeated axis in [${perm}]`);
  if (p.every((a, i) => a === i)) return reshape(x, x.shape);
  const shape = p.map((a) => x.shape[a]);
  const inv = new Array<number>(p.length);
  p.forEach((a, i) => (inv[a] = i));
  return output(be, be.transpose(x._s, x.shape, p), shape, 'permute', [x], (g) => [permute(g, inv)]);
}

export function narrow(x: Tensor, axis: number, start: number, length: number): Tensor {
  const be = backendOf(x);
  const a = normAxis(axis, x.ndim);
  if (start < 0) start += x.shape[a];
  if (start < 0 || length < 0 || start + length > x.shape[a]) {
    throw new Error(`narrow(): [${start}, ${start + length}) is out of range for axis ${a} of size ${x.shape[a]}`);
  }
  const shape = [...x.shape];
  shape[a] = length;
  const strides = rowStrides(x.shape);
  return output(be, be.slice(x._s, shape, strides, start * strides[a]), shape, 'narrow', [x], (g) => {
    const parts: Tensor[] = [];
    if (start > 0) parts.push(zerosShaped(g, a, start));
    parts.push(g);
    const after = x.shape[a] - start - length;
    if (after > 0) parts.push(zerosShaped(g, a, after));
    return [parts.length === 1 ? g : cat(parts, a)];
  });
}

function zerosShaped(like: Tensor, axis: number, n: number): Tensor {
  const shape = [...like.shape];
  shape[axis] = n;
  return Tensor._fromStorage(like.backend, like.backend.zeros(shapeSize(shape)), shape);
}

/** Concatenates along `axis` (torch.cat). */
export function cat(xs: readonly Tensor[], axis = 0): Tensor {
  if (xs.length === 0) throw new Error('cat(): no tensors');
  const be = backendOf(...xs);
  const a = normAxis(axis, xs[0].ndim);
  for (const x of xs) {
    if (x.ndim !== xs[0].ndim || x.shape.some((d, i) => i !== a && d !== xs[0].shape[i])) {
      throw new Error(`cat(): shapes ${xs.map((t) => fmt(t.shape)).join(', ')} differ outside axis ${a}`);
    }
  }
  const shape = [...xs[0].shape];
  shape[a] = xs.reduce((s, x) => s + x.shape[a], 0);
  const storage = be.concat(xs.map((x) => x._s), xs.map((x) => x.shape), a);
  return output(be, storage, shape, 'cat', [...xs], (g) => {
    let at = 0;
    return xs.map((x) => {
      const piece = x.requiresGrad ? narrow(g, a, at, x.shape[a]) : null;
      at += x.shape[a];
      return piece;
    });
  });
}

/** Stacks equally shaped tensors along a new axis (torch.stack). */
export function stack(xs: readonly Tensor[], axis = 0): Tensor {
  if (xs.length === 0) throw new Error('stack(): no tensors');
  const a = normAxis(axis, xs[0].ndim + 1);
  return cat(xs.map((x) => x.unsqueeze(a)), a);
}

export function reduce(op: ReduceOp, x: Tensor, axis: number | readonly number[] | undefined, keepdim: boolean): Tensor {
  const be = backendOf(x);
  const axes = normAxes(axis, x.ndim);
  const kept = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const shape = keepdim ? kept : x.shape.filter((_, i) => !axes.includes(i));
  if (axes.length === 0) return reshape(x, x.shape);
  const storage = be.reduce(op, x._s, x.shape, axes);
  const y = output(be, storage, shape, op, [x], (g) => {
    const gk = reshape(g, kept);
    if (op === 'sum') return [broadcastTo(gk, x.shape)];
    let mask: Tensor;
    if (axes.length === 1 && axis !== undefined) {
      // max/min along one axis (torch.max(dim)): the gradient goes to the first extreme.
      const idx = argmax(op === 'max' ? x : x.neg(), axes[0], true);
      const iotaShape = x.shape.map((d, i) => (i === axes[0] ? d : 1));
      const iota = reshape(arangeOn(x.backend, x.shape[axes[0]]), iotaShape);
      mask = iota.eq(idx);
    } else {
      // Full or multi-axis max/min: ties share the gradient evenly (torch.amax).
      const hit = x.eq(reshape(y, kept));
      mask = hit.div(reduce('sum', hit, axes, true));
    }
    return [mask.mul(gk)];
  });
  return y;
}

function arangeOn(be: Backend, n: number): Tensor {
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = i;
  return fromHost(v, [n], be);
}

export function argmax(x: Tensor, axis: number, keepdim = false): Tensor {
  const be = backendOf(x);
  const a = normAxis(axis, x.ndim);
  const kept = x.shape.map((d, i) => (i === a ? 1 : d));
  const shape = keepdim ? kept : x.shape.filter((_, i) => i !== a);
  return output(be, be.argmax(x._s, x.shape, a), shape, 'argmax', [x], null);
}

/**
 * The raw batched product op(A) @ op(B) for 3-D tensors A [aB, r, c] and B [bB, r, c],
 * where op transposes the last two axes when asked. Differentiable.
 */
function bmm(a: Tensor, b: Tensor, transA: boolean, transB: boolean): Tensor {
  const be = backendOf(a, b);
  const [aB, ar, ac] = a.shape;
  const [bB, br, bc] = b.shape;
  const m = transA ? ac : ar;
  const k = transA ? ar : ac;
  const k2 = transB ? bc : br;
  const n = transB ? br : bc;
  if (k !== k2) throw new Error(`matmul(): inner sizes differ (${k} and ${k2})`);
  if (aB !== bB && aB !== 1 && bB !== 1) throw new Error(`matmul(): batch sizes ${aB} and ${bB} differ`);
  const batch = Math.max(aB, bB);
  const storage = be.matmul(a._s, b._s, { batch, m, n, k, transA, transB, aBatch: aB, bBatch: bB });
  return output(be, storage, [batch, m, n], 'matmul', [a, b], (g) => {
    let ga: Tensor | null = null, gb: Tensor | null = null;
    if (a.requiresGrad) {
      // dL/dop(A) = g op(B)^T; for a transposed A store its transpose: op(B) g^T.
      ga = transA ? bmm(b, g, transB, true) : bmm(g, b, false, !transB);
      if (aB === 1 && batch > 1) ga = reduce('sum', ga, 0, true);
    }
    if (b.requiresGrad) {
      // dL/dop(B) = op(A)^T g; for a transposed B: g^T op(A).
      gb = transB ? bmm(g, a, true, transA) : bmm(a, g, !transA, false);
      if (bB === 1 && batch > 1) gb = reduce('sum', gb, 0, true);
    }
    return [ga, gb];
  });
}

/** @internal x [..., k] @ w[n, k]^T as one product, without materialising w^T. */
export function matmulTransB(x: Tensor, w: Tensor): Tensor {
  const k = x.shape[x.ndim - 1];
  const lead = x.shape.slice(0, -1);
  const x3 = reshape(x, [1, shapeSize(lead), k]);
  const w3 = reshape(w, [1, w.shape[0], w.shape[1]]);
  return reshape(bmm(x3, w3, false, true), [...lead, w.shape[0]]);
}

export function matmul(a: Tensor, b: Tensor): Tensor {
  if (a.ndim === 0 || b.ndim === 0) throw new Error('matmul(): both arguments need at least one dimension');
  const aVec = a.ndim === 1, bVec = b.ndim === 1;
  const A = aVec ? reshape(a, [1, a.shape[0]]) : a;
  const B = bVec ? reshape(b, [b.shape[0], 1]) : b;
  const [m, k] = A.shape.slice(-2);
  const [k2, n] = B.shape.slice(-2);
  if (k !== k2) throw new Error(`matmul(): shapes ${fmt(a.shape)} and ${fmt(b.shape)} do not match (inner ${k} vs ${k2})`);
  const aBatchShape = A.shape.slice(0, -2), bBatchShape = B.shape.slice(0, -2);
  const batchShape = broadcastShapes(aBatchShape, bBatchShape);
  const batch = shapeSize(batchShape);
  const prep = (t: Tensor, bs: number[], r: number, c: number): Tensor => {
    const own = shapeSize(bs);
    if (own === batch || own === 1) return reshape(t, [own, r, c]);
    return reshape(broadcastTo(t, [...batchShape, r, c]), [batch, r, c]);
  };
  const out = bmm(prep(A, aBatchShape, m, k), prep(B, bBatchShape, k, n), false, false);
  let shape = [...batchShape, m, n];
  if (aVec) shape = shape.filter((_, i) => i !== shape.length - 2);
  if (bVec) shape = shape.slice(0, -1);
  return reshape(out, shape);
}

/** Convolution primitive (NCHW); `p` already resolved. */
export function conv2dPrim(x: Tensor, w: Tensor, bias: Tensor | null, p: Conv2dParams): Tensor {
  const be = bias ? backendOf(x, w, bias) : backendOf(x, w);
  const parents = bias ? [x, w, bias] : [x, w];
  return output(be, be.conv2d(x._s, w._s, bias ? bias._s : null, p), [p.n, p.cOut, p.outH, p.outW], 'conv2d', parents, (g) => {
    const gx = x.requiresGrad ? output(be, be.conv2dBackwardInput(g._s, w._s, p), x.shape, 'conv2dBackwardInput', [g, w], null) : null;
    const gw = w.requiresGrad ? output(be, be.conv2dBackwardWeight(x._s, g._s, p), w.shape, 'conv2dBackwardWeight', [x, g], null) : null;
    const gb = bias && bias.requiresGrad ? reduce('sum', g, [0, 2, 3], false) : null;
    return bias ? [gx, gw, gb] : [gx, gw];
  });
}

export function pool2dPrim(x: Tensor, p: Pool2dParams): Tensor {
  const be = backendOf(x);
  return output(be, be.pool2d(x._s, p), [p.n, p.c, p.outH, p.outW], p.mode === 'max' ? 'maxPool2d' : 'avgPool2d', [x], (g) => [
    output(be, be.pool2dBackward(x._s, g._s, p), x.shape, 'pool2dBackward', [], null),
  ]);
}

/**
 * Interpolation matrix R [outSize, inSize] of bilinear resizing along one axis
 * (align_corners=false), so that resizing is R_h X R_w^T.
 */
export function bilinearMatrix(inSize: number, outSize: number): Float32Array {
  const r = new Float32Array(outSize * inSize);
  const scale = inSize / outSize;
  for (let d = 0; d < outSize; d++) {
    let src = (d + 0.5) * scale - 0.5;
    if (src < 0) src = 0;
    const i0 = Math.min(Math.floor(src), inSize - 1);
    const i1 = i0 < inSize - 1 ? i0 + 1 : i0;
    const l1 = src - i0;
    r[d * inSize + i0] += 1 - l1;
    r[d * inSize + i1] += l1;
  }
  return r;
}

/** Bilinear resize of NCHW x; forward by the backend kernel, backward as R_h^T G R_w. */
export function resizeBilinearPrim(x: Tensor, outH: number, outW: number): Tensor {
  const be = backendOf(x);
  const [n, c, h, w] = x.shape;
  return output(be, be.resizeBilinear(x._s, n, c, h, w, outH, outW), [n, c, outH, outW], 'interpolateBilinear', [x], (g) => {
    const rh = fromHost(bilinearMatrix(h, outH), [1, outH, h], be);
    const rw = fromHost(bilinearMatrix(w, outW), [1, outW, w], be);
    const g3 = reshape(g, [n * c, outH, outW]);
    const t = bmm(rh, g3, true, false); // [nc, h, outW]
    return [reshape(bmm(t, rw, false, false), x.shape)];
  });
}

/** x * mask where the mask is the backend's dropout mask (no gradient to the mask). */
export function dropoutPrim(x: Tensor, p: number): Tensor {
  const be = backendOf(x);
  const seed = globalGenerator.nextUint32();
  const mask = Tensor._fromStorage(be, be.dropoutMask(x.size, p, seed), x.shape);
  return x.mul(mask);
}

// ---------------------------------------------------------------------------------
// Composites used by Tensor methods
// ---------------------------------------------------------------------------------

/**
 * Runs a composite op. With gradients off, intermediates are disposed right away;
 * with gradients on they stay alive because the graph needs them (a surrounding
 * tidy() disposes them).
 */
function tidyKeepGraph(fn: () => Tensor): Tensor {
  if (gradEnabled) return fn();
  return tidy(fn);
}

export function softmax(x: Tensor, dim: number): Tensor {
  return tidyKeepGraph(() => {
    const m = noGrad(() => reduce('max', x, dim, true));
    const e = x.sub(m).exp();
    return e.div(reduce('sum', e, dim, true));
  });
}

export function logSoftmax(x: Tensor, dim: number): Tensor {
  return tidyKeepGraph(() => {
    const m = noGrad(() => reduce('max', x, dim, true));
    const z = x.sub(m);
    return z.sub(reduce('sum', z.exp(), dim, true).log());
  });
}

// ---------------------------------------------------------------------------------
// backward()
// ---------------------------------------------------------------------------------

function runBackward(root: Tensor, seedIn: Tensor | undefined, retainGraph: boolean): void {
  root._check();
  if (!root.requiresGrad) throw new Error('backward(): this tensor does not require grad (no input had requiresGrad, or it was made under noGrad)');
  let seed: Tensor;
  if (seedIn) {
    if (!sameShape(seedIn.shape, root.shape)) throw new Error(`backward(): gradient shape ${fmt(seedIn.shape)} does not match ${fmt(root.shape)}`);
    seed = seedIn;
  } else {
    if (root.size !== 1) throw new Error(`backward(): a gradient is needed for a non-scalar output (shape ${fmt(root.shape)})`);
    seed = onesLike(root);
  }
  const userSeed = seedIn ?? null;

  // Reverse topological order by iterative depth-first search.
  const order: Tensor[] = [];
  const seen = new Set<Tensor>();
  const stack: [Tensor, number][] = [[root, 0]];
  seen.add(root);
  while (stack.length) {
    const top = stack[stack.length - 1];
    const [t, i] = top;
    const parents = t._node ? t._node.parents : [];
    if (i < parents.length) {
      top[1]++;
      const p = parents[i];
      if (p.requiresGrad && !seen.has(p)) {
        seen.add(p);
        stack.push([p, 0]);
      }
    } else {
      stack.pop();
      order.push(t);
    }
  }

  // Pending gradients of non-leaf tensors, with a count of holders of each gradient
  // tensor so that temporaries are disposed as soon as nothing needs them.
  const grads = new Map<Tensor, Tensor>();
  const holders = new Map<Tensor, number>();
  const hold = (t: Tensor) => holders.set(t, (holders.get(t) ?? 0) + 1);
  const release = (t: Tensor) => {
    const n = (holders.get(t) ?? 0) - 1;
    if (n > 0) holders.set(t, n);
    else {
      holders.delete(t);
      if (t !== userSeed && !t._kept) t.dispose();
    }
  };
  const held = (t: Tensor) => (holders.get(t) ?? 0) > 0 || t === userSeed;

  const accumulateLeaf = (leaf: Tensor, t: Tensor, fresh: boolean) => {
    if (leaf.grad && !leaf.grad.isDisposed) {
      leaf.grad._adopt(binary('add', leaf.grad, t));
      if (fresh) t.dispose();
    } else {
      leaf.grad = keep(fresh ? t : unaryId(t));
      const scope = scopes[scopes.length - 1];
      if (scope) scope.delete(leaf.grad);
    }
  };

  grads.set(root, seed);
  hold(seed);
  const prevGrad = gradEnabled;
  gradEnabled = false;
  try {
    for (let q = order.length - 1; q >= 0; q--) {
      const t = order[q];
      const g = grads.get(t);
      if (!g) continue;
      grads.delete(t);
      const node = t._node;
      if (!node) {
        if (t._graphFreed) {
          throw new Error('backward(): part of the graph was already used by an earlier backward() and freed; pass {retainGraph: true} to the first call');
        }
        accumulateLeaf(t, g, false);
        release(g);
        continue;
      }
      if (t._retainGrad) accumulateLeaf(t, g, false);
      const pg = tidyGrads(() => node.backward(g));
      pg.forEach((pgi, i) => {
        if (!pgi) return;
        const p = node.parents[i];
        const usedAgain = pg.indexOf(pgi) !== i || pg.lastIndexOf(pgi) !== i;
        if (!p.requiresGrad) {
          if (!held(pgi) && pgi !== g && !usedAgain) pgi.dispose();
          return;
        }
        if (!p._node) {
          if (p._graphFreed) {
            throw new Error('backward(): part of the graph was already used by an earlier backward() and freed; pass {retainGraph: true} to the first call');
          }
          // A leaf: accumulate straight into .grad.
          const fresh = !held(pgi) && pgi !== g && !usedAgain;
          accumulateLeaf(p, pgi, fresh);
          return;
        }
        const existing = grads.get(p);
        if (existing) {
          const sum = binary('add', existing, pgi);
          grads.set(p, sum);
          hold(sum);
          release(existing);
          if (!held(pgi) && pgi !== g && !usedAgain) pgi.dispose();
        } else {
          grads.set(p, pgi);
          hold(pgi);
        }
      });
      release(g);
      if (!retainGraph) {
        t._node = null;
        t._graphFreed = true;
      }
    }
  } finally {
    gradEnabled = prevGrad;
    for (const g of grads.values()) release(g);
  }
}

/** Runs a backward rule, disposing its temporaries but not the gradients it returns. */
function tidyGrads(fn: () => (Tensor | null)[]): (Tensor | null)[] {
  return tidy(fn);
}

export { output as _output, backendOf as _backendOf, bmm as _bmm };
