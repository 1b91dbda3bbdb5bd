import { test, expect, openChapter } from './fixtures';

const withoutGpu = {
  'navigator.gpu removed': () => {
    Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined, configurable: true });
  },
  'requestAdapter returning null': () => {
    const gpu = navigator.gpu;
    if (gpu) Object.defineProperty(gpu, 'requestAdapter', { value: async () => null, configurable: true });
  },
};

for (const [name, script] of Object.entries(withoutGpu)) {
  test(`with ${name}, chapters run on the CPU backend and a banner says so`, async ({ page, problems }) => {
    await page.addInitScript(script);
    await openChapter(page, 'image-convolution');
    await expect(page.getByTestId('cpu-banner')).toBeVisible({ timeout: 30_000 });
    await expect(page.locator('.backend-badge')).toHaveAttribute('data-backend', 'cpu');
    // Widgets still compute, on the CPU.
    const widget = page.locator('[data-widget]').first();
    await expect(widget).toBeVisible();
    await expect(widget.locator('[data-computed-by]')).toHaveAttribute('data-computed-by', 'cpu', { timeout: 30_000 });
    await openChapter(page, 'pooling');
    await expect(page.locator('[data-widget="pooling"]').first().locator('td[data-value]').first()).toBeVisible({ timeout: 30_000 });
    expect(problems.errors).toEqual([]);
  });
}
