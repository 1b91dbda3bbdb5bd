import { useSyncExternalStore } from 'react';

/**
 * The page's WebGPU engine, started on demand. Widgets whose tensors are small compute
 * synchronously on the engine's CPU backend (`withBackend('cpu', …)`, see small.ts) and
 * never start it; the first computation that wants the GPU (`startEngine`, which
 * useEngineResult calls) starts WebGPU and its kernel autotune, or falls back to the CPU.
 */
export interface BackendStatus {
  /** 'idle' until something asks for the GPU; then 'starting', then 'ready'. */
  state: 'idle' | 'starting' | 'ready';
  name?: 'webgpu' | 'cpu' | 'wasm';
  description?: string;
  /** Why WebGPU is not used, when the engine fell back to the CPU. */
  reason?: string;
}

const TUNING_KEY = 'cnn-book-webgpu-tuning';

let status: BackendStatus = { state: 'idle' };
let started: Promise<BackendStatus> | null = null;
const listeners = new Set<() => void>();

function publish(next: BackendStatus): BackendStatus {
  status = next;
  for (const l of [...listeners]) l();
  return next;
}

/**
 * Starts the page's engine once, the first time a computation asks for the GPU: WebGPU
 * when the browser offers an adapter, else the CPU. Later calls return the same promise.
 */
export function startEngine(): Promise<BackendStatus> {
  started ??= (async () => {
    publish({ state: 'starting' });
    // The engine loads with the first thing that needs it, not with the page shell.
    const { ready, setBackend, getBackend } = await import('../../engine');
    let saved: unknown;
    try {
      saved = JSON.parse(localStorage.getItem(TUNING_KEY) ?? 'null') ?? undefined;
    } catch {
      saved = undefined;
    }
    try {
      // A tuning saved on this adapter skips the kernel autotune; the engine ignores one from another adapter.
      await setBackend('webgpu', saved ? { tuning: saved } : {});
      await ready();
      try {
        localStorage.setItem(TUNING_KEY, JSON.stringify(getBackend().tuning ?? null));
      } catch {
        // Storage may be full or disabled; the autotune simply runs again next time.
      }
    } catch (e) {
      await setBackend('cpu');
      await ready();
      const b = getBackend();
      return publish({ state: 'ready', name: b.name, description: b.description, reason: (e as Error).message });
    }
    const b = getBackend();
    return publish({ state: 'ready', name: b.name, description: b.description });
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
