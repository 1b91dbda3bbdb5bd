// The worked examples of the notes (seed/cnn-notes.zh.md), reproduced with the engine
// on each backend.
import { describe, expect, it } from 'vitest';
import { F, arange, cat, manualSeed, nn, ones, randn, tensor, tidy, type Tensor } from '../../src/engine/index';
import { BACKENDS, expectClose, useBackend } from './helpers';

/** X = 6x8 ones with columns 2..5 set to 0 (the notes' black-and-white image). */
function edgeImage(): Tensor {
  const v = new Float32Array(48).fill(1);
  for (let r = 0; r < 6; r++) for (let c = 2; c < 6; c++) v[r * 8 + c] = 0;
  return tensor(v, [6, 8]);
}

const rows = async (t: Tensor) => (await t.array()) as number[][];

describe.each(BACKENDS)('the notes worked examples on %s', (backend) => {
  useBackend(backend);

  it('corr2d with K = [[1, -1]] marks the white-to-black edge with 1 and the black-to-white edge with -1', async () => {
    const Y = F.corr2d(edgeImage(), tensor([[1, -1]]));
    expect([...Y.shape]).toEqual([6, 7]);
    const expectedRow = [0, 1, 0, 0, 0, -1, 0];
    expect(await rows(Y)).toEqual(Array.from({ length: 6 }, () => expectedRow));
  });

  it('corr2d of the transposed image with the same kernel finds no edges (8x5 zeros)', async () => {
    const Y = F.corr2d(edgeImage().t(), tensor([[1, -1]]));
    expect([...Y.shape]).toEqual([8, 5]);
    expect(Array.from(await Y.data()).every((v) => v === 0)).toBe(true);
  });

  it('corr2d of arange(9) as 3x3 with K = [[0, 1], [2, 3]] gives [[19, 25], [37, 43]]', async () => {
    const Y = F.corr2d(arange(9).reshape(3, 3), tensor([[0, 1], [2, 3]]));
    expect(await rows(Y)).toEqual([[19, 25], [37, 43]]);
  });

  it('2x2 max pooling with stride 1 of arange(9) as 3x3 gives [[4, 5], [7, 8]] and average pooling [[2, 3], [5, 6]]', async () => {
    const X = arange(9).reshape(1, 1, 3, 3);
    expect(await (F.maxPool2d(X, 2, { stride: 1 }).reshape(2, 2)).array()).toEqual([[4, 5], [7, 8]]);
    expect(await (F.avgPool2d(X, 2, { stride: 1 }).reshape(2, 2)).array()).toEqual([[2, 3], [5, 6]]);
  });

  it('MaxPool2d(3) on arange(16) as 1x1x4x4 gives 10 (stride defaults to the window)', async () => {
    const X = arange(16).reshape(1, 1, 4, 4);
    expect(await new nn.MaxPool2d(3).call(X).array()).toEqual([[[[10]]]]);
  });

  it('MaxPool2d(3, padding=1, stride=2) on arange(16) as 1x1x4x4 gives [[5, 7], [13, 15]]', async () => {
    const X = arange(16).reshape(1, 1, 4, 4);
    expect(await new nn.MaxPool2d(3, { padding: 1, stride: 2 }).call(X).array()).toEqual([[[[5, 7], [13, 15]]]]);
  });

  it('MaxPool2d((2, 3), stride=(2, 3), padding=(0, 1)) on arange(16) gives [[5, 7], [13, 15]]', async () => {
    const X = arange(16).reshape(1, 1, 4, 4);
    const pool = new nn.MaxPool2d([2, 3], { stride: [2, 3], padding: [0, 1] });
    expect(await pool.call(X).array()).toEqual([[[[5, 7], [13, 15]]]]);
  });

  it('pooling the two-channel cat(X, X + 1) keeps two channels: [[5, 7], [13, 15]] and [[6, 8], [14, 16]]', async () => {
    const X0 = arange(16).reshape(1, 1, 4, 4);
    const X = cat([X0, X0.add(1)], 1);
    const Y = new nn.MaxPool2d(3, { padding: 1, stride: 2 }).call(X);
    expect(await Y.array()).toEqual([[[[5, 7], [13, 15]], [[6, 8], [14, 16]]]]);
  });

  it('multi-input-channel corr2d sums the channels: [[56, 72], [104, 120]]', async () => {
    const X = tensor([[[0, 1, 2], [3, 4, 5], [6, 7, 8]], [[1, 2, 3], [4, 5, 6], [7, 8, 9]]]);
    const K = tensor([[[0, 1], [2, 3]], [[1, 2], [3, 4]]]);
    expect(await F.corr2dMultiIn(X, K).array()).toEqual([[56, 72], [104, 120]]);
  });

  it('a 1x1 convolution equals a matrix product over channels', async () => {
    manualSeed(7);
    const X = randn([3, 3, 3]);
    const K = randn([2, 3, 1, 1]);
    const viaConv = F.conv2d(X.unsqueeze(0), K).reshape(2, 9);
    const viaMatmul = K.reshape(2, 3).matmul(X.reshape(3, 9));
    expectClose(await viaConv.data(), await viaMatmul.data(), 1e-5);
  });

  it.each([
    ['kernel 3, padding 1', 3, {}, 1, [8, 8]],
    ['kernel (5, 3), padding (2, 1)', [5, 3], {}, [2, 1], [8, 8]],
    ['kernel 3, padding 1, stride 2', 3, { stride: 2 }, 1, [4, 4]],
    ['kernel (3, 5), padding (0, 1), stride (3, 4)', [3, 5], { stride: [3, 4] }, [0, 1], [2, 2]],
  ] as const)('an 8x8 input through a conv with %s comes out %j', (_label, k, extra, padding, expected) => {
    const conv = new nn.Conv2d(1, 1, k as never, { ...(extra as object), padding: padding as never });
    const Y = tidy(() => conv.call(ones([1, 1, 8, 8])));
    expect(Y.shape.slice(2)).toEqual(expected);
  });

  it('learns the edge kernel [1, -1] from X and Y by gradient descent in 10 steps (lr 3e-2)', async () => {
    manualSeed(0);
    const X = edgeImage().reshape(1, 1, 6, 8);
    const Y = F.corr2d(edgeImage(), tensor([[1, -1]])).reshape(1, 1, 6, 7);
    const conv = new nn.Conv2d(1, 1, [1, 2], { bias: false });
    let loss = 0;
    for (let i = 0; i < 10; i++) {
      loss = await tidy(() => {
        const l = conv.call(X).sub(Y).square().sum();
        conv.zeroGrad();
        l.backward();
        conv.weight.assign(conv.weight.sub(conv.weight.grad!.mul(3e-2)));
        return l;
      }).item();
    }
    const w = Array.from(await conv.weight.data());
    expect(loss).toBeLessThan(0.5);
    expect(Math.abs(w[0] - 1)).toBeLessThan(0.1);
    expect(Math.abs(w[1] + 1)).toBeLessThan(0.1);
  });
});
