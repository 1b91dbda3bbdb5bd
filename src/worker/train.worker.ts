/**
 * The training worker: picks WebGPU (or the CPU backend when WebGPU is absent), holds a
 * Web Lock for as long as it lives (so the page notices at once if it dies), loads the
 * dataset through Cache Storage, hands every message to the Trainer, and lets the
 * Trainer recover from a lost GPU device.
 */
import { getBackend, ready, setBackend, tensor } from '../engine';
import { loadDatasetCached } from '../data/cache';
import { deleteCheckpoint, QuotaError, readCheckpoint, readCheckpointInfo, readMeta, saveCheckpoint, writeMeta } from './checkpoints';
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
/** Testing aid (test builds only): while on, every checkpoint save fails as on a full disk. */
let storageFull = false;

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
  saveCheckpoint: (info, blobs) => (__TEST_AIDS__ && storageFull ? Promise.reject(new QuotaError('The browser has no storage left for the checkpoint.')) : saveCheckpoint(info, blobs)),
  readCheckpoint,
  readCheckpointInfo,
  deleteCheckpoint,
});
trainer.watchDeviceLoss();

let started: Promise<void> | null = null;

/** Identifies the adapter a tuning belongs to, and whether it is a software rasteriser. */
async function adapterInfo(): Promise<{ key: string; software: boolean }> {
  const gpu = (navigator as { gpu?: GPU }).gpu;
  const a = await gpu?.requestAdapter({ powerPreference: 'high-performance' });
  const i = a?.info;
  const key = i ? `${i.vendor}/${i.architecture}/${i.device}/${i.description}` : 'unknown';
  const fallback = (a as { isFallbackAdapter?: boolean } | null | undefined)?.isFallbackAdapter ?? false;
  return { key, software: fallback || /swiftshader|llvmpipe|lavapipe/i.test(key) };
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
  let backend = msg.backend;
  if (backend === 'auto') backend = (navigator as { gpu?: unknown }).gpu ? 'webgpu' : 'cpu';
  const t0 = performance.now();
  try {
    if (backend === 'webgpu') {
      // The kernel autotune takes seconds (minutes on a software GPU): keep its result per adapter.
      const { key, software } = await adapterInfo();
      const saved = await readMeta<{ tuning: unknown }>(`tuning:${key}`);
      // On a software adapter (SwiftShader) timing kernels measures little but costs
      // half a minute: keep the default kernels there.
      try {
        await setBackend('webgpu', saved ? { tuning: saved.tuning } : software ? { autotune: false } : {});
        await ready();
      } catch (e) {
        if (!saved) throw e;
        await setBackend('webgpu');
        await ready();
      }
      const tuning = getBackend().tuning;
      if (!saved && !software && tuning !== undefined) await writeMeta(`tuning:${key}`, { tuning });
    } else {
      await setBackend(backend);
      await ready();
    }
  } catch (e) {
    if (backend !== 'webgpu') throw e;
    await setBackend('cpu');
    await ready();
    post({ type: 'warning', code: 'backend', message: `WebGPU could not start (${(e as Error).message}); training on the CPU instead.` });
  }
  post({ type: 'ready', ...Trainer.backendInfo(), startMs: Math.round(performance.now() - t0) });
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
    default:
      return false;
  }
}

scope.onmessage = (ev) => {
  const msg = ev.data;
  if (__TEST_AIDS__ && testAid(msg)) return;
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
