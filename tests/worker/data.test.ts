import { beforeAll, describe, expect, it } from 'vitest';
import { F, setBackend, tensor } from '../../src/engine';
import { batchCount, epochBatches, epochOrder, gatherBatch, inOrderBatches, resizeBilinearHost, shuffledIndices } from '../../src/data/batches';
import { DATA_CACHE, loadDatasetCached } from '../../src/data/cache';
import { encodeDataset, type Dataset } from '../../src/data/format';

beforeAll(async () => {
  await setBackend('cpu');
});

function tiny(count: number): Dataset {
  const pixels = new Uint8Array(count * 4).map((_, i) => (i * 37) % 256);
  const labels = new Uint8Array(count).map((_, i) => i % 10);
  return { count, rows: 2, cols: 2, classes: 10, pixels, labels };
}


describe('batches', () => {
  it('shuffle every epoch differently, reproducibly from the seed, as a permutation', () => {
    const a = epochOrder(1000, 7, 0);
    expect(Array.from(a).sort((x, y) => x - y)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(epochOrder(1000, 7, 0)).toEqual(a);
    expect(epochOrder(1000, 7, 1)).not.toEqual(a);
    expect(epochOrder(1000, 8, 0)).not.toEqual(a);
    expect(shuffledIndices(5, 1)).toEqual(shuffledIndices(5, 1));
  });

  it('scale pixels to [0, 1] and keep each image with its label', () => {
    const d = tiny(30);
    const order = epochOrder(30, 1, 0);
    const b = gatherBatch(d, order, 4, 8);
    expect(b.size).toBe(8);
    for (let k = 0; k < 8; k++) {
      const idx = order[4 + k];
      expect(b.y[k]).toBe(d.labels[idx]);
      expect(Array.from(b.x.subarray(k * 4, k * 4 + 4))).toEqual(Array.from(d.pixels.subarray(idx * 4, idx * 4 + 4), (p) => Math.fround(p / 255)));
    }
  });

  it('cover an epoch with a smaller last batch, and resume from a step with the same batches', () => {
    const d = tiny(25);
    expect(batchCount(25, 10)).toBe(3);
    const all = [...epochBatches(d, 10, 3, 2)];
    expect(all.map((b) => b.size)).toEqual([10, 10, 5]);
    const seen = all.flatMap((b) => Array.from(b.y));
    expect(seen.length).toBe(25);
    const resumed = [...epochBatches(d, 10, 3, 2, 1)];
    expect(resumed.map((b) => Array.from(b.x))).toEqual(all.slice(1).map((b) => Array.from(b.x)));
    expect([...inOrderBatches(d, 10, 12)].map((b) => b.size)).toEqual([10, 2]);
  });

  it('resize on the host exactly as the engine resizes on the device (bilinear, align_corners=false)', async () => {
    const x = Float32Array.from({ length: 2 * 28 * 28 }, (_, i) => ((i * 13) % 97) / 97);
    const host = resizeBilinearHost(x, 2, 28, 28, 67, 67);
    const dev = await F.interpolateBilinear(tensor(x, [2, 1, 28, 28]), [67, 67]).data();
    for (let i = 0; i < host.length; i++) expect(host[i]).toBeCloseTo(dev[i], 5);
  });
});

/** A minimal Cache Storage in memory. */
function memoryCaches() {
  const stores = new Map<string, Map<string, Response>>();
  const opened: string[] = [];
  const caches = {
    async open(name: string) {
      opened.push(name);
      if (!stores.has(name)) stores.set(name, new Map());
      const s = stores.get(name)!;
      return {
        async match(url: string) {
          return s.get(url)?.clone();
        },
        async put(url: string, r: Response) {
          s.set(url, r);
        },
        async delete(url: string) {
          return s.delete(url);
        },
      };
    },
  } as unknown as CacheStorage;
  return { caches, stores, opened };
}

describe('the dataset cache', () => {
  it('fetches a split once with progress, then reads it from Cache Storage', async () => {
    const bytes = encodeDataset(tiny(50));
    let fetches = 0;
    const fetchImpl = (async () => {
      fetches++;
      return new Response(bytes.slice(), { headers: { 'content-length': String(bytes.length) } });
    }) as typeof fetch;
    const { caches, stores } = memoryCaches();
    const progress: [number, number | null, string][] = [];
    const a = await loadDatasetCached('fashion', 'test', { cacheStorage: caches, fetchImpl, base: '/', onProgress: (l, t, f) => progress.push([l, t, f]) });
    expect(a.from).toBe('network');
    expect(a.stored).toBe(true);
    expect(progress.at(-1)).toEqual([bytes.length, bytes.length, 'network']);
    expect(stores.get(DATA_CACHE)!.size).toBe(1);
    const b = await loadDatasetCached('fashion', 'test', { cacheStorage: caches, fetchImpl, base: '/' });
    expect(fetches).toBe(1);
    expect(b.from).toBe('cache');
    expect(Array.from(b.pixels)).toEqual(Array.from(a.pixels));
    expect(Array.from(b.labels)).toEqual(Array.from(a.labels));
  });

  it('drops a corrupt cached copy and fetches again; works when storage refuses the copy', async () => {
    const good = encodeDataset(tiny(20));
    const { caches, stores } = memoryCaches();
    const fetchImpl = (async () => new Response(good.slice())) as typeof fetch;
    await loadDatasetCached('fashion', 'train', { cacheStorage: caches, fetchImpl, base: '/' });
    const [url] = [...stores.get(DATA_CACHE)!.keys()];
    const bad = good.slice();
    bad[40] ^= 0xff;
    stores.get(DATA_CACHE)!.set(url, new Response(bad));
    const again = await loadDatasetCached('fashion', 'train', { cacheStorage: caches, fetchImpl, base: '/' });
    expect(again.from).toBe('network');

    const full = { open: async () => ({ match: async () => undefined, put: async () => { throw new DOMException('full', 'QuotaExceededError'); }, delete: async () => true }) } as unknown as CacheStorage;
    const c = await loadDatasetCached('fashion', 'train', { cacheStorage: full, fetchImpl, base: '/' });
    expect(c.stored).toBe(false);
    expect(c.count).toBe(20);
  });
});
