import type { Locator, Page } from '@playwright/test';
import { test, expect, openChapter, openLab, rng, widget } from './fixtures';

/**
 * The receptive-field, multichannel, parameters and dense-vs-conv widgets on the lab
 * page, in Chromium with WebGPU on SwiftShader. Reference numbers are computed here with
 * plain loops, never taken from the widget.
 */

async function nums(cells: Locator): Promise<number[]> {
  return cells.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-value'))));
}

/**
 * Tabs from the widget's first focusable element to its last and checks every enabled
 * control (button, select, input, and one stop per grid) receives focus.
 */
async function tabReachesEverything(page: Page, w: Locator) {
  const total = await w.evaluate((root) => {
    // A radio group is one tab stop (its checked radio); arrow keys move within it.
    const els = [...root.querySelectorAll<HTMLElement>('button:not([disabled]):not([tabindex="-1"]), select:not([disabled]), input:not([disabled]):not([type="radio"]), input[type="radio"]:checked:not([disabled]), [tabindex="0"]')].filter(
      (e) => e.offsetParent !== null || e.getClientRects().length > 0,
    );
    els.forEach((e, i) => e.setAttribute('data-tab-probe', String(i)));
    return els.length;
  });
  expect(total).toBeGreaterThan(3);
  await w.locator('[data-tab-probe="0"]').focus();
  const seen = new Set<string>();
  for (let i = 0; i < total + 20; i++) {
    const probe = await page.evaluate(() => document.activeElement?.getAttribute('data-tab-probe') ?? null);
    if (probe !== null) seen.add(probe);
    if (seen.size === total) break;
    await page.keyboard.press('Tab');
  }
  const missing = Array.from({ length: total }, (_, i) => String(i)).filter((i) => !seen.has(i));
  expect(missing).toEqual([]);
}

// ---- receptive field ------------------------------------------------------------------------

interface Layer {
  kind: 'conv' | 'max' | 'avg';
  k: number;
  stride: number;
  padding: number;
}

/** 1-D reference: sizes and, per map, the weight of every cell in the chosen cell's value (all-ones kernels, pools averaged). */
function rfReference1d(n: number, layers: Layer[], map: number, index: number): { sizes: number[]; grads: number[][] } {
  const sizes = [n];
  for (const l of layers) sizes.push(Math.floor((sizes[sizes.length - 1] + 2 * l.padding - l.k) / l.stride) + 1);
  const grads: number[][] = sizes.map((s) => new Array(s).fill(0));
  grads[map][index] = 1;
  for (let m = map - 1; m >= 0; m--) {
    const l = layers[m];
    const w = l.kind === 'conv' ? 1 : 1 / l.k;
    for (let o = 0; o < sizes[m + 1]; o++) {
      if (!grads[m + 1][o]) continue;
      for (let t = o * l.stride - l.padding; t < o * l.stride - l.padding + l.k; t++) if (t >= 0 && t < sizes[m]) grads[m][t] += grads[m + 1][o] * w;
    }
  }
  return { sizes, grads };
}

test('receptive field: the notes’ example (two 2x2 convolutions on 3x3: the last cell sees all nine inputs) checked by the engine; keyboard alone edits the stack and picks cells', async ({ page, problems }) => {
  await openLab(page);
  const w = widget(page, 'receptive-field');
  const maps = w.locator('.rf-maps');
  await expect(maps).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  const input = maps.locator('[data-map="0"] [role="gridcell"]');
  await expect(input).toHaveCount(9);
  expect(await nums(input)).toEqual([1, 2, 1, 2, 4, 2, 1, 2, 1]);
  await expect(maps.locator('[data-map="0"] [data-hot="true"]')).toHaveCount(9);
  await expect(w.locator('.rf-table tr[data-map="0"] td').last()).toHaveAttribute('data-value', '9');
  // Rows and columns counted from 0, as the book counts them; padding is per side, as PyTorch's.
  await expect(w.locator('.rf-table tr[data-map="0"] td').last()).toHaveText('rows 0–2, columns 0–2: 3×3 = 9 cells');
  await expect(w.locator('.rf-table tr[data-map="2"] td').last()).toHaveText('row 0, column 0: 1×1 = 1 cell');
  await expect(w.getByRole('slider', { name: 'Layer 1 padding (each side)' })).toHaveValue('0');
  await expect(w.getByText('Padding up to k − 1 = 1 on each side: more and border outputs would see only zeros.').first()).toBeVisible();
  await expect(w.locator('.rf-table tr[data-map="2"] td').nth(1)).toHaveAttribute('data-value', '3');
  await expect(w.locator('.b-check').first()).toHaveAttribute('data-agrees', 'true');
  // Clicking the top-left cell of the middle map: its field is the 4 top-left inputs (the notes' 19).
  await maps.locator('[data-map="1"] [data-row="0"][data-col="0"]').click();
  await expect(maps.locator('[data-map="0"] [data-hot="true"]')).toHaveCount(4);
  await expect(w.locator('.b-check').first()).toHaveAttribute('data-agrees', 'true');

  // Keyboard: input size 3 -> 4 with the arrow key makes the maps 4, 3, 2.
  const size = w.getByRole('slider', { name: 'Input size' });
  await size.focus();
  await page.keyboard.press('ArrowRight');
  await expect(size).toHaveAttribute('aria-valuetext', '4 × 4');
  await expect(maps.locator('[data-map="2"] [role="gridcell"]')).toHaveCount(4);
  // The grid: arrow keys move, Enter picks the bottom-right cell of the last map.
  await maps.locator('[data-map="2"] [role="grid"] [tabindex="0"]').focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Enter');
  await expect(maps.locator('[data-map="2"] [aria-selected="true"]')).toHaveAttribute('data-row', '1');
  await expect(maps).toHaveAttribute('data-state', 'ready');
  await expect(maps.locator('[data-map="0"] [data-hot="true"]')).toHaveCount(9);
  await expect(w.locator('.b-check').first()).toHaveAttribute('data-agrees', 'true');
  await tabReachesEverything(page, w);
  expect(problems.errors).toEqual([]);
});

test('receptive field: random layer stacks agree with a reference computed in the test', async ({ page }) => {
  const rand = rng(2024);
  const stacks: { n: number; layers: Layer[]; sel: [number, number, number] }[] = [];
  while (stacks.length < 2) {
    const n = rand(6, 16);
    const layers: Layer[] = [];
    const count = rand(2, 3);
    for (let i = 0; i < count; i++) {
      const kind = (['conv', 'max', 'avg'] as const)[rand(0, 2)];
      const k = rand(1, 4);
      const maxP = kind === 'conv' ? k - 1 : Math.floor(k / 2);
      layers.push({ kind, k, stride: rand(1, 3), padding: rand(0, maxP) });
    }
    const ref = rfReference1d(n, layers, 0, 0);
    if (ref.sizes.some((s) => s < 1)) continue;
    const map = layers.length;
    const size = ref.sizes[map];
    stacks.push({ n, layers, sel: [map, rand(0, size - 1), rand(0, size - 1)] });
  }
  for (const s of stacks) {
    await openLab(page, { rf: s });
    const maps = widget(page, 'receptive-field').locator('.rf-maps');
    await expect(maps).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
    const rows = rfReference1d(s.n, s.layers, s.sel[0], s.sel[1]);
    const cols = rfReference1d(s.n, s.layers, s.sel[0], s.sel[2]);
    for (let m = 0; m < s.sel[0]; m++) {
      const size = rows.sizes[m];
      const got = await nums(maps.locator(`[data-map="${m}"] [role="gridcell"]`));
      expect(got.length).toBe(size * size);
      const hot = await maps.locator(`[data-map="${m}"] [role="gridcell"]`).evaluateAll((els) => els.map((e) => e.getAttribute('data-hot') === 'true'));
      for (let r = 0; r < size; r++)
        for (let c = 0; c < size; c++) {
          const want = rows.grads[m][r] * cols.grads[m][c];
          expect(Math.abs(got[r * size + c] - want)).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(want)));
          expect(hot[r * size + c]).toBe(want > 0);
        }
    }
    await expect(widget(page, 'receptive-field').locator('.b-check').first()).toHaveAttribute('data-agrees', 'true');
  }
});

test('receptive field on LeNet: the engine’s feature maps have the notes’ shapes, pooling averages them, and the gradient stays in the field', async ({ page }) => {
  await openLab(page, { rf: { lsel: [4, 2, 2], lch: [0, 0, 0, 3, 3] } });
  const part = widget(page, 'receptive-field').locator('[data-part="lenet"]');
  await part.scrollIntoViewIfNeeded();
  const lmaps = part.locator('.rf-lenet-maps');
  await expect(lmaps).toHaveAttribute('data-state', 'ready', { timeout: 90_000 });
  const shapes = await lmaps.locator('figure[data-stage]').evaluateAll((fs) => fs.map((f) => f.getAttribute('data-shape')));
  expect(shapes).toEqual(['1x28x28', '6x28x28', '6x14x14', '16x10x10', '16x5x5']);
  // The input is the test image scaled to 0..1.
  const pixels = await nums(lmaps.locator('[data-stage="0"] [role="gridcell"]'));
  expect(pixels.every((v) => v >= 0 && v <= 1)).toBe(true);
  // Sigmoid maps lie in (0, 1); each pooled cell is the mean of its 2x2 window (channel 3 of conv 2, counted from 0).
  const conv2 = await nums(lmaps.locator('[data-stage="3"] [role="gridcell"]'));
  const pool2 = await nums(lmaps.locator('[data-stage="4"] [role="gridcell"]'));
  expect(conv2.every((v) => v > 0 && v < 1)).toBe(true);
  for (let r = 0; r < 5; r++)
    for (let c = 0; c < 5; c++) {
      const mean = (conv2[2 * r * 10 + 2 * c] + conv2[2 * r * 10 + 2 * c + 1] + conv2[(2 * r + 1) * 10 + 2 * c] + conv2[(2 * r + 1) * 10 + 2 * c + 1]) / 4;
      expect(Math.abs(pool2[r * 5 + c] - mean)).toBeLessThan(1e-5);
    }
  // The centre cell of the last map sees a 16x16 patch of the image; the engine's gradient stays inside it.
  await expect(part.locator('[data-stage="0"] [data-hot="true"]')).toHaveCount(256);
  const check = part.locator('[data-part="lenet-check"]');
  await expect(check).toHaveAttribute('data-agrees', 'true', { timeout: 60_000 });
  expect(Number(await check.getAttribute('data-nonzero'))).toBeGreaterThan(100);
  await expect(part.locator('[data-part="lenet-table"] tr[data-stage="4"] td').nth(1)).toHaveAttribute('data-value', '16');
});

// ---- multichannel ---------------------------------------------------------------------------

function mcReference(X: number[][][], K: number[][][][], b: number[]): number[] {
  const [ci, h, w] = [X.length, X[0].length, X[0][0].length];
  const [kh, kw] = [K[0][0].length, K[0][0][0].length];
  const out: number[] = [];
  for (let o = 0; o < K.length; o++)
    for (let i = 0; i + kh <= h; i++)
      for (let j = 0; j + kw <= w; j++) {
        let acc = b[o];
        for (let c = 0; c < ci; c++) for (let a = 0; a < kh; a++) for (let d = 0; d < kw; d++) acc += X[c][i + a][j + d] * K[o][c][a][d];
        out.push(acc);
      }
  return out;
}

const mcOutputs = (w: Locator) => w.locator('figure[data-part="output"] td');

test('multichannel: the notes’ example gives [[56, 72], [104, 120]]; keyboard alone stacks K, K+1, K+2 into three channels and edits a kernel', async ({ page, problems }) => {
  await openLab(page);
  const w = widget(page, 'multichannel');
  const state = w.locator('.mc-state');
  await expect(state).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  expect(await nums(mcOutputs(w))).toEqual([56, 72, 104, 120]);
  expect(await nums(w.locator('figure[data-part="partial"] td'))).toEqual([19, 25, 37, 43, 37, 47, 67, 77]);
  await expect(w.locator('[data-part="param-count"]')).toHaveAttribute('data-value', '9');
  // Presenter mode's next step moves the explained output cell: 56 -> 72.
  const consumed = await w.evaluate((el) => !el.dispatchEvent(new CustomEvent('presenter-step', { detail: { direction: 1 }, cancelable: true })));
  expect(consumed).toBe(true);
  await expect(w.locator('[data-part="explain"] strong')).toHaveAttribute('data-value', '72');
  // Output channels to 3 with End: the kernels K, K+1, K+2 give the notes' three channels.
  // (The first of two such sliders: the parameter count below has its own.)
  const co = w.getByRole('slider', { name: 'Output channels c_o' }).first();
  await co.focus();
  await page.keyboard.press('End');
  await expect(co).toHaveAttribute('aria-valuetext', '3');
  await expect(mcOutputs(w)).toHaveCount(12);
  await expect(state).toHaveAttribute('data-state', 'ready');
  expect(await nums(mcOutputs(w))).toEqual([56, 72, 104, 120, 76, 100, 148, 172, 96, 128, 192, 224]);
  // The parameter count has settings of its own (up to 512 channels), so it stays at 9.
  await expect(w.locator('[data-part="param-count"]')).toHaveAttribute('data-value', '9');
  await expect(w.locator('[data-part="out-shape"]')).toHaveText('3 × 2 × 2');
  // Channels, kernels and biases are counted from 0, as in the chapter: K[0, 0] is kernel 0's slice for X[0], b_0 its bias.
  await expect(w.locator('[data-out-channel="2"] h4')).toHaveText('Kernel K[2] 2 × 2 × 2 → output channel Y[2]');
  // K[0, 0], top-left 0 -> 1 adds the top-left of each window of X[0] (0, 1, 3, 4).
  await w.getByRole('spinbutton', { name: 'Kernel K[0, 0], row 1, column 1' }).focus();
  await page.keyboard.press('ArrowUp');
  await expect.poll(async () => (await nums(mcOutputs(w))).slice(0, 4)).toEqual([56, 73, 107, 124]);
  // A bias typed key by key stays as typed ('-' and '-0' are not turned into 0 on the way).
  const bias = w.getByRole('spinbutton', { name: 'Bias b_0 of output channel Y[0]' });
  await bias.focus();
  await page.keyboard.press('ControlOrMeta+a');
  await bias.pressSequentially('-0.5');
  await expect(bias).toHaveValue('-0.5');
  await expect.poll(async () => (await nums(mcOutputs(w))).slice(0, 4)).toEqual([55.5, 72.5, 106.5, 123.5]);
  // A kernel entry beyond the limit is refused while typed (marked, outputs unchanged) and clamped on leaving.
  const entry = w.getByRole('spinbutton', { name: 'Kernel K[0, 0], row 1, column 1' });
  await entry.focus();
  await page.keyboard.press('ControlOrMeta+a');
  await entry.pressSequentially('2000000');
  await expect(entry).toHaveValue('2000000');
  await expect(entry).toHaveAttribute('aria-invalid', 'true');
  // The widget says why, and what leaving the cell keeps.
  const why = 'Values are kept between −1,000,000 and 1,000,000: 2000000 is outside, and leaving the cell keeps 1,000,000.';
  await expect(w.locator('.w-notice')).toHaveText(why);
  await expect(w.getByRole('status')).toHaveText(why);
  await page.keyboard.press('Enter');
  await expect(entry).toHaveValue('1000000');
  await expect(entry).not.toHaveAttribute('aria-invalid', 'true');
  await entry.press('ControlOrMeta+a');
  await entry.pressSequentially('1');
  await bias.press('ControlOrMeta+a');
  await bias.pressSequentially('0');
  await expect.poll(async () => (await nums(mcOutputs(w))).slice(0, 4)).toEqual([56, 73, 107, 124]);
  await tabReachesEverything(page, w);
  // The 1x1 example (3 channels in, 2 out, the notes' pattern values): conv2d equals W times the pixels.
  // (On the lab page one set of sliders drives every section, so its channels and 1×1 sections share 'mc'.)
  await w.getByRole('button', { name: '1×1 kernels: 3 in, 2 out' }).click();
  await expect(mcOutputs(w)).toHaveCount(18);
  await expect(state).toHaveAttribute('data-state', 'ready');
  const X = [0, 1, 2].map((c) => [0, 1, 2].map((i) => [0, 1, 2].map((j) => i * 3 + j + c)));
  const K = [0, 1].map((o) => [0, 1, 2].map((c) => [[c + o]]));
  expect(await nums(mcOutputs(w))).toEqual(mcReference(X, K, [0, 0]));
  await expect(w.locator('[data-part="dense-check"]')).toHaveAttribute('data-value', '0');
  // The text's 1×1 convolution from 256 to 64 channels, in the parameter count: 64 · 256 + 64.
  await w.getByRole('button', { name: '1×1, 256 → 64 channels' }).click();
  await expect(w.locator('[data-part="param-count"]')).toHaveAttribute('data-value', String(64 * 256 + 64));
  expect(problems.errors).toEqual([]);
});

test('multichannel in chapter 6: the 1×1 part opens on its own example, and nothing it does reaches the channels part’s 56, 72, 104, 120 above it', async ({ page, problems }) => {
  await openChapter(page, 'channels', 'en');
  const mc = (name: string) => page.locator(`[data-widget="multichannel"][data-widget-part="${name}"]`);
  const channels = mc('channels');
  const oneByOne = mc('1x1');
  await channels.scrollIntoViewIfNeeded();
  await expect(channels.locator('.mc-state')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  expect(await nums(mcOutputs(channels))).toEqual([56, 72, 104, 120]);
  await expect(channels.locator('[data-part="explain"]')).toHaveText('Output channel 0, row 0, column 0: Y[0, 0, 0] = 19 + 37 + 0 = 56 (one correlation per input channel, summed, plus the bias).');
  // The 1×1 part opens on the text's 1×1 example, 3 channels in and 2 out, the pixel (0, 0) picked.
  await oneByOne.scrollIntoViewIfNeeded();
  await expect(oneByOne.locator('.mc-pick')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  const X = [0, 1, 2].map((c) => [0, 1, 2].map((i) => [0, 1, 2].map((j) => i * 3 + j + c)));
  const K = [0, 1].map((o) => [0, 1, 2].map((c) => [[c + o]]));
  expect(await nums(mcOutputs(oneByOne))).toEqual(mcReference(X, K, [0, 0]));
  await expect(oneByOne.locator('[data-part="dense-check"]')).toHaveAttribute('data-value', '0');
  await expect(oneByOne.locator('.mc-eq figcaption').nth(1)).toHaveText('x at (0, 0)');
  // A click on Y[1] at row 1, column 2 (counted from 0) picks that pixel.
  // (A screen reader names the cell by its ordinal row and column, as its own table navigation does.)
  await oneByOne.getByRole('button', { name: /^Output Y\[1\], row 2, column 3: / }).click();
  await expect(oneByOne.locator('.mc-eq figcaption').nth(1)).toHaveText('x at (1, 2)');
  await expect(oneByOne.locator('.mc-eq figcaption').nth(3)).toHaveText('y at (1, 2)');
  // Its sliders and examples change its own settings only.
  const ci = oneByOne.getByRole('slider', { name: 'Input channels c_i' });
  await ci.press('Home');
  await expect(ci).toHaveAttribute('aria-valuetext', '1');
  await expect.poll(() => new URL(page.url()).searchParams.get('w.mc1')).not.toBeNull();
  await oneByOne.getByRole('button', { name: 'Random values' }).click();
  await oneByOne.getByRole('button', { name: '1×1 kernels: 3 in, 2 out' }).click();
  await expect(ci).toHaveAttribute('aria-valuetext', '3');
  expect(await nums(mcOutputs(oneByOne))).toEqual(mcReference(X, K, [0, 0]));
  await expect(channels.getByRole('slider', { name: 'Input channels c_i' })).toHaveAttribute('aria-valuetext', '2');
  await expect(channels.locator('figure[data-part="input"]')).toHaveCount(2);
  expect(await nums(mcOutputs(channels))).toEqual([56, 72, 104, 120]);
  expect(new URL(page.url()).searchParams.get('w.mc')).toBeNull();
  // And the other way: three output channels above leave the 1×1 part at 2.
  await channels.getByRole('slider', { name: 'Output channels c_o' }).press('End');
  await expect(mcOutputs(channels)).toHaveCount(12);
  await expect(oneByOne.getByRole('slider', { name: 'Output channels c_o' })).toHaveAttribute('aria-valuetext', '2');
  expect(await nums(mcOutputs(oneByOne))).toEqual(mcReference(X, K, [0, 0]));
  // The link holds each part's settings under its own key: a reload restores both.
  // (The link is written 150 ms after the last change: the reload waits for it.)
  await oneByOne.getByRole('slider', { name: 'Input height' }).press('Home');
  await expect.poll(() => (JSON.parse(new URL(page.url()).searchParams.get('w.mc1') ?? '{}') as { h?: number }).h).toBe(1);
  await expect.poll(() => new URL(page.url()).searchParams.get('w.mc')).not.toBeNull();
  await page.reload();
  await expect(mc('channels').getByRole('slider', { name: 'Output channels c_o' })).toHaveAttribute('aria-valuetext', '3');
  await expect(mc('channels').getByRole('slider', { name: 'Input height' })).toHaveAttribute('aria-valuetext', '3');
  await expect(mc('1x1').getByRole('slider', { name: 'Input height' })).toHaveAttribute('aria-valuetext', '1');
  await expect(mc('1x1').getByRole('slider', { name: 'Output channels c_o' })).toHaveAttribute('aria-valuetext', '2');
  expect(problems.errors).toEqual([]);
});

test('multichannel: random settings in the link agree with a reference computed in the test', async ({ page }) => {
  const rand = rng(77);
  const ci = 3;
  const co = 2;
  const h = rand(3, 5);
  const wd = rand(3, 5);
  const kh = rand(1, 3);
  const kw = rand(1, 3);
  const X = Array.from({ length: ci }, () => Array.from({ length: h }, () => Array.from({ length: wd }, () => rand(-5, 5))));
  const K = Array.from({ length: co }, () => Array.from({ length: ci }, () => Array.from({ length: kh }, () => Array.from({ length: kw }, () => rand(-3, 3)))));
  const b = Array.from({ length: co }, () => rand(-2, 2));
  await openLab(page, { mc: { ci, co, h, w: wd, kh, kw, X, K, b, pick: [0, 0, 0] }, mcp: { ci, co, kh, kw } });
  const w = widget(page, 'multichannel');
  await expect(w.locator('.mc-state')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  expect(await nums(mcOutputs(w))).toEqual(mcReference(X, K, b));
  await expect(w.locator('[data-part="param-count"]')).toHaveAttribute('data-value', String(co * ci * kh * kw + co));
});

// ---- parameters -----------------------------------------------------------------------------

test('parameters: the notes’ network lists 0.weight [8, 4] … 2.bias [1] (49 parameters), initialisers apply, and a typed edit of the tied weight shows in both layers', async ({ page, problems }) => {
  await openLab(page);
  const w = widget(page, 'parameters');
  await expect(w.locator('.pm-layout')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  const rows = await w.locator('.pm-named tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-param'), tr.querySelector('td')?.getAttribute('data-value')]));
  expect(rows).toEqual([
    ['0.weight', '[8,4]'],
    ['0.bias', '[8]'],
    ['2.weight', '[1,8]'],
    ['2.bias', '[1]'],
  ]);
  await expect(w.locator('[data-part="total"]')).toHaveAttribute('data-value', '49');
  await expect(w.locator('[data-part="grad-null"]')).toHaveText('true');
  // Default initialisation lies within ±1/sqrt(4) for 0.weight (the state-dict entry shown).
  const w0 = await nums(w.locator('table[aria-label="State dict entry 0.weight"] td'));
  expect(w0).toHaveLength(32);
  expect(w0.every((v) => Math.abs(v) <= 0.5)).toBe(true);
  // Tying: the notes' edit [0, 0] = 100 shows in both layers.
  const row2 = w.locator('[data-tied="2"] td');
  const row4 = w.locator('[data-tied="4"] td');
  await expect(row4.first()).toHaveAttribute('data-value', '100');
  expect(await nums(row4)).toEqual(await nums(row2));
  await expect(w.locator('[data-part="same-object"]')).toHaveText('true');
  await expect(w.locator('[data-part="tied-total"]')).toHaveAttribute('data-value', String(32 + 8 + 64 + 8 + 8 + 1));
  // Constant init: every weight is 1.
  // Keyboard: the radio group moves with the arrow keys (Default -> Normal -> Constant).
  await w.getByRole('radio', { name: 'Default: U(±1/√fan_in)' }).focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await expect(w.getByRole('radio', { name: 'Constant 1, zero bias' })).toBeChecked();
  await expect(w.locator('.pm-layout')).toHaveAttribute('data-state', 'ready');
  await expect.poll(async () => nums(w.locator('table[aria-label="State dict entry 0.weight"] td'))).toEqual(new Array(32).fill(1));
  // A random edit typed into the shared weight appears in the other layer.
  const rand = rng(5);
  const col = rand(1, 7);
  const value = rand(-50, 50) + 0.5;
  const input = w.getByRole('spinbutton', { name: `Row 0 of layer 2 weight, row 1, column ${col + 1}` });
  await input.focus();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type(String(value));
  await expect(w.locator('[data-tied="4"] td').nth(col)).toHaveAttribute('data-value', String(value));
  await expect(w.locator('[data-tied="4"] td').first()).toHaveAttribute('data-value', '100');
  await expect(w.locator('[data-part="rows-equal"]')).toHaveText('true');
  await tabReachesEverything(page, w);
  expect(problems.errors).toEqual([]);
});

test('parameters in its chapter: each part stands in the section that teaches it, a change in one part shows in the others, and the link keeps it', async ({ page, problems }) => {
  await openChapter(page, 'parameters', 'en');
  const part = (name: string) => page.locator(`[data-widget="parameters"][data-widget-part="${name}"]`);
  await expect(page.locator('[data-widget="parameters"]')).toHaveCount(3);
  // The last h2 before each part is the section that teaches it.
  await expect(part('tying')).toBeAttached({ timeout: 60_000 });
  const sections = await page.evaluate(() => {
    let h2 = '';
    const found: Record<string, string> = {};
    for (const el of document.querySelectorAll('article h2, [data-widget="parameters"]')) {
      if (el.tagName === 'H2') h2 = el.id;
      else found[el.getAttribute('data-widget-part') ?? ''] = h2;
    }
    return found;
  });
  expect(sections).toEqual({ access: 'access', init: 'initialisation', tying: 'tied-parameters' });
  // Constant initialisation chosen in the init part shows in the access part's state dictionary.
  await part('init').scrollIntoViewIfNeeded();
  await part('init').getByRole('radio', { name: 'Constant 1, zero bias' }).check();
  await expect.poll(async () => nums(part('access').locator('table[aria-label="State dict entry 0.weight"] td'))).toEqual(new Array(32).fill(1));
  await expect(part('tying').locator('[data-part="same-object"]')).toHaveText('true');
  // The parts share the widget's URL key, so the link reproduces the choice in every part.
  await expect.poll(() => new URL(page.url()).searchParams.get('w.pm')).toContain('constant');
  await page.reload();
  await expect(part('init').getByRole('radio', { name: 'Constant 1, zero bias' })).toBeChecked({ timeout: 60_000 });
  await expect.poll(async () => nums(part('access').locator('table[aria-label="State dict entry 0.weight"] td'))).toEqual(new Array(32).fill(1));
  expect(problems.errors).toEqual([]);
});

test('parameters: the histograms’ bars meet the bound markers at their edges, and the custom scheme’s zeros are a spike centred on 0', async ({ page, problems }) => {
  await openLab(page);
  const w = widget(page, 'parameters');
  await expect(w.locator('.pm-layout')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  /** The bars' edges and the dashed markers of a histogram, in the chart's x units. */
  const chart = (name: string) =>
    w.locator(`[data-hist="${name}"] svg`).evaluate((svg) => ({
      bars: [...svg.querySelectorAll('.bars rect')].map((r) => ({ x0: Number(r.getAttribute('data-x0')), x1: Number(r.getAttribute('data-x1')), left: Number(r.getAttribute('x')) - 0.5, count: Number(r.getAttribute('data-value')) })),
      spikes: [...svg.querySelectorAll('.spikes rect')].map((r) => ({ at: Number(r.getAttribute('data-at')), centre: Number(r.getAttribute('x')) + Number(r.getAttribute('width')) / 2, count: Number(r.getAttribute('data-value')) })),
      markers: [...svg.querySelectorAll('.markers line')].map((l) => Number(l.getAttribute('x1'))),
      list: [...(svg.parentElement?.querySelectorAll('li') ?? [])].map((li) => li.textContent),
    }));
  // Default: each dashed bound is a bar's left edge (no bar straddles it), and no weight lies beyond it.
  for (const name of ['0.weight', '2.weight']) {
    const c = await chart(name);
    expect(c.markers).toHaveLength(2);
    for (const m of c.markers) expect(c.bars.some((b) => Math.abs(b.left - m) < 0.01)).toBe(true);
    expect(c.bars[0].count).toBe(0);
    expect(c.bars[c.bars.length - 1].count).toBe(0);
    expect(c.spikes).toEqual([]);
  }
  await w.getByRole('radio', { name: 'Custom: U(−10, 10), keep |w| ≥ 5' }).check();
  await expect(w.locator('.pm-layout')).toHaveAttribute('data-state', 'ready');
  await expect(w.locator('[data-hist="0.weight"] .spikes rect')).toHaveCount(1);
  const weights = await nums(w.locator('table[aria-label="State dict entry 0.weight"] td'));
  const zeros = weights.filter((v) => v === 0).length;
  expect(zeros).toBeGreaterThan(0);
  const c = await chart('0.weight');
  // The zeros are one spike whose centre is where 0 is on the axis (the left edge of the bin from 0).
  const atZero = c.bars.find((b) => b.x0 === 0);
  expect(c.spikes).toHaveLength(1);
  expect(c.spikes[0]).toMatchObject({ at: 0, count: zeros });
  expect(Math.abs(c.spikes[0].centre - (atZero?.left ?? NaN))).toBeLessThan(0.01);
  // Between −5 and 5 there are no bars with weights in them, and the list names the spike.
  for (const b of c.bars.filter((b) => b.x0 >= -5 && b.x1 <= 5)) expect(b.count).toBe(0);
  for (const m of c.markers) expect(c.bars.some((b) => Math.abs(b.left - m) < 0.01)).toBe(true);
  expect(c.list).toContain(`exactly 0: ${zeros}`);
  expect(problems.errors).toEqual([]);
});

// ---- dense versus convolution ---------------------------------------------------------------

test('dense vs conv: on an image smaller than the kernel the locality step is clipped to the image’s offsets, and says so', async ({ page, problems }) => {
  await openLab(page, { dc: { w: 2, h: 2, c: 1, hidden: 100, k: 11, co: 100 } });
  const w = widget(page, 'dense-vs-conv');
  await expect(w.locator('.dc-compare')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  expect(await nums(w.locator('[data-part^="ladder-"][data-value]'))).toEqual([16, 9, 9]);
  await expect(w.locator('[data-part="ladder-clipped"]')).toHaveText(
    'The 11 × 11 window is larger than the image allows: it is 2 pixels high, so there are only 3 row offsets (|a| ≤ 1), and 2 pixels wide, so only 3 column offsets (|b| ≤ 1). A weight for an offset that never meets a pixel is never used, so the window is clipped to 3 × 3 = 9 weights, and locality removes none here.',
  );
  // A larger image: the window fits, locality keeps (2Δ + 1)² = 121 weights and the note goes.
  for (const name of ['Image width in pixels', 'Image height in pixels']) {
    const box = w.getByRole('spinbutton', { name });
    await box.focus();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('20');
  }
  await page.keyboard.press('Tab');
  await expect(w.locator('[data-part="ladder-local"]')).toHaveAttribute('data-value', '121');
  await expect(w.locator('[data-part="ladder-invariant"]')).toHaveAttribute('data-value', String(39 * 39));
  await expect(w.locator('[data-part="ladder-clipped"]')).toHaveCount(0);
  expect(problems.errors).toEqual([]);
});

test('dense vs conv: the chapter’s photo needs 3,600,000,100 parameters (14.4 GB) against 2,800 for a 3x3 convolution; sizes typed from the keyboard agree with the formulas', async ({ page, problems }) => {
  await openLab(page);
  const w = widget(page, 'dense-vs-conv');
  await expect(w.locator('.dc-compare')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  await expect(w.locator('[data-part="dense-params"]')).toHaveAttribute('data-value', '3600000100');
  await expect(w.locator('[data-part="dense-bytes"]')).toHaveAttribute('data-value', '14400000400');
  await expect(w.locator('[data-part="dense-bytes"]')).toContainText('14.4 GB');
  await expect(w.locator('[data-part="conv-params"]')).toHaveAttribute('data-value', '2800');
  await expect(w.locator('[data-part="cats-dogs"]')).toBeVisible();
  // Random sizes typed from the keyboard agree with the formulas.
  const rand = rng(99);
  const s = { w: rand(1, 5000), h: rand(1, 5000), hidden: rand(1, 1000) };
  for (const [name, v] of [['Image width in pixels', s.w], ['Image height in pixels', s.h]] as const) {
    const box = w.getByRole('spinbutton', { name });
    await box.focus();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type(String(v));
  }
  const hidden = w.getByRole('slider', { name: 'Hidden units (dense)' });
  await hidden.focus();
  await page.keyboard.press('Home');
  for (let i = 1; i < s.hidden % 7 + 1; i++) await page.keyboard.press('ArrowRight');
  const units = s.hidden % 7 + 1;
  const dense = s.w * s.h * 3 * units + units;
  await expect(w.locator('[data-part="dense-params"]')).toHaveAttribute('data-value', String(dense));
  await expect(w.locator('[data-part="dense-bytes"]')).toHaveAttribute('data-value', String(dense * 4));
  await expect(w.locator('[data-part="conv-params"]')).toHaveAttribute('data-value', '2800');
  await expect(w.locator('[data-part="ladder-invariant"]')).toHaveAttribute('data-value', String((2 * s.h - 1) * (2 * s.w - 1)));
  // Typing keeps the text: a cleared box stays empty and explained; a width beyond 8,192 is
  // refused while typed (not turned into 8,192 mid-number) and clamped when the box is left.
  const width = w.getByRole('spinbutton', { name: 'Image width in pixels' });
  await width.focus();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.press('Backspace');
  await expect(width).toHaveValue('');
  await expect(width).toHaveAttribute('aria-invalid', 'true');
  await expect(w.getByText('Type a whole number from 1 to 8,192.')).toBeVisible();
  await expect(w.locator('[data-part="dense-params"]')).toHaveAttribute('data-value', String(dense));
  await width.pressSequentially('90000');
  await expect(width).toHaveValue('90000');
  await expect(w.locator('[data-part="dense-params"]')).toHaveAttribute('data-value', String(900 * s.h * 3 * units + units));
  await page.keyboard.press('Tab');
  await expect(width).toHaveValue('8192');
  await expect(width).not.toHaveAttribute('aria-invalid', 'true');
  await expect(w.locator('[data-part="dense-params"]')).toHaveAttribute('data-value', String(8192 * s.h * 3 * units + units));
  await tabReachesEverything(page, w);
  expect(problems.errors).toEqual([]);
});


// ---- what a screen reader hears -------------------------------------------------------------

test('a screen reader hears the result of the multichannel, dense-vs-conv and parameters parts it changes by keyboard, and the other parts stay silent', async ({ page, problems }) => {
  const grouped = (n: number) => n.toLocaleString('en-US');
  const fmt = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(4).replace('-', '−'));

  // Multichannel: 2 channels in, 1 out, 3 × 3 input, 2 × 2 kernel, as the chapter opens.
  await openChapter(page, 'channels', 'en');
  const mc = (name: string) => page.locator(`[data-widget="multichannel"][data-widget-part="${name}"]`);
  await mc('channels').scrollIntoViewIfNeeded();
  await expect(mc('channels').locator('.mc-state')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  await expect(mc('channels').getByRole('status')).toHaveText('');
  await mc('channels').getByRole('slider', { name: 'Output channels c_o' }).press('End');
  await expect(mc('channels').getByRole('status')).toHaveText('Output 3 × 2 × 2: 2 input channels, 3 output channels, kernel 2 × 2.');
  await mc('channels').getByRole('slider', { name: 'Input height' }).press('ArrowRight');
  await expect(mc('channels').getByRole('status')).toHaveText(`Output 3 × ${4 - 2 + 1} × 2: 2 input channels, 3 output channels, kernel 2 × 2.`);
  await mc('params').scrollIntoViewIfNeeded();
  await expect(mc('params').getByRole('status')).toHaveText('');
  await mc('params').getByRole('slider', { name: 'Kernel width k_w' }).press('ArrowLeft');
  // The parameter count has settings of its own: 2 channels in, 1 out, a 2 × 2 kernel as the chapter opens.
  await expect(mc('params').getByRole('status')).toHaveText(`nn.Conv2d(2, 1, [2, 1]) has ${1 * 2 * 2 * 1 + 1} parameters.`);
  // The channels part's settings did not change, and its sentence still holds.
  await expect(mc('channels').getByRole('status')).toHaveText(`Output 3 × ${4 - 2 + 1} × 2: 2 input channels, 3 output channels, kernel 2 × 2.`);

  // Dense vs conv: the notes' 4000 × 3000 RGB photo, 100 hidden units, 100 channels of 3 × 3.
  await openChapter(page, 'dense-to-conv', 'en');
  const dc = (name: string) => page.locator(`[data-widget="dense-vs-conv"][data-widget-part="${name}"]`);
  await dc('cost').scrollIntoViewIfNeeded();
  await expect(dc('cost').locator('.dc-compare')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  await dc('cost').getByRole('slider', { name: 'Hidden units (dense)' }).press('Home');
  await expect(dc('cost').getByRole('status')).toHaveText(`Dense layer: ${grouped(4000 * 3000 * 3 + 1)} parameters; convolution: ${grouped(3 * 100 * 9 + 100)} parameters; the dense layer has about ${grouped(Math.round((4000 * 3000 * 3 + 1) / (3 * 100 * 9 + 100)))} times as many.`);
  await dc('cost').getByRole('slider', { name: 'Kernel size (conv)' }).press('ArrowRight');
  await expect(dc('cost').getByRole('status')).toHaveText(`Dense layer: ${grouped(4000 * 3000 * 3 + 1)} parameters; convolution: ${grouped(3 * 100 * 25 + 100)} parameters; the dense layer has about ${grouped(Math.round((4000 * 3000 * 3 + 1) / (3 * 100 * 25 + 100)))} times as many.`);
  await dc('ladder').scrollIntoViewIfNeeded();
  await expect(dc('ladder').getByRole('status')).toHaveText('');
  await dc('ladder').getByRole('slider', { name: 'Kernel size (conv)' }).press('ArrowRight');
  await expect(dc('ladder').getByRole('status')).toHaveText(`Weights: ${grouped((4000 * 3000) ** 2)} for the dense layer, ${grouped((2 * 3000 - 1) * (2 * 4000 - 1))} with translation invariance, ${7 * 7} with locality.`);

  // Parameters: seed 0, the default initialisation, [0, 0] of the tied weight set to 100.
  await openChapter(page, 'parameters', 'en');
  const pm = (name: string) => page.locator(`[data-widget="parameters"][data-widget-part="${name}"]`);
  await pm('access').scrollIntoViewIfNeeded();
  await expect(pm('access').locator('.pm-layout')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  await pm('access').getByRole('slider', { name: 'Random seed' }).press('ArrowRight');
  await expect(pm('access').getByRole('status')).toContainText('Seed 1: 49 parameters in 4 tensors; net(X) gives ');
  const out = await nums(pm('access').locator('.pm-out'));
  expect(out).toHaveLength(2);
  await expect(pm('access').getByRole('status')).toHaveText(`Seed 1: 49 parameters in 4 tensors; net(X) gives ${out.map(fmt).join(', ')}.`);
  await pm('init').scrollIntoViewIfNeeded();
  await expect(pm('init').getByRole('status')).toHaveText('');
  await pm('init').getByRole('radio', { name: 'Default: U(±1/√fan_in)' }).focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await expect(pm('init').getByRole('status')).toHaveText('Constant 1, zero bias, seed 1: 0.weight from 1 to 1, 2.weight from 1 to 1.');
  await expect(pm('access').getByRole('status')).toHaveText('');
  const tying = pm('tying');
  await tying.scrollIntoViewIfNeeded();
  await expect(tying.getByRole('status')).toHaveText('');
  await tying.getByRole('button', { name: 'Undo the edits' }).press('Enter');
  await expect(tying.locator('[data-tied="4"] td').first()).not.toHaveAttribute('data-value', '100');
  const row2 = await nums(tying.locator('[data-tied="2"] td'));
  expect(row2).toHaveLength(8);
  await expect(tying.getByRole('status')).toHaveText(`Row 0 of layer 4 weight reads ${row2.map(fmt).join(', ')}: the same as row 0 of layer 2 weight.`);
  await tying.getByRole('button', { name: 'The text’s example: set [0, 0] to 100' }).press('Enter');
  await expect(tying.getByRole('status')).toHaveText(`Row 0 of layer 4 weight reads ${[100, ...row2.slice(1)].map(fmt).join(', ')}: the same as row 0 of layer 2 weight.`);
  expect(problems.errors).toEqual([]);
});
