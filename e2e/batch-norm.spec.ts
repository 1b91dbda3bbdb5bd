import { readFileSync } from 'node:fs';
import { test, expect } from './fixtures';
import type { Locator, Page } from '@playwright/test';

/**
 * The batch-normalisation widget in its chapter, driven by keyboard only, against the
 * numbers PyTorch recorded for the same data (tests/fixtures/bn-widget.json, made by
 * scripts/make-bn-widget-fixture.py for exactly the settings these keys reach). The
 * chapter's three parts share their settings (one URL key). Its accessibility is checked
 * with the rest of the chapter in pages.spec.ts, and in every theme on the lab page there.
 */
const FIX = JSON.parse(readFileSync('tests/fixtures/bn-widget.json', 'utf8'));
const LIGHT_ENGLISH = JSON.stringify({ state: { lang: 'en', theme: 'light', codeLang: 'ts' }, version: 1 });

async function open(page: Page) {
  await page.addInitScript((s) => localStorage.setItem('cnn-book-settings', s), LIGHT_ENGLISH);
  await page.goto('./?c=batch-norm');
  await expect(page.locator('article[data-chapter="batch-norm"] h1')).toBeVisible();
}

/** The widget that embeds one part, once its numbers for the current settings are in. */
async function part(page: Page, name: string): Promise<Locator> {
  const w = page.locator('[data-widget="batch-norm"]').filter({ has: page.locator(`[data-bn-part="${name}"]`) });
  const region = w.locator(`[data-part="${name}"]`);
  await region.scrollIntoViewIfNeeded();
  await expect(region).toHaveAttribute('data-state', 'ready');
  return w;
}

/**
 * The numbers `scope` shows that differ from `want` (keyed `stat` or `stat:channel`): its
 * data-value beyond 1e-4 or its three-decimal text beyond rounding. One read of the page.
 */
async function statErrors(scope: Locator, want: Record<string, number>): Promise<string[]> {
  const shown = await scope.locator('[data-stat]').evaluateAll((els) =>
    els.map((el) => ({ key: el.getAttribute('data-stat') + (el.hasAttribute('data-channel') ? `:${el.getAttribute('data-channel')}` : ''), value: Number(el.getAttribute('data-value')), text: el.textContent ?? '' })),
  );
  const byKey = new Map(shown.map((s) => [s.key, s]));
  return Object.entries(want).flatMap(([key, v]) => {
    const s = byKey.get(key);
    if (!s) return [`${key}: missing`];
    const text = /^[−-]?\d+\.\d{3}$/.test(s.text.trim()) ? Number(s.text.trim().replace('−', '-')) : NaN;
    return Math.abs(s.value - v) < 1e-4 && Math.abs(text - v) <= 0.0011 ? [] : [`${key}: shows ${s.value} (“${s.text}”), PyTorch ${v}`];
  });
}

/** The largest difference between a 4 × 4 grid's cells and the reference map. */
async function mapError(grid: Locator, want: number[]): Promise<number> {
  const got = await grid.locator('td').evaluateAll((tds) => tds.map((td) => Number(td.getAttribute('data-value'))));
  if (got.length !== want.length) return Infinity;
  return Math.max(...want.map((v, i) => Math.abs(got[i] - v)));
}

/** The 16 values of channel c of example i in a flat [n, 3, 4, 4] array. */
const map = (flat: number[], i: number, c: number) => flat.slice((i * 3 + c) * 16, (i * 3 + c + 1) * 16);
const perChannel = (stat: string, v: number[]) => Object.fromEntries(v.map((x, c) => [`${stat}:${c}`, x]));

async function press(page: Page, key: string, n: number) {
  for (let i = 0; i < n; i++) await page.keyboard.press(key);
}

test('steps the running statistics with momentum 0.1, then shows the same batch in evaluation mode, as PyTorch does', async ({ page, problems }) => {
  const f = FIX.running;
  await open(page);
  const w = await part(page, 'running');
  // Two steps forward by keyboard: step 3.
  await w.getByRole('button', { name: 'Step forward' }).focus();
  await press(page, 'Enter', 2);
  await expect(w.locator('[data-step]')).toHaveAttribute('data-step', String(f.evalStep));
  const before = f.steps[f.evalStep - 2];
  const after = f.steps[f.evalStep - 1];
  await expect
    .poll(() =>
      statErrors(w.locator('[data-table="running"]'), {
        ...perChannel('batch-mean', after.batchMean),
        ...perChannel('running-mean-before', before.runningMean),
        ...perChannel('running-mean', after.runningMean),
        ...perChannel('batch-var-unbiased', after.batchVarUnbiased),
        ...perChannel('running-var-before', before.runningVar),
        ...perChannel('running-var', after.runningVar),
      }),
    )
    .toEqual([]);
  await expect(w.locator('[data-formula="running-mean"]')).toContainText('0.9 ×');

  // Training mode: the batch's own statistics.
  const grid = (mode: string) => w.getByRole('table', { name: `Output of batch ${f.evalStep} in ${mode} mode, channel 1` });
  expect(await mapError(w.getByRole('table', { name: `Input of batch ${f.evalStep}, channel 1` }), map(f.x, 0, 0))).toBeLessThan(1e-4);
  expect(await mapError(grid('training'), map(f.yTrain, 0, 0))).toBeLessThan(1e-4);
  // Evaluation mode, by the arrow key on the mode radios: the running statistics, for the same input.
  await w.getByRole('radio', { name: 'Training mode: bn.train()' }).focus();
  await page.keyboard.press('ArrowRight');
  await expect(w.getByRole('radio', { name: 'Evaluation mode: bn.eval()' })).toBeChecked();
  await expect.poll(() => mapError(grid('evaluation'), map(f.yEval, 0, 0))).toBeLessThan(1e-4);
  await expect
    .poll(() =>
      statErrors(w, {
        'train-mean-used': after.batchMean[0],
        'train-variance-used': after.batchVar[0],
        'train-output-mean': f.yTrainMean[0],
        'eval-mean-used': after.runningMean[0],
        'eval-variance-used': after.runningVar[0],
        'eval-output-mean': f.yEvalMean[0],
      }),
    )
    .toEqual([]);
  expect(Math.abs(Number(await w.locator('[data-stat="max-diff"]').getAttribute('data-value')) - f.maxDiff)).toBeLessThan(1e-4);
  expect(problems.errors).toEqual([]);
});

test('normalises a batch and measures the scatter of batch means as PyTorch does, with batch size, γ and β set by keyboard', async ({ page, problems }) => {
  const s = FIX.spread;
  const f = FIX.normalise;
  await open(page);
  // The scatter of the batch mean at the default batch size, 4.
  const spread = await part(page, 'batch-size');
  await expect.poll(() => statErrors(spread.locator('[data-table="spread"]'), { ...perChannel('pop-mean', s.popMean), ...perChannel('spread', s.spread[String(s.n)]) })).toEqual([]);
  const means = await spread.getByRole('table', { name: 'Batch means of channel 1' }).locator('td').evaluateAll((tds) => tds.map((td) => Number(td.getAttribute('data-value'))));
  expect(Math.max(...means.map((v, b) => Math.abs(v - s.batchMeans[b * 3])))).toBeLessThan(1e-4);
  // The chart's legend sets μ_B as the text does: B a lowered, smaller subscript, the text still "μ_B".
  const legend = spread.locator('svg text').filter({ hasText: 'spread of μ_B' }).first();
  await expect(legend.locator('tspan[baseline-shift="sub"]')).toHaveText('B');
  expect(await legend.textContent()).toBe('spread of μ_B');
  // And the table's header the same way, in HTML.
  await expect(spread.locator('th .sym sub').first()).toHaveText('_B');
  // The chart's text alternative: its table lists the curve only (the dashed line at the chosen n has no value of its own),
  // and its description gives the curve's value at the chosen n.
  const chartText = spread.locator('.bn-chart table[data-text-alternative-for] tbody tr');
  await expect(chartText).toHaveCount(1);
  await expect(chartText.locator('th')).toHaveText('spread of μ_B');
  await expect(spread.locator('.bn-chart svg desc')).toContainText(`at the chosen batch size, n = ${s.n}, by `);
  const desc = (await spread.locator('.bn-chart svg desc').textContent()) ?? '';
  const atN = new RegExp(`at the chosen batch size, n = ${s.n}, by (\\d+\\.\\d{3})\\.`).exec(desc);
  expect(atN, desc).not.toBeNull();
  expect(Math.abs(Number(atN![1]) - s.spread[String(s.n)][0])).toBeLessThan(1e-3);

  // Batch size 4 → 8, γ₁ 1 → 1.5, β₁ 0 → 0.5, with the arrow keys.
  const w = await part(page, 'normalise');
  const slider = (name: string) => w.getByRole('slider', { name });
  await slider('Batch size n').focus();
  await press(page, 'ArrowRight', 4);
  await slider('γ (weight) of channel 1').focus();
  await press(page, 'ArrowRight', 2);
  await slider('β (bias) of channel 1').focus();
  await press(page, 'ArrowRight', 2);
  await expect(slider('Batch size n')).toHaveValue(String(f.n));
  await expect(slider('γ (weight) of channel 1')).toHaveValue('1.5');
  await expect(slider('β (bias) of channel 1')).toHaveValue('0.5');
  await expect
    .poll(() => statErrors(w.locator('[data-table="batch-stats"]'), { ...perChannel('mean', f.mean), ...perChannel('variance', f.variance), ...perChannel('y-mean', f.beta) }))
    .toEqual([]);
  for (let c = 0; c < 3; c++) {
    expect(await mapError(w.getByRole('table', { name: `Input X, example 1, channel ${c + 1}` }), map(f.x, 0, c))).toBeLessThan(1e-4);
    expect(await mapError(w.getByRole('table', { name: `Output Y, example 1, channel ${c + 1}` }), map(f.y, 0, c))).toBeLessThan(1e-4);
  }
  // The last example of the batch: End on its slider.
  await slider('Example shown').focus();
  await page.keyboard.press('End');
  await expect.poll(() => mapError(w.getByRole('table', { name: `Output Y, example ${f.n}, channel 1` }), map(f.y, f.n - 1, 0))).toBeLessThan(1e-4);

  // The parts share their settings: the scatter now shown is that of batches of 8, less than of 4.
  await expect.poll(() => statErrors(spread.locator('[data-table="spread"]'), perChannel('spread', s.spread[String(f.n)]))).toEqual([]);
  expect(s.spread['8'][0]).toBeLessThan(s.spread['4'][0]);
  expect(problems.errors).toEqual([]);
});

/** The numbers of a sentence, as the widget writes them (three decimals, a real minus sign). */
const numbersIn = (text: string) => [...text.matchAll(/[−-]?\d+\.\d{3}/g)].map((m) => Number(m[0].replace('−', '-')));

test('a screen reader hears the result of the part it changes by keyboard, with PyTorch’s numbers, and the other parts stay silent', async ({ page, problems }) => {
  const r = FIX.running;
  const s = FIX.spread;
  const f = FIX.normalise;
  await open(page);
  const said = (w: Locator) => w.getByRole('status');
  const near = async (w: Locator, want: number[]) => expect.poll(async () => numbersIn((await said(w).textContent()) ?? '').map((v, i) => Math.abs(v - want[i]) <= 0.0011)).toEqual(want.map(() => true));

  // Running statistics: two steps forward, then evaluation mode.
  const running = await part(page, 'running');
  await expect(said(running)).toHaveText('');
  await running.getByRole('button', { name: 'Step forward' }).focus();
  await press(page, 'Enter', 2);
  const after = r.steps[r.evalStep - 1];
  await expect(said(running)).toContainText(`After step ${r.evalStep}, channel 1: running mean `);
  await expect(said(running)).toContainText('; in training mode the output has mean ');
  await near(running, [after.runningMean[0], after.runningVar[0], r.yTrainMean[0]]);
  await running.getByRole('radio', { name: 'Training mode: bn.train()' }).press('ArrowRight');
  await expect(said(running)).toContainText('; in evaluation mode the output has mean ');
  await near(running, [after.runningMean[0], after.runningVar[0], r.yEvalMean[0]]);

  // The scatter of the batch mean: batch size 4 → 8 in that part.
  const spread = await part(page, 'batch-size');
  await expect(said(spread)).toHaveText('');
  await spread.getByRole('slider', { name: 'Batch size n' }).focus();
  await press(page, 'ArrowRight', 4);
  await expect(said(spread)).toContainText(`Batch size ${f.n}, channel 1: over 16 batches the batch mean has a standard deviation of `);
  await near(spread, [s.spread[String(f.n)][0], s.popMean[0]]);
  // The running part's result changed with the batch size; its old sentence is gone, unspoken.
  await expect(said(running)).toHaveText('');

  // Normalising the batch of 8: γ₁ 1 → 1.5, β₁ 0 → 0.5.
  const norm = await part(page, 'normalise');
  await expect(said(norm)).toHaveText('');
  await norm.getByRole('slider', { name: 'γ (weight) of channel 1' }).focus();
  await press(page, 'ArrowRight', 2);
  await norm.getByRole('slider', { name: 'β (bias) of channel 1' }).focus();
  await press(page, 'ArrowRight', 2);
  await expect(said(norm)).toContainText(`Batch of ${f.n}, channel 1: batch mean `);
  await expect(said(norm)).toContainText('; the output has mean 0.500, variance 2.250.');
  await near(norm, [f.mean[0], f.variance[0], f.beta[0], f.gamma[0] ** 2]);
  expect(problems.errors).toEqual([]);
});

test('on a phone a table caption wraps in the width of its region, and the region that scrolls shows it at its cut edge', async ({ page, problems }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await open(page);
  const w = await part(page, 'running');
  const region = w.locator('.table-scroll:has(table[data-table="running"])');
  const caption = region.locator('caption');
  const box = await region.boundingBox();
  const cap = await caption.boundingBox();
  expect(box && cap).toBeTruthy();
  // The whole caption is inside the region's width (it wraps, it is not cut), and stays there while the table scrolls.
  expect(cap!.x + cap!.width).toBeLessThanOrEqual(box!.x + box!.width + 0.5);
  await region.evaluate((el) => {
    el.scrollLeft = el.scrollWidth;
  });
  const after = await caption.boundingBox();
  expect(after!.x).toBeGreaterThanOrEqual(box!.x - 0.5);
  // The table is wider than the phone: the region scrolls and carries the scroll cue.
  expect(await region.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
  await expect(region).toHaveClass(/scroll-cue/);
  expect(problems.errors).toEqual([]);
});

test('in Chinese on a desktop the channel names and short headers of the running statistics stay on one line', async ({ page, problems }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.addInitScript((s) => localStorage.setItem('cnn-book-settings', s), LIGHT_ENGLISH.replace('"en"', '"zh"'));
  await page.goto('./?c=batch-norm');
  await expect(page.locator('article[data-chapter="batch-norm"] h1')).toBeVisible();
  const w = await part(page, 'running');
  const table = w.locator('table[data-table="running"]');
  const cells = [...(await table.locator('tbody th[scope="row"]').all()), table.locator('thead th', { hasText: /^批量均值$/ }), table.locator('thead th', { hasText: /^数据集均值$/ })];
  for (const cell of cells) {
    const text = await cell.textContent();
    // One box per line the text takes.
    const range = await cell.evaluate((el) => {
      const r = document.createRange();
      r.selectNodeContents(el);
      return r.getClientRects().length;
    });
    expect(range, `${text} takes one line`).toBe(1);
  }
  expect(problems.errors).toEqual([]);
});
