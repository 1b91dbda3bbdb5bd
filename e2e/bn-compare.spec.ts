import { test, expect, axeViolations, computeOn, engineStarted, openChapter, widget } from './fixtures';

/**
 * The batch-norm comparison in its chapter, on the CPU (the engine's WebAssembly backend, as
 * a reader without a GPU has it): its shortest run trains LeNet and LeNet with batch norm on
 * the same batches, both curves are drawn, and the batch-normalised network ends with the
 * lower training loss. Everything is driven from the keyboard.
 */

const loss = async (w: ReturnType<typeof widget>, net: 'plain' | 'bn') => Number(await w.locator(`tr[data-net="${net}"] td[data-loss]`).getAttribute('data-loss'));

test('LeNet with batch norm ends below plain LeNet on the shortest run, and the comparison runs from the keyboard', async ({ page, problems }) => {
  await computeOn(page, 'wasm');
  await openChapter(page, 'batch-norm', 'en');
  const w = widget(page, 'bn-compare');
  await w.scrollIntoViewIfNeeded();
  await engineStarted(page);
  await expect(w.locator('.widget-backend')).toHaveAttribute('data-computed-by', 'wasm');
  const out = w.locator('.bnc-out');
  const start = w.getByRole('button', { name: 'Start' });
  const stop = w.getByRole('button', { name: 'Stop' });
  const steps = w.getByRole('slider', { name: 'Steps of SGD' });
  const lr = w.getByRole('slider', { name: 'Learning rate η' });
  await expect(lr).toHaveAttribute('aria-valuetext', '0.9');

  // Keyboard: End makes the run long; Enter starts it, focus moves to Stop, Space stops it, focus returns to Start.
  await steps.focus();
  await page.keyboard.press('End');
  await expect(steps).toHaveValue('2000');
  await start.focus();
  await page.keyboard.press('Enter');
  await expect(out).toHaveAttribute('data-state', 'running');
  await expect(stop).toBeFocused();
  await expect(w.locator('tr[data-net="plain"] td[data-loss]')).toHaveAttribute('data-loss', /\d/);
  await page.keyboard.press('Space');
  await expect(out).toHaveAttribute('data-state', 'stopped');
  await expect(start).toBeFocused();
  await expect(w.locator('p[role="status"]')).toContainText('Stopped at step');

  // Home picks the shortest run (and the URL keeps it); Space starts it from the focused button.
  await steps.focus();
  await page.keyboard.press('Home');
  await expect(steps).toHaveValue('20');
  await expect.poll(() => new URL(page.url()).searchParams.get('w.bn-compare')).toContain('"steps":20');
  await expect(out).toHaveAttribute('data-state', 'idle');
  await start.press('Space');
  await expect(out).toHaveAttribute('data-state', 'running');
  await expect(w.getByRole('progressbar')).toHaveAttribute('aria-valuetext', /step \d+ of 20/);
  await expect(out).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
  await expect(w.getByRole('progressbar')).toHaveAttribute('aria-valuetext', 'step 20 of 20');
  await expect(w.locator('p[role="status"]')).toContainText('Done. Final training loss at step 20');

  // Both curves on both charts.
  for (const chart of ['.bnc-loss-chart', '.bnc-acc-chart']) {
    for (const net of ['plain', 'bn']) await expect(w.locator(`svg${chart} path.${net}-line`)).toHaveAttribute('d', /^M.+L/);
  }
  const plain = await loss(w, 'plain');
  const bn = await loss(w, 'bn');
  test.info().annotations.push({ type: 'losses', description: `LeNet ${plain}, with batch norm ${bn}` });
  expect(Number.isFinite(plain) && Number.isFinite(bn)).toBe(true);
  expect(bn).toBeLessThan(plain);
  await expect(w.locator('tr[data-net="bn"] td[data-loss]')).toHaveText(bn.toFixed(3));

  expect(await axeViolations(page, '[data-widget="bn-compare"]')).toEqual([]);
  expect(problems.errors).toEqual([]);
  expect(problems.foreign).toEqual([]);
});
