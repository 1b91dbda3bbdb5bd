// The dataset files' binary layout, checksum and seeded shuffle, in plain JavaScript so
// that one copy serves both the writer (scripts/prepare-data.mjs, run by Node as is) and
// the reader (src/data/format.ts, src/data/batches.ts). Types: binary.d.ts.

/** "CNNB" read as a little-endian uint32. */
export const DATASET_MAGIC = 0x424e4e43;
export const DATASET_VERSION = 1;
export const DATASET_HEADER_BYTES = 32;

/** FNV-1a (32-bit) of the bytes: the payload checksum in the header. */
export function fnv1a(bytes) {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i];
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** mulberry32: a small, fast seeded generator of numbers in [0, 1). */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A permutation of 0..n-1 (Fisher-Yates) drawn from mulberry32(seed). */
export function shuffledIndices(n, seed) {
  const p = new Uint32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  const rnd = mulberry32(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

/**
 * A dataset file: the 32-byte header (magic, version, count, rows, cols, classes, FNV-1a
 * of the payload, 0) and the payload (every image's pixels, then every label).
 */
export function encodeDataset({ count, rows, cols, classes, pixels, labels }) {
  const out = new Uint8Array(DATASET_HEADER_BYTES + pixels.length + labels.length);
  out.set(pixels, DATASET_HEADER_BYTES);
  out.set(labels, DATASET_HEADER_BYTES + pixels.length);
  const view = new DataView(out.buffer);
  const words = [DATASET_MAGIC, DATASET_VERSION, count, rows, cols, classes, fnv1a(out.subarray(DATASET_HEADER_BYTES)), 0];
  words.forEach((w, i) => view.setUint32(i * 4, w, true));
  return out;
}
