import { tidy, withBackend } from '../../engine';

/**
 * Runs a widget's computation on the engine's CPU backend inside a tidy scope. The
 * widgets that use it work on a few hundred numbers, where a GPU round trip costs
 * more than the arithmetic; they also need not wait for WebGPU to start.
 */
export function small<T>(fn: () => T): T {
  return withBackend('cpu', () => tidy(fn));
}
