import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getBackend, manualSeed, nn, randn, ready, setBackend, tensor, type Tensor } from '../../src/engine';
import { activeBackend } from '../../src/engine/runtime';
import type { WebGPUBackend } from '../../src/engine/webgpu';
import { parseDataset, type Dataset } from '../../src/data/format';
import { summarize, zoo } from '../../src/models';
import type { FromWorker, TrainConfig } from '../../src/worker/protocol';
import { Trainer } from '../../src/worker/trainer';

let test: Dataset;

beforeAll(() => {
  test = parseDataset(new Uint8Array(readFileSync(join(__dirname, '..', '..', 'public', 'data', 'fashion-test.bin'))));
});

afterAll(async () => {
  await setBackend('cpu');
});

async function lossesOn(backend: 'cpu' | 'webgpu', config: TrainConfig, limits: 'adapter' | 'default' = 'adapter'): Promise<number[]> {
  await setBackend(backend, backend === 'webgpu' ? { autotune: false, limits } : {});
  await ready();
  const messages: FromWorker[] = [];
  const t = new Trainer({
    post: (m) => void messages.push(m),
    loadData: async () => ({ train: test, test }),
    saveCheckpoint: async () => {},
    readCheckpoint: async () => null,
    readCheckpointInfo: async () => null,
    deleteCheckpoint: async () => {},
  });
  await t.handle({ type: 'start', config });
  await t.idle();
  const err = messages.find((m) => m.type === 'error');
  if (err && err.type === 'error') throw new Error(err.message);
  return messages.flatMap((m) => (m.type === 'progress' ? [m.loss, m.trainAcc] : []));
}

describe('the zoo and the training loop on the WebGPU backend (Dawn in Node)', () => {
  it('computes the same LeNet-BN shape table and size as on the CPU', async () => {
    await setBackend('webgpu', { autotune: false });
    await ready();
    expect(getBackend().name).toBe('webgpu');
    const net = zoo['lenet-bn'].create({ seed: 0 });
    const s = summarize(net, 28);
    net.dispose();
    expect(s.params).toBe(44878);
    expect(s.rows.at(-1)!.outputShape).toEqual([1, 10]);
  });

  it('trains LeNet-BN to the same losses and accuracies as the CPU backend', async () => {
    const config: TrainConfig = { model: 'lenet-bn', epochs: 1, lr: 1, batchSize: 32, inputSize: 28, optimizer: 'sgd', seed: 3, trainLimit: 192, testLimit: 64, readEvery: 2 };
    const cpu = await lossesOn('cpu', config);
    const gpu = await lossesOn('webgpu', config);
    // The run's working set, which the pool kept between steps, went back when it ended.
    expect((activeBackend() as unknown as WebGPUBackend).rt.buffers.pooledBytes()).toBe(0);
    expect(cpu.length).toBe(6);
    expect(gpu.length).toBe(cpu.length);
    gpu.forEach((v, i) => expect(v).toBeCloseTo(cpu[i], 3));
  });

  it('trains every model of the zoo on a device with WebGPU\'s default limits (8 storage buffers a stage) as on the CPU', async () => {
    // Every kernel of a training step (the fused batch norm with its activation and the
    // residual's gradient included) within the limits every adapter grants; small inputs.
    const small = { epochs: 1, optimizer: 'sgd', seed: 3, readEvery: 1 } as const;
    for (const config of [
      { ...small, model: 'lenet-bn', lr: 1, batchSize: 16, inputSize: 28, trainLimit: 32, testLimit: 16 },
      { ...small, model: 'resnet18', lr: 0.05, batchSize: 4, inputSize: 24, trainLimit: 8, testLimit: 4 },
      { ...small, model: 'lenet', lr: 0.9, batchSize: 16, inputSize: 28, trainLimit: 16, testLimit: 16 },
      { ...small, model: 'alexnet', lr: 0.01, batchSize: 2, inputSize: 65, trainLimit: 2, testLimit: 2 },
      { ...small, model: 'vgg', lr: 0.05, batchSize: 2, inputSize: 32, trainLimit: 2, testLimit: 2 },
      { ...small, model: 'nin', lr: 0.1, batchSize: 2, inputSize: 67, trainLimit: 2, testLimit: 2 },
    ] satisfies TrainConfig[]) {
      const cpu = await lossesOn('cpu', config);
      const gpu = await lossesOn('webgpu', config, 'default');
      const rt = (activeBackend() as unknown as WebGPUBackend).rt;
      expect(rt.maxStorageBuffers, 'the device kept the default limit').toBe(8);
      expect(rt.errors, config.model).toEqual([]);
      expect(gpu.length, config.model).toBe(cpu.length);
      // Losses of a few images may grow large; relative to their size, as float32 sums differ.
      gpu.forEach((v, i) => expect(Math.abs(v - cpu[i]), `${config.model} figure ${i}: ${v} vs ${cpu[i]}`).toBeLessThanOrEqual(1e-3 * Math.max(1, Math.abs(cpu[i]))));
    }
  }, 240_000);

  it('resizes on the device for a model that wants a larger input, as the CPU does (LeNet at 32x32)', async () => {
    const config: TrainConfig = { model: 'lenet', epochs: 1, lr: 0.9, batchSize: 32, inputSize: 32, optimizer: 'sgd', seed: 1, trainLimit: 128, testLimit: 32, readEvery: 2 };
    const cpu = await lossesOn('cpu', config);
    const gpu = await lossesOn('webgpu', config);
    expect(gpu.length).toBe(4);
    gpu.forEach((v, i) => expect(v).toBeCloseTo(cpu[i], 3));
  });

  it('runs a layer and the activation after it as one kernel, with the values and gradients of the CPU backend', async () => {
    // Every fusable pair: Conv2d + ReLU / Tanh / Sigmoid, Linear + ReLU / Sigmoid / Tanh,
    // and a Linear alone (its bias fused), on odd sizes.
    const run = async (backend: 'cpu' | 'webgpu') => {
      await setBackend(backend, backend === 'webgpu' ? { autotune: false } : {});
      await ready();
      manualSeed(7);
      const net = new nn.Sequential(
        new nn.Conv2d(2, 5, 3, { padding: 1 }), new nn.ReLU(),
        new nn.Conv2d(5, 6, 3, { stride: 2 }), new nn.Tanh(),
        new nn.Conv2d(6, 3, 1), new nn.Sigmoid(),
        new nn.Flatten(),
        new nn.Linear(27, 13), new nn.ReLU(),
        new nn.Linear(13, 9), new nn.Sigmoid(),
        new nn.Linear(9, 7), new nn.Tanh(),
        new nn.Linear(7, 4),
      );
      const x = randn([3, 2, 7, 7]);
      const be = backend === 'webgpu' ? (activeBackend() as unknown as WebGPUBackend) : null;
      const d0 = be?.rt.dispatches ?? 0;
      const y = net.call(x) as Tensor;
      const forwardDispatches = (be?.rt.dispatches ?? 0) - d0;
      y.mul(tensor([1, -2, 3, 0.5])).sum().backward();
      const out = { y: await y.data(), grads: await Promise.all(net.parameters().map((p) => p.grad!.data())), forwardDispatches };
      net.dispose();
      return out;
    };
    const cpu = await run('cpu');
    const gpu = await run('webgpu');
    const close = (a: Float32Array, b: Float32Array) => a.forEach((v, i) => expect(Math.abs(v - b[i])).toBeLessThan(1e-4 + 1e-4 * Math.abs(b[i])));
    close(gpu.y, cpu.y);
    expect(gpu.grads.length).toBe(14);
    gpu.grads.forEach((g, i) => close(g, cpu.grads[i]));
    // One dispatch per layer pair, plus the weight packing of the row convolution (the first)
    // and the unfolding and re-layout of the im2col ones (strided, narrow): 12 where the
    // activations and the dense biases apart would add 10 more.
    expect(gpu.forwardDispatches).toBeLessThanOrEqual(12);
  });
});
