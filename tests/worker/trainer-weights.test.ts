// A last update that overflows the weights while the loss read before it was sound: the
// trainer must not store those weights as a checkpoint (loading refuses them), but stop the
// run as diverged with the last sound checkpoint in place.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setBackend } from '../../src/engine';
import { parseDataset, type Dataset } from '../../src/data/format';
import type { TrainConfig } from '../../src/worker/protocol';
import { trainerHarness } from '../helpers/trainer-harness';

/** The training step whose update is overwritten with infinities (0: none). */
const poison = { atStep: 0, steps: 0 };

vi.mock('../../src/worker/step', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/worker/step')>();
  return {
    ...real,
    trainStep: (...args: Parameters<typeof real.trainStep>) => {
      real.trainStep(...args);
      if (++poison.steps === poison.atStep) {
        const w = args[0].parameters()[0];
        w.assign(new Float32Array(w.size).fill(Infinity));
      }
    },
  };
});

let test: Dataset;
beforeAll(async () => {
  await setBackend('cpu');
  test = parseDataset(new Uint8Array(readFileSync(join(__dirname, '..', '..', 'public', 'data', 'fashion-test.bin'))));
});

describe('checkpoints of weights that overflowed', () => {
  it('are not saved: the run stops as diverged and the last sound checkpoint stays', async () => {
    poison.atStep = 3;
    poison.steps = 0;
    let clock = 0;
    const h = trainerHarness(() => test, { now: () => (clock += 1000) });
    const config: TrainConfig = { model: 'lenet', epochs: 1, lr: 0.9, batchSize: 32, inputSize: 28, optimizer: 'sgd', seed: 5, trainLimit: 320, testLimit: 100, readEvery: 1, checkpointEverySec: 0 };
    await h.send({ type: 'start', config });
    await h.trainer.idle();
    // Step 3's loss was computed before its update, so it reached the charts as a sound one.
    const losses = h.messages.flatMap((m) => (m.type === 'progress' ? [m.loss] : []));
    expect(losses).toHaveLength(3);
    expect(losses.every(Number.isFinite)).toBe(true);
    const warning = h.messages.find((m) => m.type === 'warning');
    expect(warning).toMatchObject({ code: 'diverged' });
    const at = warning!.type === 'warning' ? warning!.diverged! : null;
    expect(Number.isNaN(at!.loss)).toBe(true);
    expect(at!.globalStep).toBe(3);
    expect(h.messages.at(-1)).toMatchObject({ type: 'state', state: 'stopped' });
    // The stored checkpoint is step 2's, and the model answers from it.
    const saved = h.store.get('lenet')!.info;
    expect(saved.globalStep).toBe(2);
    expect(at!.restored).toEqual({ epoch: 0, stepInEpoch: 2, globalStep: 2 });
    await h.send({ type: 'predict', id: 1, model: 'lenet', images: new Float32Array(784).fill(0.5), count: 1 });
    const probs = (await h.next('prediction', (m) => m.id === 1)).probs;
    expect(Array.from(probs).every(Number.isFinite)).toBe(true);
  });
});
