/**
 * The training worker: starts the backend chooseBackend picks (or the reader chose), holds a
 * Web Lock for as long as it lives (so the page notices at once if it dies), loads the
 * dataset through Cache Storage, hands every message to the Trainer, and lets the
 * Trainer recover from a lost GPU device.
 */
import { chooseBackend, getBackend, tensor, type BackendDecision, type BackendPreference } from '../engine';
import { loadDatasetCached } from '../data/cache';
import { deleteCheckpoint, QuotaError, readCheckpoint, readCheckpointInfo, readMeta, saveCheckpoint, writeMeta } from './checkpoints';
import { said, type BackendReport, type FromWorker, type ToWorker } from './protocol';
import { Trainer } from './trainer';
import { because, bilingualOf } from '../models/bilingual';

interface WorkerScope {
  postMessage(msg: unknown, transfer?: Transferable[]): void;
  onmessage: ((ev: MessageEvent<ToWorker>) => void) | null;
  close(): void;
  navigator: { locks?: { request(name: string, cb: () => Promise<unknown>): Promise<unknown> } };
}
const scope = self as unknown as WorkerScope;

const post = (msg: FromWorker, transfer: Transferable[] = []) => scope.postMessage(msg, transfer);
let base = './';
/** Testing aid (test builds only): while on, every checkpoint save fails as on a full disk. */
let storageFull = false;
/** Where the current WebGPU adapter's kernel tuning is kept ('' when none is). */
let tuningKey = '';

const trainer = new Trainer({
  post,
  // The shape tuning of a run (hardware GPUs only) is kept with the adapter's tuning.
  saveTuning: (tuning) => {
    if (tuningKey) void writeMeta(tuningKey, { tuning }).catch(() => {});
  },
  async loadData(onProgress) {
    const parts = { train: { loaded: 0, total: null as number | null }, test: { loaded: 0, total: null as number | null } };
    let from: 'network' | 'cache' = 'cache';
    const progress = (which: 'train' | 'test') => (loaded: number, total: number | null, src: 'network' | 'cache') => {
      parts[which] = { loaded, total };
      if (src === 'network') from = 'network';
      const total2 = parts.train.total !== null && parts.test.total !== null ? parts.train.total + parts.test.total : null;
      onProgress(parts.train.loaded + parts.test.loaded, total2, from);
    };
    const [train, test] = await Promise.all([
      loadDatasetCached('fashion', 'train', { base, onProgress: progress('train') }),
      loadDatasetCached('fashion', 'test', { base, onProgress: progress('test') }),
    ]);
    return { train, test };
  },
  saveCheckpoint: (info, blobs) => (__TEST_AIDS__ && storageFull ? Promise.reject(new QuotaError('The browser has no storage left for the checkpoint.')) : saveCheckpoint(info, blobs)),
  readCheckpoint,
  readCheckpointInfo,
  deleteCheckpoint,
});
trainer.watchDeviceLoss();

let started: Promise<void> | null = null;

/**
 * Starts the backend for `preference` through chooseBackend: probe verdicts and kernel
 * tunings are kept per adapter in the worker's IndexedDB (the autotune takes seconds on a
 * real GPU; a software adapter skips it).
 */
async function startBackend(preference: BackendPreference): Promise<BackendDecision> {
  // The tuning saved for the adapter, if any (set while chooseBackend starts WebGPU).
  const saved: { tuning: { variants?: string } | null } = { tuning: null };
  tuningKey = '';
  const choice = await chooseBackend({
    preference,
    cache: { get: (key) => readMeta(key), set: (key, value) => writeMeta(key, value) },
    async webgpuOptions(adapter) {
      tuningKey = `tuning:${adapter.key.split('|').join('/')}`;
      const meta = await readMeta<{ tuning: unknown }>(tuningKey).catch(() => null);
      saved.tuning = meta && meta.tuning && typeof meta.tuning === 'object' ? (meta.tuning as { variants?: string }) : null;
      return meta ? { tuning: meta.tuning } : {};
    },
  });
  const tuning = getBackend().tuning;
  // A tuning saved by a build with other kernel variants was measured again (create.ts): keep the new one.
  if (choice.backend === 'webgpu' && !choice.software && tuning !== undefined && (!saved.tuning || saved.tuning.variants !== (tuning as { variants?: string }).variants)) {
    await writeMeta(tuningKey, { tuning }).catch(() => {});
  }
  if (choice.backend !== 'webgpu' || choice.software) tuningKey = '';
  return choice;
}

/** What the page's badge and the training view's backend menu need to know about a choice. */
function report(choice: BackendDecision): BackendReport {
  return { reason: choice.reason, preference: choice.preference, adapter: choice.adapter, software: choice.software, detail: choice.detail, detailZh: choice.detailZh, probe: choice.probe, unavailable: choice.unavailable };
}

async function init(msg: Extract<ToWorker, { type: 'init' }>) {
  base = msg.base;
  const locks = scope.navigator.locks;
  if (locks) {
    await new Promise<void>((held) => {
      void locks.request(msg.lock, () => {
        held();
        return new Promise(() => {});
      });
    });
  }
  post({ type: 'alive' });
  // Testing aid: a worker of a page whose navigator.gpu was removed sees none either.
  if (__TEST_AIDS__ && msg.hideWebGPU) Object.defineProperty(Object.getPrototypeOf(navigator), 'gpu', { get: () => undefined, configurable: true });
  const t0 = performance.now();
  const choice = await startBackend(msg.backend);
  if (choice.reason === 'webgpu-failed' && msg.backend !== 'wasm') {
    const why = choice.detail ?? 'unknown error';
    post({ type: 'warning', code: 'backend', message: `WebGPU could not start (${why}); training on the CPU instead.`, zh: `WebGPU 未能启动（${choice.detailZh ?? why}），改用 CPU 训练。` });
  }
  post({ type: 'ready', ...Trainer.backendInfo(), ...report(choice), startMs: Math.round(performance.now() - t0) });
}

/** The reader chose another backend: the trainer moves the model (and a run) to it. */
async function switchBackend(preference: BackendPreference) {
  let choice: BackendDecision | null = null;
  const t0 = performance.now();
  await trainer.switchBackend(async () => {
    choice = await startBackend(preference);
  });
  if (choice) post({ type: 'ready', ...Trainer.backendInfo(), ...report(choice), startMs: Math.round(performance.now() - t0) });
}

/**
 * Testing aid: destroys the GPUDevice the engine computes on, directly (not through the
 * backend's destroy(), which the engine treats as intended), so the engine sees the same
 * loss a driver reset or a GPU process crash would cause.
 */
function destroyDevice(): void {
  let device: GPUDevice | undefined;
  try {
    const probe = tensor([0]);
    device = (probe.backend as unknown as { device?: GPUDevice }).device;
    probe.dispose();
  } catch {
    return; // the engine has no device right now (starting, or already lost)
  }
  device?.destroy();
}

/** Handles a testing aid's message; false for every other message. Test builds only. */
function testAid(msg: ToWorker): boolean {
  switch (msg.type) {
    case 'crash':
      scope.close();
      return true;
    case 'lose-device':
      void (started ?? Promise.resolve()).then(destroyDevice);
      return true;
    case 'simulate-storage-full':
      storageFull = msg.on;
      return true;
    case 'hang':
      // Ten minutes, or until the page ends the worker.
      if (typeof SharedArrayBuffer === 'function') Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 600_000);
      else for (const end = Date.now() + 600_000; Date.now() < end; );
      return true;
    default:
      return false;
  }
}

scope.onmessage = (ev) => {
  const msg = ev.data;
  if (__TEST_AIDS__ && testAid(msg)) return;
  if (msg.type === 'init') {
    started = init(msg).catch((e) => post({ type: 'error', ...said(because({ en: 'The training worker could not start', zh: '训练线程未能启动' }, e)) }));
    return;
  }
  if (msg.type === 'set-backend') {
    // Later messages wait for the move, as they wait for the first start.
    const before = started ?? Promise.resolve();
    started = before.then(() => switchBackend(msg.backend)).catch((e) => post({ type: 'error', ...said(because({ en: 'Could not change the backend', zh: '未能切换计算后端' }, e)) }));
    return;
  }
  const go = async () => {
    if (started) await started;
    await trainer.handle(msg);
  };
  void go().catch((e) => post({ type: 'error', ...said(bilingualOf(e)) }));
};
