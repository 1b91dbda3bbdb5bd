import { readFileSync } from 'node:fs';
import type { Locator, Page } from '@playwright/test';
import { test, expect, openChapter, openTrainer, stat, waitForStep, waitForState, stopTraining, axeViolations, callTestingAid, historySteps, openFile, timeToElement, startTraining, checkpointAndGoOn, computeOn, type TestingAids } from './fixtures';
import { setBackend } from '../src/engine';
import { zoo } from '../src/models';
import { decodeSafetensors, encodeSafetensors } from '../src/models/safetensors';

// What the training view does when things go wrong under it: the GPU device is lost,
// the browser's storage is full, an imported weights file is damaged. Small batches keep
// a step short on SwiftShader. And what the page's own engine and the widgets computing
// on it do when its GPU device is lost.

test.describe.configure({ mode: 'serial' });

async function axe(page: Page) {
  expect(await axeViolations(page, '[data-widget="train-model"]')).toEqual([]);
}

test('a GPU device lost mid-training is replaced and training goes on from the last checkpoint', async ({ page, problems }) => {
  test.setTimeout(180_000);
  // A GPU device to lose: the reader's choice (on SwiftShader the automatic one is WebAssembly).
  await computeOn(page, 'webgpu');
  const w = await startTraining(page, { batch: 8 });
  await expect(w.locator('.widget-backend')).toHaveAttribute('data-computed-by', 'webgpu');
  const saved = await checkpointAndGoOn(w);
  const beforeLoss = await stat(w, 'step');

  // Destroy the GPUDevice inside the worker. The page records the first step reported after
  // the notice (steps go by fast, so it is caught as it happens), and the times, for the log.
  await page.evaluate(() => {
    const widget = document.querySelector('[data-widget="train-model"]')!;
    const step = () => widget.querySelector('[data-stat="step"]')!.getAttribute('data-value');
    const t0 = performance.now();
    const seen = { banner: NaN, progress: NaN, state: '', firstStep: NaN };
    (window as unknown as { __deviceLoss: typeof seen }).__deviceLoss = seen;
    let stepAtBanner: string | null = null;
    const obs = new MutationObserver(() => {
      if (Number.isNaN(seen.banner) && widget.querySelector('[data-banner="gpu-reset"]')) {
        seen.banner = performance.now() - t0;
        stepAtBanner = step();
      }
      if (!Number.isNaN(seen.banner) && step() !== stepAtBanner) {
        obs.disconnect();
        Object.assign(seen, { progress: performance.now() - t0, state: widget.getAttribute('data-state')!, firstStep: Number(step()) });
      }
    });
    obs.observe(widget, { subtree: true, childList: true, attributes: true, characterData: true });
  });
  const banner = w.locator('[data-banner="gpu-reset"]');
  await expect(banner).toHaveCount(0);
  await callTestingAid(page, 'loseDevice');
  await expect(banner).toBeVisible({ timeout: 60_000 });
  const after = await page.waitForFunction(() => {
    const seen = (window as unknown as { __deviceLoss: { firstStep: number } }).__deviceLoss;
    return Number.isNaN(seen.firstStep) ? null : seen;
  }, null, { timeout: 60_000 });
  const t = (await after.jsonValue()) as { banner: number; progress: number; state: string; firstStep: number };
  console.log(`device loss: notice after ${Math.round(t.banner)} ms, first step reported after ${Math.round(t.progress)} ms (step ${t.firstStep}; checkpoint at ${saved}, ${beforeLoss} before the loss)`);
  expect(t.state).toBe('training');
  // It went on from the checkpoint, not from the beginning: the first step reported is past the saved one.
  expect(t.firstStep).toBeGreaterThan(saved);
  await expect(banner).toContainText('The GPU was reset. Training resumed from the last checkpoint');
  const from = Number(await banner.getAttribute('data-global-step'));
  expect(from).toBeGreaterThanOrEqual(saved);
  expect(from).toBeLessThanOrEqual(beforeLoss);
  await expect(banner).toContainText(`(${from} steps in all)`);
  await expect(banner).toHaveAttribute('role', 'status');
  // The chart history restarts at the checkpoint and grows from there.
  const steps = await historySteps(page);
  expect(steps.filter((s) => s > from).every((s, i, a) => i === 0 || s > a[i - 1])).toBe(true);
  await expect.poll(() => stat(w, 'step'), { timeout: 60_000 }).toBeGreaterThan(beforeLoss);
  await expect(w.locator('.widget-backend')).toHaveAttribute('data-computed-by', 'webgpu');
  await axe(page);
  // Dismissed from the keyboard.
  await banner.getByRole('button', { name: 'Dismiss' }).focus();
  await page.keyboard.press('Enter');
  await expect(banner).toHaveCount(0);
  await stopTraining(w);
  expect(problems.errors).toEqual([]);
  expect(problems.foreign).toEqual([]);
});

// ---- the page's own engine (the widgets' GPU computations) ------------------------------------

/** What a test build puts on `window.__cnnEngine` (src/widgets/common/engine.ts). */
interface EngineAids {
  loseDevice(): Promise<boolean>;
  status(): { state: string; name?: string; generation?: number; reason?: string; lost?: { reason: string } };
}

const engineAids = (page: Page) => ({
  loseDevice: () => page.evaluate(() => (window as unknown as { __cnnEngine: EngineAids }).__cnnEngine.loseDevice()),
  status: () => page.evaluate(() => (window as unknown as { __cnnEngine: EngineAids }).__cnnEngine.status()),
});

/** The LeNet chapter's receptive-field view of LeNet on the page's engine, once it shows its maps on WebGPU. */
async function openLeNetView(page: Page) {
  // A GPU device to lose: the reader's choice (on SwiftShader the automatic one is WebAssembly).
  await computeOn(page, 'webgpu');
  await openChapter(page, 'lenet', 'en');
  const part = page.locator('[data-widget="receptive-field"][data-widget-part="lenet"]');
  const lenet = part.locator('[data-part="lenet"]');
  await lenet.scrollIntoViewIfNeeded();
  const maps = lenet.locator('.rf-lenet-maps');
  await expect(maps).toHaveAttribute('data-state', 'ready', { timeout: 90_000 });
  await expect(part.locator('.widget-backend')).toHaveAttribute('data-computed-by', 'webgpu');
  await expect(lenet.locator('[data-part="lenet-check"]')).toHaveAttribute('data-agrees', 'true', { timeout: 60_000 });
  // Every value the maps take from now on, so a test can tell a new computation from the old result.
  await page.evaluate(() => {
    const el = document.querySelector('[data-part="lenet"] .rf-lenet-maps')!;
    const seen: string[] = [];
    (window as unknown as { __mapStates: string[] }).__mapStates = seen;
    new MutationObserver(() => seen.push(el.getAttribute('data-state')!)).observe(el, { attributes: true, attributeFilter: ['data-state'] });
  });
  return { part, lenet, maps };
}

test('a GPU device lost under the page is replaced, and LeNet’s view computes again on the new one by itself', async ({ page, problems }) => {
  test.setTimeout(180_000);
  const { lenet, maps } = await openLeNetView(page);
  const aids = engineAids(page);
  expect(await aids.status()).toMatchObject({ state: 'ready', name: 'webgpu', generation: 1 });
  const label = lenet.locator('[data-part="lenet-label"]');
  const pred = await label.getAttribute('data-pred');
  const image = await label.getAttribute('data-label');

  expect(await aids.loseDevice()).toBe(true);
  await expect.poll(async () => (await aids.status()).generation, { timeout: 60_000 }).toBe(2);
  expect(await aids.status()).toMatchObject({ state: 'ready', name: 'webgpu', lost: { reason: 'destroyed' } });
  // The maps were computed again (on the new device) without the reader doing anything.
  await expect.poll(() => page.evaluate(() => (window as unknown as { __mapStates: string[] }).__mapStates), { timeout: 60_000 }).toEqual(['computing', 'ready']);
  await expect(maps).toHaveAttribute('data-state', 'ready');
  await expect(page.locator('[data-widget="receptive-field"][data-widget-part="lenet"] .widget-backend')).toHaveAttribute('data-computed-by', 'webgpu');
  // The same (untrained, seeded) weights, rebuilt on the new device: the same answer, and the gradient check holds.
  await expect(label).toHaveAttribute('data-pred', pred!);
  await expect(lenet.locator('[data-part="lenet-check"]')).toHaveAttribute('data-agrees', 'true', { timeout: 60_000 });
  await expect(lenet.locator('.b-problem')).toHaveCount(0);

  // Another image computes on the new device.
  await lenet.getByRole('slider', { name: 'Test image' }).press('ArrowRight');
  await expect(label).not.toHaveAttribute('data-label', image!, { timeout: 60_000 });
  await expect(label).toHaveAttribute('data-label', /\d/);
  await expect(maps).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  await expect(lenet.locator('[data-part="lenet-check"]')).toHaveAttribute('data-agrees', 'true', { timeout: 60_000 });
  await expect(lenet.locator('.b-problem')).toHaveCount(0);
  expect(problems.errors).toEqual([]);
});

test('a GPU device lost while LeNet trains briefly in the page says the weights it learned were lost, and LeNet computes again', async ({ page, problems }) => {
  test.setTimeout(180_000);
  const { lenet, maps } = await openLeNetView(page);
  const aids = engineAids(page);
  const status = lenet.locator('[data-part="lenet-status"]');
  const train = lenet.getByRole('button', { name: /Train briefly here/ });
  await train.click();
  await expect(status).toContainText(/step [1-9]\d* of/, { timeout: 60_000 });

  expect(await aids.loseDevice()).toBe(true);
  const lost = lenet.locator('[data-part="lenet-lost-training"]');
  await expect(lost).toContainText('The GPU was reset while LeNet trained here', { timeout: 60_000 });
  await expect(lost).toHaveAttribute('role', 'alert');
  await expect.poll(async () => (await aids.status()).generation, { timeout: 60_000 }).toBe(2);
  expect(await aids.status()).toMatchObject({ state: 'ready', name: 'webgpu' });
  // Back to the weights it held before: untrained, and the reader may train again.
  await expect(status).toHaveAttribute('data-trained', 'false');
  await expect(status).toContainText('Untrained');
  await expect(train).toBeEnabled();
  await expect(maps).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  await expect(lenet.locator('[data-part="lenet-check"]')).toHaveAttribute('data-agrees', 'true', { timeout: 60_000 });
  expect(problems.errors).toEqual([]);
});

test('weights LeNet learned in the page outlive a later GPU device loss: read back once training ends, they are loaded on the new device', async ({ page, problems }) => {
  test.setTimeout(240_000);
  // What is tested comes after the training: a short one (the test build's aid) does.
  await page.addInitScript(() => {
    (window as unknown as { __cnnBriefSteps: number }).__cnnBriefSteps = 50;
  });
  const { lenet, maps } = await openLeNetView(page);
  const aids = engineAids(page);
  const status = lenet.locator('[data-part="lenet-status"]');
  await lenet.getByRole('button', { name: 'Train briefly here (50 steps)' }).click();
  await expect(status).toHaveAttribute('data-trained', 'true', { timeout: 180_000 });
  await expect(status).toContainText('Trained briefly in this tab (50 Adam steps');
  await expect(maps).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  const probs = () => page.evaluate(() => document.querySelector('[data-part="lenet"] .rf-probs')!.textContent);
  const label = lenet.locator('[data-part="lenet-label"]');
  const pred = await label.getAttribute('data-pred');
  const before = await probs();

  expect(await aids.loseDevice()).toBe(true);
  await expect.poll(async () => (await aids.status()).generation, { timeout: 60_000 }).toBe(2);
  await expect.poll(() => page.evaluate(() => (window as unknown as { __mapStates: string[] }).__mapStates.slice(-2)), { timeout: 60_000 }).toEqual(['computing', 'ready']);
  // Still the trained weights: the same status, the same answer and probabilities.
  await expect(status).toHaveAttribute('data-trained', 'true');
  await expect(status).toContainText('Trained briefly in this tab');
  await expect(label).toHaveAttribute('data-pred', pred!);
  expect(await probs()).toBe(before);
  await expect(lenet.locator('.b-problem')).toHaveCount(0);
  expect(problems.errors).toEqual([]);
});

test('a GPU device lost under "Inside a trained model" rebuilds the network on the new device, and its readout computes again', async ({ page, problems }) => {
  test.setTimeout(180_000);
  await computeOn(page, 'webgpu');
  await openChapter(page, 'nin', 'en');
  const w = page.locator('[data-widget="inside-model"]');
  await w.scrollIntoViewIfNeeded();
  const root = w.locator('.im');
  await expect(root).toHaveAttribute('data-state', 'none', { timeout: 60_000 });
  await w.getByRole('button', { name: 'Use untrained weights' }).click();
  await expect(root).toHaveAttribute('data-source', 'untrained', { timeout: 60_000 });
  await expect(root).toHaveAttribute('data-state', 'ready', { timeout: 90_000 });
  await expect(w.locator('.widget-backend')).toHaveAttribute('data-computed-by', 'webgpu');
  const prediction = w.locator('[data-part="prediction"]');
  const pred = await prediction.getAttribute('data-pred');
  await page.evaluate(() => {
    const el = document.querySelector('[data-widget="inside-model"] .im')!;
    const seen: string[] = [];
    (window as unknown as { __insideStates: string[] }).__insideStates = seen;
    new MutationObserver(() => seen.push(el.getAttribute('data-state')!)).observe(el, { attributes: true, attributeFilter: ['data-state'] });
  });

  const aids = engineAids(page);
  expect(await aids.loseDevice()).toBe(true);
  await expect.poll(async () => (await aids.status()).generation, { timeout: 60_000 }).toBe(2);
  // Rebuilt (the same seeded weights) and computed again, without the reader doing anything.
  await expect.poll(() => page.evaluate(() => (window as unknown as { __insideStates: string[] }).__insideStates.at(-1)), { timeout: 90_000 }).toBe('ready');
  expect(await page.evaluate(() => (window as unknown as { __insideStates: string[] }).__insideStates)).toContain('loading');
  await expect(root).toHaveAttribute('data-source', 'untrained');
  await expect(prediction).toHaveAttribute('data-pred', pred!);
  await expect(w.locator('.b-problem')).toHaveCount(0);

  // Lost again while the next image is being computed: the readout waits for the rebuilt
  // network instead of showing the failed computation as the model's error.
  await page.evaluate(() => {
    const el = document.querySelector('[data-widget="inside-model"]')!;
    const shown: string[] = [];
    (window as unknown as { __insideProblems: string[] }).__insideProblems = shown;
    new MutationObserver(() => {
      const p = el.querySelector('.b-problem');
      if (p) shown.push(p.textContent ?? '');
    }).observe(el, { childList: true, subtree: true, characterData: true });
  });
  const shown = Number(await w.locator('[data-part="input"]').getAttribute('data-index'));
  // The device is lost the moment the readout starts computing (an observer in the page does
  // it: polling from the test could miss a computation that takes a tenth of a second).
  await page.evaluate(() => {
    const el = document.querySelector('[data-widget="inside-model"] .im')!;
    const win = window as unknown as { __cnnEngine: EngineAids; __lostWhileComputing?: boolean };
    const watch = new MutationObserver(() => {
      if (el.getAttribute('data-state') !== 'computing') return;
      watch.disconnect();
      void win.__cnnEngine.loseDevice().then((lost) => (win.__lostWhileComputing = lost));
    });
    watch.observe(el, { attributes: true, attributeFilter: ['data-state'] });
  });
  await w.getByRole('button', { name: 'Next test image' }).click();
  await expect.poll(() => page.evaluate(() => (window as unknown as { __lostWhileComputing?: boolean }).__lostWhileComputing), { timeout: 20_000 }).toBe(true);
  await expect.poll(async () => (await aids.status()).generation, { timeout: 60_000 }).toBe(3);
  await expect(root).toHaveAttribute('data-state', 'ready', { timeout: 90_000 });
  await expect(w.locator('[data-part="input"]')).toHaveAttribute('data-index', String(shown + 1));
  expect(await page.evaluate(() => (window as unknown as { __insideProblems: string[] }).__insideProblems)).toEqual([]);
  expect(problems.errors).toEqual([]);
});

test('when storage is full the run goes on, says so, and offers the weights as a download that parses', async ({ page, problems }) => {
  test.setTimeout(150_000);
  const w = await startTraining(page, { batch: 8 }, 10);
  await callTestingAid(page, 'simulateStorageFull', true);
  // Pausing saves a checkpoint: the save fails as on a full disk.
  await w.getByRole('button', { name: 'Pause' }).click();
  await waitForState(w, 'paused');
  const banner = w.locator('[data-banner="quota"]');
  await expect(banner).toBeVisible();
  await expect(banner).toHaveAttribute('role', 'alert');
  await expect(banner).toContainText('storage is full');
  await expect(banner).toContainText('Training goes on');
  // The status line does not claim a checkpoint that was never written.
  await expect(w.getByText('Paused (the checkpoint could not be saved)')).toBeVisible();
  const exportButton = banner.getByRole('button', { name: 'Export weights (.safetensors)' });
  await expect(exportButton).toBeEnabled();
  await axe(page);

  const paused = await stat(w, 'step');
  await w.getByRole('button', { name: 'Resume', exact: true }).click();
  await waitForState(w, 'training');
  await waitForStep(w, paused + 10);
  await expect(banner).toBeVisible();

  // The export button works from the keyboard, while training runs.
  await exportButton.focus();
  const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
  expect(download.suggestedFilename()).toBe('lenet-28px.safetensors');
  const bytes = new Uint8Array(readFileSync((await download.path())!));
  const { tensors, metadata } = decodeSafetensors(bytes);
  expect(metadata).toMatchObject({ model: 'lenet', inputSize: '28' });
  expect(tensors['0.weight'].shape).toEqual([6, 1, 5, 5]);
  expect(Object.keys(tensors)).toHaveLength(10);
  expect(await stat(w, 'step')).toBeGreaterThan(paused);
  await stopTraining(w);
  expect(problems.errors).toEqual([]);
});

/** Imports `bytes` through the file input and waits for the note about that file. */
async function importFile(page: Page, w: Locator, name: string, bytes: Uint8Array) {
  return openFile(page, w.getByLabel('Import weights (.safetensors)'), { name, mimeType: 'application/octet-stream', buffer: Buffer.from(bytes) }, `[data-widget="train-model"] [data-note][data-file="${name}"]`);
}

async function predictions(page: Page): Promise<number[]> {
  return page.evaluate(async () => {
    const images = new Float32Array(2 * 784).map((_, i) => ((i * 37) % 255) / 255);
    return Array.from(await (window as unknown as { __cnnTraining: TestingAids }).__cnnTraining.getState().predict('lenet', images, 2));
  });
}

test('damaged weights files are refused, each with a message, and change nothing', async ({ page, problems }) => {
  test.setTimeout(150_000);
  await setBackend('cpu');
  const net = zoo.lenet.create({ seed: 11 });
  const good = await zoo.lenet.toSafetensors(net.stateDict(), { inputSize: '28' });
  net.dispose();
  const w = await openTrainer(page);
  await expect(w.locator('.train-import-hint')).toHaveText('Weights file: .safetensors, up to 600 MB');
  await expect(w.getByLabel('Import weights (.safetensors)')).toHaveAccessibleDescription('Weights file: .safetensors, up to 600 MB');

  const ok = await importFile(page, w, 'good.safetensors', good);
  expect(ok.kind).toBe('ok');
  const before = await predictions(page);
  expect(before.slice(0, 10).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);

  const headerLen = new DataView(good.buffer).getUint32(0, true);
  const flipped = good.slice();
  for (const i of [17, 900, 40_000, good.length - 5]) flipped[i] ^= 0x10;
  // One bit of one weight: still a finite number, so only the checksum can tell.
  const flippedWeight = good.slice();
  flippedWeight[good.length - 7] ^= 0x01;
  const huge = good.slice();
  new DataView(huge.buffer).setUint32(0, 0, true);
  new DataView(huge.buffer).setUint32(4, 256, true);
  const notJson = good.slice();
  notJson[8] = 0x5b; // '[' where '{' was, then garbage
  notJson[9] = 0x5b;
  const sd = zoo.lenet.fromSafetensors(good);
  const nan = encodeSafetensors({ ...sd, '3.bias': { shape: [16], data: sd['3.bias'].data.map((v, i) => (i === 3 ? NaN : v)) } }, { format: 'pt', model: 'lenet' });
  const big = zoo.lenet.create({ inputSize: 32, seed: 1 });
  const otherSize = await zoo.lenet.toSafetensors(big.stateDict());
  big.dispose();
  const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0]);
  const cases: [string, Uint8Array, RegExp][] = [
    ['truncated.safetensors', good.slice(0, 8 + headerLen + 1000), /cannot be imported: .*(outside|cover)/],
    ['flipped.safetensors', flipped, /cannot be imported: .*(checksum|JSON|dtype|shape|names|offsets)/],
    ['flipped-weight.safetensors', flippedWeight, /checksum does not match .*changed or damaged after it was written/],
    ['huge-header.safetensors', huge, /header length \(1099511627776 bytes\) does not fit/],
    ['not-json.safetensors', notJson, /not valid UTF-8 JSON/],
    ['nan.safetensors', nan, /3\.bias: value 3 is NaN/],
    ['other-size.safetensors', otherSize, /7\.weight has shape \[120, 576\]/],
    ['empty.safetensors', new Uint8Array(0), /the file is empty/],
    ['picture.png', png, /not a \.safetensors file/],
  ];
  for (const [name, bytes, reason] of cases) {
    const r = await importFile(page, w, name, bytes);
    console.log(`refused ${name} in ${Math.round(r.ms)} ms: ${r.text}`);
    expect(r.kind, name).toBe('bad');
    expect(r.text).toMatch(/^Not imported: /);
    expect(r.text).toMatch(reason);
  }
  await expect(w.getByRole('alert').filter({ hasText: 'Not imported' })).toBeVisible();
  await axe(page);

  // A file over the cap, made in the page from one 1 MiB part repeated (nothing is sent): refused before it is read.
  const oversizeNote = '[data-widget="train-model"] [data-note][data-file="oversize.safetensors"]';
  const elapsed = await timeToElement(page, oversizeNote);
  const size = await page.evaluate(() => {
    const input = document.querySelector<HTMLInputElement>('[data-widget="train-model"] input[type="file"]')!;
    const part = new Blob([new Uint8Array(1 << 20)]);
    const file = new File(new Array<Blob>(573).fill(part), 'oversize.safetensors');
    const dt = new DataTransfer();
    dt.items.add(file);
    input.files = dt.files;
    input.dispatchEvent(new Event('change', { bubbles: true }));
    return file.size;
  });
  const oversize = page.locator(oversizeNote);
  await expect(oversize).toHaveText(/Not imported: the file is 600\.8 MB, larger than the 600 MB limit/);
  console.log(`refused a ${size}-byte file in ${Math.round(await elapsed())} ms: ${await oversize.textContent()}`);
  expect(size).toBeGreaterThan(600_000_000);

  // Nothing was overwritten: the same predictions, and the same weights come back out.
  expect(await predictions(page)).toEqual(before);
  const [download] = await Promise.all([page.waitForEvent('download'), w.locator('.train-weights').getByRole('button', { name: 'Export weights (.safetensors)' }).click()]);
  const out = decodeSafetensors(new Uint8Array(readFileSync((await download.path())!))).tensors;
  for (const [k, v] of Object.entries(sd)) expect(Array.from(out[k].data), k).toEqual(Array.from(v.data));
  await expect(w.locator('[data-banner="trained"]')).toContainText('Imported weights of LeNet');
  expect(problems.errors).toEqual([]);
});

test('the import hint, its cap and the reasons a file is refused speak Chinese too', async ({ page, problems }) => {
  await setBackend('cpu');
  const net = zoo.lenet.create({ seed: 11 });
  const sd = zoo.lenet.fromSafetensors(await zoo.lenet.toSafetensors(net.stateDict()));
  net.dispose();
  const w = await openTrainer(page, 'zh');
  await expect(w.locator('.train-import-hint')).toHaveText('权重文件：.safetensors，不超过 600 MB');
  const refuse = async (name: string, bytes: Uint8Array) =>
    (await openFile(page, w.getByLabel('导入权重（.safetensors）'), { name, mimeType: 'application/octet-stream', buffer: Buffer.from(bytes) }, `[data-widget="train-model"] [data-note][data-file="${name}"]`)).text;
  // Made in the worker (a weights file's reason) and in the model limits (the input size).
  expect(await refuse('empty.safetensors', new Uint8Array(0))).toBe('未导入：无法导入这个文件：文件是空的。');
  const huge = encodeSafetensors(sd, { format: 'pt', model: 'lenet', inputSize: '5000' });
  expect(await refuse('huge.safetensors', huge)).toBe('未导入：无法导入这个文件：它记录的输入尺寸是 5000；LeNet 的输入尺寸必须是 12 到 224 之间的整数。');
  expect(problems.errors).toEqual([]);
});

test('a worker that dies while paused leaves no control waiting on it, and the run resumes from the pause’s checkpoint', async ({ page, problems }) => {
  test.setTimeout(150_000);
  const w = await startTraining(page, { batch: 8 });
  await w.getByRole('button', { name: 'Pause' }).click();
  await waitForState(w, 'paused');
  const saved = await stat(w, 'step');

  await callTestingAid(page, 'crashWorker');
  const banner = w.locator('[data-banner="died"]');
  await expect(banner).toContainText('stopped unexpectedly');
  // The paused run died with the worker: nothing offers to go on with it but the checkpoint.
  await waitForState(w, 'error');
  await expect(w.getByRole('button', { name: 'Resume', exact: true })).toBeDisabled();
  await expect(w.getByRole('button', { name: 'Pause' })).toBeDisabled();
  await expect(w.getByRole('button', { name: 'Stop' })).toBeDisabled();
  await expect(w.getByRole('button', { name: 'Start training' })).toBeEnabled();
  await expect(w.getByLabel('Model')).toBeEnabled();
  await expect(w.getByLabel('Import weights (.safetensors)')).toBeEnabled();

  await banner.getByRole('button', { name: 'Resume from checkpoint' }).click();
  await waitForState(w, 'training', 60_000);
  let first = 0;
  await expect.poll(async () => (first = await stat(w, 'step')), { timeout: 60_000, intervals: [100] }).toBeGreaterThan(0);
  expect(first).toBeGreaterThanOrEqual(saved);
  await stopTraining(w);
  expect(problems.errors).toEqual([]);
});

test('an import that would replace trained weights asks first, by keyboard, and takes the input size the file records', async ({ page, problems }) => {
  test.setTimeout(150_000);
  await setBackend('cpu');
  const net = zoo.lenet.create({ inputSize: 32, seed: 3 });
  const at32 = await zoo.lenet.toSafetensors(net.stateDict(), { inputSize: '32' });
  const sd = zoo.lenet.fromSafetensors(at32, { inputSize: 32 });
  net.dispose();
  const w = await startTraining(page, { batch: 8 });
  await stopTraining(w);
  const before = await predictions(page);
  const input = w.getByLabel('Import weights (.safetensors)');
  const file = { name: 'lenet-32px.safetensors', mimeType: 'application/octet-stream', buffer: Buffer.from(at32) };

  // The question names what would be lost; the focus is on keeping it, and Escape keeps it.
  await input.setInputFiles(file);
  const ask = w.getByRole('alertdialog', { name: /^Replace the LeNet trained for \d+ steps\?$/ });
  await expect(ask).toBeVisible({ timeout: 30_000 });
  await expect(ask).toHaveAccessibleDescription(/Importing lenet-32px\.safetensors replaces the weights LeNet has now/);
  await expect(ask.getByRole('button', { name: 'Keep the trained weights' })).toBeFocused();
  await axe(page);
  await page.keyboard.press('Escape');
  await expect(ask).toHaveCount(0);
  await expect(input).toBeFocused();
  expect(await predictions(page)).toEqual(before);
  await expect(w.locator('[data-banner="checkpoint"]')).toBeVisible();

  // Asked again, the reader replaces them from the keyboard.
  await input.setInputFiles(file);
  await expect(ask.getByRole('button', { name: 'Keep the trained weights' })).toBeFocused({ timeout: 30_000 });
  await page.keyboard.press('Shift+Tab');
  await expect(ask.getByRole('button', { name: 'Import and replace' })).toBeFocused();
  await page.keyboard.press('Enter');
  // The file's own size counts, not the form's 28.
  await expect(w.locator('[data-note="ok"][data-file="lenet-32px.safetensors"]')).toHaveText('Imported lenet-32px.safetensors, for 32×32 inputs.', { timeout: 30_000 });
  await expect(w.locator('[data-banner="trained"]')).toContainText('Imported weights of LeNet');
  await expect(w.getByLabel('Input size (pixels)')).toHaveValue('28');
  expect(await predictions(page)).not.toEqual(before);

  // Imported weights are in their file: the next import asks nothing. A size outside the
  // limits is refused, and a file that records none needs a size the form can give.
  const huge = encodeSafetensors(sd, { format: 'pt', model: 'lenet', inputSize: '5000' });
  expect((await importFile(page, w, 'huge.safetensors', huge)).text).toMatch(/^Not imported: This file cannot be imported: it records an input size of 5000, and the input size of LeNet must be a whole number from 12 to 224\.$/);
  await w.getByLabel('Input size (pixels)').fill('');
  const bare = encodeSafetensors(sd, { format: 'pt', model: 'lenet' });
  expect((await importFile(page, w, 'bare.safetensors', bare)).text).toMatch(/does not record the input size it was trained at: set an input size from 12 to 224/);
  await expect(w.getByRole('alertdialog')).toHaveCount(0);

  // The shape table never asks the worker for more than a run takes.
  await w.getByLabel('Input size (pixels)').fill('1000');
  await w.locator('.train-summary summary').click();
  const summary = w.locator('[data-widget="model-summary"]');
  await expect(summary).toHaveAttribute('data-input-size', '224');
  await expect(summary.locator('[data-total="params"]')).toHaveAttribute('data-value', /^\d+$/, { timeout: 30_000 });
  expect(problems.errors).toEqual([]);
});
