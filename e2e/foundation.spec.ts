import { test, expect, openChapter } from './fixtures';

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

test('the page says which backend computes and names the WebGPU adapter', async ({ page }) => {
  await openChapter(page, 'preface');
  const badge = page.locator('.backend-badge');
  await expect(badge).toHaveAttribute('data-backend', 'webgpu', { timeout: 30_000 });
  await expect(badge).toContainText('WebGPU');
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
