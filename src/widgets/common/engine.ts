import { useEffect, useState } from 'react';
import { ready, setBackend, getBackend } from '../../engine';

export interface BackendStatus {
  state: 'starting' | 'ready';
  name?: 'webgpu' | 'cpu';
  description?: string;
  /** Why WebGPU is not used, when the engine fell back to the CPU. */
  reason?: string;
}

let started: Promise<BackendStatus> | null = null;

/** Starts the page's engine once: WebGPU when the browser offers an adapter, else the CPU. */
export function startEngine(): Promise<BackendStatus> {
  started ??= (async () => {
    try {
      await setBackend('webgpu');
      await ready();
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
