// A GPU device lost in the middle of training: the Trainer starts the engine again,
// reloads the run's last checkpoint and trains on from it; a loss caused by the
// backend's own destroy() starts nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getBackend, ready, restartBackend, setBackend, tensor, type Backend } from '../../src/engine';
import { markLostForTesting } from '../../src/engine/runtime';
import { parseDataset, type Dataset } from '../../src/data/format';
import { zoo } from '../../src/models';
import type { FromWorker, TrainConfig } from '../../src/worker/protocol';
import { trainerHarness, type CheckpointStore, type HarnessOptions } from '../helpers/trainer-harness';
import { eventLoopTurns } from '../helpers/event-loop';

let test: Dataset;

beforeAll(async () => {
  test = parseDataset(new Uint8Array(readFileSync(join(__dirname, '..', '..', 'public', 'data', 'fashion-test.bin'))));
});

afterAll(async () => {
  await setBackend('cpu');
});

/** A Trainer with an in-memory "IndexedDB", a message log, and a counted restart. */
function harness(opts: { quota?: boolean; restart?: () => Promise<void>; now?: () => number } = {}) {
  const restarts = { n: 0 };
  const h = trainerHarness(() => test, {
    quota: opts.quota,
    now: opts.now,
    restartBackend: async () => {
      restarts.n++;
      await (opts.restart ?? (() => restartBackend().then(ready)))();
    },
  });
  const off = h.trainer.watchDeviceLoss();
  const counts = {
    get restarts() {
      return restarts.n;
    },
    get reads() {
      return h.counts.reads;
    },
  };
  return { ...h, counts, off };
}

/** The backend new tensors are made on. */
function currentBackend(): Backend {
  const t = tensor([0]);
  const be = t.backend;
  t.dispose();
  return be;
}

/**
 * Once the run reports step `step`, loses the device as a driver reset would, lets the
 * Trainer recover and finish, and stops watching; returns how many messages came before the loss.
 */
async function loseDeviceAt(h: ReturnType<typeof harness>, step: number, message = 'simulated'): Promise<number> {
  await h.next('progress', (m) => m.globalStep >= step);
  const before = h.messages.length;
  markLostForTesting(currentBackend(), { reason: 'unknown', message });
  await h.trainer.idle();
  h.off();
  return before;
}

const base: TrainConfig = { model: 'lenet', epochs: 2, lr: 0.9, batchSize: 32, inputSize: 28, optimizer: 'sgd', seed: 5, trainLimit: 320, testLimit: 100, readEvery: 2 };

/** The final weights of a run without incidents. */
async function straightRun(config: TrainConfig): Promise<Record<string, Float32Array>> {
  await setBackend('cpu');
  const h = harness();
  await h.trainer.handle({ type: 'start', config });
  await h.trainer.idle();
  h.off();
  expect(h.messages.at(-1)).toMatchObject({ type: 'state', state: 'done' });
  return weightsOf(h.store);
}

function weightsOf(store: CheckpointStore): Record<string, Float32Array> {
  const sd = zoo.lenet.fromSafetensors(store.get('lenet')!.blobs.weights);
  return Object.fromEntries(Object.entries(sd).map(([k, v]) => [k, v.data]));
}

const progressSteps = (ms: FromWorker[]) => ms.flatMap((m) => (m.type === 'progress' ? [m.globalStep] : []));

describe('a device lost in the middle of training (CPU backend, loss simulated as the engine reports it)', () => {
  let expected: Record<string, Float32Array>;
  beforeAll(async () => {
    expected = await straightRun(base);
  });

  it('restarts the engine once, resumes from the epoch checkpoint, and ends with the weights of an uninterrupted run', async () => {
    await setBackend('cpu');
    // A clock that moves only while the engine restarts: the recovery time reported is the restart's.
    let clock = 1_000_000;
    const h = harness({
      now: () => clock,
      restart: async () => {
        clock += 1234;
        await restartBackend();
        await ready();
      },
    });
    await h.trainer.handle({ type: 'start', config: base });
    await h.next('checkpoint', (m) => m.ok && m.info?.globalStep === 10);
    const before = await loseDeviceAt(h, 14, 'simulated driver reset');

    expect(h.counts.restarts).toBe(1);
    const after = h.messages.slice(before);
    const resumed = after.find((m) => m.type === 'resumed');
    expect(resumed).toMatchObject({ info: { epoch: 1, stepInEpoch: 0, globalStep: 10, status: 'running' } });
    const notice = after.find((m) => m.type === 'warning');
    expect(notice).toMatchObject({ code: 'gpu-reset', resumedFrom: { epoch: 1, stepInEpoch: 0, globalStep: 10 } });
    expect(notice!.type === 'warning' && notice!.message).toMatch(/GPU was reset; training resumed from the checkpoint at epoch 2, step 0 \(step 10 overall\)/);
    expect(notice!.type === 'warning' && notice!.recoveryMs).toBe(1234);
    expect(after.some((m) => m.type === 'ready')).toBe(true);
    expect(after.some((m) => m.type === 'error')).toBe(false);
    // Training goes on from step 10: the next reports are 12, 14, ..., 20.
    expect(progressSteps(after)).toEqual([12, 14, 16, 18, 20]);
    expect(h.messages.at(-1)).toMatchObject({ type: 'state', state: 'done' });
    // Nothing checkpointed was lost, and the steps redone give exactly the same weights.
    const got = weightsOf(h.store);
    for (const k of Object.keys(expected)) expect(got[k]).toEqual(expected[k]);
    expect(h.store.get('lenet')!.info.history.epochs.map((e) => e.epoch)).toEqual([1, 2]);
  });

  it('starts the run over when the loss comes before the first checkpoint', async () => {
    await setBackend('cpu');
    const h = harness();
    await h.trainer.handle({ type: 'start', config: base });
    await loseDeviceAt(h, 4);
    expect(h.counts.restarts).toBe(1);
    expect(h.counts.reads).toBe(0);
    expect(h.messages.find((m) => m.type === 'warning')).toMatchObject({ code: 'gpu-reset', resumedFrom: null, message: expect.stringMatching(/from the beginning/) });
    expect(h.messages.find((m) => m.type === 'resumed')).toMatchObject({ info: { globalStep: 0, history: { points: [], epochs: [] } } });
    expect(h.messages.at(-1)).toMatchObject({ type: 'state', state: 'done' });
    const got = weightsOf(h.store);
    for (const k of Object.keys(expected)) expect(got[k]).toEqual(expected[k]);
  });

  it('resumes from the checkpoint kept in memory when storage was full', async () => {
    await setBackend('cpu');
    const h = harness({ quota: true });
    await h.trainer.handle({ type: 'start', config: base });
    await h.next('epoch', (m) => m.point.epoch === 1);
    await h.next('checkpoint', (m) => !m.ok && m.quota === true);
    await loseDeviceAt(h, 14);
    expect(h.store.size).toBe(0);
    expect(h.counts.reads).toBe(0);
    const warnings = h.messages.filter((m) => m.type === 'warning');
    expect(warnings.map((w) => w.type === 'warning' && w.code)).toEqual(['quota', 'gpu-reset']);
    expect(warnings[1]).toMatchObject({ resumedFrom: { epoch: 1, stepInEpoch: 0, globalStep: 10 } });
    expect(h.messages.at(-1)).toMatchObject({ type: 'state', state: 'done' });
    // The in-memory copy of the last checkpoint holds the final weights.
    const probs = await (async () => {
      await h.trainer.handle({ type: 'export', id: 1, model: 'lenet' });
      return (await h.next('exported', (m) => m.id === 1)).bytes;
    })();
    const got = zoo.lenet.fromSafetensors(probs);
    for (const k of Object.keys(expected)) expect(got[k].data).toEqual(expected[k]);
  });

  it('trains on the CPU (WebAssembly) with the backend warning when the new device will not start, and still resumes', async () => {
    await setBackend('cpu');
    const h = harness({ restart: () => Promise.reject(new Error('no adapter')) });
    await h.trainer.handle({ type: 'start', config: base });
    await h.next('checkpoint', (m) => m.ok && m.info?.globalStep === 10);
    await loseDeviceAt(h, 12);
    const warnings = h.messages.filter((m) => m.type === 'warning');
    expect(warnings[0]).toMatchObject({ code: 'backend', message: expect.stringMatching(/could not start again after the GPU was reset \(no adapter\); training on the CPU/) });
    expect(warnings[1]).toMatchObject({ code: 'gpu-reset', resumedFrom: { globalStep: 10 } });
    expect(h.messages.find((m) => m.type === 'ready')).toMatchObject({ backend: 'wasm', reason: 'webgpu-failed', detail: expect.stringContaining('no adapter') });
    expect(h.messages.at(-1)).toMatchObject({ type: 'state', state: 'done' });
    expect(getBackend().name).toBe('wasm');
  });

  it('reloads the model from its checkpoint for the next request after a loss between runs', async () => {
    await setBackend('cpu');
    const h = harness();
    await h.trainer.handle({ type: 'start', config: { ...base, epochs: 1 } });
    await h.trainer.idle();
    const images = new Float32Array(784).fill(0.25);
    await h.trainer.handle({ type: 'predict', id: 1, model: 'lenet', images, count: 1 });
    const before = (await h.next('prediction', (m) => m.id === 1)).probs;
    markLostForTesting(currentBackend(), { reason: 'unknown', message: 'simulated' });
    await h.trainer.handle({ type: 'predict', id: 2, model: 'lenet', images, count: 1 });
    const after = (await h.next('prediction', (m) => m.id === 2)).probs;
    h.off();
    expect(h.counts.restarts).toBe(1);
    expect(Array.from(after)).toEqual(Array.from(before));
    expect(h.messages.some((m) => m.type === 'request-error')).toBe(false);
  });
});

describe('weights that storage refused, after a device loss between runs (CPU backend)', () => {
  const images = new Float32Array(2 * 784).map((_, i) => ((i * 37) % 255) / 255);

  /** A Trainer whose saves fail as on a full disk while `disk.full`, and that recovers from device losses. */
  function fillable() {
    const disk = { quota: false };
    const opts: HarnessOptions = {
      get quota() {
        return disk.quota;
      },
    };
    const h = trainerHarness(() => test, opts);
    return { ...h, disk, off: h.trainer.watchDeviceLoss() };
  }

  /** What the model answers now: its exported tensors and its class probabilities for `images`. */
  async function answers(h: ReturnType<typeof fillable>, id: number) {
    await h.send({ type: 'export', id, model: 'lenet' });
    const file = await h.next('exported', (m) => m.id === id);
    await h.send({ type: 'predict', id: id + 1, model: 'lenet', images, count: 2 });
    const probs = (await h.next('prediction', (m) => m.id === id + 1)).probs;
    const tensors = zoo.lenet.fromSafetensors(file.bytes);
    return { name: file.name, weights: Object.fromEntries(Object.entries(tensors).map(([k, v]) => [k, Array.from(v.data)])), probs: Array.from(probs) };
  }

  it("are the ones export, predict and evaluate still use, not an older run's stored checkpoint", async () => {
    await setBackend('cpu');
    const h = fillable();
    // A first run is stored; a second, on another seed, ends on a full disk.
    await h.send({ type: 'start', config: { ...base, epochs: 1 } });
    await h.trainer.idle();
    h.disk.quota = true;
    await h.send({ type: 'start', config: { ...base, epochs: 1, seed: 9 } });
    await h.trainer.idle();
    expect(h.messages.at(-1)).toMatchObject({ type: 'state', state: 'done' });
    expect(h.store.get('lenet')!.info.config.seed).toBe(5);
    const before = await answers(h, 1);

    markLostForTesting(currentBackend(), { reason: 'unknown', message: 'simulated' });
    const after = await answers(h, 3);
    await h.send({ type: 'evaluate', id: 5, model: 'lenet', limit: 100 });
    const evaluation = await h.next('evaluation', (m) => m.id === 5);
    h.off();
    expect(after).toEqual(before);
    expect(evaluation.result.count).toBe(100);
    expect(h.messages.some((m) => m.type === 'request-error')).toBe(false);
    // Storage keeps the first run's checkpoint: the second run's weights are not those.
    const stored = zoo.lenet.fromSafetensors(h.store.get('lenet')!.blobs.weights);
    expect(Array.from(stored['0.weight'].data)).not.toEqual(after.weights['0.weight']);
  });

  it('include imported weights, which answer instead of the checkpoint they were to replace', async () => {
    await setBackend('cpu');
    const h = fillable();
    await h.send({ type: 'start', config: { ...base, epochs: 1 } });
    await h.trainer.idle();
    const net = zoo.lenet.create({ seed: 3 });
    const file = await zoo.lenet.toSafetensors(net.stateDict(), { inputSize: '28' });
    net.dispose();
    h.disk.quota = true;
    await h.send({ type: 'import', id: 1, model: 'lenet', bytes: file, replace: true });
    await h.next('imported', (m) => m.id === 1);
    expect(h.messages.find((m) => m.type === 'warning')).toMatchObject({ code: 'quota', message: expect.stringMatching(/could not be saved/) });
    expect(h.store.get('lenet')!.info.status).toBe('done');

    markLostForTesting(currentBackend(), { reason: 'unknown', message: 'simulated' });
    const after = await answers(h, 2);
    h.off();
    const imported = zoo.lenet.fromSafetensors(file);
    for (const [k, v] of Object.entries(imported)) expect(after.weights[k], k).toEqual(Array.from(v.data));
  });
});

describe('device loss on the WebGPU backend (Dawn in Node)', () => {
  const small: TrainConfig = { ...base, trainLimit: 192, epochs: 2 }; // 6 steps per epoch

  /** A run on a fresh WebGPU backend, past its first epoch's checkpoint (step 6) and on to step 8. */
  async function pastFirstCheckpoint() {
    await setBackend('webgpu', { autotune: false });
    await ready();
    const h = harness();
    await h.trainer.handle({ type: 'start', config: small });
    await h.next('checkpoint', (m) => m.ok && m.info?.globalStep === 6);
    await h.next('progress', (m) => m.globalStep >= 8);
    return h;
  }

  it("a loss caused by the backend's own destroy() restarts nothing", async () => {
    const h = await pastFirstCheckpoint();
    const be = currentBackend() as Backend & { destroy(): void; isDestroyed: boolean; device: GPUDevice };
    be.destroy();
    expect(be.isDestroyed).toBe(true);
    await h.trainer.idle();
    // The device reports its loss; whatever that sets off has run a few turns later.
    await be.device.lost;
    await eventLoopTurns(5);
    h.off();
    expect(h.counts.restarts).toBe(0);
    expect(h.messages.some((m) => m.type === 'warning' && m.code === 'gpu-reset')).toBe(false);
    expect(h.messages.some((m) => m.type === 'resumed')).toBe(false);
    expect(h.messages.some((m) => m.type === 'ready')).toBe(false);
    // The run cannot go on without its device: it stops with an error, as before.
    expect(h.messages.at(-1)).toMatchObject({ type: 'error', message: expect.stringMatching(/lost|destroy/) });
  });

  it('a genuine loss (the GPUDevice destroyed under the engine) restarts on a new device and resumes from the checkpoint', async () => {
    const h = await pastFirstCheckpoint();
    const before = h.messages.length;
    const old = currentBackend() as Backend & { device: GPUDevice };
    old.device.destroy();
    await h.trainer.idle();
    h.off();
    expect(h.counts.restarts).toBe(1);
    const after = h.messages.slice(before);
    expect(after.find((m) => m.type === 'ready')).toMatchObject({ backend: 'webgpu' });
    expect(after.find((m) => m.type === 'warning')).toMatchObject({ code: 'gpu-reset', resumedFrom: { epoch: 1, stepInEpoch: 0, globalStep: 6 } });
    expect(progressSteps(after).filter((s) => s > 6)).toEqual([8, 10, 12]);
    expect(after.some((m) => m.type === 'error')).toBe(false);
    expect(h.messages.at(-1)).toMatchObject({ type: 'state', state: 'done' });
    expect(currentBackend()).not.toBe(old);
    expect(getBackend()).toMatchObject({ name: 'webgpu', ready: true });
  });
});
