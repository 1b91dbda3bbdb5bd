/**
 * The block builder of the model-construction chapter: a reader turns the chapter's MLP into
 * a network with two hidden layers using only the widget's controls, in English and in
 * Chinese, and the widget exercise follows; a wrong attempt is "Not yet", an invalid width
 * is explained in place without breaking anything, and axe finds nothing to fix.
 */
import type { Locator, Page } from '@playwright/test';
import { axeViolations, expect, openChapter, test } from './fixtures';
import { widgetHeightRem } from '../src/widgets/common/reserve';

const TEXT = {
  en: {
    kind: (i: number) => `Layer ${i} kind`,
    width: (i: number) => new RegExp(`^Layer ${i} inputs \\d+, outputs$`),
    addLinear: 'Add Linear',
    addRelu: 'Add ReLU',
    reset: 'Reset to the chapter’s MLP',
    right: 'Correct: the widget is in a state that meets the goal.',
    notYet: 'Not yet.',
    params: (n: string) => `the network has ${n} parameters`,
    empty: 'Enter a width: a whole number from 1 to 1024.',
    zero: 'A Linear layer needs at least 1 output',
    full: 'At most 8 layers here: remove one to add another.',
  },
  zh: {
    kind: (i: number) => `第 ${i} 层 类型`,
    width: (i: number) => new RegExp(`^第 ${i} 层 输入 \\d+，输出$`),
    addLinear: '添加 Linear',
    addRelu: '添加 ReLU',
    reset: '恢复为正文的多层感知机',
    right: '正确：组件的状态满足了要求。',
    notYet: '还没有。',
    params: (n: string) => `网络共有 ${n} 个参数`,
    empty: '请输入宽度：1 到 1024 之间的整数。',
    zero: 'Linear 层至少要有 1 个输出',
    full: '这里最多 8 层：删除一层才能再添加。',
  },
} as const;

async function builder(page: Page): Promise<Locator> {
  const w = page.locator('[data-widget="block-builder"]');
  await w.scrollIntoViewIfNeeded();
  await expect(w.locator('.bb-result')).toHaveAttribute('data-state', 'ready');
  return w;
}

const total = (w: Locator) => w.locator('[data-part="total"]');

for (const lang of ['en', 'zh'] as const) {
  const T = TEXT[lang];

  test(`a reader builds two hidden layers of 60 with the widget's controls and the exercise is marked correct (${lang})`, async ({ page, problems }) => {
    await openChapter(page, 'model-construction', lang);
    const w = await builder(page);
    // The chapter's MLP, as PyTorch prints it.
    await expect(w.locator('tr[data-row="0"]')).toContainText('Linear(in_features=20, out_features=256, bias=True)');
    await expect(w.locator('tr[data-row="1"]')).toContainText('ReLU()');
    await expect(w.locator('tr[data-row="2"] [data-shape]')).toHaveText('[2, 10]');
    await expect(total(w)).toHaveText('7,946');
    expect(await axeViolations(page, '[data-widget="block-builder"]')).toEqual([]);

    // Linear(20, 64), ReLU, Linear(64, 10), then a ReLU and a Linear added with the keyboard.
    await w.getByRole('spinbutton', { name: T.width(0) }).fill('64');
    await w.getByRole('button', { name: T.addRelu, exact: true }).focus();
    await page.keyboard.press('Enter');
    await page.keyboard.press('Shift+Tab');
    await expect(w.getByRole('button', { name: T.addLinear, exact: true })).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(w.locator('tr[data-row="4"]')).toContainText('Linear(in_features=10, out_features=10, bias=True)');
    await w.getByRole('spinbutton', { name: T.width(2) }).fill('64');
    await expect(w.locator('tr[data-row="4"]')).toContainText('Linear(in_features=64, out_features=10, bias=True)');

    const ex = page.locator('#ch1-do-two-hidden');
    await ex.scrollIntoViewIfNeeded();
    // Widths 64 and 64: 6,154 parameters, too many.
    await expect(ex).toContainText(T.params('6,154'));
    await expect(ex.getByRole('status')).toHaveText(T.notYet);

    // An invalid width is explained in place; the network keeps its last valid width.
    await w.scrollIntoViewIfNeeded();
    const width2 = w.getByRole('spinbutton', { name: T.width(2) });
    await width2.fill('0');
    await expect(width2).toHaveAttribute('aria-invalid', 'true');
    await expect(w.locator('[data-problem="width"]')).toContainText(T.zero);
    await width2.fill('');
    await expect(w.locator('[data-problem="width"]')).toContainText(T.empty);
    await expect(total(w)).toHaveText('6,154');
    expect(await axeViolations(page, '[data-widget="block-builder"]')).toEqual([]);

    // Widths 60 and 60 (from the kind menu too: layer 3 stays a ReLU).
    await width2.fill('60');
    await expect(w.locator('[data-problem="width"]')).toHaveCount(0);
    await w.getByRole('spinbutton', { name: T.width(0) }).fill('60');
    await expect(w.getByRole('combobox', { name: T.kind(3) })).toHaveValue('relu');
    await expect(total(w)).toHaveText('5,530');
    await expect(w.locator('tr[data-row="total"] [data-shape]')).toHaveText('[2, 10]');
    await ex.scrollIntoViewIfNeeded();
    await expect(ex).toContainText(T.params('5,530'));
    await expect(ex.getByRole('status')).toHaveText(T.right);

    // Turning the last ReLU into a Linear breaks the pattern.
    await w.scrollIntoViewIfNeeded();
    await w.getByRole('combobox', { name: T.kind(3) }).selectOption('linear');
    await expect(ex.getByRole('status')).toHaveText(T.notYet);
    await w.getByRole('combobox', { name: T.kind(3) }).selectOption('relu');
    await expect(ex.getByRole('status')).toHaveText(T.right);

    // At most eight layers, with the reason; the reset brings back the chapter's MLP.
    for (let i = 0; i < 3; i++) await w.getByRole('button', { name: T.addRelu, exact: true }).click();
    await expect(w.getByRole('button', { name: T.addLinear, exact: true })).toBeDisabled();
    await expect(w.getByRole('button', { name: T.addRelu, exact: true })).toBeDisabled();
    await expect(w).toContainText(T.full);
    await w.getByRole('button', { name: T.reset }).click();
    await expect(total(w)).toHaveText('7,946');
    await expect(w.getByRole('button', { name: T.addLinear, exact: true })).toBeEnabled();
    expect(problems.errors).toEqual([]);
  });

  test(`the room held for the block builder is its mounted height (${lang})`, async ({ page }) => {
    await openChapter(page, 'model-construction', lang);
    const w = await builder(page);
    await page.evaluate(() => document.fonts.ready.then(() => undefined));
    const rem = await w.evaluate((el) => el.getBoundingClientRect().height / parseFloat(getComputedStyle(document.documentElement).fontSize));
    console.log(`block-builder (${lang}): ${rem.toFixed(2)}rem, reserved ${widgetHeightRem('block-builder', lang)}rem`);
    expect(Math.abs(rem - widgetHeightRem('block-builder', lang))).toBeLessThan(0.5);
  });
}
