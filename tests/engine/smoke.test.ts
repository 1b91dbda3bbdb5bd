import { describe, expect, it } from 'vitest';
import { tensor, tidy } from '../../src/engine/index';
import { BACKENDS, useBackend } from './helpers';

describe.each(BACKENDS)('basic tensors on %s', (name) => {
  useBackend(name);
  it('adds two tensors and reads back the sum', async () => {
    const y = tensor([1, 2, 3]).add(tensor([10, 20, 30]));
    expect(Array.from(await y.data())).toEqual([11, 22, 33]);
  });
  it('computes the gradient of a sum of squares', async () => {
    const x = tensor([1, -2, 3], { requiresGrad: true });
    tidy(() => x.mul(x).sum().backward());
    expect(Array.from(await x.grad!.data())).toEqual([2, -4, 6]);
  });
});
