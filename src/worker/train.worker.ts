/**
 * The training worker: picks WebGPU (or the CPU backend when WebGPU is absent), holds a
 * Web Lock for as long as it lives (so the page notices at once if it dies), loads the
 * dataset through Cache Storage, and hands every message to the Trainer.
 */
import { ready, setBackend } from '../engine';
import { loadDatasetCached } from '../data/cache';
import { deleteCheckpoint, readCheckpoint, readCheckpointInfo, saveCheckpoint } from './checkpoints';
import type { FromWorker, ToWorker } from './protocol';
import { Trainer } from './trainer';

interface WorkerScope {
  postMessage(msg: unknown, transfer?: Transferable[]): void;
  onmessage: ((ev: MessageEvent<ToWorker>) => void) | null;
  close(): void;
  navigator: { locks?: { request(name: string, cb: () => Promise<unknown>): Promise<unknown> } };
}
const scope = self as unknown as WorkerScope;

const post = (msg: FromWorker, transfer: Transferable[] = []) => scope.postMessage(msg, transfer);
let base = './';

const trainer = new Trainer({
  post,
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
  saveCheckpoint,
  readCheckpoint,
  readCheckpointInfo,
  deleteCheckpoint,
});

let started: Promise<void> | null = null;

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
  let backend = msg.backend;
  if (backend === 'auto') backend = (navigator as { gpu?: unknown }).gpu ? 'webgpu' : 'cpu';
  try {
    await setBackend(backend);
    await ready();
  } catch (e) {
    if (backend !== 'webgpu') throw e;
    await setBackend('cpu');
    await ready();
    post({ type: 'warning', code: 'backend', message: `WebGPU could not start (${(e as Error).message}); training on the CPU instead.` });
  }
  post({ type: 'ready', ...Trainer.backendInfo() });
}

scope.onmessage = (ev) => {
  const msg = ev.data;
  if (msg.type === 'crash') {
    scope.close();
    return;
  }
  if (msg.type === 'init') {
    started = init(msg).catch((e) => post({ type: 'error', message: `The training worker could not start: ${(e as Error).message}` }));
    return;
  }
  const go = async () => {
    if (started) await started;
    await trainer.handle(msg);
  };
  void go().catch((e) => post({ type: 'error', message: (e as Error).message }));
};
