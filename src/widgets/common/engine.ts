import { useEffect, useState } from 'react';

export interface BackendStatus {
  state: 'starting' | 'ready';
  name?: 'webgpu' | 'cpu' | 'wasm';
  description?: string;
  /** Why WebGPU is not used, when the engine fell back to the CPU. */
  reason?: string;
}

let started: Promise<BackendStatus> | null = null;
const TUNING_KEY = 'cnn-book-webgpu-tuning';

/** Starts the page's engine once: WebGPU when the browser offers an adapter, else the CPU. */
export function startEngine(): Promise<BackendStatus> {
  started ??= (async () => {
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
      return { state: 'ready', name: b.name, description: b.description, reason: (e as Error).message };
    }
    const b = getBackend();
    return { state: 'ready', name: b.name, description: b.description };
  })();
  return started;
}

export function useBackend(): BackendStatus {
  const [status, setStatus] = useState<BackendStatus>({ state: 'starting' });
  useEffect(() => {
    let live = true;
    startEngine().then((s) => live && setStatus(s));
    return () => {
      live = false;
    };
  }, []);
  return status;
}

