/**
 * A reader does every write-code and widget exercise of the chapters on building blocks,
 * padding, channels and pooling: types code into the exercise's cell and presses "Run and
 * check", or moves the widget's controls by their labels, and sees the exercise marked
 * correct; a wrong attempt of each kind is marked "Not yet". One page load per chapter.
 */
import type { Locator, Page } from '@playwright/test';
import { expect, openChapter, test } from './fixtures';

const RIGHT_CODE = 'Correct: your code passes every check.';
const RIGHT_WIDGET = 'Correct: the widget is in a state that meets the goal.';

/** The exercise, scrolled into view (its widget or cell mounts on sight). */
async function exercise(page: Page, id: string): Promise<Locator> {
  const ex = page.locator(`#${id}`);
  await ex.scrollIntoViewIfNeeded();
  return ex;
}

/** Types `code` into a write-code exercise, runs it with its check and waits for the verdict. */
async function submit(ex: Locator, code: string, run = 'Run and check') {
  const editor = ex.locator('textarea');
  await expect(editor).toBeVisible();
  await editor.fill(code);
  await ex.getByRole('button', { name: run }).click();
  await expect(ex.getByRole('status')).not.toHaveText('', { timeout: 90_000 });
}

async function solve(page: Page, id: string, code: string) {
  const ex = await exercise(page, id);
  await submit(ex, code);
  await expect(ex.getByRole('status')).toHaveText(RIGHT_CODE);
}

/** A widget of the page, scrolled into view. */
async function widgetPart(page: Page, selector: string): Promise<Locator> {
  const w = page.locator(selector).first();
  await w.scrollIntoViewIfNeeded();
  return w;
}

async function slide(w: Locator, name: string, v: number) {
  await w.getByRole('slider', { name, exact: true }).fill(String(v));
}

test.describe.configure({ mode: 'serial' });

test('model construction: an MLP module; a ReLU after the last layer is not yet right', async ({ page }) => {
  await openChapter(page, 'model-construction', 'en');
  const ex = await exercise(page, 'ch1-do-mlp');
  const solution = "import { rand, nn, F, type Tensor } from '../src/engine';\n\nclass MLP extends nn.Module {\n  layers: nn.Linear[];\n  constructor(sizes: number[]) {\n    super();\n    this.layers = sizes.slice(1).map((n, i) => new nn.Linear(sizes[i], n));\n  }\n\n  override forward(x: Tensor): Tensor {\n    this.layers.forEach((layer, i) => {\n      x = layer.forward(x);\n      if (i + 1 < this.layers.length) x = F.relu(x);\n    });\n    return x;\n  }\n}\n\nnew MLP([20, 256, 10]).forward(rand([2, 20])).shape";
  await submit(ex, solution.replace('if (i + 1 < this.layers.length) x = F.relu(x);', 'x = F.relu(x);'));
  await expect(ex.getByRole('status')).toHaveText(/Not yet/);
  await expect(ex.getByRole('log')).toContainText('a ReLU goes between two Linear layers, and none after the last');
  await submit(ex, solution);
  await expect(ex.getByRole('status')).toHaveText(RIGHT_CODE);
});

test('parameters: an init function; the initialisation that leaves the hidden units identical', async ({ page }) => {
  await openChapter(page, 'parameters', 'en');
  await solve(page, 'ch2-do-init', "import { nn } from '../src/engine';\n\nfunction init(m: nn.Module) {\n  if (m instanceof nn.Linear) {\n    nn.init.uniform_(m.weight, -0.1, 0.1);\n    nn.init.constant_(m.bias!, 1);\n  }\n}");

  const w = await widgetPart(page, '[data-widget="parameters"][data-widget-part="init"]');
  const ex = await exercise(page, 'ch2-do-symmetric');
  await expect(ex.getByRole('status')).toHaveText('Not yet.');
  // Constant weights on the output layer alone leave the hidden units apart: not yet.
  await w.getByRole('radio', { name: 'Xavier on layer 0, 42 on layer 2' }).check();
  await expect(ex).toContainText("the engine's 0.weight has 8 different rows");
  await expect(ex.getByRole('status')).toHaveText('Not yet.');
  await w.getByRole('radio', { name: 'Constant 1, zero bias' }).check();
  await expect(ex).toContainText("the engine's 0.weight has 1 different row (one per hidden unit) and 0.bias 1 different value");
  await expect(ex.getByRole('status')).toHaveText(RIGHT_WIDGET);
});

test('dense to conv: parameter counts as a function; the fewest hidden units for a hundredfold dense layer', async ({ page }) => {
  await openChapter(page, 'dense-to-conv', 'en');
  await solve(page, 'ch3-do-counts', "function paramCounts(h: number, w: number, c: number, hidden: number, k: number, cOut: number) {\n  return { dense: h * w * c * hidden + hidden, conv: cOut * c * k * k + cOut };\n}");

  const w = await widgetPart(page, '[data-widget="dense-vs-conv"][data-widget-part="cost"]');
  const ex = await exercise(page, 'ch3-do-hundredfold');
  await w.getByRole('button', { name: 'Fashion-MNIST 28×28 grey' }).click();
  await slide(w, 'Output channels (conv)', 16);
  await slide(w, 'Hidden units (dense)', 20);
  await expect(ex).toContainText('15,700 dense and 160 convolution parameters');
  await expect(ex.getByRole('status')).toHaveText('Not yet.');
  await slide(w, 'Hidden units (dense)', 21);
  await expect(ex).toContainText('16,485 dense and');
  await expect(ex.getByRole('status')).toHaveText(RIGHT_WIDGET);
  // More units than needed meet the bound but are not the fewest.
  await slide(w, 'Hidden units (dense)', 22);
  await expect(ex.getByRole('status')).toHaveText('Not yet.');
});

test('image convolution: a 3x1 kernel for the horizontal edges of the transposed image', async ({ page }) => {
  await openChapter(page, 'image-convolution', 'en');
  const w = await widgetPart(page, '[data-widget="corr2d"]');
  const ex = await exercise(page, 'ch4-do-horizontal');
  await w.getByRole('button', { name: 'Transpose X' }).click();
  await slide(w, 'K rows', 3);
  await slide(w, 'K columns', 1);
  // K = [1, 0, 0] (the new cells are 0): silent on the windows whose bottom crosses the edge.
  await expect(ex).toContainText('K is 3×1');
  await expect(ex.getByRole('status')).toHaveText('Not yet.');
  await w.getByRole('spinbutton', { name: 'Kernel K, row 3, column 1' }).fill('-1');
  await expect(ex).toContainText('0 on 12 of the 12 one-colour windows and non-zero on 24 of the 24 windows across an edge');
  await expect(ex.getByRole('status')).toHaveText(RIGHT_WIDGET);
});

test('padding and stride: outSize, wrong first, then right', async ({ page }) => {
  await openChapter(page, 'padding-stride', 'en');
  const ex = await exercise(page, 'ch5-do-outsize');
  // The starter ignores padding and stride.
  await ex.getByRole('button', { name: 'Run and check' }).click();
  await expect(ex.getByRole('status')).toHaveText(/Not yet/, { timeout: 90_000 });
  await expect(ex.getByRole('log')).toContainText("outSize(7, 3, 1, 2) returns 5, but the engine's conv2d gives an output of size 4.");
  await submit(ex, "function outSize(n: number, k: number, p: number, s: number): number {\n  return Math.floor((n + 2 * p - k) / s) + 1;\n}");
  await expect(ex.getByRole('status')).toHaveText(RIGHT_CODE);
});

test('channels: corr2dMultiInOut; a convolution with exactly 38 parameters', async ({ page }) => {
  await openChapter(page, 'channels', 'en');
  await solve(page, 'ch6-do-multi-in-out', "import { tensor, stack, F, type Tensor } from '../src/engine';\n\nfunction corr2dMultiInOut(X: Tensor, K: Tensor): Tensor {\n  const outs: Tensor[] = [];\n  for (let o = 0; o < K.shape[0]; o++) outs.push(F.corr2dMultiIn(X, K.narrow(0, o, 1).squeeze(0)));\n  return stack(outs);\n}");

  const w = await widgetPart(page, '[data-widget="multichannel"][data-widget-part="params"]');
  const ex = await exercise(page, 'ch6-do-38');
  await expect(ex).toContainText('the engine counts 9 parameters in nn.Conv2d(2, 1, (2, 2))');
  // The channel sliders step through a list (1, 2, 3, 4, 8, … 512): position 1 is 2 channels.
  await slide(w, 'Output channels c_o', 1);
  await slide(w, 'Kernel height k_h', 3);
  await slide(w, 'Kernel width k_w', 3);
  await expect(ex).toContainText('the engine counts 38 parameters in nn.Conv2d(2, 2, (3, 3))');
  await expect(ex.getByRole('status')).toHaveText(RIGHT_WIDGET);
});

test('pooling: maxPool with a stride; a 7x7 input pooled to 4x4 with the stride equal to the window', async ({ page }) => {
  await openChapter(page, 'pooling', 'en');
  await solve(page, 'ch7-do-maxpool', "function maxPool(X: number[][], k: number, s: number): number[][] {\n  const oh = Math.floor((X.length - k) / s) + 1;\n  const ow = Math.floor((X[0].length - k) / s) + 1;\n  return Array.from({ length: oh }, (_, i) =>\n    Array.from({ length: ow }, (_, j) => Math.max(...X.slice(i * s, i * s + k).flatMap((row) => row.slice(j * s, j * s + k)))),\n  );\n}");

  const w = await widgetPart(page, '[data-widget="pooling"]');
  const ex = await exercise(page, 'ch7-do-seven');
  await slide(w, 'Input height', 7);
  await slide(w, 'Input width', 7);
  await w.getByRole('checkbox', { name: /Stride = window/ }).check();
  // Window 3, padding 1: the floor leaves 3 windows per axis.
  await expect(ex).toContainText("the engine's output is 3×3");
  await expect(ex.getByRole('status')).toHaveText('Not yet.');
  await slide(w, 'Window height', 2);
  await slide(w, 'Window width', 2);
  await expect(ex).toContainText("the engine's output is 4×4");
  await expect(ex.getByRole('status')).toHaveText(RIGHT_WIDGET);
});

test('in Chinese: outSize, wrong first, then right; the 7x7 input pooled to 4x4', async ({ page }) => {
  await openChapter(page, 'padding-stride', 'zh');
  const cell = await exercise(page, 'ch5-do-outsize');
  await cell.getByRole('button', { name: '运行并检查' }).click();
  await expect(cell.getByRole('status')).toHaveText('还不对：请看下面的提示。', { timeout: 90_000 });
  await submit(cell, "function outSize(n: number, k: number, p: number, s: number): number {\n  return Math.floor((n + 2 * p - k) / s) + 1;\n}", '运行并检查');
  await expect(cell.getByRole('status')).toHaveText('正确：你的代码通过了全部检查。');

  await openChapter(page, 'pooling', 'zh');
  const w = await widgetPart(page, '[data-widget="pooling"]');
  const ex = await exercise(page, 'ch7-do-seven');
  await slide(w, '输入高', 7);
  await slide(w, '输入宽', 7);
  await w.getByRole('checkbox', { name: /步幅 = 窗口/ }).check();
  await expect(ex).toContainText('引擎算出的输出为 3×3');
  await expect(ex.getByRole('status')).toHaveText('还没有。');
  await slide(w, '窗口高', 2);
  await slide(w, '窗口宽', 2);
  await expect(ex).toContainText('引擎算出的输出为 4×4');
  await expect(ex.getByRole('status')).toHaveText('正确：组件的状态满足了要求。');
});
