import type { Locator, Page } from '@playwright/test';
import { test, expect, engineStarted, openLab, rng, widget } from './fixtures';
import { corr2dRef, paddingStrideRef, poolingRef, type PaddingStrideCase, type PoolingCase } from '../tests/helpers/references';

/**
 * The corr2d, learn-kernel, padding-stride and pooling widgets on the lab page, in
 * Chromium with WebGPU on SwiftShader. Reference numbers come from plain loops (in
 * tests/helpers/references.ts, shared with the unit tests), never from the widget itself.
 */

/** Waits until the widget shows the result for its current settings. */
async function settled(w: Locator) {
  await expect(w.locator('figure[data-result-seq]').first()).toBeVisible();
  await expect(w.locator('figure[data-pending]')).toHaveCount(0);
}

async function values(table: Locator): Promise<number[]> {
  return table.locator('td').evaluateAll((tds) => tds.map((td) => Number(td.getAttribute('data-value'))));
}

async function gridShape(table: Locator): Promise<[number, number]> {
  return table.evaluate((t) => [t.querySelectorAll('tr').length, t.querySelector('tr')?.querySelectorAll('td').length ?? 0] as [number, number]);
}

/** Tabs through the widget from its first control and returns how many of its enabled controls were reached. */
async function tabThrough(page: Page, w: Locator): Promise<{ reached: number; total: number }> {
  const total = await w.evaluate((el) => {
    const all = el.querySelectorAll<HTMLElement>('button:not([disabled]):not([tabindex="-1"]), input:not([disabled]), select:not([disabled]), [tabindex="0"]');
    let n = 0;
    all.forEach((c, i) => {
      c.dataset.tabProbe = String(i);
      n++;
    });
    return n;
  });
  // Radio groups are one tab stop: only the checked radio is reachable by Tab.
  const radios = await w.locator('input[type="radio"]:not(:checked)').count();
  await w.locator('[data-tab-probe="0"]').focus();
  const seen = new Set<string>();
  for (let i = 0; i < total + 5; i++) {
    const probe = await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.tabProbe ?? null);
    if (probe === null) break;
    seen.add(probe);
    await page.keyboard.press('Tab');
  }
  return { reached: seen.size, total: total - radios };
}

async function setSlider(w: Locator, name: string, v: number) {
  await w.getByRole('slider', { name, exact: true }).fill(String(v));
}

async function samePaddingStride(w: Locator, s: PaddingStrideCase) {
  await settled(w);
  const ref = paddingStrideRef(s);
  const y = w.getByRole('grid', { name: 'Output Y' });
  expect(await gridShape(y)).toEqual([ref.h, ref.w]);
  expect(await values(y)).toEqual(ref.y);
  await expect(w.locator('.w-engine-shape')).toHaveAttribute('data-shape', `1x1x${ref.h}x${ref.w}`);
  await expect(w.locator('.w-formula')).toHaveAttribute('data-formula-shape', `${ref.h}x${ref.w}`);
  await expect(w.locator('.w-engine-shape')).toHaveAttribute('data-equal', 'true');
}

async function samePooling(w: Locator, s: PoolingCase) {
  await settled(w);
  const ref = poolingRef(s);
  await expect(w.locator('.w-engine-shape')).toHaveAttribute('data-shape', `1x${s.channels}x${ref.h}x${ref.w}`);
  await expect(w.locator('.w-engine-shape')).toHaveAttribute('data-equal', 'true');
  for (let c = 0; c < s.channels; c++) {
    const got = await values(w.getByRole('grid', { name: `Output channel ${c}` }));
    expect(got).toHaveLength(ref.y[c].length);
    got.forEach((v, i) => expect(v).toBeCloseTo(ref.y[c][i], 4));
  }
}

function randomPaddingStride(rand: (lo: number, hi: number) => number): PaddingStrideCase {
  const s: PaddingStrideCase = { nh: rand(1, 10), nw: rand(1, 10), kh: 1, kw: 1, ph: rand(0, 6), pw: rand(0, 6), sh: rand(1, 4), sw: rand(1, 4) };
  s.kh = rand(1, Math.min(6, s.nh + s.ph));
  s.kw = rand(1, Math.min(6, s.nw + s.pw));
  return s;
}

function randomPooling(rand: (lo: number, hi: number) => number, round: number): PoolingCase {
  const kh = rand(1, 5);
  const kw = rand(1, 5);
  const ph = rand(0, Math.min(2, Math.floor(kh / 2)));
  const pw = rand(0, Math.min(2, Math.floor(kw / 2)));
  return {
    mode: round % 2 ? 'avg' : 'max',
    kh,
    kw,
    ph,
    pw,
    h: rand(Math.max(1, kh - 2 * ph), 8),
    w: rand(Math.max(1, kw - 2 * pw), 8),
    sh: rand(1, 5),
    sw: rand(1, 5),
    strideAuto: round % 3 === 2,
    channels: rand(1, 3),
  };
}

test.describe.configure({ mode: 'parallel' });

// Page loads are dear (the WebGPU engine takes seconds to start on SwiftShader), so each
// test below loads the lab once and does several things there.

test('every widget opens on the notes’ own example and gives exactly the notes’ outputs', async ({ page, problems }) => {
  await openLab(page);

  // corr2d: the 6x8 edge image with K = [1, -1]; then the transposed image gives zeros.
  const c = widget(page, 'corr2d');
  await settled(c);
  const y = c.getByRole('grid', { name: 'Output Y' });
  expect(await gridShape(y)).toEqual([6, 7]);
  expect(await values(y)).toEqual(Array.from({ length: 6 }, () => [0, 1, 0, 0, 0, -1, 0]).flat());
  await expect(c.locator('.w-engine-shape')).toHaveAttribute('data-shape', '6x7');
  await expect(c.locator('.w-formula .katex').first()).toContainText('6×7');
  await expect(c.locator('.widget-backend')).toHaveAttribute('data-computed-by', /webgpu|cpu/);
  expect(await values(c.getByRole('table', { name: 'Products' }))).toEqual([1, -1]);
  await c.getByRole('button', { name: 'Transpose X' }).click();
  await settled(c);
  expect(await gridShape(y)).toEqual([8, 5]);
  expect((await values(y)).every((v) => v === 0)).toBe(true);

  // padding-stride: the notes' figures (padding 1 all round; then strides 3 and 2).
  const p = widget(page, 'padding-stride');
  await settled(p);
  const py = p.getByRole('grid', { name: 'Output Y' });
  expect(await values(py)).toEqual([0, 3, 8, 4, 9, 19, 25, 10, 21, 37, 43, 16, 6, 7, 8, 0]);
  await expect(p.locator('.w-engine-shape')).toHaveAttribute('data-shape', '1x1x4x4');
  await expect(p.getByRole('table', { name: 'Padded input' }).locator('td.cell-pad')).toHaveCount(16);
  await p.getByRole('button', { name: 'The text’s example: stride 3 × 2' }).click();
  await settled(p);
  expect(await values(py)).toEqual([0, 8, 6, 8]);
  await expect(p.locator('.w-engine-shape')).toHaveAttribute('data-shape', '1x1x2x2');
  await expect(p.locator('.w-formula')).toHaveAttribute('data-formula-shape', '2x2');

  // pooling: arange(16), window 3, padding 1, stride 2; then X and X + 1 as two channels.
  const q = widget(page, 'pooling');
  await settled(q);
  expect(await values(q.getByRole('grid', { name: 'Output channel 0' }))).toEqual([5, 7, 13, 15]);
  await setSlider(q, 'Channels (X, X + 1, …)', 2);
  await settled(q);
  expect(await values(q.getByRole('grid', { name: 'Output channel 0' }))).toEqual([5, 7, 13, 15]);
  expect(await values(q.getByRole('grid', { name: 'Output channel 1' }))).toEqual([6, 8, 14, 16]);
  await expect(q.locator('.w-engine-shape')).toHaveAttribute('data-shape', '1x2x2x2');
  await expect(q.locator('.w-channels-note')).toContainText('2 channels in, 2 out');

  // learn-kernel: the target is the notes' Y.
  const l = widget(page, 'learn-kernel');
  await expect(l.getByRole('table', { name: 'Target Y' })).toBeVisible();
  expect(await values(l.getByRole('table', { name: 'Target Y' }))).toEqual(Array.from({ length: 6 }, () => [0, 1, 0, 0, 0, -1, 0]).flat());
  expect(problems.errors).toEqual([]);
});

test('padding-stride: output rows whose windows lie wholly in the padding are 0, and the widget says which and why', async ({ page, problems }) => {
  // The audit's example: n_h = 8, k_h = 2, p_h = 6 (3 rows of zeros on top, 3 at the bottom).
  await openLab(page, { 'padding-stride': { nh: 8, nw: 3, kh: 2, kw: 2, ph: 6, pw: 2, sh: 1, sw: 1 } });
  const p = widget(page, 'padding-stride');
  await settled(p);
  const y = p.getByRole('grid', { name: 'Output Y' });
  const [outH, outW] = await gridShape(y);
  expect([outH, outW]).toEqual([13, 4]);
  const ys = await values(y);
  for (const i of [0, 1, 11, 12]) expect(ys.slice(i * outW, (i + 1) * outW)).toEqual(new Array(outW).fill(0));
  const only = p.locator('[data-part="padding-only"]');
  await expect(only).toContainText('Output rows 0, 1, 11 and 12 (Y[i, j] with i = 0, 1, 11 or 12) see only padding');
  await expect(only).toContainText('lie wholly in the 3 rows of zeros on top or the 3 at the bottom, so they hold no input and give 0.');
  // The slider is not capped; taking the padding back to k_h − 1 = 1 leaves every window on the input, and the note goes.
  const pad = p.getByRole('slider', { name: 'Total padding p_h' });
  for (let i = 0; i < 5; i++) await pad.press('ArrowLeft');
  await expect(pad).toHaveAttribute('aria-valuetext', '1 (1 top, 0 bottom)');
  await settled(p);
  await expect(only).toBeEmpty();
  expect(problems.errors).toEqual([]);
});

test('a setting changed just before a reload is in the link the reload opens, and a burst of changes ends in the link too', async ({ page, problems }) => {
  await openLab(page, { 'padding-stride': { nh: 8, nw: 3, kh: 2, kw: 2, ph: 2, pw: 2, sh: 1, sw: 1 } });
  const p = widget(page, 'padding-stride');
  await settled(p);
  const stride = () => p.getByRole('slider', { name: 'Stride s_h' });
  // One key press after a quiet spell, and a reload at once: the link already holds it.
  await page.waitForTimeout(600);
  await stride().press('ArrowRight');
  await page.reload();
  await settled(widget(page, 'padding-stride'));
  await expect(stride()).toHaveValue('2');
  // Five presses in a row: the last of them reaches the link once the burst is over.
  for (let i = 0; i < 5; i++) await p.getByRole('slider', { name: 'Input width n_w' }).press('ArrowRight');
  await expect.poll(() => new URL(page.url()).searchParams.get('w.padding-stride')).toContain('"nw":8');
  expect(problems.errors).toEqual([]);
});

test('the pooling chapter’s two-channel preset opens on X and X + 1 with its own URL key', async ({ page }) => {
  await page.addInitScript(() => localStorage.setItem('cnn-book-settings', JSON.stringify({ state: { lang: 'en', theme: 'light', codeLang: 'ts' }, version: 1 })));
  await page.goto('./?c=pooling');
  await engineStarted(page);
  const ws = page.locator('[data-widget="pooling"]');
  await expect(ws).toHaveCount(2);
  const two = ws.nth(1);
  await settled(two);
  expect(await values(two.getByRole('grid', { name: 'Output channel 0' }))).toEqual([5, 7, 13, 15]);
  expect(await values(two.getByRole('grid', { name: 'Output channel 1' }))).toEqual([6, 8, 14, 16]);
  // Channels are counted from 0, as in the chapters: channel 0 is X, channel 1 is X + 1.
  await expect(two.locator('figcaption')).toHaveText(['Channel 0: X, padded (padding counts as −∞)', 'Output channel 0', 'Channel 1: X + 1, padded (padding counts as −∞)', 'Output channel 1']);
  await settled(ws.nth(0));
  await expect(ws.nth(0).getByRole('grid', { name: 'Output channel 1' })).toHaveCount(0);
  // Changing one instance leaves the other alone.
  await ws.nth(0).getByRole('radio', { name: 'Average' }).check();
  await settled(ws.nth(0));
  expect(await values(two.getByRole('grid', { name: 'Output channel 0' }))).toEqual([5, 7, 13, 15]);
});

test('random settings agree with plain-loop references in every widget, and bad typed values never break it', async ({ page, problems }) => {
  const rand = rng(20240305);
  const xh = rand(2, 10);
  const xw = rand(2, 10);
  const kh = rand(1, Math.min(5, xh));
  const kw = rand(1, Math.min(5, xw));
  const x = Array.from({ length: xh }, () => Array.from({ length: xw }, () => rand(-9, 9)));
  const k = Array.from({ length: kh }, () => Array.from({ length: kw }, () => rand(-3, 3)));
  const ps = randomPaddingStride(rand);
  ps.ph = 3; // an odd total padding: extra row on top
  ps.kh = Math.min(ps.kh, ps.nh + ps.ph);
  const pool = randomPooling(rand, 1);
  // One page load for a random link to all three (a link reproduces the settings).
  await openLab(page, { corr2d: { x, k, pos: 0 }, 'padding-stride': ps, pooling: pool });

  const c = widget(page, 'corr2d');
  await settled(c);
  const y = c.getByRole('grid', { name: 'Output Y' });
  expect(await gridShape(y)).toEqual([xh - kh + 1, xw - kw + 1]);
  expect(await values(y)).toEqual(corr2dRef(x, k));
  await expect(c.locator('.w-engine-shape')).toHaveAttribute('data-equal', 'true');

  const p = widget(page, 'padding-stride');
  await samePaddingStride(p, ps);
  await expect(p.locator('.w-split')).toContainText('⌈3/2⌉ = 2 rows on top, ⌊3/2⌋ = 1 row at the bottom');

  const q = widget(page, 'pooling');
  await samePooling(q, pool);

  // More random settings, set through the sliders (an order that stays valid at every step).
  for (let round = 0; round < 3; round++) {
    const s = randomPaddingStride(rand);
    await setSlider(p, 'Kernel height k_h', 1);
    await setSlider(p, 'Kernel width k_w', 1);
    for (const [name, v] of [
      ['Input height n_h', s.nh],
      ['Input width n_w', s.nw],
      ['Total padding p_h', s.ph],
      ['Total padding p_w', s.pw],
      ['Stride s_h', s.sh],
      ['Stride s_w', s.sw],
      ['Kernel height k_h', s.kh],
      ['Kernel width k_w', s.kw],
    ] as const)
      await setSlider(p, name, v);
    await samePaddingStride(p, s);
  }
  for (let round = 0; round < 3; round++) {
    const s = randomPooling(rand, round);
    const auto = q.getByRole('checkbox', { name: /Stride = window/ });
    await auto.setChecked(false);
    for (const [name, v] of [
      ['Input height', 8],
      ['Input width', 8],
      ['Padding rows (each side)', 0],
      ['Padding columns (each side)', 0],
      ['Window height', s.kh],
      ['Window width', s.kw],
      ['Padding rows (each side)', s.ph],
      ['Padding columns (each side)', s.pw],
      ['Input height', s.h],
      ['Input width', s.w],
      ['Stride down', s.sh],
      ['Stride across', s.sw],
      ['Channels (X, X + 1, …)', s.channels],
    ] as const)
      await setSlider(q, name, v);
    await auto.setChecked(s.strideAuto);
    await q.getByRole('radio', { name: s.mode === 'max' ? 'Maximum' : 'Average' }).check();
    await samePooling(q, s);
  }

  // Typing into X: a new value changes the output; a huge one is refused while typed (with a
  // notice) and clamped on Enter; junk is ignored.
  await c.getByRole('button', { name: 'The classic 6×8 edge image, K = [1, −1]' }).click();
  await settled(c);
  const cell = c.getByRole('spinbutton', { name: 'Input X, row 1, column 2' });
  await cell.fill('5');
  await settled(c);
  expect((await values(y)).slice(0, 2)).toEqual([1 - 5, 5 - 0]);
  await cell.fill('1e30');
  await expect(c.locator('.w-notice')).toContainText('leaving the cell keeps 1000');
  await expect(cell).toHaveAttribute('aria-invalid', 'true');
  await expect(cell).toHaveValue('1e30');
  await settled(c);
  expect((await values(y)).slice(0, 2)).toEqual([1 - 5, 5 - 0]);
  await cell.press('Enter');
  await expect(cell).toHaveValue('1000');
  await settled(c);
  expect((await values(y)).slice(0, 2)).toEqual([1 - 1000, 1000]);
  await expect(c.locator('.w-notice')).toContainText('1000');
  await cell.fill('');
  await cell.pressSequentially('e-');
  await settled(c);
  expect((await values(y)).every(Number.isFinite)).toBe(true);
  expect(problems.errors).toEqual([]);
});

test('keyboard alone reaches every control of the four widgets and changes values with keys', async ({ page }) => {
  await openLab(page);

  // corr2d
  const c = widget(page, 'corr2d');
  await settled(c);
  let r = await tabThrough(page, c);
  expect(r.reached).toBe(r.total);
  const scrub = c.getByRole('slider', { name: 'Window position' });
  await scrub.focus();
  await page.keyboard.press('End');
  // The position names its output cell as the window's line and the code do, from 0.
  await expect(scrub).toHaveAttribute('aria-valuetext', '42 / 42: output Y[5, 6]');
  await expect(c.getByText('Window for Y[5, 6]')).toBeVisible();
  expect(await values(c.getByRole('table', { name: 'Products' }))).toEqual([1, -1]);
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowRight');
  await expect(scrub).toHaveAttribute('aria-valuetext', '2 / 42: output Y[0, 1]');
  expect(await values(c.getByRole('table', { name: 'Products' }))).toEqual([1, 0]);
  await c.getByRole('button', { name: 'Step forward' }).press('Enter');
  await expect(scrub).toHaveAttribute('aria-valuetext', /^3 \/ 42/);
  // A button that takes the window to its end disables itself: the focus moves to the
  // position slider rather than dropping to the page; a step that is not the last keeps it.
  await c.getByRole('button', { name: 'Last position' }).press('Enter');
  await expect(scrub).toHaveAttribute('aria-valuetext', /^42 \/ 42/);
  await expect(scrub).toBeFocused();
  await c.getByRole('button', { name: 'Step back' }).press('Enter');
  await expect(c.getByRole('button', { name: 'Step back' })).toBeFocused();
  await c.getByRole('button', { name: 'First position' }).press('Enter');
  await expect(scrub).toBeFocused();
  await scrub.press('ArrowRight');
  await scrub.press('ArrowRight');
  await expect(scrub).toHaveAttribute('aria-valuetext', /^3 \/ 42/);
  // Presenter mode's arrow keys step the window too (the widget consumes the step).
  const consumed = await c.evaluate((el) => {
    const e = new CustomEvent('presenter-step', { detail: { direction: 1 }, cancelable: true });
    el.dispatchEvent(e);
    return e.defaultPrevented;
  });
  expect(consumed).toBe(true);
  await expect(scrub).toHaveAttribute('aria-valuetext', /^4 \/ 42/);
  // The output grid is one Tab stop, its selected cell; arrow keys move the window and the focus.
  const yGrid = c.getByRole('grid', { name: 'Output Y' });
  const stop = yGrid.locator('button[tabindex="0"]');
  await expect(stop).toHaveCount(1);
  await expect(stop).toHaveAccessibleName(/^Output Y, row 1, column 4: /);
  await stop.focus();
  await page.keyboard.press('ArrowDown');
  await expect(scrub).toHaveAttribute('aria-valuetext', /^11 \/ 42/);
  await expect(yGrid.getByRole('button', { name: /^Output Y, row 2, column 4: / })).toBeFocused();
  await page.keyboard.press('End');
  await page.keyboard.press('ArrowRight');
  await expect(scrub).toHaveAttribute('aria-valuetext', /^14 \/ 42/);
  await page.keyboard.press('Control+End');
  await expect(scrub).toHaveAttribute('aria-valuetext', /^42 \/ 42/);
  await expect(yGrid.getByRole('button', { name: /^Output Y, row 6, column 7: / })).toBeFocused();
  await page.keyboard.press('Control+Home');
  await expect(scrub).toHaveAttribute('aria-valuetext', /^1 \/ 42/);
  await expect(yGrid.locator('button[tabindex="0"]')).toHaveCount(1);
  await c.getByRole('slider', { name: 'K rows' }).press('ArrowRight');
  await settled(c);
  expect(await gridShape(c.getByRole('grid', { name: 'Output Y' }))).toEqual([5, 7]);

  // padding-stride: a kernel that cannot fit is refused with the reason.
  const p = widget(page, 'padding-stride');
  await settled(p);
  r = await tabThrough(page, p);
  expect(r.reached).toBe(r.total);
  const stride = p.getByRole('slider', { name: 'Stride s_h' });
  await stride.press('ArrowRight');
  await settled(p);
  await expect(p.locator('.w-engine-shape')).toHaveAttribute('data-shape', '1x1x2x4');
  await stride.press('Home');
  await settled(p);
  await expect(p.locator('.w-engine-shape')).toHaveAttribute('data-shape', '1x1x4x4');
  const kernel = p.getByRole('slider', { name: 'Kernel height k_h' });
  await kernel.press('End');
  await expect(kernel).toHaveValue('2');
  await expect(p.getByText(/does not fit in the padded input/)).toBeVisible();
  await kernel.press('PageUp');
  const pad = p.getByRole('slider', { name: 'Total padding p_h' });
  await pad.press('ArrowRight');
  await expect(pad).toHaveAttribute('aria-valuetext', '3 (2 top, 1 bottom)');
  await settled(p);
  await expect(p.locator('.w-engine-shape')).toHaveAttribute('data-equal', 'true');

  // pooling: PyTorch's padding limit is explained; mode by arrow keys; stride = window by Space.
  const q = widget(page, 'pooling');
  await settled(q);
  r = await tabThrough(page, q);
  expect(r.reached).toBe(r.total);
  const qpad = q.getByRole('slider', { name: 'Padding rows (each side)' });
  await qpad.press('ArrowRight');
  await expect(qpad).toHaveValue('1');
  await expect(q.getByText(/at most half the window/)).toBeVisible();
  await q.getByRole('radio', { name: 'Maximum' }).press('ArrowRight');
  await expect(q.getByRole('radio', { name: 'Average' })).toBeChecked();
  await settled(q);
  expect((await values(q.getByRole('grid', { name: 'Output channel 0' })))[0]).toBeCloseTo(10 / 9, 5);
  await q.getByRole('checkbox', { name: /Stride = window/ }).press('Space');
  await settled(q);
  await expect(q.locator('.w-engine-shape')).toHaveAttribute('data-shape', '1x1x2x2');

  // learn-kernel: one step by Enter.
  const l = widget(page, 'learn-kernel');
  await expect(l.getByRole('table', { name: 'Learned kernel' })).toBeVisible();
  r = await tabThrough(page, l);
  expect(r.reached).toBe(r.total);
  await l.getByRole('slider', { name: 'Steps' }).press('PageDown');
  await l.getByRole('button', { name: 'One step' }).press('Enter');
  await expect(l.locator('[data-epoch="1"]')).toBeVisible();
});

test('learn-kernel trains live: the loss falls and the kernel converges toward [1, −1]', async ({ page, problems }) => {
  await openLab(page, { 'learn-kernel': { lr: 4, epochs: 25, seed: 3 } });
  const l = widget(page, 'learn-kernel');
  await expect(l.getByRole('table', { name: 'Learned kernel' })).toBeVisible({ timeout: 40_000 });
  await l.getByRole('button', { name: 'One step' }).click();
  await expect(l.locator('[data-epoch="1"]')).toBeVisible();
  const first = Number(await l.locator('.w-loss').getAttribute('data-loss'));
  // Started by keyboard: when the run ends its Pause button is disabled, and the focus goes to Reset.
  await l.getByRole('button', { name: /Train/ }).focus();
  await page.keyboard.press('Enter');
  await expect(l.locator('[data-epoch="25"]')).toBeVisible({ timeout: 30_000 });
  await expect(l.getByRole('button', { name: 'Reset' })).toBeFocused();
  const last = Number(await l.locator('.w-loss').getAttribute('data-loss'));
  expect(last).toBeLessThan(first / 50);
  const kernel = await values(l.getByRole('table', { name: 'Learned kernel' }));
  expect(kernel[0]).toBeCloseTo(1, 1);
  expect(kernel[1]).toBeCloseTo(-1, 1);
  await expect(l.locator('svg.loss-chart path.loss-line')).toHaveAttribute('d', /M.*L/);
  expect(problems.errors).toEqual([]);
});

test('with reduced motion nothing plays by itself and training lands at once', async ({ page }) => {
  await openLab(page, { 'learn-kernel': { lr: 4, epochs: 10, seed: 0 } }, { reducedMotion: true });
  const l = widget(page, 'learn-kernel');
  await expect(l.getByRole('table', { name: 'Learned kernel' })).toBeVisible({ timeout: 40_000 });
  // Nothing is playing: no play button is pressed, and every widget is where it opened.
  await expect(page.locator('button.play[aria-pressed="true"]')).toHaveCount(0);
  await expect(l.locator('[data-epoch="0"]')).toBeVisible();
  await expect(widget(page, 'corr2d').getByRole('slider', { name: 'Window position' })).toHaveAttribute('aria-valuetext', /^1 \//);
  await l.getByRole('button', { name: /Train/ }).click();
  await expect(l.locator('[data-epoch="10"]')).toBeVisible({ timeout: 5_000 });
});

test('a screen reader hears the new output of padding-stride and pooling when a control moves, in the reader’s language, and nothing as the page opens', async ({ page, problems }) => {
  await openLab(page);
  const said = (c: PaddingStrideCase) => {
    const ref = paddingStrideRef(c);
    return `Output ${ref.h} × ${ref.w} (input ${c.nh} × ${c.nw}, kernel ${c.kh} × ${c.kw}, padding ${c.ph} × ${c.pw}, stride ${c.sh} × ${c.sw}).`;
  };
  const p = widget(page, 'padding-stride');
  await settled(p);
  const pSaid = p.getByRole('status');
  await expect(pSaid).toHaveText('');
  const ps: PaddingStrideCase = { nh: 3, nw: 3, kh: 2, kw: 2, ph: 2, pw: 2, sh: 1, sw: 1 };
  await p.getByRole('slider', { name: 'Stride s_h' }).press('ArrowRight');
  expect(said({ ...ps, sh: 2 })).toContain('Output 2 × 4');
  await expect(pSaid).toHaveText(said({ ...ps, sh: 2 }));
  await p.getByRole('slider', { name: 'Input width n_w' }).press('End');
  await expect(pSaid).toHaveText(said({ ...ps, sh: 2, nw: 10 }));
  // A refused change (the kernel would not fit) leaves the last sentence.
  await p.getByRole('slider', { name: 'Kernel height k_h' }).press('End');
  await expect(p.getByText(/does not fit in the padded input/)).toBeVisible();
  await expect(pSaid).toHaveText(said({ ...ps, sh: 2, nw: 10 }));

  const pooled = (c: PoolingCase) => {
    const ref = poolingRef(c);
    const [sh, sw] = c.strideAuto ? [c.kh, c.kw] : [c.sh, c.sw];
    return `${c.mode === 'max' ? 'Max' : 'Average'} pooling: output ${c.channels} × ${ref.h} × ${ref.w} (input ${c.channels} × ${c.h} × ${c.w}, window ${c.kh} × ${c.kw}, padding ${c.ph} × ${c.pw} on each side, stride ${sh} × ${sw}).`;
  };
  const q = widget(page, 'pooling');
  await settled(q);
  const qSaid = q.getByRole('status');
  await expect(qSaid).toHaveText('');
  const qs: PoolingCase = { mode: 'max', h: 4, w: 4, kh: 3, kw: 3, ph: 1, pw: 1, sh: 2, sw: 2, strideAuto: false, channels: 1 };
  await q.getByRole('slider', { name: 'Channels (X, X + 1, …)' }).press('ArrowRight');
  await expect(qSaid).toHaveText(pooled({ ...qs, channels: 2 }));
  await q.getByRole('radio', { name: 'Maximum' }).press('ArrowRight');
  await expect(qSaid).toHaveText(pooled({ ...qs, channels: 2, mode: 'avg' }));
  await q.getByRole('slider', { name: 'Window width' }).press('ArrowLeft');
  await q.getByRole('checkbox', { name: /Stride = window/ }).press('Space');
  const last = { ...qs, channels: 2, mode: 'avg', kw: 2, strideAuto: true } as const;
  expect(pooled(last)).toContain('output 2 × 2 × 3');
  await expect(qSaid).toHaveText(pooled(last));
  // The widget the reader left keeps its last sentence.
  await expect(pSaid).toHaveText(said({ ...ps, sh: 2, nw: 10 }));
  expect(problems.errors).toEqual([]);

  // In Chinese, on the chapter's first pooling widget; the second, with its own settings, says nothing.
  await page.goto('./?c=pooling&lang=zh');
  const ws = page.locator('[data-widget="pooling"]');
  await expect(ws).toHaveCount(2);
  await ws.nth(0).scrollIntoViewIfNeeded();
  await settled(ws.nth(0));
  await ws.nth(0).getByRole('slider', { name: '通道数（X, X + 1, …）' }).press('ArrowRight');
  const zh = poolingRef({ ...qs, channels: 2 });
  await expect(ws.nth(0).getByRole('status')).toHaveText(`最大汇聚：输出 2 × ${zh.h} × ${zh.w}（输入 2 × 4 × 4，窗口 3 × 3，每侧填充 1 × 1，步幅 2 × 2）。`);
  await expect(ws.nth(1).getByRole('status')).toHaveText('');
});
