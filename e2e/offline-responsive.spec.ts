import { readdirSync } from 'node:fs';
import { test, expect, openChapter, settledInView } from './fixtures';

test('offline after a first visit, the book reloads with every chapter, and LeNet still trains from the cached dataset', async ({ page, context }) => {
  test.setTimeout(300_000);
  await openChapter(page, 'train');
  await page.waitForFunction(async () => !!(await navigator.serviceWorker.getRegistration())?.active, null, { timeout: 60_000 });
  const w = page.locator('[data-widget="train-model"]').first();
  await w.getByLabel('Epochs').fill('1');
  await w.getByLabel('Batch size').fill('8');
  await w.getByRole('button', { name: 'Start training' }).click();
  await expect.poll(async () => Number(await w.locator('[data-stat="step"]').getAttribute('data-value')), { timeout: 90_000 }).toBeGreaterThan(2);
  await w.getByRole('button', { name: 'Stop' }).click();

  // The service worker controls the page before the network goes (it claims it on activation).
  await page.waitForFunction(() => !!navigator.serviceWorker.controller, null, { timeout: 30_000 });
  await context.setOffline(true);
  await page.reload();
  await expect(page.locator('article[data-chapter="train"] h1')).toBeVisible();
  const w2 = page.locator('[data-widget="train-model"]').first();
  await w2.getByLabel('Epochs').fill('1');
  await w2.getByLabel('Batch size').fill('8');
  const before = Number((await w2.locator('[data-stat="step"]').getAttribute('data-value')) ?? 0);
  await w2.getByRole('button', { name: /Start training|Resume|Train again/ }).first().click();
  await expect.poll(async () => Number(await w2.locator('[data-stat="step"]').getAttribute('data-value')), { timeout: 90_000 }).toBeGreaterThan(before + 2);
  await w2.getByRole('button', { name: 'Stop' }).click();

  // Every page of the contents, still offline.
  const links = await page.getByRole('navigation', { name: 'Contents' }).locator('ol a').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
  expect(links.length).toBe(readdirSync('chapters/en').filter((f) => f.endsWith('.mdx')).length);
  for (const href of links) {
    await page.goto(href);
    await expect(page.locator('article h1'), `${href}, offline`).toBeVisible();
    await expect(page.locator('.error-box'), `${href}, offline`).toHaveCount(0);
  }
  await context.setOffline(false);
});

// 200% zoom of a 1280x800 window lays the page out in a 640x400 CSS-pixel viewport.
for (const [name, width, height] of [
  ['a 360 px phone', 360, 740],
  ['200% zoom on a 1280 px screen', 640, 400],
  ['a projector at 1920 px', 1920, 1080],
] as const) {
  test(`no horizontal scroll on ${name}`, async ({ page }) => {
    await page.setViewportSize({ width, height });
    for (const slug of ['preface', 'image-convolution', 'padding-stride', 'lenet', 'resnet', 'lab']) {
      await openChapter(page, slug);
      // Measured once the widgets in view have arrived and shown their first results.
      await settledInView(page);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, `${slug} scrolls sideways by ${overflow}px`).toBeLessThanOrEqual(0);
    }
  });
}
