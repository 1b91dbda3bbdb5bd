/**
 * Runs code cells in Node exactly as the cell worker runs them (compile, runtime, error
 * placement), for the code-cell tests and the chapter listing tests.
 */
import { CellSyntaxError, compileNotebook } from '../../src/widgets/code-cell/compile';
import { createRuntime } from '../../src/widgets/code-cell/runtime-core';
import type { CellEvent } from '../../src/widgets/code-cell/protocol';

const AsyncFunction = (async () => {}).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<void>;
/** Lines Node puts before a Function body. */
const HEADER = 2;

/** Runs cells 0..target as the worker would, and returns what the target printed. */
export async function run(cells: string[], target = cells.length - 1): Promise<CellEvent[]> {
  const events: CellEvent[] = [];
  const { runtime, console, print, display } = createRuntime((e) => events.push(e), '<anonymous>');
  let compiled;
  try {
    compiled = compileNotebook(cells, target);
  } catch (err) {
    if (!(err instanceof CellSyntaxError)) throw err;
    return [{ type: 'error', message: err.message, cell: err.cell, line: err.line }];
  }
  const map = compiled.cells.map((c) => [c.start + HEADER, c.lines]);
  const fn = new AsyncFunction('__rt', 'console', 'print', 'display', `try {\n${compiled.body}\n} catch (e) { __rt.fail(e, ${JSON.stringify(map.map(([s, n]) => [s + 1, n]))}); }`);
  await fn(runtime, console, print, display);
  return events;
}

/** The texts a run printed, in order. */
export const printed = (events: CellEvent[]) => events.flatMap((e) => (e.type === 'output' ? [e.text] : []));
