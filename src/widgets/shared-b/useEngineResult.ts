import { useEffect, useState } from 'react';
import { startEngine } from '../common/engine';

export interface EngineResult<T> {
  /** The latest finished result (possibly for earlier settings while a new one computes). */
  value: T | null;
  /** Whether `value` belongs to the current key (the output on screen is up to date). */
  fresh: boolean;
  /** The error of the latest computation for the current key, if it failed. */
  error: string | null;
}

/**
 * Runs an asynchronous engine computation whenever `key` changes (after the page's
 * engine has started, unless `onCpu`: the computation uses the engine's CPU backend). Keeps showing the previous result until the new one arrives, so
 * inputs stay mounted and focused while the reader types; a result that arrives after a
 * newer request is dropped. Errors are returned, never thrown.
 */
export function useEngineResult<T>(key: string, compute: () => Promise<T>, enabled = true, opts: { onCpu?: boolean } = {}): EngineResult<T> {
  const waitForEngine = !opts.onCpu;
  const [state, setState] = useState<{ value: T | null; valueKey: string | null; error: string | null; errorKey: string | null }>({
    value: null,
    valueKey: null,
    error: null,
    errorKey: null,
  });
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    (async () => {
      try {
        // Work on the engine's CPU backend need not wait for WebGPU to start.
        if (waitForEngine) await startEngine();
        const value = await compute();
        if (live) setState({ value, valueKey: key, error: null, errorKey: null });
      } catch (e) {
        if (live) setState((s) => ({ ...s, error: (e as Error).message ?? String(e), errorKey: key }));
      }
    })();
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, enabled, waitForEngine]);
  return { value: state.value, fresh: state.valueKey === key, error: state.errorKey === key ? state.error : null };
}

/** The `data-state` a widget's output region carries: tests wait for 'ready'. */
export function outputState(r: EngineResult<unknown>): 'ready' | 'computing' | 'error' {
  if (r.error) return 'error';
  return r.fresh ? 'ready' : 'computing';
}
