// The reader moves training to another backend ("Compute on"): the Trainer serialises the
// run at a step boundary, the engine changes, and the run goes on from that very step with
// its weights, optimizer state and history; outside a run the loaded model's weights move.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getBackend, ready, setBackend } from '../../src/engine';
import { parseDataset, type Dataset } from '../../src/data/format';
import { zoo } from '../../src/models';
import type { FromWorker, TrainConfig } from '../../src/worker/protocol';
import { trainerHarness, type CheckpointStore } from '../helpers/trainer-harness';

let test: Dataset;

beforeAll(() => {
  test = parseDataset(new Uint8Array(readFileSync(join(__dirname, '..', '..', 'public', 'data', 'fashion-test.bin'))));
});

afterAll(async () => {
  await setBackend('cpu');
});

// Adam, so that the optimizer's state (moments, step count) must move with the weights.
const base: TrainConfig = { model: 'lenet', epochs: 2, lr: 0.003, batchSize: 32, inputSize: 28, optimizer: 'adam', seed: 3, trainLimit: 320, testLimit: 100, readEvery: 2, checkpointEverySec: 1e6 };

function weightsOf(store: CheckpointStore): Record<string, Float32Array> {
  const sd = zoo.lenet.fromSafetensors(store.get('lenet')!.blobs.weights);
  return Object.fromEntries(Object.entries(sd).map(([k, v]) => [k, v.data]));
}

const progressSteps = (ms: FromWorker[]) => ms.flatMap((m) => (m.type === 'progress' ? [m.globalStep] : []));

/** A run of `base` on the CPU reference, once it has reported step `atStep`. */
async function runningTo(atStep: number) {
  await setBackend('cpu');
  const h = trainerHarness(() => test);
  await h.trainer.handle({ type: 'start', config: base });
  await h.next('progress', (m) => m.globalStep >= atStep);
  return h;
}

async function exported(h: ReturnType<typeof trainerHarness>, id: number): Promise<Uint8Array> {
  await h.trainer.handle({ type: 'export', id, model: 'lenet' });
  return (await h.next('exported', (m) => m.id === id)).bytes;
}

describe('moving training to another backend', () => {
  let expected: Record<string, Float32Array>;
  beforeAll(async () => {
    await setBackend('cpu');
    const h = trainerHarness(() => test);
    await h.trainer.handle({ type: 'start', config: base });
    await h.trainer.idle();
    expect(h.messages.at(-1)).toMatchObject({ type: 'state', state: 'done' });
    expected = weightsOf(h.store);
  });

  it('goes on from the step it was at, and ends with the weights of a run that never moved', async () => {
    const h = await runningTo(4);
    let changes = 0;
    // The engine "changes" to a fresh CPU backend: the numbers must not change at all.
    await h.trainer.switchBackend(async () => {
      changes++;
      await setBackend('cpu');
    });
    expect(changes).toBe(1);
    await h.trainer.idle();
    const resumed = h.messages.find((m) => m.type === 'resumed');
    expect(resumed?.type === 'resumed' && resumed.info.globalStep).toBeGreaterThanOrEqual(4);
    expect(h.messages.some((m) => m.type === 'error' || (m.type === 'state' && m.state === 'error'))).toBe(false);
    // Steps reported never go back: no step was lost or repeated.
    const steps = progressSteps(h.messages);
    expect(steps.every((s, i) => i === 0 || s > steps[i - 1])).toBe(true);
    expect(h.messages.at(-1)).toMatchObject({ type: 'state', state: 'done' });
    expect(weightsOf(h.store)).toEqual(expected);
  });

  it('moves a run from the CPU reference to WebAssembly, which then trains it to the end', async () => {
    const h = await runningTo(2);
    await h.trainer.switchBackend(async () => {
      await setBackend('wasm');
      await ready();
    });
    expect(getBackend().name).toBe('wasm');
    await h.trainer.idle();
    expect(h.messages.at(-1)).toMatchObject({ type: 'state', state: 'done' });
    const last = h.messages.filter((m) => m.type === 'progress').at(-1);
    expect(last?.type === 'progress' && Number.isFinite(last.loss)).toBe(true);
    // f32 accumulation on wasm against f64 on the reference: close, not equal.
    const got = weightsOf(h.store);
    for (const k of Object.keys(expected)) {
      const diff = got[k].reduce((m, v, i) => Math.max(m, Math.abs(v - expected[k][i])), 0);
      expect(diff, k).toBeLessThan(1e-2);
    }
    await setBackend('cpu');
  });

  it('a paused run moves and stays paused until it is resumed', async () => {
    const h = await runningTo(2);
    await h.trainer.handle({ type: 'pause' });
    await h.next('state', (m) => m.state === 'paused');
    const pausedAt = progressSteps(h.messages).at(-1)!;
    const mark = h.messages.length;
    await h.trainer.switchBackend(() => setBackend('cpu'));
    await h.next('resumed');
    // Paused again on the new backend, without a 'training' state in between.
    await new Promise<void>((resolve) => {
      const look = () => (h.messages.slice(mark).some((m) => m.type === 'state' && m.state === 'paused') ? resolve() : setTimeout(look, 5));
      look();
    });
    expect(h.messages.slice(mark).filter((m) => m.type === 'state').map((m) => m.type === 'state' && m.state)).toEqual(['paused']);
    await h.trainer.handle({ type: 'resume' });
    await h.trainer.idle();
    expect(progressSteps(h.messages.slice(mark))[0]).toBeGreaterThan(pausedAt);
    expect(h.messages.at(-1)).toMatchObject({ type: 'state', state: 'done' });
    expect(weightsOf(h.store)).toEqual(expected);
  });

  it('outside a run, the loaded model keeps its exact weights on the new backend', async () => {
    await setBackend('cpu');
    const h = trainerHarness(() => test);
    await h.trainer.handle({ type: 'start', config: { ...base, epochs: 1 } });
    await h.trainer.idle();
    const before = await exported(h, 1);
    await h.trainer.switchBackend(async () => {
      await setBackend('wasm');
      await ready();
    });
    expect(getBackend().name).toBe('wasm');
    const reads = h.counts.reads;
    expect(await exported(h, 2)).toEqual(before);
    // Moved in memory, not read back from storage.
    expect(h.counts.reads).toBe(reads);
    await setBackend('cpu');
  });

  it('a move asked for as the run stops happens once it has stopped', async () => {
    const h = await runningTo(2);
    await h.trainer.handle({ type: 'stop' });
    let moved = false;
    await h.trainer.switchBackend(async () => {
      moved = true;
      await setBackend('cpu');
    });
    await h.trainer.idle();
    expect(moved).toBe(true);
    expect(h.messages.filter((m) => m.type === 'state').at(-1)).toMatchObject({ state: 'stopped' });
  });
});
