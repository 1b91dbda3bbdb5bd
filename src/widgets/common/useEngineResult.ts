import { useCallback, useEffect, useRef, useState } from 'react';
import { deviceLosses, engineGeneration, lostSince, startEngine, useEngineGeneration } from './engine';
import { bilingualOf, type Bilingual } from '../../models/bilingual';
import { say, useTr, type Tr } from './i18n';

export interface EngineResult<T> {
  /** The latest result (kept while a newer one is computing, so nothing flickers). */
  value: T | null;
  /** Why the computation for the current key failed, if it did (in the reader's language where the error has both). */
  error: string | null;
  /** True until the result (or error) for the CURRENT key is in. */
  pending: boolean;
  /** Whether `value` belongs to the current key (the output on screen is up to date). */
  fresh: boolean;
  /** Increases by one every time a new result is shown (tests and benchmarks watch it). */
  seq: number;
}

interface Inner<T> {
  value: T | null;
  /** The key the value belongs to. */
  valueKey: string | null;
  error: Bilingual | null;
  /** The key of the latest outcome, value or error. */
  key: string | null;
  seq: number;
}

/**
 * Runs an asynchronous GPU computation whenever `key` changes: the first one starts the
 * page's WebGPU engine (see engine.ts); for small CPU work see useCpuResult below.
 * Results of stale keys are dropped, so quick slider moves never show an old answer
 * after a newer one. Errors become `error` and never crash the page; `retry()` runs the
 * current key's computation again (after a failed engine start, say).
 * A null key means "nothing to compute" (e.g. invalid settings); `enabled: false`
 * pauses computing while keeping the last result.
 *
 * When the GPU device is lost, the engine starts again on a new one and the current key's
 * computation runs again there; one that fails because the device was lost under it
 * shows no error, only the new result.
 */
export function useEngineResult<T>(key: string | null, run: () => Promise<T>, opts: { enabled?: boolean } = {}): EngineResult<T> & { retry(): void } {
  const enabled = opts.enabled ?? true;
  const t = useTr();
  const [state, setState] = useState<Inner<T>>({ value: null, valueKey: null, error: null, key: null, seq: 0 });
  const [attempt, setAttempt] = useState(0);
  const retry = useCallback(() => setAttempt((a) => a + 1), []);
  // The device the results are computed on: the first start (generation 1) replaces no
  // device, so it does not run a computation under way again.
  const device = Math.max(1, useEngineGeneration());
  const runRef = useRef(run);
  runRef.current = run;
  useEffect(() => {
    if (key === null || !enabled) return;
    let cancelled = false;
    (async () => {
      let seen: { losses: number; generation: number } | null = null;
      try {
        await startEngine();
        if (cancelled) return;
        seen = { losses: deviceLosses(), generation: engineGeneration() };
        const value = await runRef.current();
        if (cancelled) return;
        setState((s) => ({ value, valueKey: key, error: null, key, seq: s.seq + 1 }));
      } catch (e) {
        if (cancelled) return;
        let failure = e;
        if (seen !== null && (await lostSince(seen.losses))) {
          // The device was lost under the computation: once the engine has started again,
          // the new generation runs it again; a restart that fails is the error to show.
          try {
            await startEngine();
            if (engineGeneration() !== seen.generation) return;
          } catch (restartError) {
            failure = restartError;
          }
        }
        if (cancelled) return;
        setState((s) => ({ ...s, error: bilingualOf(failure), key, seq: s.seq + 1 }));
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [key, enabled, device, attempt]);
  return { ...view(state, key, enabled, t), retry };
}

function view<T>(state: Inner<T>, key: string | null, enabled: boolean, t: Tr): EngineResult<T> {
  const current = key !== null && state.key === key;
  return {
    value: state.value,
    error: current && state.error ? say(t, state.error) : null,
    pending: key !== null && enabled && !current,
    fresh: key !== null && state.valueKey === key,
    seq: state.seq,
  };
}

/**
 * The synchronous form for small computations on the engine's CPU backend (see
 * small.ts, reading with `dataSync()`): the result is computed while React renders
 * the new settings, so the output changes in the same frame as the input that caused
 * it, never one frame later. Same contract as useEngineResult otherwise: a null key
 * or `enabled: false` keeps the last result; errors become `error`, never a crash.
 */
export function useCpuResult<T>(key: string | null, run: () => T, opts: { enabled?: boolean } = {}): EngineResult<T> {
  const enabled = opts.enabled ?? true;
  const t = useTr();
  const [state, setState] = useState<Inner<T>>({ value: null, valueKey: null, error: null, key: null, seq: 0 });
  if (key !== null && enabled && state.key !== key) {
    // Derived state: React re-renders at once with the new state, before anything is painted.
    let next: Inner<T>;
    try {
      next = { value: run(), valueKey: key, error: null, key, seq: state.seq + 1 };
    } catch (e) {
      next = { ...state, error: bilingualOf(e), key, seq: state.seq + 1 };
    }
    setState(next);
    return view(next, key, enabled, t);
  }
  return view(state, key, enabled, t);
}

/** The `data-state` a widget's output region carries: tests wait for 'ready'. */
export function outputState(r: Pick<EngineResult<unknown>, 'error' | 'fresh'>): 'ready' | 'computing' | 'error' {
  if (r.error) return 'error';
  return r.fresh ? 'ready' : 'computing';
}
