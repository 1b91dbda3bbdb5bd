/**
 * The element-wise ops: one table entry per op holds everything the engine needs to
 * know about it, on every backend.
 *
 * - `cpu`: the scalar function (the reference, also used by the wasm backend);
 * - `wgsl`: the same function in WGSL (an expression, or a body with `return`), over
 *   `x` (unary) or `a`, `b` (binary); the WebGPU backend builds one pipeline per op
 *   from shaders/unary.wgsl or shaders/binary.wgsl with it;
 * - `grad`: the derivative, composed from other ops; or `derivative`: a fused kernel
 *   `g * f'(v)` (again as `cpu` and `wgsl`, with `v` the op's input or output, see `of`)
 *   run by the backends' `unaryBackward`;
 * - `method`: the Tensor method it installs (`x.softplus()`), typed from this table.
 *
 * Adding an element-wise op is one entry here (plus its PyTorch fixture): the
 * backends, the WGSL, the Tensor method and the conformance tests follow from it.
 * This module holds data and imports nothing at run time, so that every backend can
 * read it; the differentiable ops and the Tensor methods over it are in
 * elementwise-ops.ts.
 */
import type { Tensor } from '../tensor';

/** Gradients of a binary op's two inputs. */
type Grads = [Tensor | null, Tensor | null];

/** Rounds to f32 on the f32 backends (identity in the CPU backend's float64 test mode). */
export type Round = (v: number) => number;

export interface UnaryDef {
  cpu: (x: number) => number;
  wgsl: string;
  /** dL/dx from g = dL/dy, the input x and the output y (composed from other ops). */
  grad?: (g: Tensor, x: Tensor, y: Tensor) => Tensor;
  /** A fused derivative kernel g * f'(v), where v is the op's input (`of: 'x'`) or output (`of: 'y'`). */
  derivative?: { of: 'x' | 'y'; cpu: (v: number, g: number, round: Round) => number; wgsl: string };
  /** Name of the Tensor method; false for none. Defaults to the op's name. */
  method?: string | false;
  /**
   * An activation a layer's kernel may apply as it stores its output (a fused epilogue),
   * keeping only the activated output: its `derivative` must be right when given the
   * output (relu's is: y > 0 exactly where x > 0).
   */
  epilogue?: true;
}

export interface BinaryDef {
  cpu: (a: number, b: number) => number;
  wgsl: string;
  /** WGSL functions the expression calls. */
  wgslHelpers?: string;
  /** [dL/da, dL/db] at the broadcast shape (the engine sums them back to each input's shape). */
  grad?: (g: Tensor, a: Tensor, b: Tensor, y: Tensor, need: [boolean, boolean]) => Grads;
  method?: string | false;
}

const cmp = (test: string): string => `select(0.0, 1.0, ${test})`;

export const UNARY_OPS = {
  neg: { cpu: (x) => -x, wgsl: '-x', grad: (g): Tensor => g.neg() },
  exp: { cpu: Math.exp, wgsl: 'exp(x)', grad: (g, _x, y): Tensor => g.mul(y) },
  log: { cpu: Math.log, wgsl: 'log(x)', grad: (g, x): Tensor => g.div(x) },
  sqrt: { cpu: Math.sqrt, wgsl: 'sqrt(x)', grad: (g, _x, y): Tensor => g.div(y.mul(2)) },
  rsqrt: { cpu: (x) => 1 / Math.sqrt(x), wgsl: '1.0 / sqrt(x)', grad: (g, _x, y): Tensor => g.mul(y.square().mul(y).mul(-0.5)) },
  abs: { cpu: Math.abs, wgsl: 'abs(x)', grad: (g, x): Tensor => g.mul(x.sign()) },
  square: { cpu: (x) => x * x, wgsl: 'x * x', grad: (g, x): Tensor => g.mul(x.mul(2)) },
  reciprocal: { cpu: (x) => 1 / x, wgsl: '1.0 / x', grad: (g, _x, y): Tensor => g.mul(y.square()).neg() },
  relu: {
    cpu: (x) => (x > 0 ? x : 0),
    wgsl: 'select(0.0, x, x > 0.0)',
    derivative: { of: 'x', cpu: (x, g) => g * (x > 0 ? 1 : 0), wgsl: 'g * select(0.0, 1.0, v > 0.0)' },
    epilogue: true,
  },
  sigmoid: {
    // Written so that neither branch overflows: exp of a non-positive number only.
    cpu: (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))),
    wgsl: 'let e = exp(-abs(x)); return select(e / (1.0 + e), 1.0 / (1.0 + e), x >= 0.0);',
    derivative: { of: 'y', cpu: (y, g, r) => g * r(y * r(1 - y)), wgsl: 'g * (v * (1.0 - v))' },
    epilogue: true,
  },
  tanh: {
    cpu: Math.tanh,
    // tanh(x) = sign(x) (1 - e) / (1 + e) with e = exp(-2|x|) away from 0: no overflow.
    wgsl: 'if (abs(x) < 4.0) { return tanh(x); } let e = exp(-2.0 * abs(x)); let t = (1.0 - e) / (1.0 + e); return select(t, -t, x < 0.0);',
    derivative: { of: 'y', cpu: (y, g, r) => g * r(1 - r(y * y)), wgsl: 'g * (1.0 - v * v)' },
    epilogue: true,
  },
  /** log(1 + e^x), a smooth relu; like PyTorch it returns x itself above 20. */
  softplus: {
    cpu: (x) => (x > 20 ? x : Math.log1p(Math.exp(x))),
    wgsl: 'select(log(1.0 + exp(x)), x, x > 20.0)',
    // d/dx = sigmoid(x).
    derivative: { of: 'x', cpu: (x, g, r) => g * r(1 / (1 + Math.exp(-x))), wgsl: 'g / (1.0 + exp(-v))' },
  },
  /** 1 where x > 0, else 0 (the derivative of relu); not differentiable. */
  step: { cpu: (x) => (x > 0 ? 1 : 0), wgsl: cmp('x > 0.0'), method: false },
  sign: { cpu: (x) => (x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : NaN), wgsl: 'select(select(x, -1.0, x < 0.0), 1.0, x > 0.0)' },
} satisfies Record<string, UnaryDef>;

/** Broadcasting binary ops; comparisons give 1 or 0 and have no gradient. */
export const BINARY_OPS = {
  add: { cpu: (a, b) => a + b, wgsl: 'a + b', grad: (g, _a, _b, _y, [na, nb]): Grads => [na ? g : null, nb ? g : null] },
  sub: { cpu: (a, b) => a - b, wgsl: 'a - b', grad: (g, _a, _b, _y, [na, nb]): Grads => [na ? g : null, nb ? g.neg() : null] },
  mul: { cpu: (a, b) => a * b, wgsl: 'a * b', grad: (g, a, b, _y, [na, nb]): Grads => [na ? g.mul(b) : null, nb ? g.mul(a) : null] },
  div: {
    cpu: (a, b) => a / b,
    wgsl: 'a / b',
    grad: (g, a, b, _y, [na, nb]): Grads => [na ? g.div(b) : null, nb ? g.mul(a).div(b.square()).neg() : null],
  },
  max: {
    cpu: (a, b) => (a !== a || b !== b ? NaN : a > b ? a : b),
    wgsl: 'max(a, b)',
    grad: (g, a, b, _y, need): Grads => extremumGrad(g, a.gt(b), a, b, need),
    method: 'maximum' as const,
  },
  min: {
    cpu: (a, b) => (a !== a || b !== b ? NaN : a < b ? a : b),
    wgsl: 'min(a, b)',
    grad: (g, a, b, _y, need): Grads => extremumGrad(g, a.lt(b), a, b, need),
    method: 'minimum' as const,
  },
  pow: {
    cpu: Math.pow,
    wgsl: 'powf(a, b)',
    wgslHelpers: `fn powf(x: f32, y: f32) -> f32 {
  if (y == 0.0) { return 1.0; }
  if (y == 1.0) { return x; }
  if (y == 2.0) { return x * x; }
  if (y == 0.5) { return sqrt(x); }
  let r = exp2(y * log2(abs(x)));
  if (x < 0.0) {
    // A negative base needs an integer exponent; odd exponents keep the sign.
    if (floor(y) != y) { return sqrt(-1.0 - abs(x)); } // NaN, made at run time
    let half = y * 0.5;
    return select(r, -r, floor(half) != half);
  }
  return r;
}`,
    // d(a^b)/da = b a^(b-1); d(a^b)/db = a^b log a.
    grad: (g, a, b, y, [na, nb]): Grads => [na ? g.mul(b).mul(a.pow(b.sub(1))) : null, nb ? g.mul(y).mul(a.log()) : null],
  },
  gt: { cpu: (a, b) => (a > b ? 1 : 0), wgsl: cmp('a > b') },
  ge: { cpu: (a, b) => (a >= b ? 1 : 0), wgsl: cmp('a >= b') },
  lt: { cpu: (a, b) => (a < b ? 1 : 0), wgsl: cmp('a < b') },
  le: { cpu: (a, b) => (a <= b ? 1 : 0), wgsl: cmp('a <= b') },
  eq: { cpu: (a, b) => (a === b ? 1 : 0), wgsl: cmp('a == b') },
} satisfies Record<string, BinaryDef>;

/** The larger (smaller) input takes the gradient; ties split it in half (PyTorch). */
function extremumGrad(g: Tensor, wins: Tensor, a: Tensor, b: Tensor, [na, nb]: [boolean, boolean]): Grads {
  const share = wins.add(a.eq(b).mul(0.5));
  return [na ? g.mul(share) : null, nb ? g.mul(share.neg().add(1)) : null];
}

export type UnaryOp = keyof typeof UNARY_OPS;
export type BinaryOp = keyof typeof BINARY_OPS;
/** Unary ops whose derivative is a fused kernel (`Backend.unaryBackward`). */
export type FusedDerivativeOp = { [K in UnaryOp]: (typeof UNARY_OPS)[K] extends { derivative: object } ? K : never }[UnaryOp];

/** Activations a layer's kernel may apply in its epilogue (see `UnaryDef.epilogue`). */
export type EpilogueOp = { [K in UnaryOp]: (typeof UNARY_OPS)[K] extends { epilogue: true } ? K : never }[UnaryOp];

export function isEpilogueOp(op: string): op is EpilogueOp {
  return (UNARY_OPS as Record<string, UnaryDef>)[op]?.epilogue === true;
}

export function unaryDef(op: string): UnaryDef {
  const d = (UNARY_OPS as Record<string, UnaryDef>)[op];
  if (!d) throw new Error(`Unknown unary op '${op}'`);
  return d;
}
export function binaryDef(op: string): BinaryDef {
  const d = (BINARY_OPS as Record<string, BinaryDef>)[op];
  if (!d) throw new Error(`Unknown binary op '${op}'`);
  return d;
}
export function derivativeDef(op: string): NonNullable<UnaryDef['derivative']> {
  const d = unaryDef(op).derivative;
  if (!d) throw new Error(`Unary op '${op}' has no fused derivative kernel`);
  return d;
}

/** A WGSL function body from an entry's `wgsl` (an expression or statements with `return`). */
function body(src: string): string {
  return /\breturn\b/.test(src) ? src : `return ${src};`;
}
/** The WGSL `apply(x)` of a unary op, prepended to shaders/unary.wgsl. */
export function unaryWgsl(op: string): string {
  return `fn apply(x: f32) -> f32 { ${body(unaryDef(op).wgsl)} }\n`;
}
/** The WGSL `act(x)` a layer kernel applies as it stores (identity for none), prepended to its shader. */
export function epilogueWgsl(op: EpilogueOp | null): string {
  return `fn act(x: f32) -> f32 { ${op ? body(unaryDef(op).wgsl) : 'return x;'} }\n`;
}
/** The WGSL `apply(a, b)` of a binary op, prepended to shaders/binary.wgsl. */
export function binaryWgsl(op: string): string {
  const d = binaryDef(op);
  return `${d.wgslHelpers ?? ''}\nfn apply(a: f32, b: f32) -> f32 { ${body(d.wgsl)} }\n`;
}
/** The WGSL `derivative(v, g)` of a unary op's fused gradient, prepended to shaders/unary-backward.wgsl. */
export function derivativeWgsl(op: string): string {
  return `fn derivative(v: f32, g: f32) -> f32 { ${body(derivativeDef(op).wgsl)} }\n`;
}
