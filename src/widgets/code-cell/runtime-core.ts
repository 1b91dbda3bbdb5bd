/**
 * The part of a cell's runtime that does not touch the worker's globals: the modules a
 * cell imports, print/console/display, and how an error is placed in the reader's code.
 * runtime.ts installs it in the worker; the listing tests install it in Node.
 */
import * as engine from '../../engine';
import * as models from '../../models';
import { formatValue, type TensorLike } from './format';
import type { CellEvent } from './protocol';

function asTensor(v: unknown): TensorLike | null {
  if (!(v instanceof engine.Tensor)) return null;
  if (v.isDisposed) return { shape: v.shape, values: new Float32Array(0) };
  return { shape: v.shape, values: v.dataSync(), requiresGrad: v.requiresGrad, gradFn: v.gradFn };
}

/** What a value prints as in a cell. */
export const show = (v: unknown, nested = false) => formatValue(v, asTensor, nested ? 1 : 0);

/**
 * A runtime posting its events to `post`. `location` is the program's URL as it appears
 * in stack traces, to place errors.
 */
export function createRuntime(post: (e: CellEvent) => void, location: string) {
  let quiet = true;
  let cell = 0;
  const write = (stream: 'out' | 'err', args: unknown[]) => {
    if (!quiet) post({ type: 'output', stream, text: args.map((a) => show(a)).join(' ') });
  };
  const display = (value: unknown) => {
    if (!quiet && value !== undefined) post({ type: 'output', stream: 'value', text: show(value, true) });
    return value;
  };
  const log = (...a: unknown[]) => write('out', a);
  const warn = (...a: unknown[]) => write('err', a);
  const runtime = {
    modules: { engine, models } as Record<string, Record<string, unknown>>,
    /** A named import, or a clear error when the module has no such export. */
    member(mod: Record<string, unknown>, name: string, key: string): unknown {
      if (!(key in mod)) throw new ReferenceError(`'${key}' is not exported by the book's ${name}`);
      return mod[key];
    },
    begin(index: number, showOutput: boolean) {
      cell = index;
      quiet = !showOutput;
    },
    /** The value of the cell's last expression, shown as a notebook shows it. */
    show: display,
    end() {
      post({ type: 'done' });
    },
    /** Reports an error thrown by the program, placed in the reader's cell and line. */
    fail(err: unknown, cells: [start: number, lines: number][]) {
      const e = err instanceof Error ? err : new Error(String(err));
      const message = `${e.name}: ${e.message}`;
      const here = location.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      for (const m of (e.stack ?? '').matchAll(new RegExp(`${here}:(\\d+):\\d+`, 'g'))) {
        const at = Number(m[1]);
        const i = cells.findIndex(([start, n]) => at >= start && at < start + n);
        if (i >= 0) return post({ type: 'error', message, cell: i, line: at - cells[i][0] + 1 });
      }
      post({ type: 'error', message, cell });
    },
  };
  const console = { log, info: log, warn, error: warn };
  return { runtime, console, print: log, display };
}
