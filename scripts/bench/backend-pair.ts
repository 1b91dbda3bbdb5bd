/**
 * Kernel helpers shared by the standalone GPU check (gpu-check.ts) and the WebGPU tests
 * (tests/webgpu). They use no test framework, so the GPU check bundles without one.
 */
import type { Backend, Storage } from '../../src/engine/backend';

/** Runs the same kernel on both backends from the same host inputs and returns both outputs (every buffer is freed). */
export async function both(
  gpu: Backend,
  cpu: Backend,
  inputs: Float32Array[],
  kernel: (b: Backend, xs: Storage[]) => Storage,
): Promise<{ got: Float32Array; want: Float32Array }> {
  const gx = inputs.map((d) => gpu.fromData(d));
  const cx = inputs.map((d) => cpu.fromData(d));
  const go = kernel(gpu, gx);
  const co = kernel(cpu, cx);
  const got = await gpu.read(go);
  const want = await cpu.read(co);
  for (const s of [...gx, go]) gpu.free(s);
  for (const s of [...cx, co]) cpu.free(s);
  return { got, want };
}

/** Mean milliseconds of one call of `f` over `reps` calls, after a warm-up call, with the device drained before and after; every output is freed. */
export async function timeKernel(b: Backend & { sync(): Promise<void> }, f: () => Storage, reps: number): Promise<number> {
  b.free(f());
  await b.sync();
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) b.free(f());
  await b.sync();
  return (performance.now() - t0) / reps;
}
