/**
 * Host-side batching: a seeded shuffle per epoch, and batches of pixels scaled to
 * [0, 1] in NCHW float32 with their labels. The order depends only on (seed, epoch),
 * so a run resumed from a checkpoint at (epoch, step) sees exactly the batches it
 * would have seen. Resizing to a model's larger input happens on the device (the
 * worker calls the engine's bilinear interpolation on each batch).
 */
import type { Dataset } from './format';
import { shuffledIndices } from './binary.js';

// The seeded generator and shuffle, shared with scripts/prepare-data.mjs.
export { mulberry32, shuffledIndices } from './binary.js';

/** The order of one epoch's training images: a function of the run's seed and the epoch only. */
export function epochOrder(n: number, seed: number, epoch: number): Uint32Array {
  return shuffledIndices(n, (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(epoch + 1, 0x85ebca6b)) >>> 0);
}

/** Number of batches in an epoch; the last one may be smaller (like DataLoader without drop_last). */
export function batchCount(n: number, batchSize: number): number {
  return Math.ceil(n / batchSize);
}

export interface HostBatch {
  /** [size, 1, rows, cols] pixels in [0, 1]. */
  x: Float32Array;
  /** Class indices. */
  y: Int32Array;
  size: number;
  rows: number;
  cols: number;
}

/** Copies images order[start .. start+size) into a batch, scaling bytes to [0, 1]. */
export function gatherBatch(d: Dataset, order: ArrayLike<number> | null, start: number, size: number): HostBatch {
  const n = Math.max(0, Math.min(size, d.count - start));
  const px = d.rows * d.cols;
  const x = new Float32Array(n * px);
  const y = new Int32Array(n);
  for (let b = 0; b < n; b++) {
    const idx = order ? order[start + b] : start + b;
    const src = d.pixels.subarray(idx * px, (idx + 1) * px);
    const off = b * px;
    for (let i = 0; i < px; i++) x[off + i] = src[i] / 255;
    y[b] = d.labels[idx];
  }
  return { x, y, size: n, rows: d.rows, cols: d.cols };
}

/** The batches of one epoch, from batch `fromStep` on. */
export function* epochBatches(d: Dataset, batchSize: number, seed: number, epoch: number, fromStep = 0): Generator<HostBatch & { step: number }> {
  const order = epochOrder(d.count, seed, epoch);
  const steps = batchCount(d.count, batchSize);
  for (let s = fromStep; s < steps; s++) yield { ...gatherBatch(d, order, s * batchSize, batchSize), step: s };
}

/** The test set in its stored order, batch after batch. */
export function* inOrderBatches(d: Dataset, batchSize: number, limit = d.count): Generator<HostBatch & { start: number }> {
  const n = Math.min(limit, d.count);
  for (let s = 0; s < n; s += batchSize) yield { ...gatherBatch(d, null, s, Math.min(batchSize, n - s)), start: s };
}

/**
 * Bilinear resize of one-channel images on the host, matching PyTorch's
 * F.interpolate(mode='bilinear', align_corners=False) (no antialias). The worker
 * resizes on the device; this is the reference for tests and for tiny inputs.
 */
export function resizeBilinearHost(x: Float32Array, n: number, h: number, w: number, outH: number, outW: number): Float32Array {
  const out = new Float32Array(n * outH * outW);
  const sh = h / outH;
  const sw = w / outW;
  for (let b = 0; b < n; b++) {
    const src = b * h * w;
    const dst = b * outH * outW;
    for (let i = 0; i < outH; i++) {
      const fy = Math.max(0, (i + 0.5) * sh - 0.5);
      const y0 = Math.min(Math.floor(fy), h - 1);
      const y1 = Math.min(y0 + 1, h - 1);
      const ly = fy - y0;
      for (let j = 0; j < outW; j++) {
        const fx = Math.max(0, (j + 0.5) * sw - 0.5);
        const x0 = Math.min(Math.floor(fx), w - 1);
        const x1 = Math.min(x0 + 1, w - 1);
        const lx = fx - x0;
        const top = x[src + y0 * w + x0] * (1 - lx) + x[src + y0 * w + x1] * lx;
        const bot = x[src + y1 * w + x0] * (1 - lx) + x[src + y1 * w + x1] * lx;
        out[dst + i * outW + j] = top * (1 - ly) + bot * ly;
      }
    }
  }
  return out;
}
