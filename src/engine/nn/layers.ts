/**
 * The layers of nn, with PyTorch's names, arguments, parameter names and defaults.
 */
import * as F from '../functional';
import type { Pair } from '../functional';
import { Tensor, isGradEnabled, tidy } from '../tensor';
import { full, zeros, ones } from '../creation';
import { kaimingUniform_, uniform_, calculateFans } from './init';
import { Module, type ShapeOptions } from './module';
import type { EpilogueOp } from '../backend';

function pairOf(v: Pair): [number, number] {
  return typeof v === 'number' ? [v, v] : [v[0], v[1]];
}
function reprPair(v: Pair): string {
  const [a, b] = pairOf(v);
  return `(${a}, ${b})`;
}
const py = (b: boolean) => (b ? 'True' : 'False');
/** A number or pair as PyTorch prints the argument: 2 or (2, 3). */
function reprArg(v: Pair): string {
  return typeof v === 'number' ? String(v) : reprPair(v);
}
/** A float as Python's repr prints it: 0.1, 1e-05, 1.0. */
function pyFloat(v: number): string {
  if (Number.isInteger(v) && Math.abs(v) < 1e16) return v.toFixed(1);
  if (v !== 0 && (Math.abs(v) < 1e-4 || Math.abs(v) >= 1e16)) {
    const [m, e] = v.toExponential().split('e');
    const exp = Number(e);
    return `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  return String(v);
}

/** An ordered container; calling it runs its layers in turn. Indexable with at(i) or layers[i]. */
export class Sequential extends Module {
  static override typeName = 'Sequential';
  readonly layers: Module[];
  private _names: string[];

  constructor(...layers: Module[]) {
    super();
    this.layers = layers;
    this._names = layers.map((_, i) => String(i));
  }

  /** A Sequential with named layers (like PyTorch's OrderedDict form). */
  static named(entries: Record<string, Module> | [string, Module][]): Sequential {
    const list = Array.isArray(entries) ? entries : Object.entries(entries);
    const s = new Sequential(...list.map(([, m]) => m));
    s._names = list.map(([n]) => n);
    return s;
  }

  get length(): number {
    return this.layers.length;
  }

  /** Layer i (negative counts from the end). */
  at(i: number): Module {
    const m = this.layers[i < 0 ? i + this.layers.length : i];
    if (!m) throw new Error(`Sequential index ${i} is out of range (length ${this.layers.length})`);
    return m;
  }

  append(m: Module): this {
    this.layers.push(m);
    this._names.push(String(this.layers.length - 1));
    return this;
  }

  [Symbol.iterator](): Iterator<Module> {
    return this.layers[Symbol.iterator]();
  }

  override namedChildren(): [string, Module][] {
    return this.layers.map((m, i) => [this._names[i], m]);
  }

  override outputShape(input: readonly number[], opts: ShapeOptions = {}): number[] {
    return this.layers.reduce<number[]>((x, l) => l.outputShape(x, opts), [...input]);
  }
  override forward(x: Tensor): Tensor {
    const ls = this.layers;
    // Without gradients nothing reads a layer's output once the next layer has: each is
    // freed then, with what the layer made on the way, so an inference holds about two
    // activations at a time instead of every one of the pass.
    const free = !isGradEnabled();
    const input = x;
    for (let i = 0; i < ls.length; i++) {
      // A Linear, Conv2d or batch norm followed by ReLU, Sigmoid or Tanh runs as one fused op.
      const act = i + 1 < ls.length ? fusableActivation(ls[i + 1]) : null;
      const m = ls[i];
      const fused = act && (isExactly(m, Linear) || isExactly(m, Conv2d) || isExactly(m, BatchNorm1d) || isExactly(m, BatchNorm2d)) ? act : null;
      const prev = x;
      const run = (): Tensor => (fused ? (m as Linear | Conv2d | BatchNormBase).forwardAct(prev, fused) : m.call(prev));
      x = free ? tidy(run) : run();
      if (fused) i++;
      if (free && prev !== input && prev !== x && !prev._kept) prev.dispose();
    }
    return x;
  }
}

/**
 * Whether m is exactly of this class with its own `call` and `forward` (a subclass may
 * have its own forward, and an instance whose `call` or `forward` was replaced, as
 * summaries do to count, is hooked: either runs unfused).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function isExactly(m: Module, cls: abstract new (...args: any[]) => Module): boolean {
  return Object.getPrototypeOf(m) === cls.prototype && !isHooked(m);
}

/** Whether an instance's `call` or `forward` was replaced. */
function isHooked(m: Module): boolean {
  return Object.prototype.hasOwnProperty.call(m, 'call') || Object.prototype.hasOwnProperty.call(m, 'forward');
}

/** The activation op of an activation layer that a Linear or Conv2d can apply in its epilogue. */
function fusableActivation(m: Module): EpilogueOp | null {
  if (isExactly(m, ReLU)) return 'relu';
  if (isExactly(m, Sigmoid)) return 'sigmoid';
  if (isExactly(m, Tanh)) return 'tanh';
  return null;
}

/** A list of modules registered as children named 0, 1, ... (no forward of its own). */
export class ModuleList extends Module {
  static override typeName = 'ModuleList';
  readonly items: Module[];
  constructor(items: Module[] = []) {
    super();
    this.items = items;
  }
  get length(): number {
    return this.items.length;
  }
  at(i: number): Module {
    return this.items[i < 0 ? i + this.items.length : i];
  }
  append(m: Module): this {
    this.items.push(m);
    return this;
  }
  [Symbol.iterator](): Iterator<Module> {
    return this.items[Symbol.iterator]();
  }
  override namedChildren(): [string, Module][] {
    return this.items.map((m, i) => [String(i), m]);
  }
}

/** Default init of Linear and Conv2d (PyTorch): weight and bias U(-1/sqrt(fan_in), 1/sqrt(fan_in)). */
function resetLinearLike(weight: Tensor, bias: Tensor | null): void {
  kaimingUniform_(weight, { a: Math.sqrt(5) });
  if (bias) {
    const { fanIn } = calculateFans(weight);
    const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
    uniform_(bias, -bound, bound);
  }
}

/** y = x W^T + b, W [out, in]. */
export class Linear extends Module {
  static override typeName = 'Linear';
  weight: Tensor;
  bias: Tensor | null;
  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    opts: { bias?: boolean } = {},
  ) {
    super();
    this.weight = this.param(zeros([outFeatures, inFeatures]));
    this.bias = opts.bias ?? true ? this.param(zeros([outFeatures])) : null;
    this.resetParameters();
  }
  resetParameters(): void {
    resetLinearLike(this.weight, this.bias);
  }
  override forward(x: Tensor): Tensor {
    return F.linear(x, this.weight, this.bias);
  }
  /** forward, then the activation `act`, fused where the backend can. */
  forwardAct(x: Tensor, act: EpilogueOp): Tensor {
    return F.linear(x, this.weight, this.bias, act);
  }
  override outputShape(s: readonly number[], opts: ShapeOptions = {}): number[] {
    if (!opts.lenient && s[s.length - 1] !== this.inFeatures) throw new Error(`Linear expects ${this.inFeatures} features, got ${s[s.length - 1]}`);
    return [...s.slice(0, -1), this.outFeatures];
  }
  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${py(!!this.bias)}`;
  }
}

export interface Conv2dOptions {
  stride?: Pair;
  padding?: Pair;
  bias?: boolean;
}

/** 2-D convolution layer, weight [out, in, kH, kW]. */
export class Conv2d extends Module {
  static override typeName = 'Conv2d';
  weight: Tensor;
  bias: Tensor | null;
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];
  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: Pair,
    opts: Conv2dOptions = {},
  ) {
    super();
    this.kernelSize = pairOf(kernelSize);
    this.stride = pairOf(opts.stride ?? 1);
    this.padding = pairOf(opts.padding ?? 0);
    this.weight = this.param(zeros([outChannels, inChannels, ...this.kernelSize]));
    this.bias = opts.bias ?? true ? this.param(zeros([outChannels])) : null;
    this.resetParameters();
  }
  resetParameters(): void {
    resetLinearLike(this.weight, this.bias);
  }
  override forward(x: Tensor): Tensor {
    return F.conv2d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding });
  }
  /** forward, then the activation `act`, fused where the backend can. */
  forwardAct(x: Tensor, act: EpilogueOp): Tensor {
    return F.conv2d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding }, act);
  }
  override outputShape(s: readonly number[]): number[] {
    const p = F.convParams(s, this.weight.shape, { stride: this.stride, padding: this.padding });
    return [p.n, p.cOut, p.outH, p.outW];
  }
  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${reprPair(this.kernelSize)}, stride=${reprPair(this.stride)}`;
    if (this.padding[0] || this.padding[1]) s += `, padding=${reprPair(this.padding)}`;
    if (!this.bias) s += ', bias=False';
    return s;
  }
}

/** Max and average pooling as modules: the same options, output shape and repr but for the kind. */
abstract class Pool2dModule extends Module {
  protected abstract readonly kind: 'max' | 'avg';
  constructor(
    readonly kernelSize: Pair,
    readonly opts: F.PoolOptions = {},
  ) {
    super();
  }
  override forward(x: Tensor): Tensor {
    return (this.kind === 'max' ? F.maxPool2d : F.avgPool2d)(x, this.kernelSize, this.opts);
  }
  override outputShape(s: readonly number[]): number[] {
    const p = F.poolParams(this.kind, s, this.kernelSize, this.opts);
    return [p.n, p.c, p.outH, p.outW];
  }
  override extraRepr(): string {
    const k = this.kernelSize;
    // PyTorch prints max pooling's dilation and ceil mode, and not average pooling's.
    const more = this.kind === 'max' ? ', dilation=1, ceil_mode=False' : '';
    return `kernel_size=${reprArg(k)}, stride=${reprArg(this.opts.stride ?? k)}, padding=${reprArg(this.opts.padding ?? 0)}${more}`;
  }
}

export class MaxPool2d extends Pool2dModule {
  static override typeName = 'MaxPool2d';
  protected readonly kind = 'max';
}

export class AvgPool2d extends Pool2dModule {
  static override typeName = 'AvgPool2d';
  protected readonly kind = 'avg';
}

export class AdaptiveAvgPool2d extends Module {
  static override typeName = 'AdaptiveAvgPool2d';
  constructor(readonly outputSize: Pair) {
    super();
  }
  override forward(x: Tensor): Tensor {
    return F.adaptiveAvgPool2d(x, this.outputSize);
  }
  override outputShape(s: readonly number[]): number[] {
    const [h, w] = pairOf(this.outputSize);
    return [s[0], s[1], h, w];
  }
  override extraRepr(): string {
    return `output_size=${reprArg(this.outputSize)}`;
  }
}

export class Flatten extends Module {
  static override typeName = 'Flatten';
  constructor(
    readonly startDim = 1,
    readonly endDim = -1,
  ) {
    super();
  }
  override forward(x: Tensor): Tensor {
    return x.flatten(this.startDim, this.endDim);
  }
  override outputShape(s: readonly number[]): number[] {
    const start = this.startDim < 0 ? this.startDim + s.length : this.startDim;
    const end = this.endDim < 0 ? this.endDim + s.length : this.endDim;
    return [...s.slice(0, start), s.slice(start, end + 1).reduce((a, b) => a * b, 1), ...s.slice(end + 1)];
  }
  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}

export class ReLU extends Module {
  static override typeName = 'ReLU';
  override forward(x: Tensor): Tensor {
    return F.relu(x);
  }
}
export class Sigmoid extends Module {
  static override typeName = 'Sigmoid';
  override forward(x: Tensor): Tensor {
    return F.sigmoid(x);
  }
}
export class Tanh extends Module {
  static override typeName = 'Tanh';
  override forward(x: Tensor): Tensor {
    return F.tanh(x);
  }
}
export class Identity extends Module {
  static override typeName = 'Identity';
  override forward(x: Tensor): Tensor {
    return x;
  }
}
export class Softmax extends Module {
  static override typeName = 'Softmax';
  constructor(readonly dim = -1) {
    super();
  }
  override forward(x: Tensor): Tensor {
    return F.softmax(x, this.dim);
  }
}

export class Dropout extends Module {
  static override typeName = 'Dropout';
  constructor(readonly p = 0.5) {
    super();
    if (p < 0 || p > 1) throw new Error(`dropout probability must be in [0, 1], got ${p}`);
  }
  override forward(x: Tensor): Tensor {
    return F.dropout(x, this.p, this.training);
  }
  override extraRepr(): string {
    return `p=${pyFloat(this.p)}, inplace=False`;
  }
}

export interface BatchNormOptions {
  eps?: number;
  /** null: cumulative moving average. */
  momentum?: number | null;
  affine?: boolean;
  trackRunningStats?: boolean;
}

/** What a batch norm may do after normalising, in the same op: add a residual, apply an activation. */
type NormTail = Pick<F.BatchNormOptions, 'residual' | 'act'>;

class BatchNormBase extends Module {
  weight: Tensor | null;
  bias: Tensor | null;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  readonly runningMean: Tensor | null;
  readonly runningVar: Tensor | null;
  /** The count as a buffer of the state dict; read it through stateDict() or buffers(), which bring it up to date. */
  readonly numBatchesTracked: Tensor | null;
  /**
   * The count, kept on the host and written to the buffer only when the state is read
   * (syncBuffers): writing it every step would give the buffer new storage each step, so
   * the step's kernels would meet other buffers each time and find no bind group kept.
   */
  private _batches = 0;
  private countWritten = true;

  constructor(
    readonly numFeatures: number,
    private readonly _rank: 2 | 4,
    opts: BatchNormOptions = {},
  ) {
    super();
    this.eps = opts.eps ?? 1e-5;
    this.momentum = opts.momentum === undefined ? 0.1 : opts.momentum;
    this.affine = opts.affine ?? true;
    this.trackRunningStats = opts.trackRunningStats ?? true;
    this.weight = this.affine ? this.param(ones([numFeatures])) : null;
    this.bias = this.affine ? this.param(zeros([numFeatures])) : null;
    if (this.trackRunningStats) {
      this.runningMean = this.registerBuffer('running_mean', zeros([numFeatures]));
      this.runningVar = this.registerBuffer('running_var', ones([numFeatures]));
      this.numBatchesTracked = this.registerBuffer('num_batches_tracked', full([], 0));
    } else {
      this.runningMean = this.runningVar = this.numBatchesTracked = null;
    }
  }

  override forward(x: Tensor): Tensor {
    return this.forwardWith(x, {});
  }

  /** forward, then the activation `act`, fused. */
  forwardAct(x: Tensor, act: EpilogueOp): Tensor {
    return this.forwardWith(x, { act });
  }

  /**
   * act(this(x) + residual) as one fused op (either part optional); where `call` or
   * `forward` is hooked (a summary counting layers, say), the layer is called and the rest
   * composed, so the hook sees the layer's own output.
   */
  callWith(x: Tensor, epi: NormTail): Tensor {
    if (!isHooked(this)) return this.forwardWith(x, epi);
    const y: Tensor = this.call(x);
    const sum = epi.residual ? y.add(epi.residual) : y;
    return epi.act ? sum[epi.act]() : sum;
  }

  private forwardWith(x: Tensor, epi: NormTail): Tensor {
    const okRank = this._rank === 2 ? x.ndim === 2 || x.ndim === 3 : x.ndim === 4;
    if (!okRank) throw new Error(`${this.typeName} expects a ${this._rank === 2 ? '2-D [N, C]' : '4-D [N, C, H, W]'} input, got shape [${x.shape.join(', ')}]`);
    if (this._rank === 2 && x.ndim === 3) throw new Error('BatchNorm1d: 3-D [N, C, L] input is not supported; use [N, C]');
    if (x.shape[1] !== this.numFeatures) throw new Error(`${this.typeName}(${this.numFeatures}) got an input with ${x.shape[1]} channels`);
    const training = this.training;
    if (training && this.trackRunningStats && this.numBatchesTracked) {
      this._batches++;
      this.countWritten = false;
    }
    const useBatchStats = training || !this.trackRunningStats;
    return F.batchNorm(x, useBatchStats && !training ? null : this.runningMean, useBatchStats && !training ? null : this.runningVar, this.weight, this.bias, {
      training: useBatchStats,
      momentum: this.momentum,
      eps: this.eps,
      numBatchesTracked: this._batches,
      ...epi,
    });
  }

  protected override syncBuffers(): void {
    if (this.countWritten || !this.numBatchesTracked) return;
    this.numBatchesTracked.assign([this._batches]);
    this.countWritten = true;
  }

  protected override afterLoad(): void {
    const t = this.numBatchesTracked;
    if (!t) return;
    this.countWritten = true;
    if (t.backend.readSync) this._batches = t.dataSync()[0];
    else void t.data().then((d) => (this._batches = d[0]), () => undefined);
  }

  override extraRepr(): string {
    const momentum = this.momentum === null ? 'None' : pyFloat(this.momentum);
    return `${this.numFeatures}, eps=${pyFloat(this.eps)}, momentum=${momentum}, affine=${py(this.affine)}, track_running_stats=${py(this.trackRunningStats)}`;
  }
}

/** Batch normalisation over [N, C] inputs. */
export class BatchNorm1d extends BatchNormBase {
  static override typeName = 'BatchNorm1d';
  constructor(numFeatures: number, opts: BatchNormOptions = {}) {
    super(numFeatures, 2, opts);
  }
}

/** Batch normalisation over [N, C, H, W] inputs (statistics per channel). */
export class BatchNorm2d extends BatchNormBase {
  static override typeName = 'BatchNorm2d';
  constructor(numFeatures: number, opts: BatchNormOptions = {}) {
    super(numFeatures, 4, opts);
  }
}
