/**
 * Tensor: a shape over reference-counted backend storage, with the autograd fields
 * the tape (autograd.ts) fills in, and the memory rules.
 *
 * Tensors are always contiguous row-major float32. `reshape` shares storage (storages
 * are reference counted); transposes and slices materialise a copy.
 *
 * Memory: every tensor holds backend memory until `dispose()`. `tidy(fn)` disposes
 * every tensor created inside `fn` except those it returns and those marked with
 * `keep()`. Parameters, buffers, gradients written by `backward()` and optimizer
 * state are kept automatically.
 *
 * The ops live in ops/ (one file per op family, each with its forward, gradient,
 * shape rule and kernels); the element-wise ones (ops/elementwise.ts) install their
 * methods on Tensor from their table. This module and everything it imports must not
 * import ops/elementwise.ts, which extends Tensor when it loads.
 */
import type { Backend, Storage } from './backend';
import { isLost } from './runtime';
import { type Shape, fmt, normAxis, normAxes, sameShape, shapeSize } from './shape';
import { runBackward, type GradNode } from './autograd';
import { broadcastTo, narrow, permute, reshape, unaryId } from './ops/layout';
import { argmax, logSoftmax, reduce, softmax } from './ops/reduce';
import { matmul } from './ops/matmul';

export type { Shape } from './shape';

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

/** @internal Sets whether ops record gradients; returns the previous setting. */
export function setGradEnabled(on: boolean): boolean {
  const prev = gradEnabled;
  gradEnabled = on;
  return prev;
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
export class StorageRef {
  refs = 1;
  constructor(
    readonly backend: Backend,
    readonly storage: Storage,
  ) {}
  release(): void {
    if (--this.refs === 0 && !isLost(this.backend)) this.backend.free(this.storage);
  }
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
  /** Synchronous read; only on backends with host memory (cpu, wasm). */
  dataSync(): Float32Array {
    this._check();
    const be = this._ref.backend;
    if (!be.readSync) throw new Error(`dataSync() is only available on backends with host memory, cpu and wasm (this tensor is on '${be.name}'); use await t.data()`);
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


/**
 * Runs a composite op. With gradients off, intermediates are disposed right away;
 * with gradients on they stay alive because the graph needs them (a surrounding
 * tidy() disposes them).
 */
export function tidyKeepGraph(fn: () => Tensor): Tensor {
  if (gradEnabled) return fn();
  return tidy(fn);
}

/** @internal The innermost tidy() scope, if any. */
export function currentScope(): Set<Tensor> | undefined {
  return scopes[scopes.length - 1];
}
