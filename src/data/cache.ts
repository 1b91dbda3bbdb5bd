/**
 * Loads a dataset split once and keeps it in the browser's Cache Storage, so the
 * ~55 MB of Fashion-MNIST pixels are fetched from our origin only the first time.
 * Works in a page and in a worker; where Cache Storage is missing (Node, an insecure
 * context) or full it simply fetches. A cached copy that fails validation is dropped
 * and fetched again.
 */
import { parseDataset, type Dataset } from './format';
import { datasetUrl, loadDataset, type DatasetName, type Split } from './load';

export const DATA_CACHE = 'cnn-book-data-v1';

export interface CachedLoadOptions {
  /** Called as bytes arrive (or are read from the cache). */
  onProgress?: (loadedBytes: number, totalBytes: number | null, from: 'network' | 'cache') => void;
  signal?: AbortSignal;
  base?: string;
  /** Replace Cache Storage (tests). `null` disables caching. */
  cacheStorage?: CacheStorage | null;
  fetchImpl?: typeof fetch;
}

export interface CachedDataset extends Dataset {
  /** Where the bytes came from this time. */
  from: 'network' | 'cache';
  /** False when the copy could not be stored (e.g. storage full). */
  stored: boolean;
}

function defaultCaches(): CacheStorage | null {
  const g = globalThis as { caches?: CacheStorage };
  return g.caches ?? null;
}

/** Bytes of a dataset file as written by `serializeDataset`-compatible tools: header + pixels + labels. */
function datasetBytes(d: Dataset): Uint8Array {
  // parseDataset returns subarrays of one buffer: pixels then labels directly after a 32-byte header.
  const start = d.pixels.byteOffset - 32;
  return new Uint8Array(d.pixels.buffer, start, 32 + d.pixels.byteLength + d.labels.byteLength);
}

export async function loadDatasetCached(name: DatasetName, split: Split, opts: CachedLoadOptions = {}): Promise<CachedDataset> {
  const url = new URL(datasetUrl(name, split, opts.base), (globalThis as { location?: { href: string } }).location?.href ?? 'http://localhost/').href;
  const storage = opts.cacheStorage === undefined ? defaultCaches() : opts.cacheStorage;
  let cache: Cache | null = null;
  if (storage) {
    try {
      cache = await storage.open(DATA_CACHE);
      const hit = await cache.match(url);
      if (hit) {
        const buf = new Uint8Array(await hit.arrayBuffer());
        opts.onProgress?.(buf.byteLength, buf.byteLength, 'cache');
        try {
          return { ...parseDataset(buf, `${name}-${split}`), from: 'cache', stored: true };
        } catch {
          await cache.delete(url);
        }
      }
    } catch {
      cache = null;
    }
  }
  const d = await loadDataset(name, split, {
    base: opts.base,
    signal: opts.signal,
    fetchImpl: opts.fetchImpl,
    onProgress: (l, t) => opts.onProgress?.(l, t, 'network'),
  });
  let stored = false;
  if (cache) {
    try {
      const bytes = datasetBytes(d);
      const copy = new Uint8Array(bytes.byteLength);
      copy.set(bytes);
      await cache.put(url, new Response(copy, { headers: { 'content-type': 'application/octet-stream', 'content-length': String(copy.byteLength) } }));
      stored = true;
    } catch {
      stored = false;
    }
  }
  return { ...d, from: 'network', stored };
}
