import { useSyncExternalStore } from 'react';
import type { BackendAbout, BackendLostInfo, ChoiceReason, LossWatch } from '../../engine';
import { computeOnSetting } from '../../stores/settings';

/**
 * The page's engine, started on demand. Widgets whose tensors are small compute
 * synchronously on the engine's CPU backend (`withBackend('cpu', …)`, see small.ts) and
 * never start it; the first computation that wants the GPU (`startEngine`, which
 * useEngineResult calls) starts the backend the engine's chooseBackend picks (WebGPU on a
 * real GPU, else WebAssembly) or the one the reader chose in the training view.
 *
 * A start that fails is not kept: the status goes back to 'idle' with the error, and the
 * next computation that asks for the engine tries again.
 *
 * Device loss (a driver reset, a crashed GPU process): once started, the engine listens
 * for it. On a loss the status turns 'starting', the engine starts again on a new device
 * (`restartBackend`; WebAssembly when WebGPU will not start again within
 * RESTART_TIMEOUT_MS), and the status turns 'ready' with a `generation` one higher.
 * Tensors made before live on the lost device and are invalid: useEngineResult computes
 * the current result again when the generation changes, and a widget that keeps tensors
 * or modules between computations drops or rebuilds them (`onEngineRestart`,
 * `engineGeneration`). Computations asked for during the restart wait for it.
 */
export interface BackendStatus {
  /** 'idle' until something asks for the GPU (and again after a start that failed); then 'starting', then 'ready'. */
  state: 'idle' | 'starting' | 'ready';
  name?: 'webgpu' | 'cpu' | 'wasm';
  description?: string;
  /** What it computes on, as fields (see BackendAbout). */
  about?: BackendAbout;
  /** Why this backend computes (see chooseBackend); 'webgpu-failed' when WebGPU did not start again after a loss. */
  reason?: ChoiceReason;
  /** The error behind a fallback, when there was one. */
  detail?: string;
  /** That error in Chinese, where the engine says it in both languages. */
  detailZh?: string;
  /** The GPU adapter's description, when the browser offers one. */
  adapter?: string;
  /**
   * How many times the engine has started: 0 before the first start, 1 after it, one more
   * after every restart that follows a device loss. Tensors made under an earlier
   * generation may live on a lost device. (Statuses made elsewhere may leave it out: 0.)
   */
  generation?: number;
  /** After a restart: the device loss it answered. */
  lost?: { reason: string; message: string };
  /** Why the last start failed ('idle' state): the next computation that asks for the engine tries again. */
  error?: string;
}

const TUNING_KEY = 'cnn-book-webgpu-tuning';
/** Probe verdicts (a software adapter against wasm) are kept under this prefix. */
const CHOICE_PREFIX = 'cnn-book-';
/** How long a new WebGPU device may take to start after a loss before the page computes on the CPU. */
const RESTART_TIMEOUT_MS = 8000;
/** How long a failed computation waits to hear whether the device was lost under it. */
const LOSS_GRACE_MS = 500;

/** The page's cache for chooseBackend: localStorage, which may be full or disabled. */
const choiceCache = {
  get(key: string): unknown {
    try {
      return JSON.parse(localStorage.getItem(CHOICE_PREFIX + key) ?? 'null');
    } catch {
      return null;
    }
  },
  set(key: string, value: unknown): void {
    try {
      localStorage.setItem(CHOICE_PREFIX + key, JSON.stringify(value));
    } catch {
      // Storage full or disabled: the probe simply runs again next time.
    }
  },
};

type Engine = typeof import('../../engine');

let status: BackendStatus = { state: 'idle', generation: 0 };
/** The start or restart in progress or done; null before the first and after one that failed. */
let started: Promise<BackendStatus> | null = null;
const listeners = new Set<() => void>();
const restartListeners = new Set<(status: BackendStatus) => void>();
/** Device losses heard so far; null until the engine listens for them (from the first start on). */
let losses: LossWatch | null = null;

function publish(next: BackendStatus): BackendStatus {
  status = next;
  for (const l of [...listeners]) l();
  return next;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** The status of a ready engine: the current backend's name, description and what it computes on. */
function readyStatus(e: Engine, why: Pick<BackendStatus, 'reason' | 'detail' | 'detailZh' | 'adapter' | 'lost'>): BackendStatus {
  const b = e.getBackend();
  return { state: 'ready', name: b.name, description: b.description, about: b.about, ...why, generation: engineGeneration() + 1 };
}

/** The first start: chooseBackend for the reader's "Compute on" setting. */
async function firstStart(): Promise<BackendStatus> {
  publish({ state: 'starting', generation: engineGeneration() });
  // The engine loads with the first thing that needs it, not with the page shell.
  const e = await import('../../engine');
  const choice = await e.chooseBackend({
    preference: computeOnSetting(),
    cache: choiceCache,
    // A tuning saved on this adapter skips the kernel autotune; the engine ignores one from another adapter.
    webgpuOptions() {
      try {
        const saved: unknown = JSON.parse(localStorage.getItem(TUNING_KEY) ?? 'null');
        return saved ? { tuning: saved } : {};
      } catch {
        return {};
      }
    },
  });
  const b = e.getBackend();
  if (choice.backend === 'webgpu' && b.tuning !== undefined) {
    try {
      localStorage.setItem(TUNING_KEY, JSON.stringify(b.tuning));
    } catch {
      // Storage may be full or disabled; the autotune simply runs again next time.
    }
  }
  watchDeviceLoss(e);
  const ready = publish(readyStatus(e, { reason: choice.reason, detail: choice.detail, detailZh: choice.detailZh, adapter: choice.adapter }));
  // A device lost before the engine listened leaves no backend current: start again now.
  if (!b.ready) deviceLost(e, { backend: b.name, reason: 'unknown', message: 'the device was lost while the engine started' });
  return ready;
}

function watchDeviceLoss(e: Engine): void {
  if (losses) return;
  losses = new e.LossWatch();
  e.onBackendLost((info) => deviceLost(e, info));
}

function deviceLost(e: Engine, info: BackendLostInfo): void {
  losses?.heard();
  // After whatever start is under way; computations asked for meanwhile wait for the restart.
  const before = started;
  keep(restart(e, info, before));
}

/**
 * A new device after a loss: WebGPU again if it starts in time and computes, else the
 * CPU path readers get without WebGPU (wasm, or the CPU reference if wasm will not load).
 */
async function restart(e: Engine, info: BackendLostInfo, before: Promise<BackendStatus> | null): Promise<BackendStatus> {
  await before?.catch(() => undefined);
  // A loss of a device the engine no longer uses (a restart under way already replaced it) needs nothing.
  if (status.state === 'ready' && e.getBackend().ready) return status;
  const lost = { reason: info.reason, message: info.message };
  const previous = status;
  publish({ state: 'starting', generation: engineGeneration(), lost });
  const failed = await e.restartAfterLoss(RESTART_TIMEOUT_MS, async () => {
    await e.restartBackend();
    await e.ready();
    // A device lost again at once fails here rather than under the first widget.
    const t = e.tensor([1, 2]);
    const sum = t.add(t);
    try {
      const v = await sum.data();
      if (v[0] !== 2 || v[1] !== 4) throw new Error('the new device computed a wrong sum');
    } finally {
      t.dispose();
      sum.dispose();
    }
  });
  const onGpu = info.backend === 'webgpu';
  const next = failed
    ? readyStatus(e, {
        reason: onGpu ? 'webgpu-failed' : previous.reason,
        detail: `${onGpu ? 'WebGPU' : `The ${info.backend} backend`} did not start again after its device was lost: ${failed.message}`,
        adapter: previous.adapter,
        lost,
      })
    : readyStatus(e, { reason: previous.reason, detail: previous.detail, adapter: previous.adapter, lost });
  publish(next);
  for (const l of [...restartListeners]) {
    try {
      l(next);
    } catch (err) {
      console.error('An engine restart listener failed', err);
    }
  }
  return next;
}

/** Makes `attempt` the engine's start; if it fails, forgets it (the next call tries again) and says why. */
function keep(attempt: Promise<BackendStatus>): Promise<BackendStatus> {
  const kept: Promise<BackendStatus> = attempt.catch((err: unknown) => {
    if (started === kept) {
      started = null;
      publish({ state: 'idle', generation: engineGeneration(), error: message(err) });
    }
    throw err;
  });
  started = kept;
  // Callers get the rejection; nothing else should report it as unhandled.
  kept.catch(() => undefined);
  return kept;
}

/**
 * Starts the page's engine the first time a computation asks for the GPU, on the backend
 * chooseBackend picks for the reader's "Compute on" setting. Later calls return the same
 * promise (a later change of the setting applies when the page loads again), or the
 * restart's while the engine starts again after a device loss. A start that failed is
 * tried again by the next call.
 */
export function startEngine(): Promise<BackendStatus> {
  return started ?? keep(firstStart());
}

/** The status now: what useBackend returns, outside React. */
export function engineStatus(): BackendStatus {
  return status;
}

/** The engine's generation now (see BackendStatus): a cache made under another one holds invalid tensors. */
export function engineGeneration(): number {
  return status.generation ?? 0;
}

/**
 * Calls `listener` after every restart that follows a device loss, once the new backend
 * is ready (and before computations waiting for it go on). Returns a function that stops it.
 */
export function onEngineRestart(listener: (status: BackendStatus) => void): () => void {
  restartListeners.add(listener);
  return () => restartListeners.delete(listener);
}

/** Device losses the page's engine has heard of so far (see `lostSince`). */
export function deviceLosses(): number {
  return losses?.count ?? 0;
}

/**
 * Whether a device loss was heard since `seen` (a `deviceLosses()` count), allowing a
 * moment for the news to arrive when the engine computes on a GPU: a read on a lost
 * device can fail before the device's loss is reported.
 */
export async function lostSince(seen: number): Promise<boolean> {
  if (!losses) return false;
  if (status.name !== 'webgpu') return losses.count !== seen;
  return losses.since(seen, LOSS_GRACE_MS);
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Where the page's GPU computations run, as it changes; watching it starts nothing. */
export function useBackend(): BackendStatus {
  return useSyncExternalStore(subscribe, () => status, () => status);
}

/** The engine's generation, as it changes (see BackendStatus); watching it starts nothing. */
export function useEngineGeneration(): number {
  return useSyncExternalStore(subscribe, engineGeneration, engineGeneration);
}

/**
 * Test builds only: `window.__cnnEngine.loseDevice()` destroys the GPUDevice the page's
 * engine computes on, directly (not through the backend's destroy(), which the engine
 * treats as intended), as a driver reset or a GPU process crash would; `status()` is the
 * engine's status. Resolves false when the engine has no GPU device to lose.
 */
if (__TEST_AIDS__ && typeof window !== 'undefined') {
  (window as unknown as { __cnnEngine: Record<string, unknown> }).__cnnEngine = {
    status: () => status,
    async loseDevice(): Promise<boolean> {
      if (!started) return false;
      await started;
      const e = await import('../../engine');
      let device: GPUDevice | undefined;
      try {
        const probe = e.tensor([0]);
        device = (probe.backend as unknown as { device?: GPUDevice }).device;
        probe.dispose();
      } catch {
        return false;
      }
      device?.destroy();
      return !!device;
    },
  };
}
