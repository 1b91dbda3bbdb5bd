import { test, expect, openChapter, rng, configure, waitForStep, stopTraining } from './fixtures';

/**
 * "Inside a trained model" in the LeNet chapter, in Chromium: weights are planted through
 * the widget's own import (the training store's import, which saves them as the model's
 * checkpoint), and every number the widget shows is checked against LeNet computed here
 * with plain loops from the same weights and the same test image.
 */

const LENET: [string, number[]][] = [
  ['0.weight', [6, 1, 5, 5]],
  ['0.bias', [6]],
  ['3.weight', [16, 6, 5, 5]],
  ['3.bias', [16]],
  ['7.weight', [120, 400]],
  ['7.bias', [120]],
  ['9.weight', [84, 120]],
  ['9.bias', [84]],
  ['11.weight', [10, 84]],
  ['11.bias', [10]],
];

/** Deterministic LeNet weights, roughly Xavier-sized, so the probabilities are far from uniform. */
function weights(): Record<string, Float32Array> {
  const rand = rng(7);
  const out: Record<string, Float32Array> = {};
  for (const [name, shape] of LENET) {
    const n = shape.reduce((a, b) => a * b, 1);
    const fanIn = shape.length > 1 ? n / shape[0] : 1;
    const a = 2.5 / Math.sqrt(fanIn);
    out[name] = Float32Array.from({ length: n }, () => ((rand(0, 20000) - 10000) / 10000) * a);
  }
  return out;
}

/** A .safetensors file (F32, no metadata) written by hand. */
function safetensors(sd: Record<string, Float32Array>): Buffer {
  const header: Record<string, unknown> = {};
  let offset = 0;
  for (const [name, shape] of LENET) {
    header[name] = { dtype: 'F32', shape, data_offsets: [offset, offset + sd[name].length * 4] };
    offset += sd[name].length * 4;
  }
  let json = JSON.stringify(header);
  while (json.length % 8) json += ' ';
  const head = Buffer.alloc(8);
  head.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([head, Buffer.from(json, 'utf8'), ...LENET.map(([name]) => Buffer.from(sd[name].buffer, sd[name].byteOffset, sd[name].byteLength))]);
}

type Maps = Float64Array[];

function conv(x: Maps, h: number, w: number, weight: Float32Array, bias: Float32Array, out: number, k: number, pad: number) {
  const oh = h + 2 * pad - k + 1;
  const ow = w + 2 * pad - k + 1;
  const maps = Array.from({ length: out }, (_, o) => {
    const m = new Float64Array(oh * ow);
    for (let r = 0; r < oh; r++)
      for (let c = 0; c < ow; c++) {
        let s = bias[o];
        for (let i = 0; i < x.length; i++)
          for (let a = 0; a < k; a++)
            for (let b = 0; b < k; b++) {
              const y = r + a - pad;
              const z = c + b - pad;
              if (y >= 0 && z >= 0 && y < h && z < w) s += x[i][y * w + z] * weight[((o * x.length + i) * k + a) * k + b];
            }
        m[r * ow + c] = s;
      }
    return m;
  });
  return maps;
}
const sig = (v: number) => 1 / (1 + Math.exp(-v));
const pool = (x: Maps, h: number, w: number) =>
  x.map((m) => Float64Array.from({ length: (h / 2) * (w / 2) }, (_, i) => {
    const r = Math.floor(i / (w / 2));
    const c = i % (w / 2);
    return (m[2 * r * w + 2 * c] + m[2 * r * w + 2 * c + 1] + m[(2 * r + 1) * w + 2 * c] + m[(2 * r + 1) * w + 2 * c + 1]) / 4;
  }));
const dense = (x: ArrayLike<number>, wt: Float32Array, b: Float32Array) => Float64Array.from(b, (bo, o) => {
  let s = bo;
  for (let i = 0; i < x.length; i++) s += wt[o * x.length + i] * x[i];
  return s;
});

/** LeNet's class probabilities for one 28x28 image in 0..1, by hand. */
function lenetProbs(sd: Record<string, Float32Array>, image: Float64Array): number[] {
  const s1 = conv([image], 28, 28, sd['0.weight'], sd['0.bias'], 6, 5, 2).map((m) => m.map(sig));
  const p1 = pool(s1, 28, 28);
  const s2 = conv(p1, 14, 14, sd['3.weight'], sd['3.bias'], 16, 5, 0).map((m) => m.map(sig));
  const p2 = pool(s2, 10, 10);
  const flat = Float64Array.from(p2.flatMap((m) => Array.from(m)));
  const h1 = dense(flat, sd['7.weight'], sd['7.bias']).map(sig);
  const h2 = dense(h1, sd['9.weight'], sd['9.bias']).map(sig);
  const logits = dense(h2, sd['11.weight'], sd['11.bias']);
  const mx = Math.max(...logits);
  const e = Array.from(logits, (v) => Math.exp(v - mx));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

const SHAPES = ['6x28x28', '6x28x28', '6x14x14', '16x10x10', '16x10x10', '16x5x5'];

test('the inside of an imported LeNet: kernels, every layer’s maps and probabilities that match a hand computation', async ({ page, problems }) => {
  const sd = weights();
  await page.addInitScript(() => localStorage.setItem('cnn-book-settings', JSON.stringify({ state: { lang: 'en', theme: 'light', codeLang: 'ts' }, version: 1 })));
  await openChapter(page, 'lenet', 'en');
  const w = page.locator('[data-widget="inside-model"]');
  await w.scrollIntoViewIfNeeded();
  const root = w.locator('.im');

  // Nothing trained in a fresh browser: the widget says so and offers the alternatives.
  await expect(root).toHaveAttribute('data-state', 'none', { timeout: 30_000 });
  await expect(w.locator('[data-part="source"]')).toContainText('No trained LeNet weights in this browser yet');
  await expect(w.getByRole('link', { name: 'Go to LeNet’s training' })).toBeVisible();
  await expect(w.getByRole('button', { name: 'Use untrained weights' })).toBeEnabled();

  // The link goes to the chapter's training widget on the same page.
  await w.getByRole('link', { name: 'Go to LeNet’s training' }).click();
  await expect(page.locator('[data-widget="train-model"][data-model="lenet"]')).toBeInViewport();
  expect(new URL(page.url()).searchParams.get('c')).toBe('lenet');
  await w.scrollIntoViewIfNeeded();

  // Untrained weights on request, labelled as such.
  await w.getByRole('button', { name: 'Use untrained weights' }).focus();
  await page.keyboard.press('Enter');
  await expect(root).toHaveAttribute('data-source', 'untrained');
  await expect(w.locator('[data-part="source"]')).toContainText('Untrained');
  await expect(w.locator('canvas[data-part="kernel"]')).toHaveCount(6);
  // Now unavailable, and still where the reader's focus was (not dropped to the page).
  await expect(w.getByRole('button', { name: 'Use untrained weights' })).toBeDisabled();
  await expect(w.getByRole('button', { name: 'Use untrained weights' })).toBeFocused();

  // The test images, read from the same file the page loads.
  const res = await page.request.get(new URL('data/fashion-test.bin', page.url()).href);
  const file = new Uint8Array(await res.body());
  const count = new DataView(file.buffer, file.byteOffset).getUint32(8, true);
  const image = (i: number) => Float64Array.from(file.subarray(32 + i * 784, 32 + (i + 1) * 784), (v) => v / 255);
  const label = (i: number) => file[32 + count * 784 + i];

  await w.getByLabel('Load weights (.safetensors)').setInputFiles({ name: 'lenet.safetensors', mimeType: 'application/octet-stream', buffer: safetensors(sd) });
  await expect(w.locator('[data-note="ok"]')).toContainText('Imported lenet.safetensors', { timeout: 30_000 });
  await expect(root).toHaveAttribute('data-source', 'imported');
  await expect(root).toHaveAttribute('data-state', 'ready');

  // The six kernels of the first convolution, each a named picture.
  await expect(w.locator('[data-part="kernels"]')).toHaveAttribute('data-count', '6');
  await expect(w.locator('canvas[data-part="kernel"]')).toHaveCount(6);
  await expect(w.getByRole('img', { name: 'Kernel 6 of 6' })).toHaveAttribute('data-shape', '5x5');

  // Every layer's shape, as the engine produced it and as the layers' outputShape says.
  const rows = w.locator('[data-part="layers"] tbody tr');
  await expect(rows).toHaveCount(6);
  expect(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-shape')))).toEqual(SHAPES);
  expect(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-expected')))).toEqual(SHAPES);
  // Each layer named once, by its 0-based index as in the model summary and the code.
  expect(await rows.evaluateAll((els) => els.map((e) => e.querySelector('td')?.textContent))).toEqual(SHAPES.map((_, i) => `net[${i}]`));
  await expect(w.getByLabel('Layer', { exact: true }).locator('option').nth(3)).toHaveText('net[3]: Conv2d → 16 × 10 × 10');

  // The probabilities: they sum to 1 and agree with LeNet computed here.
  const probsOf = async () => JSON.parse((await w.locator('[data-part="probs"]').getAttribute('data-probs'))!) as number[];
  const check = async (i: number) => {
    await expect(w.locator('[data-part="input"]')).toHaveAttribute('data-index', String(i));
    await expect(w.locator('[data-part="input"]')).toHaveAttribute('data-label', String(label(i)));
    await expect(root).toHaveAttribute('data-state', 'ready');
    const p = await probsOf();
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    const ref = lenetProbs(sd, image(i));
    p.forEach((v, c) => expect(Math.abs(v - ref[c]), `class ${c} of image ${i}`).toBeLessThan(1e-4));
    const shown = await w.locator('[data-part="probs"] li .im-pct').allTextContents();
    expect(shown.map((s) => parseFloat(s))).toEqual(p.map((v) => Number((v * 100).toFixed(1))));
  };
  await check(0);
  await expect(w.locator('[data-part="probs"] li').first()).toContainText('T-shirt/top');

  // Keyboard: the next-image button, then the layer picker with the arrow keys.
  await w.getByRole('button', { name: 'Next test image' }).focus();
  await page.keyboard.press('Enter');
  await check(1);
  // A typed image number stays as typed: a cleared field stays empty and explained (not 0),
  // a number past the last image is refused while typed (4200 stays) and clamped by Enter.
  const imgBox = w.getByRole('spinbutton', { name: 'Test image #' });
  await imgBox.focus();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.press('Backspace');
  await expect(imgBox).toHaveValue('');
  await expect(imgBox).toHaveAttribute('aria-invalid', 'true');
  await expect(w.getByText('Type a whole number from 0 to 9,999.')).toBeVisible();
  await expect(w.locator('[data-part="input"]')).toHaveAttribute('data-index', '1');
  await imgBox.pressSequentially('42');
  await check(42);
  await imgBox.pressSequentially('000');
  await expect(imgBox).toHaveValue('42000');
  await expect(imgBox).toHaveAttribute('aria-invalid', 'true');
  await expect(w.locator('[data-part="input"]')).toHaveAttribute('data-index', '4200');
  await page.keyboard.press('Enter');
  await expect(imgBox).toHaveValue('9999');
  await check(9999);
  await expect(w.getByRole('button', { name: 'Next test image' })).toBeDisabled();
  await page.keyboard.press('ControlOrMeta+a');
  await imgBox.pressSequentially('1');
  await check(1);
  const select = w.getByLabel('Layer', { exact: true });
  for (let layer = 0; layer < SHAPES.length; layer++) {
    const maps = w.locator('[data-part="maps"]');
    await expect(maps).toHaveAttribute('data-layer', String(layer));
    await expect(maps).toHaveAttribute('data-shape', SHAPES[layer]);
    const [c, h, wd] = SHAPES[layer].split('x').map(Number);
    await expect(maps.locator('figcaption')).toHaveText(new RegExp(`^net\\[${layer}\\]: \\w+, output ${c} × ${h} × ${wd}$`));
    await expect(maps.locator('canvas[data-part="map"]')).toHaveCount(Math.min(c, 16));
    await expect(maps.locator('canvas[data-part="map"]').first()).toHaveAttribute('data-shape', `${h}x${wd}`);
    if (layer < SHAPES.length - 1) {
      await select.focus();
      await page.keyboard.press('ArrowDown');
    }
  }
  // The image and the layer are in the link.
  await expect.poll(() => new URL(page.url()).searchParams.get('w.inside-lenet')).toBe(JSON.stringify({ img: 1, layer: 5 }));

  expect(problems.errors).toEqual([]);
  expect(problems.foreign).toEqual([]);
});

test('the receptive-field LeNet takes this browser’s checkpoint: weights imported on the page at once, and again after a reload', async ({ page, problems }) => {
  const sd = weights();
  await page.addInitScript(() => localStorage.setItem('cnn-book-settings', JSON.stringify({ state: { lang: 'en', theme: 'light', codeLang: 'ts' }, version: 1 })));
  await openChapter(page, 'lenet', 'en');
  const rf = page.locator('[data-widget="receptive-field"]').first();
  await rf.scrollIntoViewIfNeeded();
  const status = rf.locator('[data-part="lenet-status"]');
  await expect(status).toHaveAttribute('data-trained', 'false', { timeout: 30_000 });
  await expect(status).toContainText('Untrained');

  const res = await page.request.get(new URL('data/fashion-test.bin', page.url()).href);
  const file = new Uint8Array(await res.body());
  const image = Float64Array.from(file.subarray(32, 32 + 784), (v) => v / 255);
  const probs = lenetProbs(sd, image);
  const best = probs.indexOf(Math.max(...probs));

  // Weights imported in the inside-model widget become this browser's checkpoint; the
  // receptive-field part loads them without a reload, and its prediction is theirs.
  const im = page.locator('[data-widget="inside-model"]');
  await im.scrollIntoViewIfNeeded();
  await im.getByLabel('Load weights (.safetensors)').setInputFiles({ name: 'lenet.safetensors', mimeType: 'application/octet-stream', buffer: safetensors(sd) });
  await expect(im.locator('[data-note="ok"]')).toContainText('Imported lenet.safetensors', { timeout: 30_000 });
  await rf.scrollIntoViewIfNeeded();
  await expect(status).toHaveAttribute('data-trained', 'true', { timeout: 30_000 });
  await expect(status).toContainText('Imported weights');
  await expect(rf.locator('[data-part="lenet-label"]')).toHaveAttribute('data-pred', String(best), { timeout: 30_000 });

  // After a reload the checkpoint is read as the engine starts (not refused as too early).
  await page.reload();
  await rf.scrollIntoViewIfNeeded();
  await expect(status).toHaveAttribute('data-trained', 'true', { timeout: 30_000 });
  await expect(status).toContainText('Imported weights');
  await expect(rf.locator('[data-part="lenet-label"]')).toHaveAttribute('data-pred', String(best), { timeout: 30_000 });
  await expect(rf.locator('[data-part="lenet-load-error"]')).toHaveCount(0);
  expect(problems.errors).toEqual([]);
});

test('loading weights over a LeNet trained in this browser asks first, and keeps the trained weights until the reader agrees', async ({ page, problems }) => {
  test.setTimeout(150_000);
  await openChapter(page, 'lenet', 'en');
  const trainer = page.locator('[data-widget="train-model"][data-model="lenet"]');
  await configure(trainer, { batch: 8 });
  await trainer.getByRole('button', { name: 'Start training' }).click();
  await waitForStep(trainer, 20);
  await stopTraining(trainer);

  const w = page.locator('[data-widget="inside-model"]');
  const root = w.locator('.im');
  await w.scrollIntoViewIfNeeded();
  await expect(root).toHaveAttribute('data-source', 'trained', { timeout: 30_000 });
  const load = w.getByLabel('Load weights (.safetensors)');
  const file = { name: 'lenet.safetensors', mimeType: 'application/octet-stream', buffer: safetensors(weights()) };
  await load.setInputFiles(file);
  const ask = w.getByRole('alertdialog', { name: /^Replace the LeNet trained for \d+ steps\?$/ });
  const keep = ask.getByRole('button', { name: 'Keep the trained weights' });
  await expect(keep).toBeFocused({ timeout: 30_000 });
  await page.keyboard.press('Enter');
  await expect(ask).toHaveCount(0);
  await expect(load).toBeFocused();
  await expect(root).toHaveAttribute('data-source', 'trained');
  await expect(w.locator('[data-note]')).toHaveCount(0);

  await load.setInputFiles(file);
  await expect(keep).toBeFocused({ timeout: 30_000 });
  await page.keyboard.press('Shift+Tab');
  await expect(ask.getByRole('button', { name: 'Import and replace' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(w.locator('[data-note="ok"]')).toHaveText('Imported lenet.safetensors.', { timeout: 30_000 });
  await expect(root).toHaveAttribute('data-source', 'imported');
  expect(problems.errors).toEqual([]);
});
