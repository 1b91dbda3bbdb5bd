/**
 * Code cells, as a reader uses them: run a listing, edit it, run the edit, reload and
 * find it kept, reset it; an endless loop is stopped by the time limit while the page
 * stays responsive; the page, the network and storage are out of a cell's reach; the
 * page's Content-Security-Policy is the one the build sets and nothing leaves the origin.
 */
import { CSP } from '../vite.config';
import { expect, openChapter, test } from './fixtures';
import type { Page } from '@playwright/test';

const firstCell = (page: Page) => page.locator('.code-cell').first();

async function edit(page: Page, code: string) {
  const cell = firstCell(page);
  if ((await cell.locator('textarea').count()) === 0) await cell.getByRole('button', { name: 'Edit' }).click();
  await cell.locator('textarea').fill(code);
}

test.beforeEach(async ({ page }) => {
  await page.addInitScript(() => {
    if (!sessionStorage.getItem('cells-test')) {
      localStorage.setItem('cnn-book-settings', JSON.stringify({ state: { lang: 'en', theme: 'light', codeLang: 'ts' }, version: 1 }));
      sessionStorage.setItem('cells-test', '1');
    }
  });
});

test('a reader runs a listing, edits it, runs the edit, finds it kept after a reload and resets it', async ({ page, problems }) => {
  await openChapter(page, 'image-convolution', 'en');
  const cell = firstCell(page);
  await cell.getByRole('button', { name: 'Run' }).click();
  const output = cell.getByRole('log', { name: 'Output of the cell' });
  await expect(output).toContainText('tensor([[19., 25.],\n        [37., 43.]])', { timeout: 60_000 });

  await edit(page, "import { tensor, F } from '../src/engine';\nF.corr2d(tensor([[1, 2], [3, 4]]), tensor([[2]]))");
  await cell.getByRole('button', { name: 'Run' }).click();
  await expect(output).toContainText('tensor([[2., 4.],\n        [6., 8.]])', { timeout: 60_000 });
  await expect(output).not.toContainText('19');

  await page.reload();
  await expect(page.locator('article[data-chapter="image-convolution"] h1')).toBeVisible();
  await expect(firstCell(page)).toContainText('tensor([[2]])');
  await expect(firstCell(page)).toContainText('edited, kept in this browser');
  await firstCell(page).getByRole('button', { name: 'Reset' }).click();
  await expect(firstCell(page)).toContainText('[[0, 1], [2, 3]]');
  await expect(firstCell(page)).not.toContainText('edited, kept in this browser');
  expect(problems.errors).toEqual([]);
  expect(problems.foreign).toEqual([]);
});

test('the editor colours the code as the reader types, in the same lines as its own text, on a phone too', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await openChapter(page, 'image-convolution', 'en');
  const long = `const values = [${Array.from({ length: 40 }, (_, i) => i).join(', ')}];  // a line that wraps`;
  await edit(page, `${long}\nconsole.log(values.length, 'items');`);
  const cell = firstCell(page);
  const colours = cell.locator('.cell-editor-colours');
  await expect(colours).toHaveAttribute('aria-hidden', 'true');
  await expect(colours.locator('.tok-kw').first()).toHaveText('const');
  await expect(colours.locator('.tok-com')).toHaveText('// a line that wraps');
  await expect(colours.locator('.tok-str')).toHaveText("'items'");
  // The same text in the same box, wrapped into the same lines (the same height), and the
  // editor, on top, neither scrolls nor hides a line.
  const m = await cell.evaluate((el) => {
    const ta = el.querySelector('textarea')!;
    const pre = el.querySelector<HTMLElement>('.cell-editor-colours')!;
    const [a, b] = [ta.getBoundingClientRect(), pre.getBoundingClientRect()];
    const mid = document.elementFromPoint(a.left + a.width / 2, a.top + a.height / 2);
    // The coloured lines' height, padding included, against the editor's scroll height.
    const range = document.createRange();
    range.selectNodeContents(pre);
    const cs = getComputedStyle(pre);
    const lines = range.getBoundingClientRect().height + parseFloat(cs.paddingTop) + parseFloat(cs.paddingBottom);
    return { text: pre.textContent === `${ta.value}\n`, box: [a.left - b.left, a.top - b.top, a.width - b.width, a.height - b.height], heights: [ta.scrollHeight, ta.clientHeight, lines], lineHeight: parseFloat(cs.lineHeight), onTop: mid === ta };
  });
  expect(m.text).toBe(true);
  expect(m.box.every((d) => Math.abs(d) < 0.5)).toBe(true);
  expect(m.heights[0]).toBe(m.heights[1]);
  // More than the two lines typed: the long one wraps, in both.
  expect(m.heights[0]).toBeGreaterThan(3.5 * m.lineHeight);
  expect(Math.abs(m.heights[2] - m.heights[0])).toBeLessThan(0.5 * m.lineHeight);
  expect(m.onTop).toBe(true);
});

test('the editor keeps indentation on Enter, shifts lines with Ctrl+] and Ctrl+[, undoes each in one step, and lets Tab move on', async ({ page }) => {
  await openChapter(page, 'image-convolution', 'en');
  await edit(page, 'for (let i = 0; i < 2; i++) {}');
  const cell = firstCell(page);
  const editor = cell.getByRole('textbox', { name: 'TypeScript code of this cell' });
  await expect(editor).toHaveAccessibleDescription(/Ctrl\+\] and Ctrl\+\[ indent and outdent lines/);
  const state = () => editor.evaluate((el: HTMLTextAreaElement) => ({ value: el.value, start: el.selectionStart, end: el.selectionEnd }));
  // Between the braces: the closer goes below, the caret to an indented line between.
  await editor.evaluate((el: HTMLTextAreaElement) => el.setSelectionRange(el.value.length - 1, el.value.length - 1));
  await editor.press('Enter');
  await editor.pressSequentially('console.log(i);');
  await editor.press('Enter');
  await editor.pressSequentially('const j = i;');
  expect((await state()).value).toBe('for (let i = 0; i < 2; i++) {\n  console.log(i);\n  const j = i;\n}');
  // What the reader typed is what the cell keeps (and runs).
  await expect(cell.locator('.cell-editor-colours')).toHaveText('for (let i = 0; i < 2; i++) {\n  console.log(i);\n  const j = i;\n}\n');

  // The two lines in the loop, selected, one level in and back out.
  await editor.evaluate((el: HTMLTextAreaElement) => el.setSelectionRange(el.value.indexOf('  console'), el.value.indexOf('\n}')));
  await editor.press('Control+]');
  let s = await state();
  expect(s.value).toBe('for (let i = 0; i < 2; i++) {\n    console.log(i);\n    const j = i;\n}');
  expect(s.value.slice(s.start, s.end)).toBe('    console.log(i);\n    const j = i;');
  await editor.press('Control+[');
  await editor.press('Control+[');
  s = await state();
  expect(s.value).toBe('for (let i = 0; i < 2; i++) {\nconsole.log(i);\nconst j = i;\n}');
  // Undo takes the key edits back one at a time, as typing would be.
  await editor.press('Control+z');
  expect((await state()).value).toBe('for (let i = 0; i < 2; i++) {\n  console.log(i);\n  const j = i;\n}');
  await editor.press('Control+z');
  expect((await state()).value).toBe('for (let i = 0; i < 2; i++) {\n    console.log(i);\n    const j = i;\n}');
  await editor.press('Control+z');
  expect((await state()).value).toBe('for (let i = 0; i < 2; i++) {\n  console.log(i);\n  const j = i;\n}');

  // Tab leaves the editor for the cell's buttons; nothing was typed into the code.
  await editor.press('Tab');
  await expect(cell.getByRole('button', { name: 'Run' })).toBeFocused();
  expect((await state()).value).not.toContain('\t');
  // Ctrl+Enter still runs it.
  await editor.focus();
  await editor.press('Control+Enter');
  await expect(cell.getByRole('log')).toContainText('0\n', { timeout: 60_000 });
});

test('Copy puts a listing’s code, as edited, on the clipboard in either language, and selects it where the browser refuses', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await openChapter(page, 'image-convolution', 'en');
  const cell = firstCell(page);
  const shown = (await cell.locator('pre').first().textContent())!.replace(/\n$/, '');
  await cell.getByRole('button', { name: 'Copy' }).click();
  await expect(cell.getByRole('status').filter({ hasText: 'Copied.' })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(shown);
  // An edit is what gets copied.
  await edit(page, 'const edited = 1;');
  await cell.getByRole('button', { name: 'Copy' }).click();
  await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe('const edited = 1;');
  // The PyTorch listing of the same place.
  const tabs = page.locator('.code-tabs').first();
  await tabs.getByRole('tab', { name: 'PyTorch' }).click();
  const python = tabs.locator('[role="tabpanel"]:not([hidden]) .listing');
  const code = (await python.locator('pre').textContent())!.replace(/\n$/, '');
  expect(code).toContain('import torch');
  await python.getByRole('button', { name: 'Copy' }).click();
  await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(code);
  // A browser that refuses: the code is selected for the reader's own copy key, and the status says so.
  await page.evaluate(() => {
    navigator.clipboard.writeText = () => Promise.reject(new DOMException('denied', 'NotAllowedError'));
  });
  await python.getByRole('button', { name: 'Copy' }).click();
  await expect(python.getByRole('status')).toContainText('the code is selected, press Ctrl+C');
  expect(await page.evaluate(() => window.getSelection()!.toString().replace(/\n$/, ''))).toBe(code);
});

test('an edit the browser will not store is flagged, not called kept', async ({ page }) => {
  await openChapter(page, 'image-convolution', 'en');
  // Storage full (or switched off) from here on: writing a cell's edit throws.
  await page.evaluate(() => {
    Storage.prototype.setItem = () => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
  });
  await edit(page, "import { tensor } from '../src/engine';\ntensor([1])");
  await expect(firstCell(page)).toContainText('edited, but this browser would not store it');
  await expect(firstCell(page)).not.toContainText('edited, kept in this browser');
});

test('a cell uses what the cells before it in the chapter defined, and an error names its line', async ({ page }) => {
  await openChapter(page, 'image-convolution', 'en');
  const cells = page.locator('.code-cell');
  // The second listing defines Conv2D with F.corr2d, imported by the first.
  const second = cells.nth(1);
  await second.getByRole('button', { name: 'Edit' }).click();
  await second.locator('textarea').fill(`${await second.locator('textarea').inputValue()}\nconst layer = new Conv2D([1, 2]);\nlayer.forward(tensor([[1, 2, 3]])).shape`);
  await second.getByRole('button', { name: 'Run' }).click();
  await expect(second.getByRole('log')).toContainText('[1, 2]', { timeout: 60_000 });

  await edit(page, "const a = 1;\nconst b = (undefined as any).field;");
  await firstCell(page).getByRole('button', { name: 'Run' }).click();
  await expect(firstCell(page).getByRole('log')).toContainText(/TypeError: .*\(line 2\)/, { timeout: 60_000 });
});

test('an endless loop is stopped by the time limit and the page stays responsive; Stop ends a run at once', async ({ page }) => {
  // The limit at work without a core spinning for the reader's 30 s (a test build's aid).
  await page.addInitScript(() => Object.assign(window, { __cnnCellTimeLimitMs: 8000 }));
  await openChapter(page, 'image-convolution', 'en');
  const cell = firstCell(page);
  await edit(page, 'let n = 0;\nwhile (true) n++;');
  await cell.getByRole('button', { name: 'Run' }).click();
  await expect(cell.getByRole('button', { name: 'Stop' })).toBeVisible();
  // While the loop spins in its worker, the page answers: a tab switch and a script round trip.
  const t0 = Date.now();
  expect(await page.evaluate(() => 1 + 1)).toBe(2);
  await page.locator('.code-tabs').first().getByRole('tab', { name: 'PyTorch' }).click();
  await expect(page.locator('.code-tabs').first().getByRole('tab', { name: 'PyTorch' })).toHaveAttribute('aria-selected', 'true');
  expect(Date.now() - t0).toBeLessThan(5_000);
  await page.locator('.code-tabs').first().getByRole('tab', { name: /TypeScript/ }).click();
  // All of that while the loop still spins (the limit is further off than those 5 s).
  await expect(cell.getByRole('button', { name: 'Stop' })).toBeVisible();
  // The limit is 8 s from the Run click; a machine busy with other tests may fire its timer late.
  await expect(cell.getByRole('log')).toContainText('Stopped after 8 s, the time limit of a cell', { timeout: 30_000 });
  await expect(cell.getByRole('button', { name: 'Run' })).toBeVisible();

  await cell.getByRole('button', { name: 'Run' }).click();
  await cell.getByRole('button', { name: 'Stop' }).click();
  await expect(cell.getByRole('log')).toContainText('Stopped.');
});

test('code that reaches for the page, the network or storage fails with a clear error', async ({ page, problems }) => {
  await openChapter(page, 'image-convolution', 'en');
  const cell = firstCell(page);
  for (const [code, name] of [
    ['document.title', '`document` is not available in a code cell'],
    ["await fetch('https://example.com/')", '`fetch` is not available in a code cell'],
    ["localStorage.setItem('x', '1')", '`localStorage` is not available in a code cell'],
  ]) {
    await edit(page, code);
    await cell.getByRole('button', { name: 'Run' }).click();
    await expect(cell.getByRole('log')).toContainText(name, { timeout: 60_000 });
  }
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  expect(csp).toBe(CSP);
  expect(csp).not.toMatch(/'unsafe-eval'/);
  expect(problems.foreign).toEqual([]);
});

test('the write-code exercise marks a wrong kernel with the reason and the right one correct', async ({ page }) => {
  await openChapter(page, 'image-convolution', 'en');
  const ex = page.locator('#ch4-do-diagonal');
  await ex.scrollIntoViewIfNeeded();
  const code = ex.locator('textarea');
  await expect(code).toBeVisible();
  await ex.getByRole('button', { name: 'Run and check' }).click();
  await expect(ex.getByRole('status')).toHaveText(/Not yet/, { timeout: 60_000 });
  await expect(ex.getByRole('log')).toContainText('where the window lies across the edge');
  // A vertical-edge detector answers on vertical edges too: not yet.
  await code.fill((await code.inputValue()).replace('[[0, 0], [0, 0]]', '[[1, -1], [1, -1]]'));
  await ex.getByRole('button', { name: 'Run and check' }).click();
  await expect(ex.getByRole('log')).toContainText('On a vertical edge, your K gives', { timeout: 60_000 });
  await code.fill((await code.inputValue()).replace('[[1, -1], [1, -1]]', '[[2, -2], [-2, 2]]'));
  await ex.getByRole('button', { name: 'Run and check' }).click();
  await expect(ex.getByRole('status')).toHaveText('Correct: your code passes every check.', { timeout: 60_000 });
});

test('the widget exercise follows the sliders and says when the goal is met', async ({ page }) => {
  await openChapter(page, 'padding-stride', 'en');
  const w = page.locator('[data-widget="padding-stride"]');
  const ex = page.locator('#ch5-do-five');
  await ex.scrollIntoViewIfNeeded();
  await expect(ex.getByRole('status')).toHaveText('Not yet.');
  for (const [name, v] of [
    ['Input height n_h', 10], ['Input width n_w', 10], ['Kernel height k_h', 3], ['Kernel width k_w', 3],
    ['Stride s_h', 2], ['Stride s_w', 2], ['Total padding p_h', 0], ['Total padding p_w', 0],
  ] as const) await w.getByRole('slider', { name, exact: true }).fill(String(v));
  await expect(ex).toContainText("the engine's output is 4×4");
  await expect(ex.getByRole('status')).toHaveText('Not yet.');
  await w.getByRole('slider', { name: 'Total padding p_h', exact: true }).fill('2');
  await w.getByRole('slider', { name: 'Total padding p_w', exact: true }).fill('1');
  await expect(ex).toContainText("the engine's output is 5×5");
  await expect(ex.getByRole('status')).toHaveText('Correct: the widget is in a state that meets the goal.');
});

// The write-code exercises of the model chapters, solved as a reader would: each runs after
// the chapter's listings (which build the chapter's network), then its hidden check.
const MODEL_EXERCISES: [slug: string, id: string, edit: (code: string) => string][] = [
  ['lenet', 'ch8-do-modern', (c) => c.replaceAll('nn.Sigmoid', 'nn.ReLU').replaceAll('nn.AvgPool2d', 'nn.MaxPool2d')],
  ['alexnet', 'ch9-do-dropout', (c) => c.replace(/return x;.*/, 'return x.mul(rand(x.shape).ge(p)).div(1 - p);')],
  ['vgg', 'ch10-do-params', (c) => c.replace(/return 0;.*/, 'let c = inChannels, n = 0;\n  for (let k = 0; k < numConvs; k++) { n += outChannels * c * 9 + outChannels; c = outChannels; }\n  return n;')],
  ['nin', 'ch11-do-gap', (c) => c.replace(/return x;.*/, 'return x.mean([2, 3]);')],
  ['batch-norm', 'ch12-do-normalise', (c) => c.replace(/return x\.sub\(mean\);.*/, 'const v = x.sub(mean).square().mean(0, true);\n  return x.sub(mean).div(v.add(eps).sqrt());')],
  ['resnet', 'ch13-do-block', (c) => c.replace('return y;', 'return F.relu(this.bn2.forward(this.conv2.forward(y)).add(this.conv3.forward(x)));')],
];
for (const [slug, id, solve] of MODEL_EXERCISES) {
  test(`the ${slug} chapter's write-code exercise is marked correct once solved`, async ({ page }) => {
    test.setTimeout(180_000);
    await openChapter(page, slug, 'en');
    const ex = page.locator(`#${id}`);
    await ex.scrollIntoViewIfNeeded();
    const code = ex.locator('textarea');
    await code.fill(solve(await code.inputValue()));
    await ex.getByRole('button', { name: 'Run and check' }).click();
    await expect(ex.getByRole('status')).toHaveText('Correct: your code passes every check.', { timeout: 60_000 });
  });
}

test('the code tabs speak the reader language', async ({ page }) => {
  await openChapter(page, 'image-convolution', 'zh');
  const tabs = page.locator('.code-tabs').first().getByRole('tablist', { name: '代码语言' });
  await expect(tabs.getByRole('tab', { name: 'TypeScript（本书引擎）' })).toHaveAttribute('aria-selected', 'true');
  await expect(tabs.getByRole('tab', { name: 'PyTorch' })).toBeVisible();
});
