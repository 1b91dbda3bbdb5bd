import { beforeAll, describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nn, setBackend, type Tensor } from '../../src/engine';
import { parseDataset, type Dataset } from '../../src/data/format';
import { decodeSafetensors, encodeSafetensors, zoo } from '../../src/models';
import type { CheckpointInfo, TrainConfig } from '../../src/worker/protocol';
import { validateConfig } from '../../src/worker/trainer';
import { trainerHarness, type CheckpointStore } from '../helpers/trainer-harness';
import { eventLoopTurns } from '../helpers/event-loop';

const root = join(__dirname, '..', '..');
let test: Dataset;

beforeAll(async () => {
  await setBackend('cpu');
  test = parseDataset(new Uint8Array(readFileSync(join(root, 'public', 'data', 'fashion-test.bin'))));
});

/** A Trainer wired to an in-memory "IndexedDB" and a message log. */
function harness(store?: CheckpointStore, opts: { quota?: boolean } = {}) {
  return trainerHarness(() => test, { store, quota: opts.quota });
}

/** Trains LeNet for an epoch in `h`, then predicts `images` (request 1) and returns that prediction. */
async function trainThenPredict(h: ReturnType<typeof harness>, images: Float32Array): Promise<Float32Array> {
  await h.send({ type: 'start', config: { ...base, epochs: 1 } });
  await h.trainer.idle();
  await h.send({ type: 'predict', id: 1, model: 'lenet', images, count: images.length / 784 });
  return (await h.next('prediction', (m) => m.id === 1)).probs;
}

/** Calls `seen` with the batch of every call of a Sequential on images (the whole net), before the call runs; undo with mockRestore. */
function onNetCalls(seen: (batch: number) => void) {
  const call = nn.Module.prototype.call;
  return vi.spyOn(nn.Module.prototype, 'call').mockImplementation(function (this: nn.Module, ...args: unknown[]) {
    if (this instanceof nn.Sequential && (args[0] as Tensor).ndim === 4) seen((args[0] as Tensor).shape[0]);
    return call.apply(this, args);
  });
}

const base: TrainConfig = { model: 'lenet', epochs: 2, lr: 0.9, batchSize: 32, inputSize: 28, optimizer: 'sgd', seed: 5, trainLimit: 320, testLimit: 100, readEvery: 2 };

describe('the training loop', () => {
  it('trains LeNet, reports progress and epochs, checkpoints every epoch, and ends with an evaluation', async () => {
    const h = harness();
    await h.send({ type: 'start', config: { ...base, epochs: 2 } });
    await h.trainer.idle();
    const progress = h.messages.filter((m) => m.type === 'progress');
    expect(progress.length).toBe(10); // 10 steps per epoch, read every 2
    expect(progress.every((p) => p.type === 'progress' && Number.isFinite(p.loss) && p.imagesPerSec > 0)).toBe(true);
    const epochs = h.messages.filter((m) => m.type === 'epoch');
    expect(epochs.map((e) => e.type === 'epoch' && e.point.epoch)).toEqual([1, 2]);
    const cps = h.messages.filter((m) => m.type === 'checkpoint' && m.ok);
    expect(cps.length).toBe(2);
    const ev = await h.next('evaluation');
    expect(ev.result.count).toBe(100);
    expect(ev.result.confusion.flat().reduce((a, b) => a + b, 0)).toBe(100);
    expect(ev.result.samples.length).toBe(12);
    expect(h.messages.at(-1)).toMatchObject({ type: 'state', state: 'done' });
    expect(h.store.get('lenet')!.info).toMatchObject({ status: 'done', epoch: 2, stepInEpoch: 0, globalStep: 20 });
  });

  it("trains at the 'high' convolution precision, which lets the wasm backend take Winograd's larger tiles", async () => {
    const { getConvPrecision, setConvPrecision } = await import('../../src/engine');
    setConvPrecision('highest');
    harness();
    expect(getConvPrecision()).toBe('high');
  });

  it('reports each epoch\'s training speed without the time its evaluation and checkpoint took', async () => {
    // A clock that moves a millisecond a reading, and a thousand seconds at the first
    // reading after each checkpoint, as a slow disk would.
    let clock = 0;
    let log: { type: string }[] = [];
    let seen = 0;
    const now = () => {
      const saved = log.filter((m) => m.type === 'checkpoint').length;
      clock += saved > seen ? 1e6 : 1;
      seen = saved;
      return clock;
    };
    const h = trainerHarness(() => test, { now });
    log = h.messages;
    await h.send({ type: 'start', config: { ...base, epochs: 2 } });
    await h.trainer.idle();
    const speeds = h.messages.flatMap((m) => (m.type === 'epoch' ? [m.point.imagesPerSec ?? NaN] : []));
    expect(speeds).toHaveLength(2);
    // 320 images an epoch over a few milliseconds of readings: thousands a second, both epochs.
    for (const ips of speeds) expect(ips).toBeGreaterThan(1000);
    expect(speeds[1]).toBeGreaterThan(speeds[0] / 2);
    expect(h.store.get('lenet')!.info.history.epochs.map((e) => e.imagesPerSec)).toEqual(speeds);
  });

  it('tells the page it makes progress, after steps and evaluation batches, at most once a second', async () => {
    // A clock that moves 0.4 s a reading: a beat every few steps, and within the end-of-epoch evaluation.
    let clock = 0;
    const h = trainerHarness(() => test, { now: () => (clock += 400) });
    await h.send({ type: 'start', config: { ...base, epochs: 1, readEvery: 100 } });
    await h.trainer.idle();
    const types = h.messages.map((m) => m.type);
    const beats = types.filter((t) => t === 'beat').length;
    // 10 steps and 4 test batches at one reading or more each: 5.6 s at least, at most one beat a second of it.
    expect(beats).toBeGreaterThanOrEqual(3);
    expect(beats).toBeLessThanOrEqual(clock / 1000 + 1);
    const evaluating = h.messages.findIndex((m) => m.type === 'state' && m.state === 'evaluating');
    expect(evaluating).toBeGreaterThan(0);
    expect(types.slice(evaluating, types.indexOf('epoch'))).toContain('beat');
    // A step's beat says where the run is, before any loss is read (readEvery 100 > 10 steps):
    // the first one comes with step 1, the later ones count up.
    const at = h.messages.slice(0, evaluating).flatMap((m) => (m.type === 'beat' && m.at ? [m.at] : []));
    expect(at[0]).toEqual({ epoch: 0, epochs: 1, step: 1, stepsPerEpoch: 10, globalStep: 1 });
    expect(at.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < at.length; i++) expect(at[i].globalStep).toBeGreaterThan(at[i - 1].globalStep);
    expect(h.messages.findIndex((m) => m.type === 'progress')).toBeGreaterThan(h.messages.findIndex((m) => m.type === 'beat' && !!m.at));
    // An evaluation batch's beat says nothing of steps.
    expect(h.messages.slice(evaluating).some((m) => m.type === 'beat' && !m.at)).toBe(true);
  });

  it('evaluates on batches no larger than the training batch, which is known to fit in memory', async () => {
    const h = harness();
    // The batches the whole net (a Sequential at the top level) is called on.
    const seen: number[] = [];
    const spy = onNetCalls((batch) => void seen.push(batch));
    try {
      await h.send({ type: 'start', config: { ...base, epochs: 1, batchSize: 48, trainLimit: 96, testLimit: 100 } });
      await h.trainer.idle();
      expect((await h.next('evaluation')).result.count).toBe(100);
      await h.send({ type: 'evaluate', id: 7, model: 'lenet', limit: 40 });
      expect((await h.next('evaluation', (m) => m.id === 7)).result.count).toBe(40);
    } finally {
      spy.mockRestore();
    }
    // Training, the epoch's test accuracy, the final evaluation and the one asked for.
    expect(seen.length).toBeGreaterThanOrEqual(2 + 3 + 3 + 1);
    expect(Math.max(...seen)).toBe(48);
  });

  it('marks a run that ran out of memory as such, and other failures not', async () => {
    const failWith = async (message: string) => {
      const h = harness();
      let calls = 0;
      const spy = onNetCalls(() => {
        if (++calls === 3) throw new RangeError(message);
      });
      try {
        await h.send({ type: 'start', config: { ...base, epochs: 1 } });
        await h.trainer.idle();
      } finally {
        spy.mockRestore();
      }
      expect(h.messages.at(-1)).toMatchObject({ type: 'error', message });
      return h.messages.at(-1);
    };
    expect(await failWith('wasm backend: out of memory (70 MiB more wanted)')).toMatchObject({ code: 'out-of-memory' });
    expect(await failWith('webgpu backend: a tensor of 1 float32 elements (4 bytes) exceeds this device\'s limit of 0 bytes per storage buffer')).toMatchObject({ code: 'out-of-memory' });
    expect(await failWith('something else broke')).not.toHaveProperty('code');
  });

  it('lowers the loss of LeNet-BN within a few dozen steps', async () => {
    const h = harness();
    await h.send({ type: 'start', config: { ...base, model: 'lenet-bn', lr: 1.0, epochs: 1, batchSize: 64, trainLimit: 64 * 20, readEvery: 5 } });
    await h.trainer.idle();
    const losses = h.messages.flatMap((m) => (m.type === 'progress' ? [m.loss] : []));
    expect(losses.length).toBe(4);
    expect(losses.at(-1)!).toBeLessThan(losses[0] * 0.8);
  });

  it('pauses with a checkpoint, resumes, and stops with a checkpoint', async () => {
    const h = harness();
    await h.send({ type: 'start', config: { ...base, epochs: 3 } });
    await h.next('progress', (m) => m.globalStep >= 4);
    await h.send({ type: 'pause' });
    await h.next('state', (m) => m.state === 'paused');
    const paused = h.store.get('lenet')!.info;
    expect(paused.status).toBe('paused');
    expect(paused.globalStep).toBeGreaterThanOrEqual(4);
    // A loop that went on while paused would take a step per turn of the event loop and
    // report every second one: give it a dozen turns, and no progress may come.
    const countWhilePaused = h.messages.filter((m) => m.type === 'progress').length;
    await eventLoopTurns(12);
    expect(h.messages.filter((m) => m.type === 'progress').length).toBe(countWhilePaused);
    expect(h.messages.at(-1)).toMatchObject({ type: 'state', state: 'paused' });
    await h.send({ type: 'resume' });
    await h.next('progress', (m) => m.globalStep > paused.globalStep + 2);
    await h.send({ type: 'stop' });
    await h.trainer.idle();
    expect(h.messages.at(-1)).toMatchObject({ type: 'state', state: 'stopped' });
    expect(h.store.get('lenet')!.info.status).toBe('stopped');
  });

  it('resumes from a checkpoint in a new worker to exactly the weights of an uninterrupted run', async () => {
    const straight = harness();
    await straight.send({ type: 'start', config: base });
    await straight.trainer.idle();

    const store = new Map();
    const first = harness(store);
    await first.send({ type: 'start', config: base });
    await first.next('progress', (m) => m.globalStep >= 6);
    await first.send({ type: 'pause' });
    await first.next('state', (m) => m.state === 'paused');
    await first.send({ type: 'stop' });
    await first.trainer.idle();
    const saved = store.get('lenet').info as CheckpointInfo;
    expect(saved.epoch * 10 + saved.stepInEpoch).toBe(saved.globalStep);
    expect(saved.globalStep).toBeLessThan(20);

    const second = harness(store);
    await second.send({ type: 'start', config: { ...base, lr: 123 }, resume: true });
    await second.trainer.idle();
    expect(second.messages.find((m) => m.type === 'resumed')).toBeTruthy();
    const a = zoo.lenet.fromSafetensors(straight.store.get('lenet')!.blobs.weights);
    const b = zoo.lenet.fromSafetensors(store.get('lenet').blobs.weights);
    for (const k of Object.keys(a)) expect(b[k].data).toEqual(a[k].data);
    // The history continues: the resumed run's epochs follow the first run's.
    expect((store.get('lenet').info as CheckpointInfo).history.epochs.map((e) => e.epoch)).toEqual([1, 2]);
  });

  it('keeps training when storage is full, and says so once with the quota warning', async () => {
    const h = harness(undefined, { quota: true });
    await h.send({ type: 'start', config: base });
    await h.trainer.idle();
    const warnings = h.messages.filter((m) => m.type === 'warning');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ code: 'quota' });
    expect(h.messages.at(-1)).toMatchObject({ type: 'state', state: 'done' });
  });

  it('with storage full, keeps each trained model\'s weights in the worker, not only the last one\'s', async () => {
    const h = harness(undefined, { quota: true });
    const images = new Float32Array(2 * 784).map((_, i) => ((i * 53) % 255) / 255);
    const lenet = await trainThenPredict(h, images);
    await h.send({ type: 'export', id: 2, model: 'lenet' });
    const before = (await h.next('exported', (m) => m.id === 2)).bytes;
    // Another model trains and is kept too (storage refuses it as well).
    await h.send({ type: 'start', config: { ...base, model: 'lenet-bn', epochs: 1 } });
    await h.trainer.idle();
    expect(h.messages.at(-1)).toMatchObject({ type: 'state', state: 'done' });
    expect(h.store.size).toBe(0);
    // LeNet still answers from its own trained weights, and exports them unchanged.
    await h.send({ type: 'predict', id: 3, model: 'lenet', images, count: 2 });
    expect(Array.from((await h.next('prediction', (m) => m.id === 3)).probs)).toEqual(Array.from(lenet));
    await h.send({ type: 'export', id: 4, model: 'lenet' });
    expect(Array.from((await h.next('exported', (m) => m.id === 4)).bytes)).toEqual(Array.from(before));
    await h.send({ type: 'export', id: 5, model: 'lenet-bn' });
    expect((await h.next('exported', (m) => m.id === 5)).name).toMatch(/^lenet-bn/);
    // And a run of LeNet resumes from where its kept weights stand.
    await h.send({ type: 'start', config: { ...base, epochs: 2 }, resume: true });
    await h.trainer.idle();
    expect(h.messages.find((m) => m.type === 'resumed')).toMatchObject({ info: { model: 'lenet', epoch: 1 } });
  });

  it('stops a run whose loss blows up, keeps no checkpoint of it, and puts the model back at the last sound one', async () => {
    // LeNet-BN with Adam at lr 10: a sound first step, then a loss of over a hundred (50 ln 10 is 115).
    let clock = 0;
    const h = trainerHarness(() => test, { now: () => (clock += 1000) });
    const config: TrainConfig = { ...base, model: 'lenet-bn', optimizer: 'adam', lr: 10, epochs: 1, batchSize: 32, trainLimit: 320, readEvery: 1, checkpointEverySec: 0 };
    await h.send({ type: 'start', config });
    await h.trainer.idle();
    const losses = h.messages.flatMap((m) => (m.type === 'progress' ? [m.loss] : []));
    const warning = h.messages.find((m) => m.type === 'warning');
    expect(warning).toMatchObject({ code: 'diverged', message: expect.stringMatching(/learning rate of 10 is too large/) });
    const at = warning!.type === 'warning' ? warning!.diverged! : null;
    expect(at).not.toBeNull();
    // Every loss that reached the charts was sound; the one that stopped the run was not.
    expect(losses.length).toBeGreaterThan(0);
    expect(losses.every((l) => l <= 50 * Math.log(10))).toBe(true);
    expect(!Number.isFinite(at!.loss) || at!.loss > 50 * Math.log(10)).toBe(true);
    expect(at!.globalStep).toBe(losses.length + 1);
    expect(h.messages.at(-1)).toMatchObject({ type: 'state', state: 'stopped' });
    // The stored checkpoint is the last one saved while the loss was sound, and the warning names it.
    const saved = h.store.get('lenet-bn')!.info;
    expect(saved.globalStep).toBe(losses.length);
    expect(at!.restored).toEqual({ epoch: saved.epoch, stepInEpoch: saved.stepInEpoch, globalStep: saved.globalStep });
    // The model answers from those weights: predictions are finite.
    await h.send({ type: 'predict', id: 1, model: 'lenet-bn', images: new Float32Array(784).fill(0.5), count: 1 });
    const probs = (await h.next('prediction', (m) => m.id === 1)).probs;
    expect(Array.from(probs).every(Number.isFinite)).toBe(true);
  });

  it('refuses a bad configuration with a message', async () => {
    expect(validateConfig({ ...base, inputSize: 40, model: 'alexnet' })?.en).toMatch(/from 65/);
    expect(validateConfig({ ...base, batchSize: 0 })?.en).toMatch(/batch size/);
    expect(validateConfig({ ...base, lr: 50 })?.en).toMatch(/learning rate must be a number from 0.0001 to 10/);
    expect(validateConfig(base)).toBeNull();
    const h = harness();
    await h.send({ type: 'start', config: { ...base, lr: -1 } });
    await h.trainer.idle();
    expect(await h.next('error')).toMatchObject({ message: expect.stringMatching(/learning rate/) });
  });
});

describe('weights in and out of the worker', () => {
  it('exports weights that import back to identical predictions', async () => {
    const h = harness();
    const images = new Float32Array(3 * 784).map((_, i) => ((i * 37) % 255) / 255);
    const before = await trainThenPredict(h, images);
    await h.send({ type: 'export', id: 2, model: 'lenet' });
    const file = await h.next('exported', (m) => m.id === 2);
    expect(file.name).toBe('lenet-28px.safetensors');

    const other = harness();
    await other.send({ type: 'import', id: 3, model: 'lenet', inputSize: 28, bytes: file.bytes });
    expect(await other.next('imported', (m) => m.id === 3)).toBeTruthy();
    await other.send({ type: 'predict', id: 4, model: 'lenet', images, count: 3 });
    const after = (await other.next('prediction', (m) => m.id === 4)).probs;
    expect(Array.from(after)).toEqual(Array.from(before));
    expect(other.store.get('lenet')!.info.status).toBe('imported');
  });

  it('imports at the input size the file records, whatever size the page offers, and exports at it again', async () => {
    const net = zoo.lenet.create({ inputSize: 32, seed: 2 });
    const file = await zoo.lenet.toSafetensors(net.stateDict(), { inputSize: '32' });
    net.dispose();
    expect(decodeSafetensors(file).metadata).toMatchObject({ model: 'lenet', inputSize: '32' });
    const h = harness();
    await h.send({ type: 'import', id: 1, model: 'lenet', inputSize: 28, bytes: file });
    expect(await h.next('imported', (m) => m.id === 1)).toMatchObject({ inputSize: 32 });
    expect(h.store.get('lenet')!.info.config.inputSize).toBe(32);
    await h.send({ type: 'export', id: 2, model: 'lenet' });
    const out = await h.next('exported', (m) => m.id === 2);
    expect(out.name).toBe('lenet-32px.safetensors');
    const back = decodeSafetensors(out.bytes);
    expect(back.metadata.inputSize).toBe('32');
    const sent = zoo.lenet.fromSafetensors(file, { inputSize: 32 });
    for (const [k, v] of Object.entries(sent)) expect(Array.from(back.tensors[k].data), k).toEqual(Array.from(v.data));
    // A file that records no size takes the page's.
    const bare = encodeSafetensors(zoo.lenet.fromSafetensors(file, { inputSize: 32 }), { format: 'pt' });
    const other = harness();
    await other.send({ type: 'import', id: 3, model: 'lenet', inputSize: 32, bytes: bare });
    expect(await other.next('imported', (m) => m.id === 3)).toMatchObject({ inputSize: 32 });
  });

  it('refuses an input size outside the training limits, from the file or from the page, and changes nothing', async () => {
    const net = zoo.nin.create({ inputSize: 96, init: 'default' });
    const sd = zoo.nin.fromSafetensors(await zoo.nin.toSafetensors(net.stateDict()), { inputSize: 96 });
    net.dispose();
    // NiN's weights fit any input size: only the size check stands between 5000 and a checkpoint.
    const huge = encodeSafetensors(sd, { format: 'pt', model: 'nin', inputSize: '5000' });
    const odd = encodeSafetensors(sd, { format: 'pt', model: 'nin', inputSize: '96px' });
    const bare = encodeSafetensors(sd, { format: 'pt', model: 'nin' });
    const h = harness();
    const refused = async (id: number, msg: { inputSize?: number; bytes: Uint8Array }) => {
      await h.send({ type: 'import', id, model: 'nin', ...msg });
      return (await h.next('request-error', (m) => m.id === id)).message;
    };
    expect(await refused(1, { inputSize: 96, bytes: huge })).toMatch(/cannot be imported: it records an input size of 5000, and the input size of NiN must be a whole number from \d+ to 224/);
    expect(await refused(2, { inputSize: 96, bytes: odd })).toMatch(/records an input size of 96px/);
    expect(await refused(3, { inputSize: NaN, bytes: bare })).toMatch(/does not record the input size it was trained at, and the input size of NiN must be a whole number/);
    expect(await refused(4, { inputSize: 5000, bytes: bare })).toMatch(/does not record the input size/);
    expect(await refused(5, { bytes: bare })).toMatch(/set an input size from \d+ to 224 and import it again/);
    expect(h.store.size).toBe(0);
    expect(h.messages.some((m) => m.type === 'imported')).toBe(false);
  });

  it('asks before an import replaces trained weights, and replaces them only when told to', async () => {
    const h = harness();
    const images = new Float32Array(784).fill(0.5);
    const before = await trainThenPredict(h, images);
    const net = zoo.lenet.create({ seed: 4 });
    const file = await zoo.lenet.toSafetensors(net.stateDict(), { inputSize: '28' });
    net.dispose();

    await h.send({ type: 'import', id: 2, model: 'lenet', inputSize: 28, bytes: file });
    const asked = await h.next('import-replaces', (m) => m.id === 2);
    expect(asked.trained).toMatchObject({ epoch: 1, stepInEpoch: 0, savedAt: h.store.get('lenet')!.info.savedAt });
    expect(h.store.get('lenet')!.info.status).toBe('done');
    await h.send({ type: 'predict', id: 3, model: 'lenet', images, count: 1 });
    expect(Array.from((await h.next('prediction', (m) => m.id === 3)).probs)).toEqual(Array.from(before));

    await h.send({ type: 'import', id: 4, model: 'lenet', inputSize: 28, bytes: file, replace: true });
    await h.next('imported', (m) => m.id === 4);
    expect(h.store.get('lenet')!.info.status).toBe('imported');
    // Imported weights are in their file: another import replaces them without asking.
    await h.send({ type: 'import', id: 5, model: 'lenet', inputSize: 28, bytes: file });
    await h.next('imported', (m) => m.id === 5);
  });

  it('builds a model summary only at input sizes the summary offers', async () => {
    const h = harness();
    await h.send({ type: 'summary', id: 1, model: 'lenet', inputSize: 28 });
    expect((await h.next('summary', (m) => m.id === 1)).data.params).toBe(61706);
    for (const [id, inputSize] of [[2, 1000], [3, NaN], [4, 11], [5, 30.5]] as const) {
      await h.send({ type: 'summary', id, model: 'alexnet', inputSize });
      const refused = await h.next('request-error', (m) => m.id === id);
      expect(refused.message).toMatch(/summary of AlexNet takes an input size from 65 to 256/);
      expect(refused.zh).toMatch(/AlexNet 的概要接受 65 到 256 的输入尺寸/);
    }
  });

  it('refuses a corrupt file with a message and changes nothing', async () => {
    const h = harness();
    const images = new Float32Array(784).fill(0.5);
    const before = await trainThenPredict(h, images);
    await h.send({ type: 'export', id: 2, model: 'lenet' });
    const bytes = (await h.next('exported', (m) => m.id === 2)).bytes.slice();
    bytes.fill(0xff, bytes.length - 8); // NaN weights at the end
    await h.send({ type: 'import', id: 3, model: 'lenet', inputSize: 28, bytes });
    const err = await h.next('request-error', (m) => m.id === 3);
    expect(err.message).toMatch(/cannot be imported.*NaN/);
    expect(err.zh).toMatch(/^无法导入这个文件：.*NaN.*。$/);
    await h.send({ type: 'import', id: 4, model: 'lenet', inputSize: 28, bytes: new TextEncoder().encode('not weights at all') });
    const notWeights = await h.next('request-error', (m) => m.id === 4);
    expect(notWeights.message).toMatch(/cannot be imported/);
    expect(notWeights.zh).toMatch(/^无法导入这个文件：.*头部/);
    await h.send({ type: 'predict', id: 5, model: 'lenet', images, count: 1 });
    expect(Array.from((await h.next('prediction', (m) => m.id === 5)).probs)).toEqual(Array.from(before));
    expect(h.store.get('lenet')!.info.status).toBe('done');
  });
});
