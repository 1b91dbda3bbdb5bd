import { useEffect, useRef, useState } from 'react';
import { startEngine } from './engine';

export interface EngineResult<T> {
  /** The latest result (kept while a newer one is computing, so nothing flickers). */
  value: T | null;
  /** Why the last computation failed, if it did. */
  error: string | null;
  /** True while the result for the current key is still computing. */
  pending: boolean;
  /** Increases by one every time a new result is shown (tests and benchmarks watch it). */
  seq: number;
}

/**
 * Runs an (asynchronous) engine computation whenever `key` changes, once the page's
 * engine has started. Results of stale keys are dropped, so quick slider moves never
 * show an old answer after a newer one. `run` must not throw synchronously for valid
 * settings; an error becomes `error` and never crashes the page.
 */
export function useEngineResult<T>(key: string | null, run: () => Promise<T>): EngineResult<T> {
  const [state, setState] = useState<EngineResult<T>>({ value: null, error: null, pending: key !== null, seq: 0 });
  const runRef = useRef(run);
  runRef.current = run;
  const latest = useRef(0);
  useEffect(() => {
    if (key === null) {
      setState((s) => (s.pending ? { ...s, pending: false } : s));
      return;
    }
    const ticket = ++latest.current;
    setState((s) => (s.pending ? s : { ...s, pending: true }));
    let cancelled = false;
    (async () => {
      try {
        await startEngine();
        if (cancelled || ticket !== latest.current) return;
        const value = await runRef.current();
        if (cancelled || ticket !== latest.current) return;
        setState((s) => ({ value, error: null, pending: false, seq: s.seq + 1 }));
      } catch (e) {
        if (cancelled || ticket !== latest.current) return;
        setState((s) => ({ ...s, error: e instanceof Error ? e.message : String(e), pending: false, seq: s.seq + 1 }));
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [key]);
  return state;
}
