import { deflateSync } from 'node:zlib';
import type { Locator, Page } from '@playwright/test';
import { test, expect, axeViolations, openFile } from './fixtures';
import { setBackend } from '../src/engine';
import { zoo } from '../src/models';
import { crc32 } from '../src/widgets/training/imageFile';

/**
 * "Try your own image" refuses bad files (not images, damaged, truncated, empty, too
 * large, too many pixels) with a message, keeping the picture. (Every page's layout
 * shifts and graphics are checked in pages.spec.ts.)
 */

// ---- "Try your own image" refuses bad files ------------------------------------------

/** An 8-bit grayscale PNG (filter 0 rows), its pixels from `at(x, y)`; `declared` overrides the header's size. */
function makePng(w: number, h: number, at: (x: number, y: number) => number, declared?: [number, number]): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(type, 4, 'ascii');
    data.copy(out, 8);
    out.writeUInt32BE(crc32(out, 4, 8 + data.length), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(declared?.[0] ?? w, 0);
  ihdr.writeUInt32BE(declared?.[1] ?? h, 4);
  ihdr[8] = 8;
  ihdr[9] = 0;
  const raw = Buffer.alloc((w + 1) * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) raw[y * (w + 1) + 1 + x] = at(x, y);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/** Opens a file in the widget and waits for the note about that file. */
async function openImage(page: Page, w: Locator, file: { name: string; mimeType: string; buffer: Buffer }) {
  return openFile(page, w.getByLabel('Open an image file'), file, `[data-widget="try-your-image"] .try-file-note[data-file="${file.name}"]`);
}

/** What the widget shows: the model's 28 x 28 input, the drawing area's pixels and the class probabilities. */
async function shown(w: Locator) {
  return {
    input: await w.locator('.try-input canvas').getAttribute('data-pixels'),
    picture: await w.locator('canvas.try-canvas').evaluate((c) => (c as HTMLCanvasElement).toDataURL()),
    probs: await w.locator('.try-probs').getAttribute('data-probs'),
  };
}

test('"Try your own image" refuses bad files, says why, and keeps the picture and prediction', async ({ page, problems }) => {
  test.setTimeout(240_000);
  // Weights for LeNet, so the widget has a prediction to keep.
  await setBackend('cpu');
  const net = zoo.lenet.create({ seed: 5 });
  const weights = Buffer.from(await zoo.lenet.toSafetensors(net.stateDict(), { inputSize: '28' }));
  net.dispose();

  await page.goto('./?c=train&lang=en');
  const trainer = page.locator('[data-widget="train-model"]').first();
  await trainer.getByLabel('Import weights (.safetensors)').setInputFiles({ name: 'lenet.safetensors', mimeType: 'application/octet-stream', buffer: weights });
  await expect(trainer.locator('[data-note="ok"][data-file="lenet.safetensors"]')).toBeVisible({ timeout: 30_000 });

  const w = page.locator('[data-widget="try-your-image"]');
  const limits = 'PNG, JPEG, WebP or GIF, up to 20 MB and 8192 × 8192 px';
  await expect(w.locator('.try-file-hint')).toHaveText(limits);
  await expect(w.getByLabel('Open an image file')).toHaveAccessibleDescription(limits);

  // A valid picture: a bright shirt-like block on black, 64 x 48.
  const good = makePng(64, 48, (x, y) => (x > 16 && x < 48 && y > 6 && y < 44 ? 230 : 0));
  const ok = await openImage(page, w, { name: 'shirt.png', mimeType: 'image/png', buffer: good });
  expect(ok.kind, ok.text).toBe('ok');
  expect(ok.text).toBe('Opened shirt.png (64 × 48 px).');
  await expect(w.locator('.try-probs')).toHaveAttribute('data-probs', /\[/, { timeout: 30_000 });
  const before = await shown(w);
  expect(before.input!.split(',')).toHaveLength(784);
  expect(before.input!.split(',').some((v) => Number(v) > 100)).toBe(true);

  // A JPEG written by the browser, to cut short.
  const jpeg = Buffer.from(
    await page.evaluate(() => {
      const c = document.createElement('canvas');
      c.width = 80;
      c.height = 60;
      const ctx = c.getContext('2d')!;
      ctx.fillStyle = '#123';
      ctx.fillRect(0, 0, 80, 60);
      ctx.fillStyle = '#eee';
      ctx.fillRect(20, 10, 40, 40);
      return Array.from(atob(c.toDataURL('image/jpeg', 0.9).split(',')[1]), (ch) => ch.charCodeAt(0));
    }),
  );
  const flipped = Buffer.from(good);
  flipped[60] ^= 0x10; // inside the IDAT chunk's data
  const random = Buffer.from(Array.from({ length: 5000 }, (_, i) => (Math.imul(i + 1, 2654435761) >>> 24) & 0xff));
  const hugeHeader = makePng(4, 4, () => 0, [100000, 100000]);
  const oversize = Buffer.alloc(20 * 1024 * 1024 + 1);
  good.copy(oversize);

  const bad: [string, string, Buffer, RegExp][] = [
    ['notes.png', 'image/png', Buffer.from('These are my notes, not a picture.\n'), /^notes\.png is not a PNG, JPEG, WebP or GIF image\./],
    ['lenet.safetensors', 'application/octet-stream', weights, /^lenet\.safetensors is not a PNG, JPEG, WebP or GIF image\./],
    ['noise.png', 'image/png', random, /^noise\.png is not a PNG, JPEG, WebP or GIF image\./],
    ['half.png', 'image/png', good.subarray(0, Math.floor(good.length / 2)), /^half\.png starts like a PNG image but is damaged or cut short/],
    ['half.jpg', 'image/jpeg', jpeg.subarray(0, Math.floor(jpeg.length * 0.6)), /^half\.jpg starts like a JPEG image but is damaged or cut short/],
    ['flipped.png', 'image/png', flipped, /^flipped\.png starts like a PNG image but is damaged or cut short/],
    ['empty.png', 'image/png', Buffer.alloc(0), /^empty\.png is empty \(0 bytes\)/],
    ['huge.png', 'image/png', hugeHeader, /^huge\.png is 100000 × 100000 px; the limit is 8192 × 8192 px\./],
    ['oversize.png', 'image/png', oversize, /^oversize\.png is 20\.0 MB; the limit is 20 MB\./],
  ];
  const timings: string[] = [];
  for (const [name, mimeType, buffer, message] of bad) {
    const r = await openImage(page, w, { name, mimeType, buffer });
    timings.push(`  ${name.padEnd(18)} ${r.ms.toFixed(0)} ms`);
    expect(r.kind, `${name}: ${r.text}`).toBe('error');
    expect(r.text, name).toMatch(message);
    expect(r.text, name).toContain('The previous picture is kept.');
    await expect(w.locator(`.try-file-note[data-file="${name}"]`)).toHaveAttribute('role', 'alert');
    expect(await shown(w), `${name} leaves the picture, the input and the prediction as they were`).toEqual(before);
  }
  console.log(`Refusal times:\n${timings.join('\n')}`);
  // The refusal note and the limits pass axe in every theme.
  for (const theme of ['light', 'dark', 'contrast']) {
    await page.evaluate((t) => document.documentElement.setAttribute('data-theme', t), theme);
    expect((await axeViolations(page, '[data-widget="try-your-image"]')).map((v) => `${theme}: ${v}`)).toEqual([]);
  }

  // The valid JPEG in full is accepted and replaces the picture.
  const next = await openImage(page, w, { name: 'whole.jpg', mimeType: 'image/jpeg', buffer: jpeg });
  expect(next.kind, next.text).toBe('ok');
  expect(next.text).toBe('Opened whole.jpg (80 × 60 px).');
  await expect.poll(async () => (await shown(w)).input).not.toBe(before.input);
  expect(problems.errors).toEqual([]);
});

test('"Try your own image" states its limits and its refusals in Chinese', async ({ page, problems }) => {
  await page.goto('./?c=train&lang=zh');
  const w = page.locator('[data-widget="try-your-image"]');
  const limits = 'PNG、JPEG、WebP 或 GIF，不超过 20 MB 和 8192 × 8192 像素';
  await expect(w.locator('.try-file-hint')).toHaveText(limits);
  await expect(w.getByLabel('打开图像文件')).toHaveAccessibleDescription(limits);
  // The picker reads in the book's language: the label drawn as the button, the browser's
  // own button ("Choose File", in the browser's language) out of sight, the input still
  // reachable by keyboard with its focus ring on the drawn button.
  await expect(w.locator('.file-button-face')).toHaveText('打开图像文件');
  expect(await w.getByLabel('打开图像文件').evaluate((el) => getComputedStyle(el).opacity)).toBe('0');
  await w.getByLabel('打开图像文件').focus();
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Tab');
  await expect(w.getByLabel('打开图像文件')).toBeFocused();
  expect(await w.locator('.file-button-face').evaluate((el) => getComputedStyle(el).outlineStyle)).toBe('solid');
  await w.getByLabel('打开图像文件').setInputFiles({ name: 'huge.png', mimeType: 'image/png', buffer: makePng(4, 4, () => 0, [9000, 10]) });
  await expect(w.locator('.try-file-note[data-file="huge.png"]')).toHaveText('huge.png 为 9000 × 10 像素，上限为 8192 × 8192 像素。');
  expect(problems.errors).toEqual([]);
});
