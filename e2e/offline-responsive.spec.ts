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

// The page not scrolling sideways is not enough: a widget whose body scrolls sideways as a
// whole carries its prose and buttons away with a wide table. Wide content scrolls in a
// region of its own (ScrollRegion), and no table cell spills its text into the next.
test('on a 360 px phone, no widget scrolls sideways as a whole and no table cell spills over', async ({ page }) => {
  test.setTimeout(240_000);
  await page.setViewportSize({ width: 360, height: 740 });
  for (const [slug, lang] of [['lab', 'en'], ['lab', 'zh'], ['parameters', 'en'], ['alexnet', 'en'], ['nin', 'zh']] as const) {
    await openChapter(page, slug, lang);
    // Down the whole page, so that every widget mounts and shows its first results.
    for (let i = 0; i < 200; i++) {
      const end = await page.evaluate(() => {
        window.scrollBy(0, window.innerHeight);
        return window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 2;
      });
      await settledInView(page);
      if (end) break;
    }
    const spills = await page.evaluate(() => {
      const found: string[] = [];
      for (const body of document.querySelectorAll('.widget-body')) {
        const over = body.scrollWidth - body.clientWidth;
        if (over > 0) found.push(`the ${body.closest('[data-widget]')?.getAttribute('data-widget')} widget scrolls sideways by ${over}px`);
      }
      for (const cell of document.querySelectorAll('.widget-body td, .widget-body th')) {
        if (cell.scrollWidth > cell.clientWidth + 1) found.push(`"${cell.textContent?.slice(0, 30)}" spills out of its cell`);
      }
      return found;
    });
    expect(spills, `${slug} (${lang})`).toEqual([]);
  }
});
