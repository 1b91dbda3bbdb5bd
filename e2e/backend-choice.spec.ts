import type { Page } from '@playwright/test';
import { test, expect, openTrainer, configure, stat, waitForStep, waitForState, historySteps, startTraining } from './fixtures';
import { WEBGPU_MARGIN } from '../src/engine/choose';

// Which backend trains, and why: the engine's chooseBackend (src/engine/choose.ts) picks
// WebAssembly without WebGPU, probes a software adapter (SwiftShader here) against it, and
// the reader can override the choice in the training view. Small batches keep steps short.

test.describe.configure({ mode: 'serial' });
// A first visit: no verdict remembered from the suite's probe (e2e/probe.setup.ts).
test.use({ storageState: { cookies: [], origins: [] } });

/** How the training worker's backend was chosen, read from the store (test builds only). */
async function workerBackend(page: Page) {
  return page.evaluate(() => {
    const aids = (window as unknown as { __cnnTraining: { getState(): { backend: { name: string; reason?: string; probe?: { webgpuMs: number; wasmMs: number; cached: boolean } } | null } } }).__cnnTraining;
    return aids.getState().backend;
  });
}

test('without WebGPU in the page and its worker, LeNet trains on WebAssembly and the badge says why', async ({ page, problems }) => {
  test.setTimeout(150_000);
  await page.addInitScript(() => {
    Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined, configurable: true });
    // The worker has a navigator of its own: the test build's aid hides its WebGPU too.
    (window as unknown as { __cnnTraining: Record<string, unknown> }).__cnnTraining = { hideWebGPU: true };
  });
  const w = await openTrainer(page);
  const badge = page.locator('.backend-badge');
  await expect(badge).toHaveAttribute('data-backend', 'wasm', { timeout: 60_000 });
  await expect(badge).toHaveAttribute('data-reason', 'no-webgpu');
  await expect(badge).toContainText('WebAssembly · no WebGPU in this browser');
  await expect(page.getByTestId('cpu-banner')).toBeVisible();
  // The menu offers no WebGPU here, and says why.
  const menu = w.getByLabel('Compute on');
  await expect(menu).toHaveValue('auto');
  await expect(menu.locator('option[value="webgpu"]')).toBeDisabled();
  await expect(menu.locator('option[value="webgpu"]')).toHaveText('WebGPU — not available: no WebGPU in this browser');
  await expect(w.locator('.train-compute-why')).toHaveText('Training computes on WebAssembly: no WebGPU in this browser.');

  await configure(w, { batch: 8 });
  await w.getByRole('button', { name: 'Start training' }).click();
  await waitForStep(w, 20);
  await expect(w.locator('.widget-backend')).toHaveAttribute('data-computed-by', 'wasm');
  const worker = page.workers().find((wk) => /train\.worker/.test(wk.url()));
  expect(worker).toBeDefined();
  expect(await worker!.evaluate(() => !!(navigator as Navigator & { gpu?: unknown }).gpu)).toBe(false);
  await w.getByRole('button', { name: 'Stop' }).click();
  await waitForState(w, 'stopped');
  expect(problems.errors).toEqual([]);
});

test('with WebGPU on SwiftShader the automatic choice probes it against WebAssembly, says why, and remembers the verdict', async ({ page, problems }) => {
  test.setTimeout(150_000);
  const w = await openTrainer(page);
  const badge = page.locator('.backend-badge');
  // SwiftShader is a software adapter: a probe decides, and either verdict is a fair one.
  await expect(badge).toHaveAttribute('data-reason', /^software-(slower|faster)$/, { timeout: 90_000 });
  const reason = await badge.getAttribute('data-reason');
  const backend = reason === 'software-slower' ? 'wasm' : 'webgpu';
  const said = reason === 'software-slower' ? 'WebAssembly · software GPU adapter was slower' : 'WebGPU · software GPU adapter was faster';
  await expect(badge).toHaveAttribute('data-backend', backend);
  await expect(badge).toContainText(said);
  await expect(badge.locator('.backend-badge-toggle')).toHaveAttribute('title', /google/);
  await expect(page.getByTestId('cpu-banner')).toHaveCount(0);
  await expect(w.getByLabel('Compute on')).toHaveValue('auto');
  await expect(w.getByLabel('Compute on').locator('option:disabled')).toHaveCount(0);
  const first = await workerBackend(page);
  expect(first?.probe?.cached).toBe(false);
  console.log(`probe on SwiftShader: WebGPU ${first!.probe!.webgpuMs.toFixed(1)} ms, WebAssembly ${first!.probe!.wasmMs.toFixed(1)} ms per LeNet step (batch 16): ${backend}`);
  // The verdict agrees with the times measured (WebGPU must win by a margin).
  expect(first!.probe!.webgpuMs > 0 && first!.probe!.wasmMs > 0).toBe(true);
  expect(backend === 'webgpu').toBe(first!.probe!.webgpuMs < first!.probe!.wasmMs * WEBGPU_MARGIN);

  // It trains there.
  await configure(w, { batch: 8 });
  await w.getByRole('button', { name: 'Start training' }).click();
  await waitForStep(w, 10);
  await expect(w.locator('.widget-backend')).toHaveAttribute('data-computed-by', backend);
  await w.getByRole('button', { name: 'Stop' }).click();
  await waitForState(w, 'stopped');

  // After a reload the worker takes the remembered verdict instead of probing again.
  await page.reload();
  await expect(badge).toHaveAttribute('data-reason', reason!, { timeout: 90_000 });
  await expect(badge).toHaveAttribute('data-backend', backend);
  expect((await workerBackend(page))?.probe).toEqual({ ...first!.probe, cached: true });
  expect(problems.errors).toEqual([]);
});

test('the reader’s choice moves a run to the other backend where it was, the badge follows, and the choice is remembered', async ({ page, problems }) => {
  test.setTimeout(180_000);
  const w = await startTraining(page, { batch: 8 }, 10);
  const badge = page.locator('.backend-badge');
  const from = (await badge.getAttribute('data-backend'))!;
  expect(['wasm', 'webgpu']).toContain(from);
  const to = from === 'wasm' ? 'webgpu' : 'wasm';
  const toName = to === 'wasm' ? 'WebAssembly' : 'WebGPU';

  const menu = w.getByLabel('Compute on');
  await menu.selectOption(to);
  await expect(badge).toHaveAttribute('data-backend', to, { timeout: 90_000 });
  await expect(badge).toHaveAttribute('data-reason', 'chosen');
  await expect(badge).toContainText(`${toName} · your choice`);
  await expect(w.locator('.widget-backend')).toHaveAttribute('data-computed-by', to);
  await expect(w.locator('.train-compute-why')).toHaveText(`Training computes on ${toName}: your choice.`);
  // The run went on from where it was: never back to the start, and further on the new backend.
  const movedAt = await stat(w, 'step');
  await waitForStep(w, movedAt + 10);
  await expect(w).toHaveAttribute('data-state', 'training');
  const steps = await historySteps(page);
  expect(steps.every((s, i) => i === 0 || s > steps[i - 1])).toBe(true);
  await w.getByRole('button', { name: 'Stop' }).click();
  await waitForState(w, 'stopped');

  // Remembered across a reload: the worker starts on it, and the menu shows it.
  await page.reload();
  const again = page.locator('[data-widget="train-model"]').first();
  await expect(again.getByLabel('Compute on')).toHaveValue(to);
  await expect(badge).toHaveAttribute('data-backend', to, { timeout: 90_000 });
  await expect(badge).toHaveAttribute('data-reason', 'chosen');

  // From the keyboard, back to Automatic: the first option.
  await again.getByLabel('Compute on').focus();
  await page.keyboard.press('Home');
  await expect(again.getByLabel('Compute on')).toHaveValue('auto');
  await expect(badge).toHaveAttribute('data-reason', /^software-(slower|faster)$/, { timeout: 90_000 });
  expect(problems.errors).toEqual([]);
});
