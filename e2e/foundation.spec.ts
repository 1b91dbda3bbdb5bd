import { test, expect, openChapter, computeOn } from './fixtures';

test('a WebGPU adapter and device compute the probe shader correctly in the page and in a module worker', async ({ page }) => {
  await page.goto('./gpu-check.html');
  await expect(page.locator('body[data-done="true"]')).toBeAttached({ timeout: 60_000 });
  const results = JSON.parse((await page.locator('#json').textContent())!) as {
    ok: boolean;
    context: string;
    input: number[];
    output: number[];
    error?: string;
  }[];
  expect(results.map((r) => r.context)).toEqual(['page', 'worker']);
  for (const r of results) {
    expect(r.error).toBeUndefined();
    expect(r.ok).toBe(true);
    expect(r.output).toHaveLength(1000);
    expect(r.output).toEqual(r.input.map((v) => 2 * v + 1));
  }
});

test('the preface renders its formula with KaTeX and logs no console error', async ({ page, problems }) => {
  await openChapter(page, 'preface');
  await expect(page.locator('.katex-display').first()).toBeVisible();
  await expect(page.locator('.katex-error')).toHaveCount(0);
  await expect(page.locator('h2#first-formula')).toBeVisible();
  expect(problems.errors).toEqual([]);
  expect(problems.foreign).toEqual([]);
});

test('widgets that compute on the CPU never start WebGPU; the badge says so, and names the adapter once the LeNet view asks for the GPU', async ({ page }) => {
  // Counts the page's requests for a GPU adapter (what starting WebGPU begins with).
  await page.addInitScript(() => {
    const w = window as unknown as { __adapterRequests: number };
    w.__adapterRequests = 0;
    const gpu = navigator.gpu;
    if (!gpu) return;
    const request = gpu.requestAdapter.bind(gpu);
    Object.defineProperty(gpu, 'requestAdapter', { value: (o?: GPURequestAdapterOptions) => (w.__adapterRequests++, request(o)), configurable: true });
  });
  // The reader chose WebGPU (on SwiftShader the automatic choice is WebAssembly, see backend-choice.spec.ts).
  await computeOn(page, 'webgpu');
  await openChapter(page, 'image-convolution');
  const badge = page.locator('.backend-badge');
  // Cross-correlation, learning a kernel and the editable layer stack have computed, all on the CPU.
  const corr2d = page.locator('[data-widget="corr2d"]').first();
  await expect(corr2d.locator('td[data-value]').first()).toBeVisible({ timeout: 30_000 });
  await expect(page.locator('[data-widget="learn-kernel"]').getByRole('table', { name: 'Learned kernel' })).toBeVisible({ timeout: 30_000 });
  const rf = page.locator('[data-widget="receptive-field"]');
  await expect(rf.locator('.b-check').first()).toHaveAttribute('data-agrees', 'true', { timeout: 30_000 });
  expect(await page.evaluate(() => (window as unknown as { __adapterRequests: number }).__adapterRequests)).toBe(0);
  await expect(badge).toHaveAttribute('data-backend', 'idle');
  await expect(badge).toContainText('CPU · WebGPU when needed');
  // A laptop's header has room for the whole line: nothing of it is cut off.
  expect(page.viewportSize()!.width).toBeLessThanOrEqual(1280);
  expect(await badge.locator('.backend-badge-toggle').evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
  // The trained LeNet (its receptive fields stand in the LeNet chapter) runs on the GPU: showing it starts WebGPU.
  await expect(rf.locator('[data-part="lenet"]')).toHaveCount(0);
  await openChapter(page, 'lenet');
  await page.locator('[data-widget="receptive-field"][data-widget-part="lenet"] [data-part="lenet"]').scrollIntoViewIfNeeded();
  await expect(badge).toHaveAttribute('data-backend', 'webgpu', { timeout: 60_000 });
  await expect(badge).toContainText('WebGPU');
  // The page itself asks for the adapter (the badge may turn first, for the training worker's).
  await expect.poll(() => page.evaluate(() => (window as unknown as { __adapterRequests: number }).__adapterRequests), { timeout: 60_000 }).toBeGreaterThan(0);
});

test('the table of contents links chapters and previous/next navigation works', async ({ page }) => {
  await openChapter(page, 'preface');
  const toc = page.getByRole('navigation', { name: 'Contents' });
  const titles = await toc.locator('ol a').allTextContents();
  expect(titles[0]).toBe('Preface');
  expect(titles.every((t) => t.trim().length > 0)).toBe(true);
  const next = page.locator('.prev-next a[rel="next"]');
  if ((await next.count()) > 0) {
    await next.click();
    await expect(page).toHaveURL(/\?c=/);
    await expect(page.locator('article h1')).toBeVisible();
    await page.goBack();
    await expect(page.locator('article[data-chapter="preface"]')).toBeVisible();
  }
});

test('the language switch shows the Chinese preface and is remembered', async ({ page }) => {
  await openChapter(page, 'preface');
  await page.getByLabel('Language').selectOption('zh');
  await expect(page.locator('article h1')).toHaveText('前言');
  await page.reload();
  await expect(page.locator('article h1')).toHaveText('前言');
});
