import { test, expect, openChapter, drawStroke, openTrainer, configure, stat, waitForStep, waitForState, stopTraining, axeViolations, callTestingAid, historySteps, startTraining, checkpointAndGoOn, computeOn, type TestingAids } from './fixtures';

// Training on SwiftShader is slow (tens of images per second on this machine), so these
// tests use small batches: a step takes a fraction of a second.

test.describe.configure({ mode: 'serial' });

test('LeNet trains for a few hundred steps in the worker on WebGPU and its loss falls', async ({ page, problems }) => {
  test.setTimeout(150_000);
  // The reader's choice: on SwiftShader the automatic one is WebAssembly (see backend-choice.spec.ts).
  await computeOn(page, 'webgpu');
  const w = await openTrainer(page);
  // Adam gets the sigmoid LeNet off its initial plateau within a couple of hundred steps.
  await configure(w, { batch: 8, optimizer: 'adam', lr: 0.003 });
  await w.getByRole('button', { name: 'Start training' }).click();
  await waitForState(w, 'training');
  await expect(w.locator('.widget-backend')).toHaveAttribute('data-computed-by', 'webgpu');

  // Every loss the view shows on the way to step 250, and on until it has shown more than
  // ten (a quiet machine reaches step 250 in fewer reports).
  const losses: number[] = [];
  await expect
    .poll(
      async () => {
        const step = await stat(w, 'step');
        // Steps are counted from the first one; a loss is shown from the first reading on.
        const shown = await w.locator('[data-stat="loss"]').getAttribute('data-value');
        const loss = Number(shown);
        if (step > 0 && shown && loss !== losses.at(-1)) losses.push(loss);
        return losses.length > 10 ? step : 0;
      },
      { timeout: 110_000, intervals: [400] },
    )
    .toBeGreaterThanOrEqual(250);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  expect(losses.length).toBeGreaterThan(10);
  expect(losses.every(Number.isFinite)).toBe(true);
  expect(mean(losses.slice(-3))).toBeLessThan(mean(losses.slice(0, 3)) - 0.2);
  // The training runs in a worker, and the page paints while it goes on (a page busy
  // with the training itself would paint its next frame only once the run had ended).
  expect(page.workers().some((worker) => /train\.worker/.test(worker.url()))).toBe(true);
  const stateAtNextFrame = await page.evaluate(() => new Promise<string | null>((resolve) => requestAnimationFrame(() => resolve(document.querySelector('[data-widget="train-model"]')!.getAttribute('data-state')))));
  expect(stateAtNextFrame).toBe('training');
  // The charts have accessible names and a text alternative with the latest values.
  await expect(w.getByRole('img', { name: /Training loss/ })).toBeVisible();
  await expect(w.locator('.train-chart table').first()).toContainText('Train loss');
  await stopTraining(w);
  expect(problems.errors).toEqual([]);
  expect(problems.foreign).toEqual([]);
});

test('pause holds the step, resume goes on, and a reload resumes from the checkpoint', async ({ page, problems }) => {
  test.setTimeout(120_000);
  // By keyboard: each button disabled by what it started hands the focus on (Start to
  // Pause, Pause to Resume, Resume to Pause), so the focus never falls to the page.
  const w = await openTrainer(page);
  await configure(w, { batch: 8 });
  await w.getByRole('button', { name: 'Start training' }).focus();
  await page.keyboard.press('Enter');
  await expect(w.getByRole('button', { name: 'Pause' })).toBeFocused();
  await waitForStep(w, 20);
  await page.keyboard.press('Enter');
  await waitForState(w, 'paused');
  await expect(w.getByRole('button', { name: 'Resume', exact: true })).toBeFocused();
  await expect(w.getByRole('status').filter({ hasText: 'Paused' })).toBeVisible();
  const pausedAt = await stat(w, 'step');

  // No step is taken while paused: after resuming, the next point of the chart is the next
  // multiple of 10 (the worker reports every 10 steps), not further on.
  await page.keyboard.press('Enter');
  await waitForState(w, 'training');
  await expect(w.getByRole('button', { name: 'Pause' })).toBeFocused();
  await waitForStep(w, pausedAt + 10);
  const steps = await historySteps(page);
  expect(steps[steps.lastIndexOf(pausedAt) + 1]).toBe((Math.floor(pausedAt / 10) + 1) * 10);
  await w.getByRole('button', { name: 'Pause' }).click();
  await waitForState(w, 'paused');
  const saved = await stat(w, 'step');

  await page.reload();
  const again = page.locator('[data-widget="train-model"]').first();
  const banner = again.locator('[data-banner="checkpoint"]');
  await expect(banner).toBeVisible({ timeout: 30_000 });
  await expect(banner).toContainText(`step ${saved % 7500}`);
  await banner.getByRole('button', { name: 'Resume from checkpoint' }).click();
  await waitForState(again, 'training');
  // It goes on from the checkpoint: the first step it reports is already past the saved one
  // (a run started afresh would report 10, 20, ... first).
  let first = 0;
  await expect.poll(async () => (first = await stat(again, 'step')), { timeout: 60_000, intervals: [100] }).toBeGreaterThan(0);
  expect(first).toBeGreaterThanOrEqual(saved);
  await expect.poll(() => stat(again, 'step'), { timeout: 60_000 }).toBeGreaterThan(saved);
  await again.getByRole('button', { name: 'Stop' }).click();
  await waitForState(again, 'stopped');
  expect(problems.errors).toEqual([]);
});

test('a trained LeNet that cannot predict while another model trains says so, instead of asking to be trained', async ({ page, problems }) => {
  test.setTimeout(150_000);
  const w = await startTraining(page, { batch: 8 });
  await stopTraining(w);
  // Another model trains in the worker, whose loaded weights are then that model's.
  await w.getByLabel('Model').selectOption('lenet-bn');
  await configure(w, { batch: 8, epochs: 5 });
  await w.getByRole('button', { name: 'Start training' }).click();
  await waitForState(w, 'training');
  // LeNet's own chapter, reached in the page (the worker and its run go on).
  await page.locator('nav.toc a[href*="c=lenet"]').first().click();
  await expect(page.locator('article h1')).toContainText('LeNet');
  const lenet = page.locator('[data-widget="train-model"]').first();
  const canvas = lenet.locator('.try-canvas');
  await canvas.scrollIntoViewIfNeeded();
  await drawStroke(page, canvas, [[0.3, 0.2], [0.5, 0.8], [0.7, 0.2]]);
  const note = lenet.locator('[data-note="try"]');
  await expect(note).toContainText('LeNet with BatchNorm is training', { timeout: 30_000 });
  await expect(note).not.toContainText('Train or import');
  expect(problems.errors).toEqual([]);
});

test('exported weights import back to identical predictions, and a corrupt file is refused with a message', async ({ page, problems }, testInfo) => {
  test.setTimeout(120_000);
  const w = await startTraining(page, { batch: 8 });
  await stopTraining(w);

  // Draw a stroke: the model's probabilities for it.
  const canvas = w.locator('.try-canvas');
  const draw = () => drawStroke(page, canvas, [[0.3, 0.2], [0.5, 0.8], [0.7, 0.2]]);
  // The empty area says what it is for, and the words go once the reader draws.
  const prompt = w.locator('.try-prompt');
  await expect(prompt).toHaveText('Draw a piece of clothing here');
  await draw();
  await expect(prompt).toHaveCount(0);
  const probs = w.locator('.try-probs');
  await expect(probs).toHaveAttribute('data-probs', /\[/, { timeout: 30_000 });
  const before = JSON.parse((await probs.getAttribute('data-probs'))!) as number[];
  expect(before.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
  await expect(w.getByRole('img', { name: /Class probabilities/ })).toBeVisible();

  const [download] = await Promise.all([page.waitForEvent('download'), w.getByRole('button', { name: 'Export weights (.safetensors)' }).first().click()]);
  expect(download.suggestedFilename()).toBe('lenet-28px.safetensors');
  const file = testInfo.outputPath('lenet.safetensors');
  await download.saveAs(file);

  // Forget the weights: the model has nothing to predict with.
  await w.locator('[data-banner="checkpoint"]').getByRole('button', { name: 'Discard checkpoint' }).click();
  await w.getByRole('button', { name: 'Clear' }).click();
  await draw();
  await expect(w.locator('[data-note="try"]')).toContainText('Train or import', { timeout: 30_000 });

  // Import: the same predictions, to the last bit.
  await w.getByLabel('Import weights (.safetensors)').setInputFiles(file);
  await expect(w.locator('[data-note="ok"]')).toContainText('Imported lenet.safetensors', { timeout: 30_000 });
  await expect(probs).toHaveAttribute('data-probs', /\[/, { timeout: 30_000 });
  expect(JSON.parse((await probs.getAttribute('data-probs'))!)).toEqual(before);

  // A corrupt file: a clear message, and nothing changes.
  await w.getByLabel('Import weights (.safetensors)').setInputFiles({ name: 'broken.safetensors', mimeType: 'application/octet-stream', buffer: Buffer.from('this is not a safetensors file at all') });
  await expect(w.locator('[data-note="bad"]')).toContainText('Not imported: This file cannot be imported');
  await expect(w.getByRole('alert').filter({ hasText: 'Not imported' })).toBeVisible();
  await w.getByRole('button', { name: 'Clear' }).click();
  await draw();
  await expect.poll(async () => JSON.parse((await probs.getAttribute('data-probs')) ?? 'null'), { timeout: 30_000 }).toEqual(before);

  // The imported model evaluated on the test set: a confusion matrix over all 10,000
  // images and labelled samples; the whole view passes axe.
  await w.getByRole('button', { name: 'Evaluate on the test set' }).click();
  const evaluation = w.locator('.train-evaluation[data-accuracy]');
  await expect(evaluation).toBeVisible({ timeout: 90_000 });
  const counts = await evaluation.locator('.train-confusion table tbody td').allTextContents();
  expect(counts.reduce((a, c) => a + Number(c), 0)).toBe(10_000);
  await expect(evaluation.locator('.train-samples li')).toHaveCount(12);
  await expect(evaluation.getByRole('img', { name: 'Confusion matrix' })).toBeVisible();
  expect(await axeViolations(page, '[data-widget="train-model"]')).toEqual([]);
  expect(problems.errors).toEqual([]);
});

test('a worker that dies mid-epoch is reported and training resumes from the checkpoint', async ({ page, problems }) => {
  test.setTimeout(120_000);
  const w = await startTraining(page, { batch: 8 });
  const saved = await checkpointAndGoOn(w);

  const banner = w.locator('[data-banner="died"]');
  await expect(banner).toHaveCount(0);
  await callTestingAid(page, 'crashWorker');
  await expect(banner).toContainText('stopped unexpectedly');
  await banner.getByRole('button', { name: 'Resume from checkpoint' }).click();
  await waitForState(w, 'training', 60_000);
  await expect.poll(() => stat(w, 'step'), { timeout: 60_000 }).toBeGreaterThan(saved);
  await stopTraining(w);
  expect(problems.errors).toEqual([]);
});

test('a worker that stops reporting is noticed, and restarting it resumes the run from the checkpoint', async ({ page, problems }) => {
  test.setTimeout(240_000);
  const w = await startTraining(page, { batch: 8 });
  // A short limit for the test: the page's own is two minutes or more (src/worker/silence.ts).
  const floorMs = 3000;
  await page.evaluate((ms) => {
    (window as unknown as { __cnnTraining: TestingAids }).__cnnTraining.silenceFloorMs = ms;
  }, floorMs);
  const saved = await checkpointAndGoOn(w, 30);
  const banner = w.locator('[data-banner="stalled"]');
  // Training that reports (a step every few milliseconds, a beat every second) is never called stuck.
  await waitForStep(w, saved + 60);
  await expect(banner).toHaveCount(0);

  // The worker's thread blocks, as it would on a kernel thread that never finishes. The page
  // calls a silence a stall past its limit: the floor, or five times the longest silence
  // it has seen from the busy worker (seconds on a loaded machine).
  const limitMs = await page.evaluate(() => Number((window as unknown as { __cnnTraining: TestingAids }).__cnnTraining.silenceLimitMs));
  expect(limitMs).toBeGreaterThanOrEqual(floorMs);
  const hungAt = Date.now();
  await callTestingAid(page, 'hangWorker');
  await expect(banner).toBeVisible({ timeout: limitMs + 15_000 });
  const noticedMs = Date.now() - hungAt;
  console.log(`silent worker noticed after ${noticedMs} ms (floor ${floorMs} ms)`);
  expect(noticedMs).toBeGreaterThanOrEqual(floorMs);
  await expect(banner).toHaveAttribute('role', 'alert');
  await expect(banner).toContainText(/has reported no progress for \d+ s/);
  expect(await axeViolations(page, '[data-widget="train-model"]')).toEqual([]);
  const stepAtHang = await stat(w, 'step');

  // Keep waiting: the banner goes, and comes back when the silence lasts another limit.
  await banner.getByRole('button', { name: 'Keep waiting' }).click();
  await expect(banner).toHaveCount(0);
  await expect(banner).toBeVisible({ timeout: limitMs + 15_000 });
  expect(await stat(w, 'step')).toBe(stepAtHang);

  // Restart, from the keyboard. The page records the first step the new worker reports:
  // past the checkpoint when it resumed from there; a run started over would report step 1.
  await page.evaluate(() => {
    const widget = document.querySelector('[data-widget="train-model"]')!;
    const step = () => widget.querySelector('[data-stat="step"]')!.getAttribute('data-value');
    const seen = { cleared: false, first: NaN };
    (window as unknown as { __restart: typeof seen }).__restart = seen;
    const obs = new MutationObserver(() => {
      const v = step();
      if (!seen.cleared) seen.cleared = v === null || v === '';
      else if (v) {
        seen.first = Number(v);
        obs.disconnect();
      }
    });
    obs.observe(widget, { subtree: true, childList: true, attributes: true, characterData: true });
  });
  await banner.getByRole('button', { name: 'Restart from the last checkpoint' }).focus();
  await page.keyboard.press('Enter');
  await expect(banner).toHaveCount(0);
  await waitForState(w, 'training', 60_000);
  const first = await page.waitForFunction(() => {
    const seen = (window as unknown as { __restart: { first: number } }).__restart;
    return Number.isNaN(seen.first) ? null : seen.first;
  }, null, { timeout: 60_000 });
  expect(await first.jsonValue()).toBeGreaterThan(saved);
  await stopTraining(w);
  expect(problems.errors).toEqual([]);
});

test('the model summary shows the shapes of the notes and a count computed by the engine', async ({ page }) => {
  const w = await openTrainer(page);
  await w.locator('.train-summary summary').click();
  const s = w.locator('[data-widget="model-summary"]');
  await expect(s.locator('[data-total="params"]')).toHaveAttribute('data-value', '61706', { timeout: 30_000 });
  await expect(s.locator('tr[data-layer="6"] [data-shape]')).toHaveAttribute('data-shape', '1,400');
  await expect(s.locator('tr[data-layer="11"] [data-shape]')).toHaveAttribute('data-shape', '1,10');
  // Trying an image: a file that is not an image gets a clear message.
  await w.getByLabel('Open an image file').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
  await expect(w.locator('.try-file-note[data-file="notes.txt"]')).toHaveText('notes.txt is not a PNG, JPEG, WebP or GIF image.');
});

test('the training view speaks Chinese when the reader chooses it', async ({ page }) => {
  await page.addInitScript(() => localStorage.setItem('cnn-book-settings', JSON.stringify({ state: { lang: 'zh', theme: 'light', codeLang: 'ts' }, version: 1 })));
  await openChapter(page, 'train');
  const w = page.locator('[data-widget="train-model"]').first();
  await expect(w.getByRole('button', { name: '开始训练' })).toBeVisible();
  await expect(w.getByLabel('学习率')).toHaveValue('0.9');
  await expect(w.getByLabel('批量大小')).toHaveValue('256');
  await expect(w.getByRole('img', { name: /训练损失/ })).toBeAttached();
  // Generated text takes Chinese punctuation: the charts' captions end in full-width parentheses.
  await expect(w.locator('caption').filter({ hasText: '训练损失' })).toHaveText(/^训练损失 — LeNet（轮次 0–\d+）$/);
});

test('the AlexNet chapter compares model sizes computed by the engine, with ratios', async ({ page, problems }) => {
  test.setTimeout(120_000);
  await openChapter(page, 'alexnet');
  const c = page.locator('[data-widget="model-compare"]').first();
  await expect(c.locator('tr[data-model="lenet"] td[data-value]').first()).toHaveAttribute('data-value', '61706', { timeout: 90_000 });
  await expect(c.locator('tr[data-model="alexnet"] td[data-value]').first()).toHaveAttribute('data-value', '46764746', { timeout: 90_000 });
  await expect(c.locator('tr[data-model="alexnet"]')).toContainText('758×');
  const s = page.locator('[data-widget="model-summary"][data-model="alexnet"]').first();
  await expect(s.locator('tr[data-layer="13"] [data-shape]')).toHaveAttribute('data-shape', '1,6400', { timeout: 90_000 });
  expect(problems.errors).toEqual([]);
});

test('on a phone the model comparison and summary fit the screen: parameters and FLOPs in view, each ratio under its number', async ({ page, problems }) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 390, height: 844 });
  await openChapter(page, 'nin');
  const c = page.locator('[data-widget="model-compare"]').first();
  await c.scrollIntoViewIfNeeded();
  const params = c.locator('tr[data-model="nin"] td[data-value]').first();
  await expect(params).toHaveAttribute('data-value', /^\d+$/, { timeout: 90_000 });
  // The ratio columns give way to a line under each number.
  await expect(params.locator('.compare-narrow')).toBeVisible();
  await expect(c.locator('td.compare-wide').first()).toBeHidden();
  const s = page.locator('[data-widget="model-summary"][data-model="nin"]').first();
  await s.scrollIntoViewIfNeeded();
  await expect(s.locator('[data-total="flops"]')).toHaveAttribute('data-value', /^\d+$/, { timeout: 90_000 });
  for (const region of [c.locator('.table-scroll'), s.locator('.table-scroll')]) {
    const { scroll, client } = await region.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
    expect(scroll, 'the table fits its region: nothing to scroll sideways').toBeLessThanOrEqual(client);
  }
  expect(problems.errors).toEqual([]);
});

test('settings out of range are explained before a start, and a learning rate that blows the loss up stops the run with what to try', async ({ page, problems }) => {
  test.setTimeout(120_000);
  const w = await openTrainer(page);
  await w.getByLabel('Model').selectOption({ label: 'LeNet with BatchNorm' });
  const start = w.getByRole('button', { name: 'Start training' });
  // Out of range: said under the form, the field marked, and Start waits.
  await w.getByLabel('Learning rate').fill('50');
  await expect(w.getByTestId('config-problems')).toHaveText('The learning rate must be a number from 0.0001 to 10.');
  await expect(w.getByLabel('Learning rate')).toHaveAttribute('aria-invalid', 'true');
  await expect(start).toBeDisabled();
  // Typed key by key, a number is kept as typed: a half-typed '.' or '1e' is no setting
  // (explained, Start waits), never a 0 that the next keys would turn into another number.
  const lr = w.getByLabel('Learning rate');
  await lr.press('Control+a');
  await lr.pressSequentially('.001');
  await expect(lr).toHaveValue('.001');
  await expect(w.getByTestId('config-problems')).toHaveCount(0);
  await lr.press('Control+a');
  await lr.pressSequentially('1e');
  await expect(w.getByTestId('config-problems')).toHaveText('The learning rate must be a number from 0.0001 to 10.');
  await expect(start).toBeDisabled();
  await lr.pressSequentially('-3');
  await expect(w.getByTestId('config-problems')).toHaveCount(0);
  const epochs = w.getByLabel('Epochs');
  await epochs.press('Control+a');
  await epochs.press('Backspace');
  await expect(epochs).toHaveValue('');
  await expect(start).toBeDisabled();
  await epochs.pressSequentially('12');
  await expect(epochs).toHaveValue('12');
  await expect(start).toBeEnabled();
  // Adam at 10 (the recipe: SGD at 1): the loss goes to hundreds within the first steps.
  await configure(w, { batch: 32, optimizer: 'adam', lr: 10 });
  await expect(w.getByTestId('config-problems')).toHaveCount(0);
  await start.click();
  await waitForState(w, 'stopped', 90_000);
  const banner = w.locator('[data-banner="diverged"]');
  await expect(banner).toContainText('a learning rate of 10 is too large for LeNet with BatchNorm');
  expect(Number(await banner.getAttribute('data-loss'))).toBeGreaterThan(50 * Math.log(10));
  await expect(w.getByTestId('train-state')).toContainText('Stopped: the loss blew up');
  // No point of the blown-up loss reached the chart: every one it shows is below the threshold.
  const shown = await stat(w, 'loss');
  expect(Number.isNaN(shown) || shown <= 50 * Math.log(10)).toBe(true);
  await banner.getByRole('button', { name: 'Use the recipe’s learning rate (1)' }).click();
  await expect(w.getByLabel('Learning rate')).toHaveValue('1');
  await expect(banner).toHaveCount(0);
  await expect(start).toBeEnabled();
  expect(problems.errors).toEqual([]);
});
