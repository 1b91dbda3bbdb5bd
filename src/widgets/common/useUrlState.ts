import { useCallback, useEffect, useRef, useState } from 'react';

/**
 * The live settings of every URL key in use on the page. A chapter can embed a widget in
 * parts (`<Parameters part="init" />`), each part in the section that teaches it; the parts
 * share one URL key, so they share one set of settings: a change in one part shows in the
 * others, and the link holds the settings of them all.
 */
const live = new Map<string, { value: unknown; listeners: Set<(value: unknown) => void> }>();

/**
 * Writes to the link, shared by every key: the first change after a quiet spell is written
 * at once (a reader who presses a key and reloads keeps it); the changes that follow within
 * WRITE_GAP ms are gathered and written together once it has passed. A slider dragged for
 * a minute thus writes under 100 times in any 30 seconds, which is WebKit's limit on the
 * history API (Chromium's is looser), and a write the browser refuses is tried again later.
 */
const WRITE_GAP = 400;
/** Each key's value to write (null: take it off the link), and the route it was set on. */
const pending = new Map<string, { value: string | null; route: string }>();
const route = () => new URL(window.location.href).searchParams.get('c') ?? '';
let lastWrite = -Infinity;
let timer: number | undefined;

function flush(): void {
  timer = undefined;
  if (pending.size === 0) return;
  const url = new URL(window.location.href);
  const here = route();
  for (const [param, { value, route: on }] of pending) {
    // Set on a route the reader has left since: not this page's setting.
    if (on !== here) continue;
    if (value === null) url.searchParams.delete(param);
    else url.searchParams.set(param, value);
  }
  if (url.href === window.location.href) {
    pending.clear();
    return;
  }
  lastWrite = performance.now();
  try {
    window.history.replaceState(window.history.state, '', url);
    pending.clear();
  } catch {
    // Refused (too many calls): kept pending, and tried again after the gap.
    timer = window.setTimeout(flush, WRITE_GAP);
  }
}

function writeParam(param: string, value: string | null): void {
  pending.set(param, { value, route: route() });
  if (timer !== undefined) return;
  const wait = lastWrite + WRITE_GAP - performance.now();
  if (wait <= 0) flush();
  else timer = window.setTimeout(flush, wait);
}

/**
 * Widget settings kept in the page URL (`?w.<key>=<json>`), so a link reproduces
 * exactly what a teacher shows. `sanitize` turns whatever the URL holds (possibly
 * hand-edited garbage) into valid settings; it must never throw. Every mounted user of
 * one key sees the same settings.
 */
export function useUrlState<T extends object>(key: string, defaults: T, sanitize: (raw: unknown, defaults: T) => T): [T, (next: T | ((prev: T) => T)) => void] {
  const param = `w.${key}`;
  const [state, setState] = useState<T>(() => {
    const shared = live.get(param);
    if (shared) return shared.value as T;
    if (typeof window === 'undefined') return defaults;
    const raw = new URL(window.location.href).searchParams.get(param);
    if (raw === null) return defaults;
    try {
      return sanitize(JSON.parse(raw), defaults);
    } catch {
      return defaults;
    }
  });
  const stateRef = useRef(state);
  stateRef.current = state;
  useEffect(() => {
    let entry = live.get(param);
    if (!entry) {
      entry = { value: stateRef.current, listeners: new Set() };
      live.set(param, entry);
    }
    const shared = entry;
    const listener = (value: unknown) => setState(value as T);
    shared.listeners.add(listener);
    // Another part may have changed the settings between this render and now.
    if (shared.value !== stateRef.current) setState(shared.value as T);
    return () => {
      shared.listeners.delete(listener);
      if (shared.listeners.size === 0 && live.get(param) === shared) live.delete(param);
    };
  }, [param]);
  useEffect(() => {
    const same = JSON.stringify(state) === JSON.stringify(defaults);
    // (A write still pending when the reader moves to another chapter is dropped by `flush`.)
    writeParam(param, same ? null : JSON.stringify(state));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [state, param]);
  const update = useCallback(
    (next: T | ((prev: T) => T)) => {
      let shared = live.get(param);
      if (!shared) {
        // A change before this hook's effect has run (a child's effect on mount).
        shared = { value: stateRef.current, listeners: new Set() };
        live.set(param, shared);
      }
      const value = typeof next === 'function' ? (next as (p: T) => T)(shared.value as T) : next;
      if (value === shared.value) return;
      shared.value = value;
      setState(value);
      for (const l of shared.listeners) l(value);
    },
    [param],
  );
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
