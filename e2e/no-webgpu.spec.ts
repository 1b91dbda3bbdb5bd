import { test, expect, openChapter, wcagAxe } from './fixtures';

// A browser without WebGPU lacks it in its workers too: each script also asks the training
// worker (which the lab's trained-model widget starts, and whose backend the badge then
// shows) to hide its navigator.gpu, through the test build's aid.
const withoutGpu = {
  'navigator.gpu removed': () => {
    Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined, configurable: true });
    (window as unknown as { __cnnTraining: Record<string, unknown> }).__cnnTraining = { hideWebGPU: true };
  },
  'requestAdapter returning null': () => {
    const gpu = navigator.gpu;
    if (gpu) Object.defineProperty(gpu, 'requestAdapter', { value: async () => null, configurable: true });
    (window as unknown as { __cnnTraining: Record<string, unknown> }).__cnnTraining = { hideWebGPU: true };
  },
};

for (const [name, script] of Object.entries(withoutGpu)) {
  test(`with ${name}, chapters run on the CPU (WebAssembly for the GPU's share) and a banner says so once the GPU is asked for`, async ({ page, problems }) => {
    await page.addInitScript(script);
    await openChapter(page, 'image-convolution');
    // Widgets compute on the CPU, which asks nothing of WebGPU: no banner yet.
    const widget = page.locator('[data-widget]').first();
    await expect(widget).toBeVisible();
    await expect(widget.locator('[data-computed-by]')).toHaveAttribute('data-computed-by', 'cpu', { timeout: 30_000 });
    await expect(widget.locator('td[data-value]').first()).toBeVisible({ timeout: 30_000 });
    await expect(page.locator('.backend-badge')).toHaveAttribute('data-backend', 'idle');
    await expect(page.getByTestId('cpu-banner')).toHaveCount(0);
    // The LeNet view asks for the GPU: the engine falls back to WebAssembly and says so. It stands in
    // the LeNet chapter, whose training view reads the badge from its worker (which this page's
    // script cannot reach), so the lab page shows it here.
    await openChapter(page, 'lab');
    const lenet = page.locator('[data-widget="receptive-field"] [data-part="lenet"]');
    await lenet.scrollIntoViewIfNeeded();
    await expect(page.getByTestId('cpu-banner')).toBeVisible({ timeout: 30_000 });
    await expect(page.locator('.backend-badge')).toHaveAttribute('data-backend', 'wasm');
    // The badge's line is cut to the header's room; its button shows all of it, without a hover.
    const toggle = page.locator('.backend-badge-toggle');
    const more = page.locator('.backend-more');
    await expect(more).toBeHidden();
    await toggle.focus();
    await page.keyboard.press('Enter');
    await expect(toggle).toHaveAttribute('aria-expanded', 'true');
    await expect(more).toBeVisible();
    // Read at one moment: the badge may still turn from the page's engine to the training worker's.
    const whole = () =>
      page.evaluate(() => {
        const more = document.querySelector('.backend-more')?.textContent ?? '';
        const title = document.querySelector('.backend-badge-toggle')?.getAttribute('title') ?? '';
        const why = (document.querySelector('.backend-adapter')?.textContent ?? '').replace(/^ · /, '');
        return { sameAsTooltip: more === title, holdsTheCutReason: why !== '' && more.includes(why) };
      });
    await expect.poll(whole).toEqual({ sameAsTooltip: true, holdsTheCutReason: true });
    await expect(more).toBeInViewport({ ratio: 1 });
    const findings = (await wcagAxe(page).include('.site-header').analyze()).violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`);
    expect(findings, 'axe (WCAG 2.2 A/AA) on the header with the badge open').toEqual([]);
    await page.keyboard.press('Escape');
    await expect(more).toBeHidden();
    await expect(toggle).toBeFocused();
    await toggle.click();
    await expect(more).toBeVisible();
    await page.locator('main').click({ position: { x: 5, y: 5 } });
    await expect(more).toBeHidden();
    await expect(lenet.locator('.rf-lenet-maps')).toHaveAttribute('data-state', 'ready', { timeout: 90_000 });
    await openChapter(page, 'pooling');
    await expect(page.locator('[data-widget="pooling"]').first().locator('td[data-value]').first()).toBeVisible({ timeout: 30_000 });
    expect(problems.errors).toEqual([]);
  });
}
