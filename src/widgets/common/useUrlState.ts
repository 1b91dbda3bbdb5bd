import { useCallback, useEffect, useRef, useState } from 'react';

/**
 * Widget settings kept in the page URL (`?w.<key>=<json>`), so a link reproduces
 * exactly what a teacher shows. `sanitize` turns whatever the URL holds (possibly
 * hand-edited garbage) into valid settings; it must never throw.
 */
export function useUrlState<T extends object>(key: string, defaults: T, sanitize: (raw: unknown, defaults: T) => T): [T, (next: T | ((prev: T) => T)) => void] {
  const param = `w.${key}`;
  const [state, setState] = useState<T>(() => {
    if (typeof window === 'undefined') return defaults;
    const raw = new URL(window.location.href).searchParams.get(param);
    if (raw === null) return defaults;
    try {
      return sanitize(JSON.parse(raw), defaults);
    } catch {
      return defaults;
    }
  });
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => {
    // Debounced: dragging a slider must not flood the history API.
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => {
      const url = new URL(window.location.href);
      const same = JSON.stringify(state) === JSON.stringify(defaults);
      if (same) url.searchParams.delete(param);
      else url.searchParams.set(param, JSON.stringify(state));
      if (url.href !== window.location.href) window.history.replaceState(window.history.state, '', url);
    }, 150);
    return () => window.clearTimeout(timer.current);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [state, param]);
  const update = useCallback((next: T | ((prev: T) => T)) => setState((prev) => (typeof next === 'function' ? (next as (p: T) => T)(prev) : next)), []);
  return [state, update];
}

/** Sanitising helpers: clamp an unknown value to an integer range, or fall back. */
export function intIn(raw: unknown, min: number, max: number, fallback: number): number {
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : NaN;
  if (!Number.isFinite(n)) return fallback;
  return Math.min(max, Math.max(min, Math.round(n)));
}

export function oneOf<T extends string>(raw: unknown, options: readonly T[], fallback: T): T {
  return options.includes(raw as T) ? (raw as T) : fallback;
}

export function finiteMatrix(raw: unknown, maxRows: number, maxCols: number): number[][] | null {
  if (!Array.isArray(raw) || raw.length === 0 || raw.length > maxRows) return null;
  const cols = Array.isArray(raw[0]) ? raw[0].length : 0;
  if (cols === 0 || cols > maxCols) return null;
  const out: number[][] = [];
  for (const row of raw) {
    if (!Array.isArray(row) || row.length !== cols) return null;
    const r = row.map(Number);
    if (!r.every(Number.isFinite)) return null;
    out.push(r);
  }
  return out;
}
