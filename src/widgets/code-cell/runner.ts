/**
 * Runs a chapter's cells in a fresh worker of their own, never in the page: the program
 * (compile.ts) becomes the worker's script, from a Blob, after an import of the runtime
 * (runtime.ts) that holds the engine. The page's Content-Security-Policy allows blob
 * workers and keeps no 'unsafe-eval'; nothing here evaluates a string.
 *
 * A run ends when the program does, on an error, at the time limit, or on stop(); the
 * worker is then terminated, so an endless loop never holds the page.
 */
import runtimeUrl from './runtime.ts?worker&url';
import { CellSyntaxError, compileNotebook } from './compile';
import type { CellEvent } from './protocol';

export type RunEnd = 'done' | 'error' | 'timeout' | 'stopped';

export interface CellRun {
  stop(): void;
  ended: Promise<RunEnd>;
}

/** The default time limit of one run, in milliseconds. */
export const TIME_LIMIT_MS = 30_000;

/** Lines of the worker's script before the program's first line. */
const PROLOGUE_LINES = 3;

function programFor(cells: readonly string[], target: number) {
  const { body, cells: where } = compileNotebook(cells, target);
  const map = JSON.stringify(where.map((c) => [c.start + PROLOGUE_LINES, c.lines]));
  const runtime = JSON.stringify(new URL(runtimeUrl, self.location.href).href);
  return [`import ${runtime};`, 'const __rt = globalThis.__cellRuntime;', 'try {', body, `} catch (e) { __rt.fail(e, ${map}); }`].join('\n');
}

/** Runs cells 0..target (the earlier ones quietly) and reports what the target prints. */
export function runCells(cells: readonly string[], target: number, onEvent: (e: CellEvent) => void, timeoutMs = TIME_LIMIT_MS): CellRun {
  let program: string;
  try {
    program = programFor(cells, target);
  } catch (err) {
    if (!(err instanceof CellSyntaxError)) throw err;
    onEvent({ type: 'error', message: `${err.name}: ${err.message}`, cell: err.cell, line: err.line });
    return { stop() {}, ended: Promise.resolve('error') };
  }
  const url = URL.createObjectURL(new Blob([program], { type: 'text/javascript' }));
  const worker = new Worker(url, { type: 'module', name: 'code cell' });
  let finish: (end: RunEnd) => void = () => {};
  const ended = new Promise<RunEnd>((resolve) => {
    let over = false;
    finish = (end) => {
      if (over) return;
      over = true;
      clearTimeout(timer);
      worker.terminate();
      URL.revokeObjectURL(url);
      resolve(end);
    };
    const timer = setTimeout(() => finish('timeout'), timeoutMs);
  });
  worker.onmessage = (m: MessageEvent<CellEvent>) => {
    onEvent(m.data);
    if (m.data.type === 'done') finish('done');
    else if (m.data.type === 'error') finish('error');
  };
  worker.onerror = (e) => {
    e.preventDefault();
    onEvent({ type: 'error', message: e.message || 'The cell could not start.' });
    finish('error');
  };
  return {
    stop: () => finish('stopped'),
    ended,
  };
}
