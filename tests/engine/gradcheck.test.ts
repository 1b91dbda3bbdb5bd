// Finite-difference gradient checks, run on a float64 variant of the CPU backend so
// central differences are accurate to ~1e-9: every backward rule is checked against
// the forward it belongs to, independently of the PyTorch fixtures.
import { afterAll, describe, expect, it } from 'vitest';
import { F, Generator, cat, noGrad, setBackend, tensor, tidy, where, type Tensor } from '../../src/engine/index';
import { CpuBackend } from '../../src/engine/cpu/index';
import { setBackendInstance } from '../../src/engine/runtime';

const be64 = new CpuBackend({ float64: true });
const view = (t: Tensor) => be64.view(t._s);

interface Spec {
  shapes: number[][];
  lo?: number;
  hi?: number;
}

/** Compares backward() with central differences of sum(fn(xs) * R) for random R. */
function gradcheck(fn: (xs: Tensor[]) => Tensor, spec: Spec, seed = 1): void {
  setBackendInstance(be64);
  const gen = new Generator(seed);
  const lo = spec.lo ?? -1, hi = spec.hi ?? 1;
  const xs = spec.shapes.map((s) => {
    const v = new Float32Array(s.reduce((a, b) => a * b, 1)).map(() => lo + (hi - lo) * gen.nextFloat());
    return tensor(v, s, { requiresGrad: true });
  });
  let R: Float64Array = new Float64Array(0);
  const loss = (): number => noGrad(() => tidy(() => {
    const y = view(fn(xs));
    let s = 0;
    for (let i = 0; i < y.length; i++) s += y[i] * R[i];
    return s;
  }));
  tidy(() => {
    const out = fn(xs);
    R = new Float64Array(out.size).map(() => gen.nextFloat() * 2 - 1);
    const r = tensor(new Float32Array(out.size), out.shape);
    view(r).set(R);
    out.backward(r);
  });
  const h = 1e-6;
  xs.forEach((x, k) => {
    const v = view(x);
    const analytic = view(x.grad!);
    for (let i = 0; i < v.length; i++) {
      const old = v[i];
      v[i] = old + h;
      const up = loss();
      v[i] = old - h;
      const down = loss();
      v[i] = old;
      const numeric = (up - down) / (2 * h);
      const err = Math.abs(analytic[i] - numeric);
      if (err > 1e-6 + 1e-5 * Math.abs(numeric)) {
        expect.fail(`input ${k} element ${i}: backward gives ${analytic[i]}, finite differences ${numeric}`);
      }
    }
  });
}

const CHECKS: [string, (xs: Tensor[]) => Tensor, Spec][] = [
  ['conv2d with a 3x2 kernel, stride 2, padding 1 and bias', ([x, w, b]) => F.conv2d(x, w, b, { stride: 2, padding: 1 }), { shapes: [[2, 3, 7, 6], [4, 3, 3, 2], [4]] }],
  ['conv2d with stride (2, 3) and padding (1, 0)', ([x, w]) => F.conv2d(x, w, null, { stride: [2, 3], padding: [1, 0] }), { shapes: [[1, 2, 8, 9], [3, 2, 3, 3]] }],
  ['maxPool2d 3x3, stride 2, padding 1', ([x]) => F.maxPool2d(x, 3, { stride: 2, padding: 1 }), { shapes: [[2, 2, 7, 7]] }],
  ['avgPool2d (3, 2), stride (2, 1), padding (1, 0)', ([x]) => F.avgPool2d(x, [3, 2], { stride: [2, 1], padding: [1, 0] }), { shapes: [[1, 2, 7, 6]] }],
  ['adaptiveAvgPool2d from 7x5 to 3x2', ([x]) => F.adaptiveAvgPool2d(x, [3, 2]), { shapes: [[2, 2, 7, 5]] }],
  ['adaptiveAvgPool2d from 6x4 to 3x2 (divisible)', ([x]) => F.adaptiveAvgPool2d(x, [3, 2]), { shapes: [[1, 2, 6, 4]] }],
  ['interpolateBilinear up from 3x4 to 7x9', ([x]) => F.interpolateBilinear(x, [7, 9]), { shapes: [[1, 2, 3, 4]] }],
  ['interpolateBilinear down from 9x8 to 4x3', ([x]) => F.interpolateBilinear(x, [4, 3]), { shapes: [[2, 1, 9, 8]] }],
  ['batchNorm in training on [N, C, H, W] with weight and bias', ([x, w, b]) => F.batchNorm(x, null, null, w, b, { training: true }), { shapes: [[3, 2, 3, 2], [2], [2]] }],
  ['batchNorm in training on [N, C]', ([x, w, b]) => F.batchNorm(x, null, null, w, b, { training: true }), { shapes: [[5, 3], [3], [3]] }],
  ['batchNorm + residual + sigmoid as one fused op, in training', ([x, w, b, r]) => F.batchNorm(x, null, null, w, b, { training: true, residual: r, act: 'sigmoid' }), { shapes: [[3, 2, 3, 2], [2], [2], [3, 2, 3, 2]] }],
  ['batchNorm + tanh as one fused op, on [N, C] with running statistics', ([x, w, b]) => F.batchNorm(x, tensor([0.2, -0.1, 0.4], [3]), tensor([1.5, 0.7, 2], [3]), w, b, { act: 'tanh' }), { shapes: [[5, 3], [3], [3]] }],
  ['batchNorm + residual as one fused op, in training', ([x, r]) => F.batchNorm(x, null, null, null, null, { training: true, residual: r }), { shapes: [[4, 3], [4, 3]] }],
  ['crossEntropy with class indices', ([x]) => F.crossEntropy(x, [2, 0, 1, 2]), { shapes: [[4, 3]], lo: -3, hi: 3 }],
  ['softmax along axis 1', ([x]) => F.softmax(x, 1), { shapes: [[2, 4, 3]] }],
  ['logSoftmax along the last axis', ([x]) => F.logSoftmax(x, -1), { shapes: [[3, 5]] }],
  ['matmul with broadcast batch axes', ([a, b]) => a.matmul(b), { shapes: [[2, 1, 3, 4], [3, 4, 2]] }],
  ['matmul of a vector and a matrix', ([a, b]) => a.matmul(b), { shapes: [[4], [4, 3]] }],
  ['linear with bias', ([x, w, b]) => F.linear(x, w, b), { shapes: [[2, 3, 4], [5, 4], [5]] }],
  ['pow of positive bases to real exponents', ([a, b]) => a.pow(b), { shapes: [[3, 4], [4]], lo: 0.5, hi: 2 }],
  ['div with broadcasting', ([a, b]) => a.div(b), { shapes: [[2, 3], [3, 1, 1]], lo: 0.5, hi: 2 }],
  ['maximum and minimum with broadcasting', ([a, b]) => a.maximum(b).add(a.minimum(b).mul(2)), { shapes: [[3, 4], [4]] }],
  ['max along one axis', ([x]) => x.max(1), { shapes: [[3, 5, 2]] }],
  ['max over all elements', ([x]) => x.max(), { shapes: [[3, 4]] }],
  ['min over two axes with keepdim', ([x]) => x.min([0, 2], true), { shapes: [[3, 2, 4]] }],
  ['var (unbiased) along an axis', ([x]) => x.var(1), { shapes: [[3, 6]] }],
  ['mean over axes 0 and 2', ([x]) => x.mean([0, 2]), { shapes: [[2, 3, 4]] }],
  ['where choosing between broadcast operands', ([a, b]) => where(a.gt(0), a.mul(3), b), { shapes: [[3, 4], [4]] }],
  ['cat, narrow, permute and expand together', ([a, b]) => cat([a, b], 1).narrow(1, 1, 3).permute(2, 0, 1).expand([2, 4, 2, 3]), { shapes: [[2, 2, 1], [2, 3, 1]] }],
  ['sigmoid, tanh, exp, abs and square', ([x]) => x.sigmoid().add(x.tanh()).add(x.exp()).add(x.abs()).add(x.square()), { shapes: [[4, 3]] }],
  ['log, sqrt, rsqrt and reciprocal of positive inputs', ([x]) => x.log().add(x.sqrt()).add(x.rsqrt()).add(x.reciprocal()), { shapes: [[5]], lo: 0.5, hi: 3 }],
  ['relu and a reused input (x * x + relu(x))', ([x]) => x.mul(x).add(x.relu()), { shapes: [[6]] }],
  [
    'a small conv net: conv, batch norm, relu, max pool, flatten, linear, cross-entropy',
    ([x, w1, b1, g, be, w2, b2]) => {
      let h = F.conv2d(x, w1, b1, { padding: 1 });
      h = F.batchNorm(h, null, null, g, be, { training: true }).relu();
      h = F.maxPool2d(h, 2).flatten(1);
      return F.crossEntropy(F.linear(h, w2, b2), [1, 0]);
    },
    { shapes: [[2, 1, 4, 4], [3, 1, 3, 3], [3], [3], [3], [2, 12], [2]] },
  ],
];

describe('finite-difference gradient checks (float64 CPU)', () => {
  afterAll(() => setBackend('cpu'));
  it.each(CHECKS)('the gradient of %s agrees with central differences', (_name, fn, spec) => {
    gradcheck(fn, spec);
  });
});
