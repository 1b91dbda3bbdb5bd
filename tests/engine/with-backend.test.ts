import { describe, expect, it } from 'vitest';
import { F, getBackend, nn, tensor, tidy, withBackend } from '../../src/engine/index';
import { useBackend } from './helpers';

describe('withBackend', () => {
  useBackend('webgpu');

  it('creates tensors on the CPU inside, leaves the page backend on WebGPU outside', async () => {
    const y = withBackend('cpu', () => tidy(() => F.corr2d(tensor([[0, 1, 2], [3, 4, 5], [6, 7, 8]]), tensor([[0, 1], [2, 3]]))));
    expect(y.backend.name).toBe('cpu');
    expect(Array.from(y.dataSync())).toEqual([19, 25, 37, 43]);
    expect(getBackend().name).toBe('webgpu');
    expect(tensor([1]).backend.name).toBe('webgpu');
  });

  it('trains a module made inside on the CPU, with gradients', () => {
    const conv = withBackend('cpu', () => new nn.Conv2d(1, 1, [1, 2], { bias: false }));
    expect(conv.weight.backend.name).toBe('cpu');
    const x = withBackend('cpu', () => tensor(new Float32Array(12).fill(1), [1, 1, 3, 4]));
    tidy(() => conv.call(x).sum().backward());
    expect(Array.from(conv.weight.grad!.dataSync())).toEqual([9, 9]);
  });

  it('refuses an asynchronous function and restores the backend', () => {
    expect(() => withBackend('cpu', (async () => 1) as unknown as () => number)).toThrow(/synchronous/);
    expect(getBackend().name).toBe('webgpu');
  });
});
