/**
 * nn.Module, the base of every layer and model, with PyTorch's vocabulary.
 *
 * Registration follows PyTorch's attribute style: a field holding a Module (or an
 * array of Modules, named `field.i` like a ModuleList) is a child, and a field holding
 * a parameter (made with `Parameter(t)` or `this.param(t)`) is a parameter, named
 * after the field, in declaration order. Buffers (running statistics) are registered
 * explicitly with `registerBuffer(name, t)` because their PyTorch names
 * (`running_mean`) are not field names. Fields whose names start with `_` are ignored.
 *
 * A module used in two places is one module: its parameters are listed once and
 * receive the sum of both uses' gradients (parameter tying).
 */
import { Tensor, keep, noGrad } from '../tensor';

/** Marks a tensor as a trainable parameter: requiresGrad, kept past tidy(). */
export function Parameter(t: Tensor): Tensor {
  if (!t.isLeaf) t = t.detach();
  t.requiresGrad = true;
  t._isParameter = true;
  return keep(t);
}

export function isParameter(v: unknown): v is Tensor {
  return v instanceof Tensor && v._isParameter;
}

export type StateDict = Record<string, Tensor>;

export interface ShapeOptions {
  lenient?: boolean;
}
/** A state-dict entry held on the host (for checkpoints and moving between devices). */
export interface HostTensor {
  shape: readonly number[];
  data: Float32Array | readonly number[];
}

export interface LoadResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

function fmt(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

export class Module {
  /**
   * The class name shown by toString(), traceShapes and errors. Minified builds rename
   * classes, so every engine layer sets it; custom modules may set their own
   * (`static override typeName = 'Residual'`), otherwise constructor.name is used.
   */
  static typeName?: string;

  /** Training mode (dropout active, batch norm uses batch statistics). */
  training = true;
  /** @internal buffers by state-dict name, in registration order */
  _buffers: Map<string, Tensor | null> = new Map();
  /** @internal parameters registered under names that are not fields */
  _params: Map<string, Tensor | null> = new Map();

  /** This module's class name (see the static `typeName`). */
  get typeName(): string {
    const ctor = this.constructor as typeof Module;
    return Object.prototype.hasOwnProperty.call(ctor, 'typeName') && ctor.typeName ? ctor.typeName : ctor.name;
  }

  /** The computation; subclasses override it. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  forward(..._args: any[]): any {
    throw new Error(`${this.typeName} does not implement forward()`);
  }

  /**
   * The output shape for an input of shape `input`, without running anything, from the
   * same shape rules the ops check (ops/conv.ts, ops/pool.ts, ...); throws an Error that
   * says why when the input does not fit. Element-wise layers keep the shape (this
   * default); layers that change it override it. `lenient`: dense layers accept any
   * number of input features (to ask which input sizes the convolutional part accepts).
   */
  outputShape(input: readonly number[], _opts: ShapeOptions = {}): number[] {
    return [...input];
  }

  /** Calls forward (PyTorch's `net(x)`). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  call(...args: any[]): any {
    return this.forward(...args);
  }

  /** Makes a tensor a parameter of this module (assign the result to a field). */
  protected param(t: Tensor): Tensor {
    return Parameter(t);
  }

  /** Registers a parameter under an explicit name (for names that are not fields). */
  registerParameter(name: string, t: Tensor | null): Tensor | null {
    this._params.set(name, t ? Parameter(t) : null);
    return t;
  }

  /** Registers a buffer: state that is saved in stateDict but not trained. */
  registerBuffer(name: string, t: Tensor | null): Tensor | null {
    if (t) keep(t);
    this._buffers.set(name, t);
    return t;
  }

  /** Buffer by name. */
  getBuffer(name: string): Tensor | null {
    return this._buffers.get(name) ?? null;
  }

  // ---- traversal ----------------------------------------------------------------
  /** Direct children with their names, in registration order. */
  namedChildren(): [string, Module][] {
    const out: [string, Module][] = [];
    for (const [key, value] of Object.entries(this)) {
      if (key.startsWith('_')) continue;
      if (value instanceof Module) out.push([key, value]);
      else if (Array.isArray(value) && value.length > 0 && value.every((v) => v instanceof Module)) {
        value.forEach((m: Module, i) => out.push([`${key}.${i}`, m]));
      }
    }
    return out;
  }

  children(): Module[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /** This module's own parameters (not its children's), in registration order. */
  namedOwnParameters(): [string, Tensor | null][] {
    const out: [string, Tensor | null][] = [];
    for (const [key, value] of Object.entries(this)) {
      if (key.startsWith('_')) continue;
      if (isParameter(value)) out.push([key, value]);
    }
    for (const [k, v] of this._params) out.push([k, v]);
    return out;
  }

  /** Every module in the tree, this one first (named ''), each listed once. */
  namedModules(prefix = '', seen: Set<Module> = new Set()): [string, Module][] {
    if (seen.has(this)) return [];
    seen.add(this);
    const out: [string, Module][] = [[prefix, this]];
    for (const [name, child] of this.namedChildren()) {
      out.push(...child.namedModules(prefix ? `${prefix}.${name}` : name, seen));
    }
    return out;
  }

  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }

  /** Parameters with dotted names like `0.weight` or `1.0.bias`; shared ones once. */
  namedParameters(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    const seen = new Set<Tensor>();
    for (const [prefix, m] of this.namedModules()) {
      for (const [name, p] of m.namedOwnParameters()) {
        if (!p || seen.has(p)) continue;
        seen.add(p);
        out.push([prefix ? `${prefix}.${name}` : name, p]);
      }
    }
    return out;
  }

  parameters(): Tensor[] {
    return this.namedParameters().map(([, p]) => p);
  }

  namedBuffers(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    const seen = new Set<Tensor>();
    for (const [prefix, m] of this.namedModules()) {
      m.syncBuffers();
      for (const [name, b] of m._buffers) {
        if (!b || seen.has(b)) continue;
        seen.add(b);
        out.push([prefix ? `${prefix}.${name}` : name, b]);
      }
    }
    return out;
  }

  buffers(): Tensor[] {
    return this.namedBuffers().map(([, b]) => b);
  }

  // ---- state ----------------------------------------------------------------------
  /**
   * Parameters and buffers by name (the live tensors, like PyTorch's state_dict()).
   * Per module, parameters come before buffers.
   */
  stateDict(): StateDict {
    // Like PyTorch, a module reached by two paths (tied layers) appears under both names.
    const sd: StateDict = {};
    const paths = (m: Module, prefix: string): [string, Module][] => [
      [prefix, m],
      ...m.namedChildren().flatMap(([n, c]) => paths(c, prefix ? `${prefix}.${n}` : n)),
    ];
    for (const [prefix, m] of paths(this, '')) {
      const name = (n: string) => (prefix ? `${prefix}.${n}` : n);
      for (const [n, p] of m.namedOwnParameters()) if (p) sd[name(n)] = p;
      m.syncBuffers();
      for (const [n, b] of m._buffers) if (b) sd[name(n)] = b;
    }
    return sd;
  }

  /** The state dict copied to the host: { name: { shape, data } }. */
  async stateDictData(): Promise<Record<string, { shape: number[]; data: Float32Array }>> {
    const out: Record<string, { shape: number[]; data: Float32Array }> = {};
    for (const [k, t] of Object.entries(this.stateDict())) out[k] = { shape: [...t.shape], data: await t.data() };
    return out;
  }

  /**
   * Copies values into this module's parameters and buffers. Entries may be tensors
   * (on the same backend, or on the cpu backend) or host data `{shape, data}`. With
   * `strict` (the default) missing or unexpected keys are an error; a shape mismatch
   * is always an error. Nothing is changed when an error is thrown.
   */
  loadStateDict(sd: Record<string, Tensor | HostTensor> | Map<string, Tensor | HostTensor>, opts: { strict?: boolean } = {}): LoadResult {
    const strict = opts.strict ?? true;
    const source = sd instanceof Map ? sd : new Map(Object.entries(sd));
    const own = this.stateDict();
    const missingKeys = Object.keys(own).filter((k) => !source.has(k));
    const unexpectedKeys = [...source.keys()].filter((k) => !(k in own));
    const errors: string[] = [];
    const plan: [Tensor, Tensor | HostTensor][] = [];
    for (const [k, target] of Object.entries(own)) {
      const src = source.get(k);
      if (!src) continue;
      const shape = src.shape;
      const sameSize = shape.reduce((a, b) => a * b, 1) === target.size;
      const scalarish = sameSize && target.size === 1 && shape.length <= 1 && target.ndim <= 1;
      if (!scalarish && (shape.length !== target.ndim || shape.some((d, i) => d !== target.shape[i]))) {
        errors.push(`size mismatch for ${k}: copying a tensor of shape ${fmt(shape)} from the state dict, the shape in the current model is ${fmt(target.shape)}`);
        continue;
      }
      if (!(src instanceof Tensor) && src.data.length !== target.size) {
        errors.push(`${k}: ${src.data.length} values for shape ${fmt(shape)}`);
        continue;
      }
      if (src instanceof Tensor && src.backend !== target.backend && !src.backend.readSync) {
        errors.push(`${k}: the tensor lives on another '${src.backend.name}' device; pass host data ({shape, data}) instead`);
        continue;
      }
      plan.push([target, src]);
    }
    if (strict) {
      if (missingKeys.length) errors.push(`Missing key(s) in state dict: ${missingKeys.map((k) => `"${k}"`).join(', ')}`);
      if (unexpectedKeys.length) errors.push(`Unexpected key(s) in state dict: ${unexpectedKeys.map((k) => `"${k}"`).join(', ')}`);
    }
    if (errors.length) throw new Error(`Error(s) in loading state dict for ${this.typeName}:\n\t${errors.join('\n\t')}`);
    noGrad(() => {
      for (const [target, src] of plan) {
        if (src instanceof Tensor) {
          if (src.backend === target.backend) target.assign(src.size === target.size && src.ndim !== target.ndim ? src.reshape(target.shape) : src);
          else target.assign(src.dataSync());
        } else target.assign(src.data instanceof Float32Array ? src.data : Float32Array.from(src.data));
      }
    });
    for (const [, m] of this.namedModules()) m.afterLoad();
    return { missingKeys, unexpectedKeys };
  }

  /** Hook for modules that keep host-side copies of state (called after loadStateDict). */
  protected afterLoad(): void {}

  /** Brings the registered buffers up to date before they are read (a module that keeps a count on the host writes it here). */
  protected syncBuffers(): void {}

  // ---- modes and helpers ------------------------------------------------------------
  /** Calls fn on every submodule, children first, then this one (like PyTorch). */
  apply(fn: (m: Module) => void, seen: Set<Module> = new Set()): this {
    if (seen.has(this)) return this;
    seen.add(this);
    for (const c of this.children()) c.apply(fn, seen);
    fn(this);
    return this;
  }

  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /** Drops the gradients of all parameters (sets them to null and frees them). */
  zeroGrad(): void {
    for (const p of this.parameters()) {
      if (p.grad) p.grad.dispose();
      p.grad = null;
    }
  }

  /** Frees every parameter and buffer. */
  dispose(): void {
    for (const t of new Set(Object.values(this.stateDict()))) t.dispose();
  }

  /** Extra text inside this module's repr, e.g. `in_features=4, out_features=8, bias=True`. */
  extraRepr(): string {
    return '';
  }

  /** PyTorch-style description of the module tree. */
  toString(): string {
    const kids = this.namedChildren();
    const head = `${this.typeName}(${this.extraRepr()}`;
    if (!kids.length) return `${head})`;
    const lines = kids.map(([n, m]) => `  (${n}): ${m.toString().split('\n').join('\n  ')}`);
    return `${head}\n${lines.join('\n')}\n)`;
  }
}
