// Device loss: tensors on a lost device become invalid, listeners hear about it, and
// restartBackend() gives a working backend again.
import { describe, expect, it, vi } from 'vitest';
import { getBackend, nn, onBackendLost, restartBackend, setBackend, tensor, type BackendLostInfo } from '../../src/engine/index';
import { markLostForTesting } from '../../src/engine/runtime';

describe('device loss', () => {
  it('on webgpu, destroying the device invalidates its tensors, notifies listeners, and restartBackend gives a fresh device', async () => {
    await setBackend('webgpu', { autotune: false });
    const before = tensor([1, 2, 3]);
    const net = new nn.Linear(2, 1);
    const heard: BackendLostInfo[] = [];
    const off = onBackendLost((info) => heard.push(info));
    (before.backend as unknown as { device: GPUDevice }).device.destroy();
    await vi.waitFor(() => expect(heard).toHaveLength(1));
    expect(heard[0].backend).toBe('webgpu');
    expect(heard[0].reason).toBe('destroyed');
    expect(() => before.add(1)).toThrow(/device that was lost/);
    await expect(before.data()).rejects.toThrow(/device that was lost/);
    expect(() => net.weight.mul(2)).toThrow(/device that was lost/);
    expect(() => tensor([1])).toThrow(/restartBackend/);
    expect(() => before.dispose()).not.toThrow();
    await restartBackend();
    expect(getBackend()).toMatchObject({ name: 'webgpu', ready: true });
    expect(Array.from(await tensor([1, 2]).mul(3).data())).toEqual([3, 6]);
    off();
  });

  it('a lost cpu backend (simulated) behaves the same and restarts', async () => {
    await setBackend('cpu');
    const t = tensor([1]);
    const heard: BackendLostInfo[] = [];
    const off = onBackendLost((info) => heard.push(info));
    markLostForTesting(t.backend, { reason: 'unknown', message: 'simulated' });
    expect(heard).toEqual([{ backend: 'cpu', reason: 'unknown', message: 'simulated' }]);
    await expect(t.item()).rejects.toThrow(/lost/);
    off();
    await restartBackend();
    expect(await tensor([4]).item()).toBe(4);
  });
});
