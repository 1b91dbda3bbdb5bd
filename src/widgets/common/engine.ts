import { useSyncExternalStore } from 'react';
import type { BackendAbout, ChoiceReason } from '../../engine';
import { computeOnSetting } from '../../stores/settings';

/**
 * The page's engine, started on demand. Widgets whose tensors are small compute
 * synchronously on the engine's CPU backend (`withBackend('cpu', …)`, see small.ts) and
 * never start it; the first computation that wants the GPU (`startEngine`, which
 * useEngineResult calls) starts the backend the engine's chooseBackend picks (WebGPU on a
 * real GPU, else WebAssembly) or the one the reader chose in the training view.
 */
export interface BackendStatus {
  /** 'idle' until something asks for the GPU; then 'starting', then 'ready'. */
  state: 'idle' | 'starting' | 'ready';
  name?: 'webgpu' | 'cpu' | 'wasm';
  description?: string;
  /** What it computes on, as fields (see BackendAbout). */
  about?: BackendAbout;
  /** Why this backend computes (see chooseBackend). */
  reason?: ChoiceReason;
  /** The error behind a fallback, when there was one. */
  detail?: string;
  /** The GPU adapter's description, when the browser offers one. */
  adapter?: string;
}

const TUNING_KEY = 'cnn-book-webgpu-tuning';
/** Probe verdicts (a software adapter against wasm) are kept under this prefix. */
const CHOICE_PREFIX = 'cnn-book-';

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

let status: BackendStatus = { state: 'idle' };
let started: Promise<BackendStatus> | null = null;
const listeners = new Set<() => void>();

function publish(next: BackendStatus): BackendStatus {
  status = next;
  for (const l of [...listeners]) l();
  return next;
}

/**
 * Starts the page's engine once, the first time a computation asks for the GPU, on the
 * backend chooseBackend picks for the reader's "Compute on" setting. Later calls return
 * the same promise (a later change of the setting applies when the page loads again).
 */
export function startEngine(): Promise<BackendStatus> {
  started ??= (async () => {
    publish({ state: 'starting' });
    // The engine loads with the first thing that needs it, not with the page shell.
    const { chooseBackend, getBackend } = await import('../../engine');
    const choice = await chooseBackend({
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
    const b = getBackend();
    if (choice.backend === 'webgpu' && b.tuning !== undefined) {
      try {
        localStorage.setItem(TUNING_KEY, JSON.stringify(b.tuning));
      } catch {
        // Storage may be full or disabled; the autotune simply runs again next time.
      }
    }
    return publish({ state: 'ready', name: b.name, description: b.description, about: b.about, reason: choice.reason, detail: choice.detail, adapter: choice.adapter });
  })();
  return started;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Where the page's GPU computations run, as it changes; watching it starts nothing. */
export function useBackend(): BackendStatus {
  return useSyncExternalStore(subscribe, () => status, () => status);
}
