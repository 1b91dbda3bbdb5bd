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
  ActivationOp,
  AdamParams,
  Backend,
  BackendName,
  BinaryOp,
  Conv2dParams,
  Pool2dParams,
  ReduceOp,
  SgdParams,
  Storage,
  UnaryOp,
} from '../backend';

/** Element arrays: Float32Array normally, Float64Array in the float64 test mode. */
export type FArray = Float32Array | Float64Array;
type FArrayCtor = Float32ArrayConstructor | Float64ArrayConstructor;

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

function prod(shape: readonly number[]): number {
  let p = 1;
  for (const d of shape) p *= d;
  return p;
}

/** Row-major strides of a shape. */
function stridesOf(shape: readonly number[]): number[] {
  const st = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    st[i] = s;
    s *= shape[i];
  }
  return st;
}

/** Strides of an input of `shape` read as if broadcast to `outShape` (0 on stretched axes). */
function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const r = outShape.length;
  const off = r - shape.length;
  const own = stridesOf(shape);
  const st = new Array<number>(r).fill(0);
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i];
    const o = outShape[i + off];
    if (d === o) st[i + off] = d === 1 ? 0 : own[i];
    else if (d === 1) st[i + off] = 0;
    else throw new Error(`cpu backend: shape [${shape}] does not broadcast to [${outShape}]`);
  }
  return st;
}

/**
 * Merges adjacent axes that every operand walks contiguously, so broadcasting loops
 * run over as few, as long, rows as possible. Axes of size 1 are dropped.
 */
function coalesce(shape: readonly number[], strideSets: number[][]): { shape: number[]; strides: number[][] } {
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
  if (outShape.length === 0) {
    outShape.push(1);
    outStrides.forEach((s) => s.push(0));
  }
  return { shape: outShape, strides: outStrides };
}

function unaryLoop(op: UnaryOp, x: FArray, o: FArray): void {
  const n = x.length;
  switch (op) {
    case 'neg': for (let i = 0; i < n; i++) o[i] = -x[i]; break;
    case 'exp': for (let i = 0; i < n; i++) o[i] = Math.exp(x[i]); break;
    case 'log': for (let i = 0; i < n; i++) o[i] = Math.log(x[i]); break;
    case 'sqrt': for (let i = 0; i < n; i++) o[i] = Math.sqrt(x[i]); break;
    case 'rsqrt': for (let i = 0; i < n; i++) o[i] = 1 / Math.sqrt(x[i]); break;
    case 'abs': for (let i = 0; i < n; i++) o[i] = Math.abs(x[i]); break;
    case 'square': for (let i = 0; i < n; i++) o[i] = x[i] * x[i]; break;
    case 'reciprocal': for (let i = 0; i < n; i++) o[i] = 1 / x[i]; break;
    case 'relu': for (let i = 0; i < n; i++) o[i] = x[i] > 0 ? x[i] : 0; break;
    case 'sigmoid':
      for (let i = 0; i < n; i++) {
        const v = x[i];
        // Written so that neither branch overflows.
        if (v >= 0) o[i] = 1 / (1 + Math.exp(-v));
        else {
          const e = Math.exp(v);
          o[i] = e / (1 + e);
        }
      }
      break;
    case 'tanh': for (let i = 0; i < n; i++) o[i] = Math.tanh(x[i]); break;
    case 'step': for (let i = 0; i < n; i++) o[i] = x[i] > 0 ? 1 : 0; break;
    case 'sign': for (let i = 0; i < n; i++) o[i] = x[i] > 0 ? 1 : x[i] < 0 ? -1 : x[i] === 0 ? 0 : NaN; break;
    default: throw new Error(`cpu backend: unknown unary op ${op as string}`);
  }
}

/** One row of a binary op: o[oo + j] = a[ai + j*as] (op) b[bi + j*bs], j < n. */
function binaryRow(
  op: BinaryOp,
  a: FArray, ai: number, as: number,
  b: FArray, bi: number, bs: number,
  o: FArray, oo: number, n: number,
): void {
  switch (op) {
    case 'add': for (let j = 0; j < n; j++) o[oo + j] = a[ai + j * as] + b[bi + j * bs]; break;
    case 'sub': for (let j = 0; j < n; j++) o[oo + j] = a[ai + j * as] - b[bi + j * bs]; break;
    case 'mul': for (let j = 0; j < n; j++) o[oo + j] = a[ai + j * as] * b[bi + j * bs]; break;
    case 'div': for (let j = 0; j < n; j++) o[oo + j] = a[ai + j * as] / b[bi + j * bs]; break;
    case 'max':
      for (let j = 0; j < n; j++) {
        const p = a[ai + j * as], q = b[bi + j * bs];
        o[oo + j] = p !== p || q !== q ? NaN : p > q ? p : q;
      }
      break;
    case 'min':
      for (let j = 0; j < n; j++) {
        const p = a[ai + j * as], q = b[bi + j * bs];
        o[oo + j] = p !== p || q !== q ? NaN : p < q ? p : q;
      }
      break;
    case 'pow': for (let j = 0; j < n; j++) o[oo + j] = Math.pow(a[ai + j * as], b[bi + j * bs]); break;
    case 'gt': for (let j = 0; j < n; j++) o[oo + j] = a[ai + j * as] > b[bi + j * bs] ? 1 : 0; break;
    case 'ge': for (let j = 0; j < n; j++) o[oo + j] = a[ai + j * as] >= b[bi + j * bs] ? 1 : 0; break;
    case 'lt': for (let j = 0; j < n; j++) o[oo + j] = a[ai + j * as] < b[bi + j * bs] ? 1 : 0; break;
    case 'le': for (let j = 0; j < n; j++) o[oo + j] = a[ai + j * as] <= b[bi + j * bs] ? 1 : 0; break;
    case 'eq': for (let j = 0; j < n; j++) o[oo + j] = a[ai + j * as] === b[bi + j * bs] ? 1 : 0; break;
    default: throw new Error(`cpu backend: unknown binary op ${op as string}`);
  }
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

/** 32-bit integer hash (murmur3's finaliser) used for dropout masks. */
export function hash32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** The uniform number in [0, 1) the dropout mask of element `i` draws for `seed`. */
export function dropoutUniform(seed: number, i: number): number {
  return hash32((Math.imul(i, 0x9e3779b1) ^ hash32(seed >>> 0)) >>> 0) / 4294967296;
}

export class CpuBackend implements Backend {
  readonly name: BackendName = 'cpu';
  readonly description: string;
  private bytes = 0;
  /** The element array type (Float64Array only in the float64 test mode). */
  protected readonly Arr: FArrayCtor;

  /**
   * `float64: true` makes a test-only variant that stores and computes in float64 (used
   * for finite-difference gradient checks); reads still return Float32Array, use
   * `view()` for the float64 values.
   */
  constructor(opts: { float64?: boolean } = {}) {
    this.Arr = opts.float64 ? Float64Array : Float32Array;
    this.description = opts.float64 ? 'CPU float64 (test reference)' : 'CPU (TypeScript reference backend)';
  }

  protected make(data: FArray): CpuStorage {
    this.bytes += data.length * 4;
    return new CpuStorage(data);
  }

  // ---- memory -------------------------------------------------------------------
  zeros(size: number): Storage {
    return this.make(new this.Arr(size));
  }
  fromData(data: Float32Array): Storage {
    return this.make(this.Arr.from(data));
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
    return this.make(new this.Arr(size).fill(value));
  }
  unary(op: UnaryOp, x: Storage): Storage {
    const xa = arr(x);
    const o = new this.Arr(xa.length);
    unaryLoop(op, xa, o);
    return this.make(o);
  }
  binary(op: BinaryOp, a: Storage, aShape: readonly number[], b: Storage, bShape: readonly number[], outShape: readonly number[]): Storage {
    const A = arr(a), B = arr(b);
    const n = prod(outShape);
    const o = new this.Arr(n);
    if (n === 0) return this.make(o);
    if (A.length === n && B.length === n) binaryRow(op, A, 0, 1, B, 0, 1, o, 0, n);
    else if (A.length === n && B.length === 1) binaryRow(op, A, 0, 1, B, 0, 0, o, 0, n);
    else if (A.length === 1 && B.length === n) binaryRow(op, A, 0, 0, B, 0, 1, o, 0, n);
    else {
      const c = coalesce(outShape, [broadcastStrides(aShape, outShape), broadcastStrides(bShape, outShape), stridesOf(outShape)]);
      const r = c.shape.length;
      const len = c.shape[r - 1];
      const [sa, sb] = [c.strides[0][r - 1], c.strides[1][r - 1]];
      forEachRow(c.shape, c.strides, (offs) => binaryRow(op, A, offs[0], sa, B, offs[1], sb, o, offs[2], len));
    }
    return this.make(o);
  }
  activationBackward(op: ActivationOp, v: Storage, g: Storage): Storage {
    const V = arr(v), G = arr(g);
    const o = new this.Arr(V.length);
    // Round each step as the composed f32 ops would (no-op in the float64 mode).
    const r = this.Arr === Float32Array ? Math.fround : (x: number) => x;
    for (let i = 0; i < V.length; i++) {
      const y = V[i];
      if (op === 'sigmoid') o[i] = G[i] * r(y * r(1 - y));
      else if (op === 'tanh') o[i] = G[i] * r(1 - r(y * y));
      else o[i] = G[i] * (y > 0 ? 1 : 0);
    }
    return this.make(o);
  }
  where(cond: Storage, a: Storage, b: Storage): Storage {
    const C = arr(cond), A = arr(a), B = arr(b);
    const o = new this.Arr(C.length);
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
    const o = new this.Arr(n);
    if (n === 0) return this.make(o);
    const c = coalesce(outShape, [strides.slice(), stridesOf(outShape)]);
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
    const o = new this.Arr(outer * total * inner);
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
      const c = coalesce(shape, [stridesOf(shape), outSt]);
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
    return this.make(this.Arr.from(acc));
  }
  argmax(x: Storage, shape: readonly number[], axis: number): Storage {
    const X = arr(x);
    const ax = axis < 0 ? axis + shape.length : axis;
    const outer = prod(shape.slice(0, ax));
    const len = shape[ax];
    const inner = prod(shape.slice(ax + 1));
    const o = new this.Arr(outer * inner);
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
    const o = new this.Arr(batch * m * n);
    const row = new Float64Array(n);
    const bt = new this.Arr(k * n);
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
    const X = arr(x), W = arr(w), Bs = bias ? arr(bias) : null;
    const { n, cIn, h, w: wd, cOut, kH, kW, strideH: sh, strideW: sw, padH: ph, padW: pw, outH, outW } = p;
    const plane = outH * outW;
    const acc = new Float64Array(plane);
    const o = new this.Arr(n * cOut * plane);
    for (let b = 0; b < n; b++) {
      for (let co = 0; co < cOut; co++) {
        acc.fill(Bs ? Bs[co] : 0);
        for (let ci = 0; ci < cIn; ci++) {
          const xBase = (b * cIn + ci) * h * wd;
          const wBase = (co * cIn + ci) * kH * kW;
          for (let ki = 0; ki < kH; ki++) {
            for (let kj = 0; kj < kW; kj++) {
              const wv = W[wBase + ki * kW + kj];
              const [j0, j1] = validRange(kj, pw, sw, wd, outW);
              for (let oi = 0; oi < outH; oi++) {
                const ii = oi * sh - ph + ki;
                if (ii < 0 || ii >= h) continue;
                const xr = xBase + ii * wd - pw + kj;
                const ar = oi * outW;
                for (let oj = j0; oj < j1; oj++) acc[ar + oj] += wv * X[xr + oj * sw];
              }
            }
          }
        }
        o.set(acc, (b * cOut + co) * plane);
      }
    }
    return this.make(o);
  }
  conv2dBackwardInput(gy: Storage, w: Storage, p: Conv2dParams): Storage {
    const G = arr(gy), W = arr(w);
    const { n, cIn, h, w: wd, cOut, kH, kW, strideH: sh, strideW: sw, padH: ph, padW: pw, outH, outW } = p;
    const acc = new Float64Array(h * wd);
    const o = new this.Arr(n * cIn * h * wd);
    for (let b = 0; b < n; b++) {
      for (let ci = 0; ci < cIn; ci++) {
        acc.fill(0);
        for (let co = 0; co < cOut; co++) {
          const gBase = (b * cOut + co) * outH * outW;
          const wBase = (co * cIn + ci) * kH * kW;
          for (let ki = 0; ki < kH; ki++) {
            for (let kj = 0; kj < kW; kj++) {
              const wv = W[wBase + ki * kW + kj];
              const [j0, j1] = validRange(kj, pw, sw, wd, outW);
              for (let oi = 0; oi < outH; oi++) {
                const ii = oi * sh - ph + ki;
                if (ii < 0 || ii >= h) continue;
                const xr = ii * wd - pw + kj;
                const gr = gBase + oi * outW;
                for (let oj = j0; oj < j1; oj++) acc[xr + oj * sw] += wv * G[gr + oj];
              }
            }
          }
        }
        o.set(acc, (b * cIn + ci) * h * wd);
      }
    }
    return this.make(o);
  }
  conv2dBackwardWeight(x: Storage, gy: Storage, p: Conv2dParams): Storage {
    const X = arr(x), G = arr(gy);
    const { n, cIn, h, w: wd, cOut, kH, kW, strideH: sh, strideW: sw, padH: ph, padW: pw, outH, outW } = p;
    const acc = new Float64Array(cOut * cIn * kH * kW);
    const ranges = Array.from({ length: kW }, (_, kj) => validRange(kj, pw, sw, wd, outW));
    // One image at a time, so its input and output gradient stay in cache.
    for (let b = 0; b < n; b++) {
      for (let co = 0; co < cOut; co++) {
        const gBase = (b * cOut + co) * outH * outW;
        for (let ci = 0; ci < cIn; ci++) {
          const xBase = (b * cIn + ci) * h * wd;
          const wBase = (co * cIn + ci) * kH * kW;
          for (let ki = 0; ki < kH; ki++) {
            for (let kj = 0; kj < kW; kj++) {
              const [j0, j1] = ranges[kj];
              let s = 0;
              for (let oi = 0; oi < outH; oi++) {
                const ii = oi * sh - ph + ki;
                if (ii < 0 || ii >= h) continue;
                const xr = xBase + ii * wd - pw + kj;
                const gr = gBase + oi * outW;
                for (let oj = j0; oj < j1; oj++) s += G[gr + oj] * X[xr + oj * sw];
              }
              acc[wBase + ki * kW + kj] += s;
            }
          }
        }
      }
    }
    return this.make(this.Arr.from(acc));
  }
  pool2d(x: Storage, p: Pool2dParams): Storage {
    const X = arr(x);
    const { mode, n, c, h, w, kH, kW, strideH: sh, strideW: sw, padH: ph, padW: pw, outH, outW } = p;
    const o = new this.Arr(n * c * outH * outW);
    const area = kH * kW;
    for (let pl = 0; pl < n * c; pl++) {
      const xb = pl * h * w;
      const ob = pl * outH * outW;
      for (let oi = 0; oi < outH; oi++) {
        const i0 = oi * sh - ph;
        for (let oj = 0; oj < outW; oj++) {
          const j0 = oj * sw - pw;
          if (mode === 'max') {
            let best = -Infinity;
            for (let ki = 0; ki < kH; ki++) {
              const ii = i0 + ki;
              if (ii < 0 || ii >= h) continue;
              for (let kj = 0; kj < kW; kj++) {
                const jj = j0 + kj;
                if (jj < 0 || jj >= w) continue;
                const v = X[xb + ii * w + jj];
                if (v > best || v !== v) best = v;
              }
            }
            o[ob + oi * outW + oj] = best;
          } else {
            let s = 0;
            for (let ki = 0; ki < kH; ki++) {
              const ii = i0 + ki;
              if (ii < 0 || ii >= h) continue;
              for (let kj = 0; kj < kW; kj++) {
                const jj = j0 + kj;
                if (jj < 0 || jj >= w) continue;
                s += X[xb + ii * w + jj];
              }
            }
            o[ob + oi * outW + oj] = s / area;
          }
        }
      }
    }
    return this.make(o);
  }
  pool2dBackward(x: Storage, gy: Storage, p: Pool2dParams): Storage {
    const X = arr(x), G = arr(gy);
    const { mode, n, c, h, w, kH, kW, strideH: sh, strideW: sw, padH: ph, padW: pw, outH, outW } = p;
    const acc = new Float64Array(n * c * h * w);
    const area = kH * kW;
    for (let pl = 0; pl < n * c; pl++) {
      const xb = pl * h * w;
      const ob = pl * outH * outW;
      for (let oi = 0; oi < outH; oi++) {
        const i0 = oi * sh - ph;
        for (let oj = 0; oj < outW; oj++) {
          const j0 = oj * sw - pw;
          const g = G[ob + oi * outW + oj];
          if (mode === 'max') {
            let best = -Infinity;
            let at = -1;
            for (let ki = 0; ki < kH; ki++) {
              const ii = i0 + ki;
              if (ii < 0 || ii >= h) continue;
              for (let kj = 0; kj < kW; kj++) {
                const jj = j0 + kj;
                if (jj < 0 || jj >= w) continue;
                const v = X[xb + ii * w + jj];
                // The first maximum of the window wins (a NaN counts as the maximum).
                if (at < 0 || v > best || (v !== v && best === best)) {
                  best = v;
                  at = xb + ii * w + jj;
                }
              }
            }
            if (at >= 0) acc[at] += g;
          } else {
            const share = g / area;
            for (let ki = 0; ki < kH; ki++) {
              const ii = i0 + ki;
              if (ii < 0 || ii >= h) continue;
              for (let kj = 0; kj < kW; kj++) {
                const jj = j0 + kj;
                if (jj < 0 || jj >= w) continue;
                acc[xb + ii * w + jj] += share;
              }
            }
          }
        }
      }
    }
    return this.make(this.Arr.from(acc));
  }
  resizeBilinear(x: Storage, n: number, c: number, h: number, w: number, outH: number, outW: number): Storage {
    const X = arr(x);
    const o = new this.Arr(n * c * outH * outW);
    const ys = bilinearTaps(h, outH);
    const xs = bilinearTaps(w, outW);
    for (let pl = 0; pl < n * c; pl++) {
      const xb = pl * h * w;
      const ob = pl * outH * outW;
      for (let oi = 0; oi < outH; oi++) {
        const { i0, i1, l1 } = ys[oi];
        const l0 = 1 - l1;
        for (let oj = 0; oj < outW; oj++) {
          const t = xs[oj];
          const m0 = 1 - t.l1;
          const top = m0 * X[xb + i0 * w + t.i0] + t.l1 * X[xb + i0 * w + t.i1];
          const bot = m0 * X[xb + i1 * w + t.i0] + t.l1 * X[xb + i1 * w + t.i1];
          o[ob + oi * outW + oj] = l0 * top + l1 * bot;
        }
      }
    }
    return this.make(o);
  }

  // ---- randomness -----------------------------------------------------------------
  dropoutMask(size: number, p: number, seed: number): Storage {
    const o = new this.Arr(size);
    if (p < 1) {
      const scale = 1 / (1 - p);
      for (let i = 0; i < size; i++) o[i] = dropoutUniform(seed, i) >= p ? scale : 0;
    }
    return this.make(o);
  }

  // ---- optimizers (in place) ------------------------------------------------------
  sgdStep(param: Storage, grad: Storage, momentumBuf: Storage | null, p: SgdParams): void {
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
    const { lr, beta1, beta2, eps, weightDecay: wd, step } = p;
    const bc1 = 1 - Math.pow(beta1, step);
    const bc2 = 1 - Math.pow(beta2, step);
    const stepSize = lr / bc1;
    const sqrtBc2 = Math.sqrt(bc2);
    for (let i = 0; i < P.length; i++) {
      const g = G[i] + wd * P[i];
      Mm[i] = beta1 * Mm[i] + (1 - beta1) * g;
      V[i] = beta2 * V[i] + (1 - beta2) * g * g;
      const denom = Math.sqrt(V[i]) / sqrtBc2 + eps;
      P[i] = P[i] - (stepSize * Mm[i]) / denom;
    }
  }
}

/**
 * For kernel column `kj`, the output columns [j0, j1) whose input column
 * oj*stride - pad + kj falls inside [0, w).
 */
function validRange(kj: number, pad: number, stride: number, w: number, outW: number): [number, number] {
  // Need oj*stride >= pad - kj and oj*stride <= w - 1 + pad - kj.
  const lo = Math.max(0, Math.ceil((pad - kj) / stride));
  const hi = Math.min(outW, Math.floor((w - 1 + pad - kj) / stride) + 1);
  return [lo, Math.max(lo, hi)];
}

/**
 * Source taps of bilinear resizing along one axis (align_corners=false, PyTorch):
 * src = (dst + 0.5) * in/out - 0.5, clamped below at 0; the two neighbours and the
 * weight of the second.
 */
export function bilinearTaps(inSize: number, outSize: number): { i0: number; i1: number; l1: number }[] {
  const scale = inSize / outSize;
  const taps: { i0: number; i1: number; l1: number }[] = [];
  for (let d = 0; d < outSize; d++) {
    let src = (d + 0.5) * scale - 0.5;
    if (src < 0) src = 0;
    const i0 = Math.min(Math.floor(src), inSize - 1);
    const i1 = i0 < inSize - 1 ? i0 + 1 : i0;
    taps.push({ i0, i1, l1: src - i0 });
  }
  return taps;
}

export function createCpuBackend(): CpuBackend {
  return new CpuBackend();
}
