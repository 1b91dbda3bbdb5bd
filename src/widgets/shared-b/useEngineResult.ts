import { useCpuResult as useCpu, useEngineResult as useResult } from '../common/useEngineResult';

export interface EngineResult<T> {
  /** The latest finished result (possibly for earlier settings while a new one computes). */
  value: T | null;
  /** Whether `value` belongs to the current key (the output on screen is up to date). */
  fresh: boolean;
  /** The error of the latest computation for the current key, if it failed. */
  error: string | null;
}

/**
 * The shared engine-result hook (../common/useEngineResult) in the shape these widgets
 * use: the previous result stays on screen until the new one arrives, stale results are
 * dropped, errors are returned, never thrown.
 */
export function useEngineResult<T>(key: string, compute: () => Promise<T>, enabled = true): EngineResult<T> {
  const r = useResult(key, compute, { enabled });
  return { value: r.value, fresh: r.fresh, error: r.error };
}

/** The same shape for small synchronous computations on the CPU backend (see ../common/useEngineResult). */
export function useCpuResult<T>(key: string, compute: () => T, enabled = true): EngineResult<T> {
  const r = useCpu(key, compute, { enabled });
  return { value: r.value, fresh: r.fresh, error: r.error };
}

/** The `data-state` a widget's output region carries: tests wait for 'ready'. */
export function outputState(r: EngineResult<unknown>): 'ready' | 'computing' | 'error' {
  if (r.error) return 'error';
  return r.fresh ? 'ready' : 'computing';
}
