/** Helpers shared by the sections (a leading underscore keeps this file from running as a section). */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { createWebGPUBackend, type WebGPUBackend } from '../../../src/engine/webgpu';

let ours: Promise<WebGPUBackend> | null = null;

/** Our WebGPU backend (created once, autotuned). */
export function oursBackend(): Promise<WebGPUBackend> {
  ours ??= createWebGPUBackend();
  return ours;
}

export function random(n: number, seed = 1): Float32Array {
  const a = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = s / 4294967296 - 0.5;
  }
  return a;
}

/**
 * Times `step` (which returns something to wait on) `reps` times after `warmup` runs;
 * returns the median milliseconds per step.
 */
export async function timeIt(step: () => Promise<void>, reps: number, warmup = 1): Promise<number> {
  for (let i = 0; i < warmup; i++) await step();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await step();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

export const TFJS_BACKENDS = ['webgpu', 'webgl', 'cpu'] as const;

/** Switches TF.js to `name`; false when that backend cannot start here. */
export async function useTf(name: string): Promise<boolean> {
  try {
    const ok = await tf.setBackend(name);
    await tf.ready();
    return ok && tf.getBackend() === name;
  } catch {
    return false;
  }
}

export { tf };
