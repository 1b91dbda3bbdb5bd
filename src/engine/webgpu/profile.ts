/**
 * A GPU profile (Runtime.startProfile / stopProfile) as a table: what one step spends in
 * each kernel, beside the wall clock of the same steps (the difference is time the GPU
 * waited for the host: recording, submits, read-backs).
 */
import type { KernelTime } from './runtime';

/** Kernels listed one by one; the rest share a line. */
const LISTED = 24;

/** The table's lines for `times` summed over `steps` steps that took `wallMs` each. */
export function formatProfile(times: readonly KernelTime[], steps: number, wallMs: number): string[] {
  const sorted = [...times].sort((a, b) => b.ms - a.ms);
  const total = sorted.reduce((s, t) => s + t.ms, 0);
  const calls = sorted.reduce((s, t) => s + t.calls, 0);
  const row = (name: string, c: number, ms: number) =>
    `  ${name.padEnd(48)} ${(c / steps).toFixed(1).padStart(10)} ${(ms / steps).toFixed(3).padStart(10)} ${total > 0 ? ((100 * ms) / total).toFixed(1).padStart(6) : '     -'}%`;
  const lines = [
    `GPU time per step by kernel, over ${steps} steps (each dispatch timed in a compute pass of its own):`,
    `  ${'kernel'.padEnd(48)} ${'calls/step'.padStart(10)} ${'ms/step'.padStart(10)} ${'share'.padStart(7)}`,
    ...sorted.slice(0, LISTED).map((t) => row(t.key, t.calls, t.ms)),
  ];
  const rest = sorted.slice(LISTED);
  if (rest.length) lines.push(row(`${rest.length} other kernels`, rest.reduce((s, t) => s + t.calls, 0), rest.reduce((s, t) => s + t.ms, 0)));
  lines.push(row('all kernels', calls, total));
  const gpuMs = total / steps;
  lines.push(`  wall clock per step: ${wallMs.toFixed(3)} ms; the GPU ran kernels ${wallMs > 0 ? ((100 * gpuMs) / wallMs).toFixed(0) : '-'}% of it`);
  return lines;
}
