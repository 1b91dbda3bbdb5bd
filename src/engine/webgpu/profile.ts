/**
 * GPU profiles (Runtime.startProfile / stopProfile): each dispatch in a compute pass of its
 * own between two timestamps, the times read back batch by batch and summed per kernel
 * key; and the table of one, what a step spends in each kernel beside the wall clock of
 * the same steps (the difference is time the GPU waited for the host: recording, submits,
 * read-backs).
 */
import { MAP_MODE_READ, USAGE } from './flags';

/** One kernel's share of a profile: its dispatches and their summed GPU time. */
export interface KernelTime {
  key: string;
  calls: number;
  /** GPU time, begin to end of each dispatch's pass, summed (ms). */
  ms: number;
}

/** A profile in progress: the current batch's timed dispatches and the batches being read back. */
export class DispatchProfile {
  private readonly querySet: GPUQuerySet;
  private readonly resolveBuffer: GPUBuffer;
  /** Kernel keys of this batch's timed dispatches, in order (two timestamps each). */
  private batch: string[] = [];
  private readonly pending: Promise<void>[] = [];
  private readonly times = new Map<string, KernelTime>();

  /** Times up to `perBatch` dispatches a batch. */
  constructor(
    private readonly device: GPUDevice,
    perBatch: number,
  ) {
    this.querySet = device.createQuerySet({ type: 'timestamp', count: 2 * perBatch });
    this.resolveBuffer = device.createBuffer({ size: 16 * perBatch, usage: USAGE.QUERY_RESOLVE | USAGE.COPY_SRC });
  }

  /** A compute pass of its own for the dispatch of kernel `key`, between two timestamps. */
  beginPass(enc: GPUCommandEncoder, key: string): GPUComputePassEncoder {
    const at = 2 * this.batch.length;
    this.batch.push(key);
    return enc.beginComputePass({ timestampWrites: { querySet: this.querySet, beginningOfPassWriteIndex: at, endOfPassWriteIndex: at + 1 } });
  }

  /** Whether the batch has used every timestamp (the runtime then submits it). */
  full(): boolean {
    return 2 * this.batch.length >= this.querySet.count;
  }

  /**
   * Records, at the end of a batch, the copy of its timestamps to a buffer the host can
   * map; returns what to run once the batch is submitted (start the read-back), or
   * undefined when the batch timed nothing.
   */
  resolve(enc: GPUCommandEncoder): (() => void) | undefined {
    const keys = this.batch;
    if (keys.length === 0) return undefined;
    this.batch = [];
    const bytes = 16 * keys.length;
    const staging = this.device.createBuffer({ size: bytes, usage: USAGE.MAP_READ | USAGE.COPY_DST });
    enc.resolveQuerySet(this.querySet, 0, 2 * keys.length, this.resolveBuffer, 0);
    enc.copyBufferToBuffer(this.resolveBuffer, 0, staging, 0, bytes);
    return () => {
      this.pending.push(
        staging.mapAsync(MAP_MODE_READ).then(
          () => {
            const t = new BigUint64Array(staging.getMappedRange());
            keys.forEach((key, i) => {
              // A pass the GPU did not time reads as zeros (or an end before its start).
              const ns = t[2 * i + 1] > t[2 * i] ? Number(t[2 * i + 1] - t[2 * i]) : 0;
              const k = this.times.get(key) ?? { key, calls: 0, ms: 0 };
              k.calls++;
              k.ms += ns / 1e6;
              this.times.set(key, k);
            });
            staging.destroy();
          },
          () => staging.destroy(),
        ),
      );
    };
  }

  /** Waits for every batch's times (the last one submitted), frees the queries; longest kernel first. */
  async finish(): Promise<KernelTime[]> {
    await Promise.all(this.pending);
    this.querySet.destroy();
    this.resolveBuffer.destroy();
    return [...this.times.values()].sort((a, b) => b.ms - a.ms);
  }
}

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
