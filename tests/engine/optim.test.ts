// SGD and Adam against PyTorch (tests/fixtures/optim.json): three steps with fixed gradients.
import { describe, expect, it } from 'vitest';
import { nn, optim, tensor, tidy, type Tensor } from '../../src/engine/index';
import { BACKENDS, expectClose, useBackend } from './helpers';
import { fromPacked, loadFixture, type OptimCase } from './fixtures';

const { cases } = loadFixture<OptimCase>('optim.json');

function makeOptimizer(c: OptimCase, p: Tensor) {
  return c.optimizer === 'SGD' ? new optim.SGD([p], c.options) : new optim.Adam([p], c.options);
}

describe.each(BACKENDS)('optimizers on %s', (backend) => {
  useBackend(backend);

  it.each(cases.map((c) => [c.name, c] as const))('%s matches PyTorch over three steps', async (_n, c) => {
    const p = fromPacked(c.param, true);
    const opt = makeOptimizer(c, p);
    for (let s = 0; s < 3; s++) {
      p.grad?.dispose();
      p.grad = fromPacked(c.grads[s]);
      opt.step();
      expectClose(await p.data(), c.after[s].data, 1e-5, `step ${s + 1}`);
    }
  });

  it('zeroGrad drops every gradient so the next backward starts fresh', async () => {
    const lin = new nn.Linear(3, 1);
    const opt = new optim.SGD(lin.parameters(), { lr: 0.1 });
    tidy(() => lin.call(tensor([[1, 2, 3]])).sum().backward());
    opt.zeroGrad();
    expect(lin.weight.grad).toBeNull();
    tidy(() => lin.call(tensor([[1, 2, 3]])).sum().backward());
    expect(Array.from(await lin.weight.grad!.data())).toEqual([1, 2, 3]);
  });

  it('gradients accumulate across two backward calls without zeroGrad', async () => {
    const lin = new nn.Linear(3, 1);
    tidy(() => lin.call(tensor([[1, 2, 3]])).sum().backward());
    tidy(() => lin.call(tensor([[1, 2, 3]])).sum().backward());
    expect(Array.from(await lin.weight.grad!.data())).toEqual([2, 4, 6]);
  });

  it('skips parameters without a gradient', async () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const b = tensor([3, 4], { requiresGrad: true });
    const opt = new optim.SGD([a, b], { lr: 1 });
    a.grad = tensor([1, 1]);
    opt.step();
    expect(Array.from(await a.data())).toEqual([0, 1]);
    expect(Array.from(await b.data())).toEqual([3, 4]);
  });

  it('uses per-group hyper-parameters and lets the learning rate be changed', async () => {
    const a = tensor([1], { requiresGrad: true });
    const b = tensor([1], { requiresGrad: true });
    const opt = new optim.SGD([{ params: [a], lr: 0.5 }, { params: [b] }], { lr: 0.1 });
    a.grad = tensor([1]);
    b.grad = tensor([1]);
    opt.step();
    opt.paramGroups[1].lr = 1;
    opt.step();
    expectClose(await a.data(), [0], 1e-6);
    expectClose(await b.data(), [-0.1], 1e-6);
  });

  it('stateDict and loadStateDict carry momentum and Adam moments to a new optimizer', async () => {
    for (const kind of ['SGD', 'Adam'] as const) {
      const make = (p: Tensor) => (kind === 'SGD' ? new optim.SGD([p], { lr: 0.1, momentum: 0.9 }) : new optim.Adam([p], { lr: 0.1 }));
      const p1 = tensor([1, 2, 3], { requiresGrad: true });
      const p2 = tensor([1, 2, 3], { requiresGrad: true });
      const o1 = make(p1);
      const grads = [tensor([1, -1, 0.5]), tensor([0.2, 0.3, -0.4])];
      p1.grad = grads[0];
      o1.step();
      p2.assign(p1);
      const o2 = make(p2);
      o2.loadStateDict(o1.stateDict());
      p1.grad = grads[1];
      p2.grad = grads[1];
      o1.step();
      o2.step();
      expectClose(await p2.data(), await p1.data(), 1e-6, kind);
      expect(o2.stateDict().paramGroups[0].params).toEqual([0]);
    }
  });
});
