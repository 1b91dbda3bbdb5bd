import { test, expect, axeViolations, computeOn, engineStarted, openChapter, widget } from './fixtures';

/**
 * The degradation experiment in the ResNet chapter, on the CPU (the engine's WebAssembly
 * backend, as a reader without a GPU has it): its default run trains a plain and a residual
 * stack of 16 layers, and the residual one ends with the lower training loss.
 */

const loss = async (w: ReturnType<typeof widget>, stack: 'plain' | 'residual') => Number(await w.locator(`tr[data-stack="${stack}"] td`).getAttribute('data-loss'));

test('the residual stack ends below the plain one on the CPU default, and the experiment runs from the keyboard', async ({ page, problems }) => {
  await computeOn(page, 'wasm');
  await openChapter(page, 'resnet', 'en');
  const w = widget(page, 'degradation');
  await w.scrollIntoViewIfNeeded();
  await engineStarted(page);
  await expect(w.locator('.widget-backend')).toHaveAttribute('data-computed-by', 'wasm');
  const out = w.locator('.deg-out');
  const start = w.getByRole('button', { name: 'Start' });
  const stop = w.getByRole('button', { name: 'Stop' });
  const steps = w.getByRole('slider', { name: 'Steps of SGD' });
  const layers = w.getByRole('slider', { name: 'Layers in the stack' });
  // The CPU default: 16 layers, 400 steps.
  await expect(layers).toHaveAttribute('aria-valuetext', '16 layers');
  await expect(steps).toHaveValue('400');

  // Keyboard: End makes the run long; Enter starts it, focus moves to Stop, Space stops it, focus returns to Start.
  await steps.focus();
  await page.keyboard.press('End');
  await expect(steps).toHaveValue('5000');
  await start.focus();
  await page.keyboard.press('Enter');
  await expect(out).toHaveAttribute('data-state', 'running');
  await expect(stop).toBeFocused();
  await expect(w.locator('tr[data-stack="plain"] td')).toHaveAttribute('data-loss', /\d/);
  await page.keyboard.press('Space');
  await expect(out).toHaveAttribute('data-state', 'stopped');
  await expect(start).toBeFocused();
  await expect(w.locator('p[role="status"]')).toContainText('Stopped at step');

  // Arrow keys move the sliders (and the URL keeps the choice); "Default settings" brings the defaults back.
  await layers.focus();
  await page.keyboard.press('ArrowLeft');
  await expect(layers).toHaveAttribute('aria-valuetext', '8 layers');
  await expect.poll(() => new URL(page.url()).searchParams.get('w.degradation')).toContain('"depth":8');
  await expect(out).toHaveAttribute('data-state', 'idle');
  await w.getByRole('button', { name: 'Default settings' }).press('Enter');
  await expect(layers).toHaveAttribute('aria-valuetext', '16 layers');
  await expect(steps).toHaveValue('400');

  // The whole default run, started from the keyboard; progress is announced and readable.
  await start.press('Space');
  await expect(out).toHaveAttribute('data-state', 'running');
  await expect(w.getByRole('progressbar')).toHaveAttribute('aria-valuetext', /step \d+ of 400/);
  await expect(out).toHaveAttribute('data-state', 'done', { timeout: 50_000 });
  await expect(w.locator('p[role="status"]')).toContainText('Done. Final training loss at step 400');
  const plain = await loss(w, 'plain');
  const residual = await loss(w, 'residual');
  test.info().annotations.push({ type: 'losses', description: `plain ${plain}, residual ${residual}` });
  expect(Number.isFinite(plain) && Number.isFinite(residual)).toBe(true);
  expect(residual).toBeLessThan(plain);
  await expect(w.locator('.deg-final tr[data-stack="residual"] td')).toHaveText(residual.toFixed(3));
  // The log axis labels the start of every decade from the residual loss up to the plain one (0.01 for a residual near 0.03), with no two labels touching.
  const yLabels = await w.locator('.deg-chart svg .axis.y .tick text').evaluateAll((els) =>
    els.filter((e) => e.textContent).map((e) => ({ v: Number(e.textContent), top: e.getBoundingClientRect().top, bottom: e.getBoundingClientRect().bottom })),
  );
  for (let k = Math.floor(Math.log10(residual)); 10 ** k <= plain; k++) expect(yLabels.map((l) => l.v), `10^${k} labelled`).toContainEqual(+(10 ** k).toPrecision(12));
  expect(yLabels.length).toBeGreaterThanOrEqual(4);
  const byHeight = [...yLabels].sort((a, b) => a.top - b.top);
  for (let i = 1; i < byHeight.length; i++) expect(byHeight[i].top, `${byHeight[i].v} below ${byHeight[i - 1].v}`).toBeGreaterThanOrEqual(byHeight[i - 1].bottom);

  expect(await axeViolations(page, '[data-widget="degradation"]')).toEqual([]);
  expect(problems.errors).toEqual([]);
  expect(problems.foreign).toEqual([]);
});
