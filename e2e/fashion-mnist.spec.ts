import { openSync, readFileSync, readSync, closeSync } from 'node:fs';
import type { Locator } from '@playwright/test';
import { test, expect, openChapter, widget } from './fixtures';

/**
 * The Fashion-MNIST widget in the LeNet chapter, checked against the dataset files read
 * here with Node, independently of the app's loader: what a split holds, and, for every
 * image on screen, its class and its pixels as drawn on the canvas.
 */

const CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

/** The eight little-endian uint32 words of a file's header (magic "CNNB", version, count, rows, cols, classes, checksum, 0). */
function header(bytes: Uint8Array) {
  const v = new DataView(bytes.buffer, bytes.byteOffset, 32);
  const w = (i: number) => v.getUint32(4 * i, true);
  expect(w(0)).toBe(0x424e4e43);
  return { count: w(2), rows: w(3), cols: w(4), classes: w(5) };
}

function readSplit(split: 'train' | 'test') {
  const bytes = new Uint8Array(readFileSync(`public/data/fashion-${split}.bin`));
  const h = header(bytes);
  const px = h.rows * h.cols;
  return { ...h, pixels: bytes.subarray(32, 32 + h.count * px), labels: bytes.subarray(32 + h.count * px) };
}

function readHeader(split: 'train' | 'test') {
  const fd = openSync(`public/data/fashion-${split}.bin`, 'r');
  const b = new Uint8Array(32);
  readSync(fd, b, 0, 32, 0);
  closeSync(fd);
  return header(b);
}

interface Shown {
  index: number;
  name: string;
  row: number;
  gray: number[];
  pixelated: string;
}

/** Every image on screen: its file index, accessible name, row's class and the gray values the canvas holds. */
async function shownImages(grid: Locator): Promise<Shown[]> {
  return grid.locator('canvas').evaluateAll((els) =>
    (els as HTMLCanvasElement[]).map((c) => {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      return {
        index: Number(c.dataset.index),
        name: c.getAttribute('aria-label') ?? '',
        row: Number((c.closest('[data-class]') as HTMLElement).dataset.class),
        gray: Array.from({ length: d.length / 4 }, (_, i) => d[4 * i]),
        pixelated: getComputedStyle(c).imageRendering,
      };
    }),
  );
}

/** Checks every shown image against the file: its class, the class its row and name give, and each pixel. */
function expectFromFile(shown: Shown[], file: ReturnType<typeof readSplit>, names: string[], cls?: number) {
  const px = file.rows * file.cols;
  expect(shown).toHaveLength(80);
  expect(new Set(shown.map((s) => s.index)).size).toBe(shown.length);
  const wrong: string[] = [];
  for (const s of shown) {
    if (!(s.index >= 0 && s.index < file.count)) {
      wrong.push(`index ${s.index} is outside the file`);
      continue;
    }
    const label = file.labels[s.index];
    if (s.row !== label) wrong.push(`#${s.index} (class ${label}) is in the row of class ${s.row}`);
    if (cls !== undefined && label !== cls) wrong.push(`#${s.index} is of class ${label}, not ${cls}`);
    if (!s.name.startsWith(`${names[label]}, `) || !s.name.includes(`#${s.index}`)) wrong.push(`#${s.index} (class ${label}) is named "${s.name}"`);
    const want = file.pixels.subarray(s.index * px, (s.index + 1) * px);
    const off = s.gray.findIndex((v, i) => v !== want[i]);
    if (s.gray.length !== px || off >= 0) wrong.push(`#${s.index} differs from the file at pixel ${off}`);
    if (s.pixelated !== 'pixelated') wrong.push(`#${s.index} is drawn with image-rendering: ${s.pixelated}`);
  }
  expect(wrong).toEqual([]);
}

test('the Fashion-MNIST widget shows the files’ own images, classes and split sizes, and its controls work from the keyboard', async ({ page, problems }) => {
  const testSet = readSplit('test');
  const trainHead = readHeader('train');
  expect([trainHead.count, testSet.count]).toEqual([60000, 10000]);

  await openChapter(page, 'lenet', 'en');
  const w = widget(page, 'fashion-mnist');
  await w.scrollIntoViewIfNeeded();
  const grid = w.locator('.fm-grid');
  await expect(grid).toHaveAttribute('data-state', 'ready');
  await expect(grid).toHaveAttribute('data-split', 'test');

  // The split sizes and image size, as the files' headers give them.
  for (const [split, h] of [['train', trainHead], ['test', testSet]] as const) {
    const cells = w.locator(`.fm-facts tr[data-split="${split}"] td`);
    await expect(cells.nth(0)).toHaveAttribute('data-value', String(h.count));
    await expect(cells.nth(0)).toHaveText(h.count.toLocaleString('en-US'));
    await expect(cells.nth(1)).toHaveAttribute('data-value', `${h.rows}x${h.cols}`);
    await expect(cells.nth(2)).toHaveAttribute('data-value', String(h.classes));
  }
  await expect(w.locator('[data-part="summary"]')).toHaveAttribute('data-total', String(trainHead.count + testSet.count));
  await expect(w.locator('[data-part="status"]')).toContainText('Every class has 1,000 of the 10,000 images of the test set');

  // A row per class: every image of its row's class, pixel for pixel the file's.
  const first = await shownImages(grid);
  expectFromFile(first, testSet, CLASSES);
  expect(first.map((s) => s.row)).toEqual(Array.from({ length: 10 }, (_, c) => new Array(8).fill(c)).flat());

  // "New samples" from the keyboard: a new draw, kept in the URL.
  const more = w.getByRole('button', { name: 'New samples' });
  await more.focus();
  await page.keyboard.press('Enter');
  await expect(w.locator('[data-part="status"]')).toHaveAttribute('data-seed', '1');
  const second = await shownImages(grid);
  expectFromFile(second, testSet, CLASSES);
  expect(second.map((s) => s.index)).not.toEqual(first.map((s) => s.index));
  await expect.poll(() => new URL(page.url()).searchParams.get('w.fm')).toBe(JSON.stringify({ split: 'test', seed: 1, cls: -1 }));

  // The class menu from the keyboard: one class alone, eighty images of it.
  const menu = w.getByLabel('Class', { exact: true });
  await menu.focus();
  // Typing a class's number picks it, as in any select.
  await page.keyboard.press('7');
  await expect(menu).toHaveValue('7');
  await expect(w.locator('[data-part="status"]')).toContainText('of class 7, Sneaker');
  expectFromFile(await shownImages(grid), testSet, CLASSES, 7);

  // The split from the keyboard: arrow keys move within the radio group. The training set
  // (47 MB) starts loading, its cells blank until it arrives; back on the test set, the
  // same draw of class 7 returns at once.
  const sevens = (await shownImages(grid)).map((s) => s.index);
  await w.getByRole('radio', { name: 'Test set' }).focus();
  await page.keyboard.press('ArrowUp');
  await expect(w.getByRole('radio', { name: 'Training set' })).toBeChecked();
  await expect(grid).toHaveAttribute('data-split', 'train');
  await expect(w.locator('[data-part="status"]')).toContainText('training set');
  await expect.poll(() => new URL(page.url()).searchParams.get('w.fm')).toBe(JSON.stringify({ split: 'train', seed: 1, cls: 7 }));
  await page.keyboard.press('ArrowDown');
  await expect(w.getByRole('radio', { name: 'Test set' })).toBeChecked();
  await expect(grid).toHaveAttribute('data-split', 'test');
  await expect(grid).toHaveAttribute('data-state', 'ready');
  const back = await shownImages(grid);
  expect(back.map((s) => s.index)).toEqual(sevens);
  expectFromFile(back, testSet, CLASSES, 7);

  expect(problems.errors).toEqual([]);
  expect(problems.foreign).toEqual([]);
});

test('a damaged dataset file is explained in the reader’s language, and the images load once it is whole again', async ({ page, problems }) => {
  const whole = readFileSync('public/data/fashion-train.bin');
  const cut = whole.subarray(0, 1000);
  let served = 0;
  // The training set arrives cut off after 1,000 bytes (its header is whole).
  await page.context().route(/\/data\/fashion-train\.bin$/, (route) => {
    served++;
    return route.fulfill({ status: 200, contentType: 'application/octet-stream', body: Buffer.from(cut) });
  });
  await openChapter(page, 'lenet', 'zh');
  const w = widget(page, 'fashion-mnist');
  await w.scrollIntoViewIfNeeded();
  await w.getByRole('radio', { name: '训练集' }).check();
  const alert = w.getByRole('alert');
  await expect(alert).toContainText(`无法加载图像：fashion-train：60000 张 28×28 的图像应有 ${whole.length} 字节，实际是 1000 字节（文件被截断或已损坏）`);
  expect(served).toBeGreaterThan(0);
  await expect(alert).not.toContainText('expected');

  await page.context().unroute(/\/data\/fashion-train\.bin$/);
  await alert.getByRole('button', { name: '重试' }).click();
  await expect(alert).toHaveCount(0);
  const grid = w.locator('.fm-grid');
  await expect(grid).toHaveAttribute('data-split', 'train');
  await expect(grid).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  await expect(w.locator('[data-part="status"]')).toContainText('训练集');
  expect(problems.errors).toEqual([]);
  expect(problems.foreign).toEqual([]);
});
