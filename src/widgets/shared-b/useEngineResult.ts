import { useEffect, useState } from 'react';
import { startEngine } from '../common/engine';

export type EngineResult<T> = { state: 'pending' } | { state: 'ok'; value: T; key: string } | { state: 'error'; message: string; key: string };

/**
 * Runs an asynchronous engine computation whenever `key` changes (after the page's
 * engine has started) and keeps the latest finished result; a result that arrives
 * after a newer request is dropped. Errors are returned, never thrown.
 */
export function useEngineResult<T>(key: string, compute: () => Promise<T>, enabled = true): EngineResult<T> {
  const [result, setResult] = useState<EngineResult<T>>({ state: 'pending' });
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    (async () => {
      try {
        await startEngine();
        const value = await compute();
        if (live) setResult({ state: 'ok', value, key });
      } catch (e) {
        if (live) setResult({ state: 'error', message: (e as Error).message ?? String(e), key });
      }
    })();
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, enabled]);
  return result;
}
