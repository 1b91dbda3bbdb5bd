// Tensor creation, autograd semantics, memory scopes and errors, on each backend.
import { describe, expect, it } from 'vitest';
import {
  F, Generator, arange, full, getBackend, keep, manualSeed, matmul, memory, noGrad, ones, rand, randn, stack, tensor, tidy, zeros, type Tensor,
} from '../../src/engine/index';
import { BACKENDS, expectClose, useBackend } from './helpers';

const values = async (t: Tensor) => Array.from(await t.data());

describe.each(BACKENDS)('tensors on %s', (backend) => {
  useBackend(backend);

  it('reports the current backend with a description', () => {
    const b = getBackend();
    expect(b.name).toBe(backend);
    expect(b.description.length).toBeGreaterThan(0);
  });

  it('builds tensors from nested arrays, flat arrays with a shape, and Float32Arrays', async () => {
    const a = tensor([[1, 2, 3], [4, 5, 6]]);
    expect([...a.shape]).toEqual([2, 3]);
    expect(a.size).toBe(6);
    expect(await a.array()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(await tensor([1, 2, 3, 4], [2, 2]).array()).toEqual([[1, 2], [3, 4]]);
    expect(await tensor(new Float32Array([7, 8]), [2, 1]).array()).toEqual([[7], [8]]);
    expect(await tensor(5).item()).toBe(5);
    expect(() => tensor([[1, 2], [3]])).toThrow(/ragged/);
    expect(() => tensor([1, 2, 3], [2, 2])).toThrow(/do not fill/);
  });

  it('makes zeros, ones, full and arange with PyTorch semantics', async () => {
    expect(await values(zeros([2, 2]))).toEqual([0, 0, 0, 0]);
    expect(await values(ones([3]))).toEqual([1, 1, 1]);
    expect(await values(full([2], 7))).toEqual([7, 7]);
    expect(await values(arange(4))).toEqual([0, 1, 2, 3]);
    expect(await values(arange(1, 2, 0.25))).toEqual([1, 1.25, 1.5, 1.75]);
  });

  it('draws the same random numbers for the same seed, from xoshiro128** on the host', async () => {
    manualSeed(123);
    const a = await values(rand([5]));
    const n = await values(randn([4]));
    manualSeed(123);
    expect(await values(rand([5]))).toEqual(a);
    const g = new Generator(123);
    expectClose(a, Array.from({ length: 5 }, () => g.nextFloat()), 1e-7);
    expectClose(n, Array.from({ length: 4 }, () => g.nextNormal()), 1e-6);
  });

  it('reads with data(), item() and array(); dataSync() works only where memory is on the host (cpu, wasm)', async () => {
    const t = tensor([[1.5, 2.5]]);
    expect(await t.item().catch((e: Error) => e.message)).toMatch(/one element/);
    if (backend !== 'webgpu') expect(Array.from(t.dataSync())).toEqual([1.5, 2.5]);
    else expect(() => t.dataSync()).toThrow(/only available on backends with host memory/);
  });

  it('broadcasts binary ops and sums gradients back to each input shape', async () => {
    const a = tensor([[1], [2], [3]], { requiresGrad: true }); // [3, 1]
    const b = tensor([10, 20, 30, 40], { requiresGrad: true }); // [4]
    const y = tidy(() => {
      const y = a.mul(b);
      y.sum().backward();
      return y;
    });
    expect([...y.shape]).toEqual([3, 4]);
    expect(await values(a.grad!)).toEqual([100, 100, 100]);
    expect([...a.grad!.shape]).toEqual([3, 1]);
    expect(await values(b.grad!)).toEqual([6, 6, 6, 6]);
  });

  it('takes numbers as operands on either side', async () => {
    const x = tensor([1, 2]);
    expect(await values(x.add(1).mul(2).sub(1).div(2).pow(2))).toEqual([2.25, 6.25]);
  });

  it('reshapes with -1, flattens from an axis, and view is an alias of reshape', async () => {
    const x = arange(24).reshape(2, 3, 4);
    expect([...x.reshape(4, -1).shape]).toEqual([4, 6]);
    expect([...x.view([6, 4]).shape]).toEqual([6, 4]);
    expect([...x.flatten(1).shape]).toEqual([2, 12]);
    expect([...x.flatten().shape]).toEqual([24]);
    expect(() => x.reshape(5, -1)).toThrow(/cannot infer/);
  });

  it('transposes and permutes by materialising a contiguous copy', async () => {
    const x = arange(6).reshape(2, 3);
    expect(await x.transpose(0, 1).array()).toEqual([[0, 3], [1, 4], [2, 5]]);
    expect(await arange(24).reshape(2, 3, 4).permute(2, 0, 1).reshape(-1).narrow(0, 0, 4).array()).toEqual([0, 4, 8, 12]);
  });

  it('reduces with sum, mean, max and argmax over axes, with and without keepdim', async () => {
    const x = tensor([[1, 5, 3], [4, 2, 6]]);
    expect(await x.sum().item()).toBe(21);
    expect(await values(x.sum(0))).toEqual([5, 7, 9]);
    expect([...x.sum(1, true).shape]).toEqual([2, 1]);
    expect(await values(x.mean(1))).toEqual([3, 4]);
    expect(await values(x.max(1))).toEqual([5, 6]);
    expect(await values(x.argmax(1))).toEqual([1, 2]);
    expect(await x.argmax().item()).toBe(5);
  });

  it('argmax picks the first of tied maxima; max along an axis sends the gradient there too', async () => {
    const x = tensor([[2, 7, 7, 1]], { requiresGrad: true });
    expect(await values(x.argmax(1))).toEqual([1]);
    tidy(() => x.max(1).sum().backward());
    expect(await values(x.grad!)).toEqual([0, 1, 0, 0]);
  });

  it('the full max shares the gradient evenly between tied maxima (like torch.amax)', async () => {
    const x = tensor([3, 9, 9, 2], { requiresGrad: true });
    tidy(() => x.max().backward());
    expect(await values(x.grad!)).toEqual([0, 0.5, 0.5, 0]);
  });

  it('multiplies batched matrices with a broadcast batch and vectors like torch.matmul', async () => {
    const a = ones([2, 1, 3, 4]);
    const b = ones([5, 4, 2]);
    expect([...matmul(a, b).shape]).toEqual([2, 5, 3, 2]);
    expect([...ones([4]).matmul(ones([4, 3])).shape]).toEqual([3]);
    expect([...ones([3, 4]).matmul(ones([4])).shape]).toEqual([3]);
    expect(await ones([4]).matmul(ones([4])).item()).toBe(4);
    expect(() => ones([2, 3]).matmul(ones([4, 2]))).toThrow(/do not match/);
  });

  it('stacks along a new axis', async () => {
    expect(await stack([tensor([1, 2]), tensor([3, 4])], 1).array()).toEqual([[1, 3], [2, 4]]);
  });

  it('needs an explicit gradient for backward from a non-scalar and accepts one', async () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const y = x.mul(2);
    expect(() => y.backward()).toThrow(/non-scalar/);
    y.backward(tensor([1, 0, -1]));
    expect(await values(x.grad!)).toEqual([2, 0, -2]);
  });

  it('accumulates into .grad on repeated backward with retainGraph and refuses a freed graph', async () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const h = x.mul(x);
    const y = h.sum();
    y.backward(undefined, { retainGraph: true });
    y.backward();
    expect(await values(x.grad!)).toEqual([4, 8]);
    expect(() => h.sum().backward()).toThrow(/already used by an earlier backward/);
  });

  it('keeps .grad of non-leaf tensors only when retainGrad() is asked for', async () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const h = x.mul(3).retainGrad();
    const k = x.mul(4);
    h.add(k).sum().backward();
    expect(await values(h.grad!)).toEqual([1, 1]);
    expect(k.grad).toBeNull();
  });

  it('records no graph under noGrad and detach() cuts the graph', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    expect(noGrad(() => x.mul(2)).requiresGrad).toBe(false);
    expect(x.detach().requiresGrad).toBe(false);
    expect(x.mul(2).requiresGrad).toBe(true);
    expect(() => tensor([1]).mul(2).backward()).toThrow(/does not require grad/);
  });

  it('clone() copies and stays in the graph; assign() replaces contents and checks shapes', async () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const c = x.clone();
    c.mul(5).sum().backward();
    expect(await values(x.grad!)).toEqual([5, 5]);
    const t = zeros([2]);
    const alias = t.reshape(2);
    t.assign(tensor([3, 4]));
    expect(await values(t)).toEqual([3, 4]);
    expect(await values(alias)).toEqual([0, 0]);
    expect(() => t.assign(zeros([3]))).toThrow(/does not match/);
  });

  it('tidy keeps returned tensors (also inside objects), kept ones, and moves them to the enclosing scope', () => {
    let inner!: Tensor;
    let kept!: Tensor;
    const outer = tidy(() => {
      const r = tidy(() => {
        inner = ones([2]).add(1);
        kept = keep(ones([2]).mul(3));
        return { result: inner.mul(2), list: [inner] };
      });
      expect(inner.isDisposed).toBe(false);
      return r.result;
    });
    expect(outer.isDisposed).toBe(false);
    expect(inner.isDisposed).toBe(true);
    expect(kept.isDisposed).toBe(false);
  });

  it('tidy refuses async functions, and a disposed tensor says so when used', () => {
    expect(() => tidy((async () => 1) as never)).toThrow(/synchronous/);
    const t = tidy(() => {
      const a = ones([1]);
      a.dispose();
      return a;
    });
    expect(() => t.add(1)).toThrow(/used after dispose/);
  });

  it('memory() counts live tensors; reshape shares storage so bytes drop only when both are gone', () => {
    const before = memory();
    const a = zeros([256]);
    const b = a.reshape(16, 16);
    expect(memory().numTensors).toBe(before.numTensors + 2);
    const bytesWithBoth = memory().numBytes;
    a.dispose();
    expect(memory().numBytes).toBe(bytesWithBoth);
    b.dispose();
    expect(memory()).toEqual(before);
  });

  it('crossEntropy stays finite for huge logits and takes labels as a tensor or an array', async () => {
    const logits = tensor([[1000, 0, -1000], [0, 1000, 0]]);
    const a = await F.crossEntropy(logits, [0, 1]).item();
    const b = await F.crossEntropy(logits, tensor([0, 2])).item();
    expect(a).toBeCloseTo(0, 5);
    expect(b).toBeCloseTo(500, 2);
    expect(() => F.crossEntropy(logits, [0, 3])).toThrow(/not a class index/);
  });

  it('explains shape errors in conv2d and linear', () => {
    expect(() => F.conv2d(zeros([1, 3, 8, 8]), zeros([4, 2, 3, 3]))).toThrow(/3 channels but the weight expects 2/);
    expect(() => F.conv2d(zeros([1, 1, 2, 2]), zeros([1, 1, 3, 3]))).toThrow(/does not fit/);
    expect(() => F.linear(zeros([2, 3]), zeros([4, 5]))).toThrow(/input features 3 do not match/);
    expect(() => F.maxPool2d(zeros([1, 1, 4, 4]), 2, { padding: 2 })).toThrow(/at most half/);
  });
});
