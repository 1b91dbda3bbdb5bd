/**
 * Shape-keyed kernel tuning of the current backend (see tuneShapes in webgpu/autotune.ts):
 * only WebGPU on a hardware adapter takes it. Software adapters (SwiftShader, llvmpipe)
 * skip it: timing every shape would take minutes on a CPU, and their row / im2col
 * heuristics already adapt per shape.
 */
import type { Backend } from './backend';
import type { WebGPUBackend } from './webgpu/index';
import { activeBackend } from './runtime';

export interface ShapeTuneSummary {
  /** The adapter the shapes were timed on. */
  adapter: string;
  /** Distinct shapes of tunable calls (GEMM family, batch-norm reductions) the recording ran. */
  shapes: number;
  /** Those timed now (the rest were in the tuning already). */
  tuned: number;
  /** Milliseconds the recording and the timing took. */
  ms: number;
  /** Variants left out because this adapter computed them wrongly: why, by shape key and variant. */
  wrong: Record<string, Record<string, string>>;
}

/** The keys each backend instance has been tuned for. */
const done = new WeakMap<Backend, Set<string>>();

/**
 * Records the shapes of the tunable calls (GEMM family, batch-norm reductions) that
 * `record` runs on the current backend and times each op's variants on them, once per
 * `key` (e.g. model, input size and batch) and backend
 * instance. Resolves to null where it does not apply: another backend than WebGPU, a
 * software adapter, or `key` already tuned on this backend; calls `onStart` first where it does.
 */
export async function tuneKernelShapes(key: string, record: () => void | Promise<void>, onStart?: () => void): Promise<ShapeTuneSummary | null> {
  let be: Backend;
  try {
    be = activeBackend();
  } catch {
    // Still starting, or the device is gone: the run itself will say so.
    return null;
  }
  if (be.name !== 'webgpu') return null;
  const [{ isSoftwareAdapter }, { tuneShapes }] = await Promise.all([import('./webgpu/variants'), import('./webgpu/autotune')]);
  const gpu = be as WebGPUBackend;
  if (isSoftwareAdapter(gpu.adapterKey)) return null;
  const keys = done.get(be) ?? new Set<string>();
  if (keys.has(key)) return null;
  onStart?.();
  const r = await tuneShapes(gpu, record);
  keys.add(key);
  done.set(be, keys);
  return { adapter: gpu.adapterKey, shapes: r.recorded.length, tuned: r.tuned, ms: r.ms, wrong: r.wrong };
}
