import { tidy, withBackend } from '../../engine';

/**
 * Runs a widget's computation on the engine's CPU backend inside a tidy scope. The
 * widgets that use it work on a few hundred numbers, where a GPU round trip costs
 * more than the arithmetic; they never start WebGPU (see engine.ts).
 */
export function small<T>(fn: () => T): T {
  return withBackend('cpu', () => tidy(fn));
}
