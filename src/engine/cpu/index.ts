/**
 * The CPU backend: the plain-TypeScript reference implementation of the backend
 * contract (see ../backend.ts). Every kernel is written as direct loops over
 * Float32Arrays so that it can be read and checked by eye; the WebGPU backend is
 * tested against it. It is also fast enough for the small tensors of the widgets.
 *
 * Storage is a Float32Array held in a small wrapper. Accumulations (reductions,
 * matmul, convolution) run in JavaScript numbers (float64) and are rounded to
 * float32 when written out.
 */
import type {
  AdamParams,
  Backend,
  BackendAbout,
  BatchNormParams,
  BatchNormRunning,
  CrossEntropyParams,
  BackendName,
  BinaryOp,
  Conv2dParams,
  FusedDerivativeOp,
  NormActGrad,
  NormEpilogue,
  Pool2dParams,
  ReduceOp,
  SgdItem,
  SgdParams,
  Storage,
  UnaryOp,
} from '../backend';
import { hash32 } from '../random';
import { binaryDef, derivativeDef, unaryDef, type Round } from '../ops/elementwise';
import { broadcastStrides, coalesceAxes, shapeSize as prod, stridesOf } from '../shape';
import * as bn from './batchnorm';
import * as loss from './loss';
import { conv2dBackwardInput, conv2dBackwardWeight, conv2dForward, pool2dBackward, pool2dForward, resizeBilinear } from './conv';

/** Element arrays: Float32Array normally, Float64Array in the float64 test mode. */
export type FArray = Float32Array | Float64Array;
export type FArrayCtor = Float32ArrayConstructor | Float64ArrayConstructor;

export class CpuStorage implements Storage {
  freed = false;
  constructor(public data: FArray) {}
  get size(): number {
    return this.data.length;
  }
}

/** The array behind a CPU (or wasm) storage, after checking it is alive. */
export function arr(s: Storage): FArray {
  const c = s as CpuStorage;
  if (!(c instanceof CpuStorage)) throw new Error('cpu backend: storage does not belong to the cpu backend');
  if (c.freed) throw new Error('cpu backend: storage used after free');
  return c.data;
}

/** One row of a binary op: o[oo + j] = f(a[ai + j*as], b[bi + j*bs]), j < n. */
function binaryRow(
  f: (a: number, b: number) => number,
  a: FArray, ai: number, as: number,
  b: FArray, bi: number, bs: number,
  o: FArray, oo: number, n: number,
): void {
  for (let j = 0; j < n; j++) o[oo + j] = f(a[ai + j * as], b[bi + j * bs]);
}

/**
 * Walks every index of `shape` except the last axis, calling `row` with the start
 * offset of each operand (offsets computed from the per-operand strides).
 */
function forEachRow(shape: number[], strides: number[][], row: (offs: number[]) => void): void {
  const r = shape.length;
  const k = strides.length;
  const offs = new Array<number>(k).fill(0);
  const idx = new Array<number>(r).fill(0);
  const rows = prod(shape.slice(0, r - 1));
  for (let q = 0; q < rows; q++) {
    row(offs);
    // Increment the multi-index over axes 0..r-2 (odometer style).
    for (let ax = r - 2; ax >= 0; ax--) {
      idx[ax]++;
      for (let t = 0; t < k; t++) offs[t] += strides[t][ax];
      if (idx[ax] < shape[ax]) break;
      for (let t = 0; t < k; t++) offs[t] -= strides[t][ax] * shape[ax];
      idx[ax] = 0;
    }
  }
}

/** The uniform number in [0, 1) the dropout mask of element `i` draws for `seed`. */
export function dropoutUniform(seed: number, i: number): number {
  return hash32((Math.imul(i, 0x9e3779b1) ^ hash32(seed >>> 0)) >>> 0) / 4294967296;
}

export class CpuBackend implements Backend {
  readonly name: BackendName = 'cpu';
  readonly description: string;
  readonly about: BackendAbout;
  private bytes = 0;
  /** The element array type (Float64Array only in the float64 test mode). */
  protected readonly Arr: FArrayCtor;
  /** Rounds a step of a fused kernel as the composed f32 ops would (the identity in the float64 mode). */
  protected readonly round: Round;

  /**
   * `float64: true` makes a test-only variant that stores and computes in float64 (used
   * for finite-difference gradient checks); reads still return Float32Array, use
   * `view()` for the float64 values.
   */
  constructor(opts: { float64?: boolean } = {}) {
    this.Arr = opts.float64 ? Float64Array : Float32Array;
    this.round = opts.float64 ? (x: number) => x : Math.fround;
    this.description = opts.float64 ? 'CPU float64 (test reference)' : 'CPU (TypeScript reference backend)';
    this.about = { kind: 'cpu', float64: !!opts.float64 };
  }

  protected make(data: FArray): CpuStorage {
    this.bytes += data.length * 4;
    return new CpuStorage(data);
  }

  /**
   * A zero-filled array of `size` elements for a new storage. Every op that makes a
   * storage takes its array here, so a backend that keeps storages elsewhere (the wasm
   * backend: in its linear memory) overrides this one method.
   */
  protected alloc(size: number): FArray {
    return new this.Arr(size);
  }

  // ---- memory -------------------------------------------------------------------
  zeros(size: number): Storage {
    return this.make(this.alloc(size));
  }
  fromData(data: Float32Array): Storage {
    const o = this.alloc(data.length);
    o.set(data);
    return this.make(o);
  }
  read(s: Storage): Promise<Float32Array> {
    return Promise.resolve(this.readSync(s));
  }
  readSync(s: Storage): Float32Array {
    return Float32Array.from(arr(s));
  }
  /** The live array behind a storage, without a copy (engine-internal fast path). */
  view(s: Storage): FArray {
    return arr(s);
  }
  free(s: Storage): void {
    const c = s as CpuStorage;
    if (c.freed) return;
    c.freed = true;
    this.bytes -= c.data.length * 4;
    c.data = new Float32Array(0);
  }
  memoryBytes(): number {
    return this.bytes;
  }
  flush(): void {}

  // ---- element-wise ---------------------------------------------------------------
  fill(size: number, value: number): Storage {
    return this.make(this.alloc(size).fill(value));
  }
  unary(op: UnaryOp, x: Storage): Storage {
    const xa = arr(x);
    const o = this.alloc(xa.length);
    const f = unaryDef(op).cpu;
    for (let i = 0; i < xa.length; i++) o[i] = f(xa[i]);
    return this.make(o);
  }
  binary(op: BinaryOp, a: Storage, aShape: readonly number[], b: Storage, bShape: readonly number[], outShape: readonly number[]): Storage {
    const A = arr(a), B = arr(b);
    const n = prod(outShape);
    const o = this.alloc(n);
    if (n === 0) return this.make(o);
    const f = binaryDef(op).cpu;
    if (A.length === n && B.length === n) binaryRow(f, A, 0, 1, B, 0, 1, o, 0, n);
    else if (A.length === n && B.length === 1) binaryRow(f, A, 0, 1, B, 0, 0, o, 0, n);
    else if (A.length === 1 && B.length === n) binaryRow(f, A, 0, 0, B, 0, 1, o, 0, n);
    else {
      const c = coalesceAxes(outShape, [broadcastStrides(aShape, outShape), broadcastStrides(bShape, outShape), stridesOf(outShape)], true);
      const r = c.shape.length;
      const len = c.shape[r - 1];
      const [sa, sb] = [c.strides[0][r - 1], c.strides[1][r - 1]];
      forEachRow(c.shape, c.strides, (offs) => binaryRow(f, A, offs[0], sa, B, offs[1], sb, o, offs[2], len));
    }
    return this.make(o);
  }
  unaryBackward(op: FusedDerivativeOp, v: Storage, g: Storage): Storage {
    const V = arr(v), G = arr(g);
    const o = this.alloc(V.length);
    const f = derivativeDef(op).cpu;
    const round = this.round;
    for (let i = 0; i < V.length; i++) o[i] = f(V[i], G[i], round);
    return this.make(o);
  }
  where(cond: Storage, a: Storage, b: Storage): Storage {
    const C = arr(cond), A = arr(a), B = arr(b);
    const o = this.alloc(C.length);
    for (let i = 0; i < C.length; i++) o[i] = C[i] !== 0 ? A[i] : B[i];
    return this.make(o);
  }

  // ---- layout ---------------------------------------------------------------------
  transpose(x: Storage, shape: readonly number[], perm: readonly number[]): Storage {
    const inSt = stridesOf(shape);
    const outShape = perm.map((p) => shape[p]);
    return this.slice(x, outShape, perm.map((p) => inSt[p]), 0);
  }
  slice(x: Storage, outShape: readonly number[], strides: readonly number[], offset: number): Storage {
    const X = arr(x);
    const n = prod(outShape);
    const o = this.alloc(n);
    if (n === 0) return this.make(o);
    const c = coalesceAxes(outShape, [strides, stridesOf(outShape)], true);
    const r = c.shape.length;
    const len = c.shape[r - 1];
    const s = c.strides[0][r - 1];
    forEachRow(c.shape, c.strides, (offs) => {
      const base = offset + offs[0];
      const oo = offs[1];
      for (let j = 0; j < len; j++) o[oo + j] = X[base + j * s];
    });
    return this.make(o);
  }
  concat(xs: readonly Storage[], shapes: readonly (readonly number[])[], axis: number): Storage {
    const first = shapes[0];
    const outer = prod(first.slice(0, axis));
    const inner = prod(first.slice(axis + 1));
    const total = shapes.reduce((t, s) => t + s[axis], 0);
    const o = this.alloc(outer * total * inner);
    let at = 0;
    xs.forEach((s, k) => {
      const X = arr(s);
      const chunk = shapes[k][axis] * inner;
      for (let q = 0; q < outer; q++) o.set(X.subarray(q * chunk, (q + 1) * chunk), q * total * inner + at);
      at += chunk;
    });
    return this.make(o);
  }

  // ---- reductions -----------------------------------------------------------------
  reduce(op: ReduceOp, x: Storage, shape: readonly number[], axes: readonly number[]): Storage {
    const X = arr(x);
    const r = shape.length;
    const red = new Array<boolean>(r).fill(false);
    for (const a of axes) red[a < 0 ? a + r : a] = true;
    const outShape = shape.map((d, i) => (red[i] ? 1 : d));
    const n = prod(outShape);
    const init = op === 'sum' ? 0 : op === 'max' ? -Infinity : Infinity;
    const acc = new Float64Array(n).fill(init);
    if (X.length > 0) {
      // Walk the input row by row; each input axis maps to the output with stride 0 if reduced.
      const outSt = stridesOf(outShape).map((s, i) => (red[i] ? 0 : s));
      const c = coalesceAxes(shape, [stridesOf(shape), outSt], true);
      const rr = c.shape.length;
      const len = c.shape[rr - 1];
      const so = c.strides[1][rr - 1];
      forEachRow(c.shape, c.strides, (offs) => {
        const xi = offs[0], oi = offs[1];
        if (op === 'sum') {
          if (so === 0) {
            let s = 0;
            for (let j = 0; j < len; j++) s += X[xi + j];
            acc[oi] += s;
          } else for (let j = 0; j < len; j++) acc[oi + j * so] += X[xi + j];
        } else if (op === 'max') {
          for (let j = 0; j < len; j++) {
            const v = X[xi + j];
            const t = oi + j * so;
            if (v > acc[t] || v !== v) acc[t] = v;
          }
        } else {
          for (let j = 0; j < len; j++) {
            const v = X[xi + j];
            const t = oi + j * so;
            if (v < acc[t] || v !== v) acc[t] = v;
          }
        }
      });
    }
    const o = this.alloc(n);
    o.set(acc);
    return this.make(o);
  }
  argmax(x: Storage, shape: readonly number[], axis: number): Storage {
    const X = arr(x);
    const ax = axis < 0 ? axis + shape.length : axis;
    const outer = prod(shape.slice(0, ax));
    const len = shape[ax];
    const inner = prod(shape.slice(ax + 1));
    const o = this.alloc(outer * inner);
    for (let q = 0; q < outer; q++) {
      for (let i = 0; i < inner; i++) {
        const base = q * len * inner + i;
        let best = X[base];
        let bi = 0;
        for (let j = 1; j < len; j++) {
          const v = X[base + j * inner];
          if (v > best || (v !== v && best === best)) {
            best = v;
            bi = j;
          }
        }
        o[q * inner + i] = bi;
      }
    }
    return this.make(o);
  }

  // ---- linear algebra -------------------------------------------------------------
  matmul(
    a: Storage,
    b: Storage,
    p: { batch: number; m: number; n: number; k: number; transA: boolean; transB: boolean; aBatch: number; bBatch: number },
  ): Storage {
    const A = arr(a), B = arr(b);
    const { batch, m, n, k, transA, transB } = p;
    const o = this.alloc(batch * m * n);
    const row = new Float64Array(n);
    const bt = new this.Arr(k * n); // scratch, not a storage
    for (let q = 0; q < batch; q++) {
      const aOff = (p.aBatch === 1 ? 0 : q) * m * k;
      const bOff = (p.bBatch === 1 ? 0 : q) * k * n;
      // Bring B[q] into [k, n] row-major order.
      let Bq: FArray;
      if (transB) {
        for (let j = 0; j < n; j++) for (let t = 0; t < k; t++) bt[t * n + j] = B[bOff + j * k + t];
        Bq = bt;
      } else Bq = B.subarray(bOff, bOff + k * n);
      for (let i = 0; i < m; i++) {
        row.fill(0);
        for (let t = 0; t < k; t++) {
          const av = transA ? A[aOff + t * m + i] : A[aOff + i * k + t];
          if (av === 0) continue;
          const bo = t * n;
          for (let j = 0; j < n; j++) row[j] += av * Bq[bo + j];
        }
        const oo = (q * m + i) * n;
        for (let j = 0; j < n; j++) o[oo + j] = row[j];
      }
    }
    return this.make(o);
  }

  // ---- convolution and pooling ----------------------------------------------------
  conv2d(x: Storage, w: Storage, bias: Storage | null, p: Conv2dParams): Storage {
    return this.make(conv2dForward(this.Arr, arr(x), arr(w), bias ? arr(bias) : null, p));
  }
  conv2dBackwardInput(gy: Storage, w: Storage, p: Conv2dParams): Storage {
    return this.make(conv2dBackwardInput(this.Arr, arr(gy), arr(w), p));
  }
  conv2dBackwardWeight(x: Storage, gy: Storage, p: Conv2dParams): Storage {
    return this.make(conv2dBackwardWeight(this.Arr, arr(x), arr(gy), p));
  }
  pool2d(x: Storage, p: Pool2dParams): Storage {
    return this.make(pool2dForward(this.Arr, arr(x), p));
  }
  pool2dBackward(x: Storage, gy: Storage, p: Pool2dParams): Storage {
    return this.make(pool2dBackward(this.Arr, arr(x), arr(gy), p));
  }
  resizeBilinear(x: Storage, n: number, c: number, h: number, w: number, outH: number, outW: number): Storage {
    return this.make(resizeBilinear(this.Arr, arr(x), n, c, h, w, outH, outW));
  }

  // ---- batch normalisation ----------------------------------------------------
  batchNormStats(x: Storage, p: BatchNormParams, running?: BatchNormRunning): { mean: Storage; variance: Storage } {
    const r = bn.batchNormStats(this.Arr, arr(x), p);
    if (running) bn.batchNormUpdateRunning(arr(running.mean), arr(running.variance), r.mean, r.variance, { ...p, momentum: running.momentum });
    return { mean: this.make(r.mean), variance: this.make(r.variance) };
  }
  batchNormApply(x: Storage, mean: Storage, variance: Storage, weight: Storage | null, bias: Storage | null, p: BatchNormParams, epi?: NormEpilogue): Storage {
    const o = bn.batchNormApply(this.Arr, arr(x), arr(mean), arr(variance), weight && arr(weight), bias && arr(bias), p);
    if (epi) bn.batchNormEpilogue(o, epi.residual && arr(epi.residual), epi.act, this.round);
    return this.make(o);
  }
  batchNormBackward(
    g: Storage, x: Storage, mean: Storage, variance: Storage, weight: Storage | null, p: BatchNormParams & { batchStats: boolean }, act?: NormActGrad,
  ): { dx: Storage; dWeight: Storage; dBias: Storage; g?: Storage } {
    // Through the activation first, as its own backward kernel would.
    const ga = act ? this.unaryBackward(act.op, act.y, g) : g;
    const r = bn.batchNormBackward(this.Arr, arr(ga), arr(x), arr(mean), arr(variance), weight && arr(weight), p);
    const grads = { dx: this.make(r.dx), dWeight: this.make(r.dWeight), dBias: this.make(r.dBias) };
    if (act?.keepG) return { ...grads, g: ga };
    if (act) this.free(ga);
    return grads;
  }
  batchNormUpdateRunning(runningMean: Storage, runningVar: Storage, mean: Storage, variance: Storage, p: BatchNormParams & { momentum: number }): void {
    bn.batchNormUpdateRunning(arr(runningMean), arr(runningVar), arr(mean), arr(variance), p);
  }

  // ---- losses -------------------------------------------------------------------
  crossEntropy(logits: Storage, labels: Storage, p: CrossEntropyParams, tally: Storage | null): Storage {
    return this.make(loss.crossEntropy(this.Arr, arr(logits), arr(labels), p, tally && arr(tally)));
  }
  crossEntropyBackward(logits: Storage, labels: Storage, g: Storage, p: CrossEntropyParams): Storage {
    return this.make(loss.crossEntropyBackward(this.Arr, arr(logits), arr(labels), arr(g), p));
  }

  // ---- randomness -----------------------------------------------------------------
  dropoutMask(size: number, p: number, seed: number): Storage {
    const o = this.alloc(size);
    if (p < 1) {
      const scale = 1 / (1 - p);
      for (let i = 0; i < size; i++) o[i] = dropoutUniform(seed, i) >= p ? scale : 0;
    }
    return this.make(o);
  }

  // ---- optimizers (in place) ------------------------------------------------------
  sgdStep(items: readonly SgdItem[], p: SgdParams): void {
    for (const it of items) this.sgdStepOne(it.param, it.grad, it.momentumBuf, p);
  }
  private sgdStepOne(param: Storage, grad: Storage, momentumBuf: Storage | null, p: SgdParams): void {
    const P = arr(param), G = arr(grad);
    const M = momentumBuf ? arr(momentumBuf) : null;
    const { lr, momentum, weightDecay: wd, dampening, nesterov, firstStep } = p;
    for (let i = 0; i < P.length; i++) {
      let d = G[i] + wd * P[i];
      if (momentum !== 0 && M) {
        const buf = firstStep ? d : momentum * M[i] + (1 - dampening) * d;
        M[i] = buf;
        d = nesterov ? d + momentum * buf : buf;
      }
      P[i] = P[i] - lr * d;
    }
  }
  adamStep(param: Storage, grad: Storage, m: Storage, v: Storage, p: AdamParams): void {
    const P = arr(param), G = arr(grad), Mm = arr(m), V = arr(v);
    const { beta1, beta2, eps, weightDecay: wd } = p;
    const { stepSize, sqrtBc2 } = adamBiasCorrection(p);
    for (let i = 0; i < P.length; i++) {
      const g = G[i] + wd * P[i];
      Mm[i] = beta1 * Mm[i] + (1 - beta1) * g;
      V[i] = beta2 * V[i] + (1 - beta2) * g * g;
      const denom = Math.sqrt(V[i]) / sqrtBc2 + eps;
      P[i] = P[i] - (stepSize * Mm[i]) / denom;
    }
  }
}

/** Adam's bias-corrected step size lr / (1 - beta1^step) and sqrt(1 - beta2^step), as every backend's update takes them. */
export function adamBiasCorrection(p: AdamParams): { stepSize: number; sqrtBc2: number } {
  return { stepSize: p.lr / (1 - Math.pow(p.beta1, p.step)), sqrtBc2: Math.sqrt(1 - Math.pow(p.beta2, p.step)) };
}

export function createCpuBackend(): CpuBackend {
  return new CpuBackend();
}
