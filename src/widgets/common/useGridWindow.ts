import { useMemo } from 'react';
import { useCpuResult } from './useEngineResult';
import { useSlidingWindow } from './StepControls';

/** How a sliding-window widget turns its settings into what it draws (module-level, so it never changes). */
export interface GridWindowSpec<S, G extends { outH: number; outW: number }, R> {
  /** Reasons the settings cannot run; none when they can. */
  validate: (s: S) => readonly unknown[];
  geometry: (s: S) => G;
  /** The engine's result, computed synchronously on its CPU backend. */
  compute: (s: S) => R;
  /** Cells of the drawn input that are padding. */
  padding: (s: S, g: G) => Set<number>;
  /** Cells of the drawn input under the window of output cell `pos`. */
  window: (s: S, g: G, pos: number) => Set<number>;
}

/**
 * The state of a widget that slides a window over a (padded) input: whether its settings
 * run, their geometry, the window's position and play state, the engine's result for
 * these settings (kept from the last valid ones otherwise), and the cells to highlight.
 */
export function useGridWindow<S, G extends { outH: number; outW: number }, R>(s: S, spec: GridWindowSpec<S, G, R>) {
  const ok = spec.validate(s).length === 0;
  const g = useMemo(() => spec.geometry(s), [s, spec]);
  const count = ok ? g.outH * g.outW : 0;
  const win = useSlidingWindow(count);
  const res = useCpuResult(ok ? JSON.stringify(s) : null, () => spec.compute(s));
  const pads = useMemo(() => spec.padding(s, g), [s, g, spec]);
  const under = useMemo(() => (count ? spec.window(s, g, win.pos) : new Set<number>()), [s, g, win.pos, count, spec]);
  return { ok, g, count, win, res, pads, under };
}
