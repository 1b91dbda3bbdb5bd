/** DOM helpers shared by the widget latency sections (the underscore keeps this file from running as a section). */
import type { ReactElement } from 'react';
import { createRoot } from 'react-dom/client';
import { startEngine } from '../../../src/widgets/common/engine';
import type { BenchSection, SectionRow } from './types';

export function setValue(el: HTMLInputElement, v: string): void {
  // Through the native setter, so React sees a real change.
  Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(el, v);
  el.dispatchEvent(new Event('input', { bubbles: true }));
}

/** The range input labelled `name` inside `root`. */
export function slider(root: HTMLElement, name: string): HTMLInputElement {
  const label = [...root.querySelectorAll('label')].find((l) => l.textContent === name);
  const el = label ? (document.getElementById(label.htmlFor) as HTMLInputElement | null) : null;
  if (!el) throw new Error(`no slider '${name}'`);
  return el;
}

export function until(root: Element, cond: () => boolean, timeoutMs = 10_000): Promise<number> {
  return new Promise((resolve, reject) => {
    if (cond()) return resolve(performance.now());
    const timer = setTimeout(() => {
      mo.disconnect();
      reject(new Error('timed out waiting for the widget'));
    }, timeoutMs);
    const mo = new MutationObserver(() => {
      if (cond()) {
        mo.disconnect();
        clearTimeout(timer);
        resolve(performance.now());
      }
    });
    mo.observe(root, { subtree: true, attributes: true, childList: true, characterData: true });
  });
}

/** Resolves just after the next frame is painted (rAF, then a task after it). */
export function nextPaint(): Promise<number> {
  return new Promise((resolve) => requestAnimationFrame(() => resolve(afterThisFrame())));
}

/** Resolves in a task that runs after the current frame's rendering (style, layout, paint). */
function afterThisFrame(): Promise<number> {
  return new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => resolve(performance.now());
    ch.port2.postMessage(0);
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

export interface ChangeTiming {
  /** ms from the input event to the DOM showing the result. */
  result: number;
  /** ms from the input event to the end of the rendering of the first frame that shows it. */
  painted: number;
  /** Frame-aligned changes: whether the frame the input arrived in painted the result. */
  sameFrame?: boolean;
}

/**
 * One change made at the start of a frame, inside a requestAnimationFrame callback:
 * this is when Chromium delivers continuous input such as a pointer dragging a slider
 * (rAF-aligned input). If the result reaches the DOM before that frame renders, the
 * change is painted in the same frame; otherwise in a later one.
 */
export function changeAtFrameStart(root: Element, change: () => () => boolean): Promise<ChangeTiming> {
  return new Promise((resolve, reject) =>
    requestAnimationFrame(() => {
      const t0 = performance.now();
      const shown = change();
      // Posted before any rendering of this frame, so it runs right after it.
      let rendered: number | null = null;
      const frameDone = afterThisFrame().then((t) => (rendered = t));
      until(root, shown)
        .then(async (t1) => {
          // A result shown before this frame rendered is painted by it.
          const sameFrame = rendered === null;
          const t2 = sameFrame ? await frameDone : await nextPaint();
          resolve({ result: t1 - t0, painted: t2 - t0, sameFrame });
        })
        .catch(reject);
    }),
  );
}

/**
 * One change made at a random moment within a frame, like a key press or a typed
 * value; the painted time then includes waiting for the next frame to begin
 * (0–16.7 ms at 60 Hz), which no implementation can avoid.
 */
export async function changeAtRandomMoment(root: Element, change: () => () => boolean): Promise<ChangeTiming> {
  await nextPaint();
  await sleep(Math.random() * 14);
  const t0 = performance.now();
  const shown = change();
  const t1 = await until(root, shown);
  const t2 = await nextPaint();
  return { result: t1 - t0, painted: t2 - t0 };
}

/**
 * Times `count` changes of each kind (frame-aligned, then random-moment) and returns
 * the table columns: result and painted p50/p95 for frame-aligned changes, painted
 * p95 for random-moment ones. `change(i)` makes change i and returns a predicate that
 * is true once its result is shown; `between(i)` runs untimed before change i.
 */
export async function timeChanges(
  root: Element,
  count: number,
  change: (i: number) => () => boolean,
  between?: (i: number) => Promise<void>,
): Promise<Record<string, number>> {
  const aligned: ChangeTiming[] = [];
  const random: ChangeTiming[] = [];
  for (let i = 0; i < 2 * count; i++) {
    if (between) await between(i);
    if (i < count) aligned.push(await changeAtFrameStart(root, () => change(i)));
    else random.push(await changeAtRandomMoment(root, () => change(i)));
  }
  const col = (xs: ChangeTiming[], k: 'result' | 'painted', p: number) => pct(xs.map((x) => x[k]), p);
  return {
    'result p50': col(aligned, 'result', 50),
    'result p95': col(aligned, 'result', 95),
    'painted p50': col(aligned, 'painted', 50),
    'painted p95': col(aligned, 'painted', 95),
    'same frame %': (100 * aligned.filter((x) => x.sameFrame).length) / aligned.length,
    'random-moment painted p95': col(random, 'painted', 95),
  };
}

/** How to read the columns timeChanges returns (printed under each widget table). */
export const TIMING_NOTES = [
  "result: ms from the input event to the DOM showing the engine's result; painted: to the end of the rendering of the first frame that shows it (rAF, then the task after it)",
  'p50/p95 and "same frame %" for changes made at the start of a frame (rAF-aligned, as Chromium delivers a dragged slider); "random-moment painted p95" for changes at random moments (key presses), which adds the wait for the next frame (up to 16.7 ms)',
  'target: painted p95 ≤ 16 ms (one frame) on SwiftShader',
];

/**
 * Mounts `element` in a fresh host, measures it with `body`, and unmounts it: one row of
 * a section, labelled `label`, whose values are `body`'s figures or the error it met.
 */
export async function measureMounted(label: string, element: ReactElement, body: (host: HTMLElement) => Promise<SectionRow['values']>): Promise<SectionRow> {
  const host = document.createElement('div');
  document.body.append(host);
  const root = createRoot(host);
  root.render(element);
  try {
    return { label, values: await body(host) };
  } catch (e) {
    return { label, values: { error: (e as Error).message } };
  } finally {
    root.unmount();
    host.remove();
  }
}

/**
 * A widget latency section: starts the page's engine, then measures each case (tagged
 * with the page backend). `backendNote` says which backend the widgets compute on;
 * `notes` come after the timing notes.
 */
export function widgetSection<C>(title: string, cases: readonly C[], measure: (c: C, tag: string) => Promise<SectionRow>, backendNote: string, notes: string[] = []): BenchSection {
  return {
    title,
    async run() {
      const status = await startEngine();
      const rows: SectionRow[] = [];
      for (const c of cases) rows.push(await measure(c, `page: ${status.name ?? '?'}`));
      return {
        title,
        rows,
        notes: [`page backend: ${status.name}${status.reason ? ` (${status.reason})` : ''}; ${backendNote}`, ...TIMING_NOTES, ...notes],
      };
    },
  };
}
