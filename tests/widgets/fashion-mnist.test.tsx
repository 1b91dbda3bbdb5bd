import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderToStaticMarkup } from 'react-dom/server';
import { DatasetError, parseDataset, parseDatasetHeader } from '../../src/data/format';
import { loadDatasetHeader } from '../../src/data/load';
import { FashionMnist, SampleGrid } from '../../src/widgets/fashion-mnist';
import { drawClass, drawGrid, FM_DEFAULTS, GRID_ROWS, indicesByClass, MAX_SEED, nextSeed, PER_ROW, pixelStats, sanitizeFM } from '../../src/widgets/fashion-mnist/samples';
import { FASHION_CLASSES } from '../../src/widgets/common/fashion-classes';
import { WIDGET_HEIGHT_REM } from '../../src/widgets/common/reserve';

const file = new Uint8Array(readFileSync(join(__dirname, '..', '..', 'public', 'data', 'fashion-test.bin')));
const test = parseDataset(file, 'fashion-test');
const byClass = indicesByClass(test.labels, test.classes);

describe('the Fashion-MNIST widget’s settings', () => {
  it('open on the test split, seed 0, every class', () => {
    expect(FM_DEFAULTS).toEqual({ split: 'test', seed: 0, cls: -1 });
  });

  it('turn whatever the URL holds into valid settings', () => {
    expect(sanitizeFM(null, FM_DEFAULTS)).toEqual(FM_DEFAULTS);
    expect(sanitizeFM('train', FM_DEFAULTS)).toEqual(FM_DEFAULTS);
    expect(sanitizeFM({ split: 'train', seed: '12', cls: 7 }, FM_DEFAULTS)).toEqual({ split: 'train', seed: 12, cls: 7 });
    expect(sanitizeFM({ split: 'validation', seed: -5, cls: 42 }, FM_DEFAULTS)).toEqual({ split: 'test', seed: 0, cls: 9 });
    expect(sanitizeFM({ seed: 1e9, cls: -7 }, FM_DEFAULTS)).toEqual({ split: 'test', seed: MAX_SEED, cls: -1 });
    expect(sanitizeFM({ seed: 'NaN', cls: {} }, FM_DEFAULTS)).toEqual(FM_DEFAULTS);
  });

  it('move on to the next draw with "New samples", wrapping round', () => {
    expect(nextSeed(0)).toBe(1);
    expect(nextSeed(MAX_SEED)).toBe(0);
  });
});

describe('the draw of samples', () => {
  it('groups the indices of each class in file order', () => {
    const got = indicesByClass([2, 0, 2, 1, 0], 3).map((a) => Array.from(a));
    expect(got).toEqual([[1, 4], [3], [0, 2]]);
  });

  it('shows a row of each class of the real test file, every image of its row’s class, none twice', () => {
    const rows = drawGrid(byClass, 0, -1);
    expect(rows).toHaveLength(GRID_ROWS);
    rows.forEach((row, c) => {
      expect(row.cls).toBe(c);
      expect(row.indices).toHaveLength(PER_ROW);
      expect(new Set(row.indices).size).toBe(PER_ROW);
      for (const i of row.indices) expect(test.labels[i]).toBe(c);
    });
  });

  it('is the same for the same seed and different for another', () => {
    expect(drawGrid(byClass, 5, -1)).toEqual(drawGrid(byClass, 5, -1));
    const a = drawGrid(byClass, 5, -1).flatMap((r) => r.indices);
    const b = drawGrid(byClass, 6, -1).flatMap((r) => r.indices);
    expect(a.filter((i, k) => i === b[k]).length).toBeLessThan(a.length / 2);
  });

  it('shows one class alone as ten rows that begin with that class’s row of the all-classes view', () => {
    for (const cls of [0, 6, 9]) {
      const rows = drawGrid(byClass, 3, cls);
      const all = rows.flatMap((r) => r.indices);
      expect(rows.every((r) => r.cls === cls)).toBe(true);
      expect(all).toHaveLength(GRID_ROWS * PER_ROW);
      expect(new Set(all).size).toBe(all.length);
      expect(all.every((i) => test.labels[i] === cls)).toBe(true);
      expect(rows[0].indices).toEqual(drawGrid(byClass, 3, -1)[cls].indices);
    }
  });

  it('takes what there is from a class smaller than the draw', () => {
    expect(drawClass([4, 8, 15], 0, 1, 8).sort((x, y) => x - y)).toEqual([4, 8, 15]);
  });

  it('summarises an image’s pixels for its text alternative', () => {
    const px = new Uint8Array([0, 0, 0, 0, 10, 20, 30, 255]);
    expect(pixelStats(px, 1, 4)).toEqual({ lo: 10, hi: 255, mean: 78.75 });
  });
});

describe('the header of a dataset file', () => {
  it('gives the count, size and classes of the split without the images', () => {
    expect(parseDatasetHeader(file.subarray(0, 32))).toMatchObject({ count: 10000, rows: 28, cols: 28, classes: 10 });
    expect(() => parseDatasetHeader(file.subarray(0, 20), 'x')).toThrow(DatasetError);
    const bad = file.slice(0, 32);
    bad[0] ^= 1;
    expect(() => parseDatasetHeader(bad, 'x')).toThrow(/magic/);
  });

  it('is read with a Range request for its 32 bytes', async () => {
    const asked: (string | null)[] = [];
    const fetchImpl = (async (_url: string, init?: RequestInit) => {
      asked.push(new Headers(init?.headers).get('range'));
      return new Response(file.slice(0, 32), { status: 206 });
    }) as unknown as typeof fetch;
    const h = await loadDatasetHeader('fashion', 'test', { fetchImpl, base: '/' });
    expect(asked).toEqual(['bytes=0-31']);
    expect(h).toMatchObject({ count: 10000, rows: 28, cols: 28, classes: 10 });
  });

  it('stops reading where a server ignores the range and sends the whole file', async () => {
    let pulled = 0;
    let cancelled = false;
    const chunk = 4096;
    const body = new ReadableStream<Uint8Array>({
      pull(ctrl) {
        if (pulled >= file.length) return ctrl.close();
        ctrl.enqueue(file.slice(pulled, pulled + chunk));
        pulled += chunk;
      },
      cancel() {
        cancelled = true;
      },
    });
    const fetchImpl = (async () => new Response(body, { status: 200 })) as unknown as typeof fetch;
    const h = await loadDatasetHeader('fashion', 'test', { fetchImpl, base: '/' });
    expect(h.count).toBe(10000);
    await new Promise((r) => setTimeout(r, 0));
    expect(cancelled).toBe(true);
    expect(pulled).toBeLessThan(file.length / 10);
  });

  it('says which file is missing', async () => {
    const fetchImpl = (async () => new Response('no', { status: 404 })) as unknown as typeof fetch;
    await expect(loadDatasetHeader('fashion', 'train', { fetchImpl, base: '/' })).rejects.toThrow(/fashion-train.*404/);
  });
});

describe('the widget as first drawn', () => {
  const html = renderToStaticMarkup(<FashionMnist />);

  it('has labelled controls for the split, the class and a new draw', () => {
    expect(html).toContain('data-widget="fashion-mnist"');
    expect(html).toMatch(/<legend>Show images from<\/legend>/);
    expect(html).toMatch(/type="radio"[^>]*value="train"/);
    expect(html).toMatch(/type="radio"[^>]*checked=""[^>]*value="test"/);
    expect(html).toMatch(/<label for="([^"]+)">Class<\/label><select id="\1"/);
    for (const [c, name] of FASHION_CLASSES.en.entries()) expect(html).toContain(`${c} · ${name}`);
    expect(html).toMatch(/<button type="button" disabled="">New samples<\/button>/);
  });

  it('holds the room of the grid with blank cells before the images arrive', () => {
    expect(html).toContain('data-state="loading"');
    expect(html.match(/class="fm-cell"/g)).toHaveLength(GRID_ROWS * PER_ROW);
    expect(html).not.toContain('<canvas');
    expect(WIDGET_HEIGHT_REM['fashion-mnist']).toBeGreaterThan(40);
  });
});

describe('the grid of samples', () => {
  const data = { ...test, byClass };

  it('names each image by its class and where it comes from, with its pixels summarised in numbers', () => {
    const rows = drawGrid(byClass, 0, -1);
    const html = renderToStaticMarkup(<SampleGrid rows={rows} data={data} split="test" cls={-1} lang="en" busy={false} />);
    expect(html.match(/<canvas/g)).toHaveLength(GRID_ROWS * PER_ROW);
    const first = rows[9].indices[0];
    expect(html).toContain(`aria-label="Ankle boot, test image #${first}"`);
    expect(html).toMatch(new RegExp(`data-index="${first}" data-label="9"`));
    const s = pixelStats(test.pixels, first, 784);
    expect(html).toContain(`28 × 28 pixels from ${s.lo} to ${s.hi}, mean ${s.mean.toFixed(1)}`);
    expect(html).toContain('aria-label="Class 7: Sneaker"');
  });

  it('speaks Chinese class names in the Chinese book', () => {
    const rows = drawGrid(byClass, 0, 8);
    const html = renderToStaticMarkup(<SampleGrid rows={rows} data={data} split="train" cls={8} lang="zh" busy={false} />);
    expect(html).toContain(`aria-label="包, training image #${rows[0].indices[0]}"`);
    expect(html).toContain('data-state="ready"');
  });
});
