/**
 * A reader does the "do" exercises of the model chapters: moves the input-size slider of a
 * model summary (AlexNet, VGG, NiN) until the engine's table meets the goal, and trains
 * (LeNet in the training view, the batch-norm comparison over three seeds, the degradation
 * experiment at two depths) until the runs meet it. Wrong states are marked "Not yet".
 */
import type { Locator, Page } from '@playwright/test';
import { computeOn, configure, expect, openChapter, test, waitForState } from './fixtures';

const RIGHT_WIDGET = { en: 'Correct: the widget is in a state that meets the goal.', zh: '正确：组件的状态满足了要求。' };
const RIGHT_RUN = { en: 'Correct: your runs meet the goal.', zh: '正确：你的训练结果满足了要求。' };
const NOT_YET = { en: 'Not yet.', zh: '还没有。' };

async function shown(page: Page, selector: string): Promise<Locator> {
  const el = page.locator(selector).first();
  await el.scrollIntoViewIfNeeded();
  return el;
}

const verdict = (ex: Locator) => ex.getByRole('status');

test.describe.configure({ mode: 'serial' });

// The training runs compute on WebAssembly, the reader's "Compute on" choice: the automatic
// choice probes the adapter, and on a busy machine SwiftShader can win the probe and then
// train far slower.

for (const [slug, lang, id, label, wrong, right, model] of [
  ['alexnet', 'en', 'ch9-do-4096', 'Input size (pixels)', 224, 170, 'alexnet'],
  ['vgg', 'en', 'ch10-do-quarter', 'Input size (pixels)', 112, 100, 'vgg'],
  ['nin', 'zh', 'ch11-do-2x2', '输入尺寸（像素）', 96, 120, 'nin'],
] as const) {
  test(`${slug} (${lang}): the input size of the shape table, set by its slider, meets the goal`, async ({ page, problems }) => {
    test.setTimeout(120_000);
    await openChapter(page, slug, lang);
    const summary = await shown(page, `[data-widget="model-summary"][data-model="${model}"]`);
    const slider = summary.getByRole('slider', { name: label });
    const ex = await shown(page, `#${id}`);
    await slider.fill(String(wrong));
    await expect(summary).toHaveAttribute('data-input-size', String(wrong));
    await expect(ex.locator('.exercise-now')).toContainText(`${wrong}×${wrong}`, { timeout: 60_000 });
    await expect(verdict(ex)).toHaveText(NOT_YET[lang]);
    // The keyboard moves the slider too; the table follows once it settles.
    await slider.fill(String(right - 1));
    await slider.press('ArrowRight');
    await expect(slider).toHaveValue(String(right));
    await expect(verdict(ex)).toHaveText(RIGHT_WIDGET[lang], { timeout: 60_000 });
    await expect(ex.locator('.exercise-now')).toContainText(`${right}×${right}`);
    await expect(summary.locator('h3')).toContainText(lang === 'zh' ? `（${right}×${right}）` : `(${right}×${right})`);
    await expect(summary).not.toHaveAttribute('aria-busy', 'true', { timeout: 60_000 });
    await expect.poll(() => new URL(page.url()).searchParams.get('w.summary')).toBe(JSON.stringify({ size: right }));
    expect(problems.errors).toEqual([]);
  });
}

test('LeNet (en): the recipe is not yet right; Adam at 0.01 passes 70% after the first epoch', async ({ page, problems }) => {
  test.setTimeout(240_000);
  await computeOn(page, 'wasm');
  await openChapter(page, 'lenet', 'en');
  const ex = await shown(page, '#ch8-do-first-epoch');
  await expect(verdict(ex)).toHaveText(NOT_YET.en);
  await expect(ex.locator('.exercise-now')).toContainText('has not finished an epoch');
  const w = await shown(page, '[data-widget="train-model"]');
  await configure(w, { batch: 256, epochs: 1, optimizer: 'adam', lr: 0.01 });
  await w.getByRole('button', { name: 'Start training' }).click();
  await waitForState(w, 'done', 200_000);
  await ex.scrollIntoViewIfNeeded();
  await expect(ex.locator('.exercise-now')).toContainText("LeNet's first epoch (Adam, lr 0.01, batch 256) ended at");
  await expect(verdict(ex)).toHaveText(RIGHT_RUN.en);
  expect(problems.errors).toEqual([]);
});

test('batch norm (en): two seeds are not yet enough; three runs of 100 steps at 0.1 are', async ({ page, problems }) => {
  test.setTimeout(240_000);
  await computeOn(page, 'wasm');
  await openChapter(page, 'batch-norm', 'en');
  const w = await shown(page, '[data-widget="bn-compare"]');
  const out = w.locator('.bnc-out');
  await w.getByRole('slider', { name: 'Learning rate η' }).fill('0');
  await w.getByRole('slider', { name: 'Steps of SGD' }).fill('100');
  const ex = page.locator('#ch12-do-seeds');
  for (const seed of [1, 2, 3]) {
    await w.getByRole('slider', { name: 'Seed of the initial weights and batches' }).fill(String(seed));
    await w.getByRole('button', { name: 'Start' }).click();
    await expect(out).toHaveAttribute('data-state', 'done', { timeout: 120_000 });
    await expect(ex.locator('.exercise-now')).toContainText(`seed ${seed}, lr 0.1, 100:`);
    if (seed < 3) await expect(verdict(ex)).toHaveText(NOT_YET.en);
  }
  await ex.scrollIntoViewIfNeeded();
  await expect(verdict(ex)).toHaveText(RIGHT_RUN.en);
  expect(problems.errors).toEqual([]);
});

test('ResNet (zh): the degradation threshold, found by runs at 8 and 16 layers', async ({ page, problems }) => {
  test.setTimeout(180_000);
  await computeOn(page, 'wasm');
  await openChapter(page, 'resnet', 'zh');
  const w = await shown(page, '[data-widget="degradation"]');
  const out = w.locator('.deg-out');
  const ex = page.locator('#ch13-do-threshold');
  await w.getByRole('slider', { name: 'SGD 步数' }).fill('400');
  // 8 layers alone do not show where the threshold is; with 16 they do.
  for (const [index, depth] of [[2, 8], [3, 16]] as const) {
    await w.getByRole('slider', { name: '堆叠的层数' }).fill(String(index));
    await w.getByRole('button', { name: '开始' }).click();
    await expect(out).toHaveAttribute('data-state', 'done', { timeout: 120_000 });
    await expect(ex.locator('.exercise-now')).toContainText(`${depth}: `);
    if (depth === 8) await expect(verdict(ex)).toHaveText(NOT_YET.zh);
  }
  await ex.scrollIntoViewIfNeeded();
  await expect(verdict(ex)).toHaveText(RIGHT_RUN.zh);
  expect(problems.errors).toEqual([]);
});
