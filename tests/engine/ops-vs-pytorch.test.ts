// Every op's forward and gradient against results recorded from PyTorch by
// scripts/make-fixtures.py (tests/fixtures/ops.json), on each backend.
import { describe, expect, it } from 'vitest';
import { F, Tensor, cat, tidy } from '../../src/engine/index';
import { BACKENDS, expectClose, useBackend } from './helpers';
import { fromPacked, loadFixture, type OpCase } from './fixtures';

const { cases } = loadFixture<OpCase>('ops.json');

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Run = (xs: Tensor[], a: any) => Tensor;
const nullable = (v: unknown) => (v === null ? undefined : v);
const opt = (t: Tensor | undefined) => t ?? null;

/**
 * How the engine computes each fixture case: element-wise ops through the Tensor method
 * their registry entry installs (ops/elementwise.ts), everything else one line each.
 */
function runnerFor(op: string): Run | undefined {
  if (RUN[op]) return RUN[op];
  const method = (Tensor.prototype as unknown as Record<string, unknown>)[op];
  if (typeof method !== 'function') return undefined;
  return ([x, ...rest]) => (method as (...a: Tensor[]) => Tensor).apply(x, rest);
}

const RUN: Record<string, Run> = {
  relu: ([x]) => F.relu(x),
  sigmoid: ([x]) => F.sigmoid(x),
  tanh: ([x]) => F.tanh(x),
  sum: ([x], a) => x.sum(nullable(a.axis) as number, a.keepdim),
  mean: ([x], a) => x.mean(nullable(a.axis) as number, a.keepdim),
  max: ([x], a) => x.max(nullable(a.axis) as number, a.keepdim),
  min: ([x], a) => x.min(nullable(a.axis) as number, a.keepdim),
  argmax: ([x], a) => x.argmax(a.axis),
  softmax: ([x], a) => F.softmax(x, a.dim),
  logSoftmax: ([x], a) => F.logSoftmax(x, a.dim),
  transpose: ([x], a) => x.transpose(a.d0, a.d1),
  permute: ([x], a) => x.permute(a.perm),
  reshape: ([x], a) => x.reshape(a.shape),
  narrow: ([x], a) => x.narrow(a.axis, a.start, a.length),
  cat: (xs, a) => cat(xs, a.axis),
  expand: ([x], a) => x.expand(a.shape),
  matmul: ([a, b]) => a.matmul(b),
  linear: ([x, w, b]) => F.linear(x, w, opt(b)),
  conv2d: ([x, w, b], a) => F.conv2d(x, w, opt(b), { stride: a.stride, padding: a.padding }),
  maxPool2d: ([x], a) => F.maxPool2d(x, a.kernelSize, { stride: nullable(a.stride) as number, padding: a.padding }),
  avgPool2d: ([x], a) => F.avgPool2d(x, a.kernelSize, { stride: nullable(a.stride) as number, padding: a.padding }),
  adaptiveAvgPool2d: ([x], a) => F.adaptiveAvgPool2d(x, a.outSize),
  interpolateBilinear: ([x], a) => F.interpolateBilinear(x, a.size),
  batchNormTrain: ([x, w, b], a) => F.batchNorm(x, fromPacked(a.runningMean), fromPacked(a.runningVar), w, b, { training: true }),
  batchNormEval: ([x, w, b], a) => F.batchNorm(x, fromPacked(a.runningMean), fromPacked(a.runningVar), w, b, { training: false }),
  crossEntropy: ([x], a) => F.crossEntropy(x, a.labels),
  mseLoss: ([a, b]) => F.mseLoss(a, b),
};

describe.each(BACKENDS)('ops against PyTorch on %s', (backend) => {
  useBackend(backend);

  it('has a runner for every recorded op', () => {
    const missing = [...new Set(cases.map((c) => c.op))].filter((op) => !runnerFor(op));
    expect(missing).toEqual([]);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s matches PyTorch forward and backward', async (_name, c) => {
    const withGrad = !!c.gy;
    const { xs, out, grads } = tidy(() => {
      const xs = c.inputs.map((p) => fromPacked(p, withGrad));
      const out = runnerFor(c.op)!(xs, c.attrs);
      if (withGrad) out.backward(fromPacked(c.gy!));
      return { xs, out, grads: xs.map((x) => x.grad) };
    });
    expect([...out.shape]).toEqual(c.out.shape);
    expectClose(await out.data(), c.out.data, 1e-4, 'output');
    if (withGrad) {
      for (let i = 0; i < xs.length; i++) {
        const expected = c.grads![i];
        if (!expected) continue;
        expect(grads[i], `input ${i} has a gradient`).not.toBeNull();
        expect([...grads[i]!.shape]).toEqual(expected.shape);
        expectClose(await grads[i]!.data(), expected.data, 1e-4, `gradient of input ${i}`);
      }
    }
  });

  it('updates batch-norm running statistics like PyTorch (unbiased running variance, momentum 0.1)', async () => {
    for (const c of cases.filter((k) => k.op === 'batchNormTrain')) {
      const rm = fromPacked(c.attrs.runningMean);
      const rv = fromPacked(c.attrs.runningVar);
      const [x, w, b] = c.inputs.map((p) => fromPacked(p));
      F.batchNorm(x, rm, rv, w, b, { training: true });
      expectClose(await rm.data(), c.attrs.runningMeanAfter.data, 1e-4, `${c.name} running mean`);
      expectClose(await rv.data(), c.attrs.runningVarAfter.data, 1e-4, `${c.name} running var`);
    }
  });
});
