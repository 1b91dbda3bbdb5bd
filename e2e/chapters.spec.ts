import { test, expect, openChapter } from './fixtures';

const chapterSlugs = async (page: import('@playwright/test').Page) => {
  await openChapter(page, 'preface');
  const slugs = await page
    .getByRole('navigation', { name: 'Contents' })
    .locator('ol a')
    .evaluateAll((as) => as.map((a) => new URL((a as HTMLAnchorElement).href).searchParams.get('c')!));
  // These tests visit every chapter: each chapter adds its own time, so a new one does not eat the others'.
  test.setTimeout(30_000 + 15_000 * slugs.length);
  return slugs;
};

for (const lang of ['en', 'zh'] as const) {
  test(`every chapter renders in ${lang} with every widget mounted, no console error and no KaTeX error`, async ({ page, problems }) => {
    const slugs = await chapterSlugs(page);
    expect(slugs.length).toBeGreaterThan(0);
    for (const slug of slugs) {
      await openChapter(page, slug, lang);
      // Every embedded widget has mounted (no lazy placeholder left) and none failed.
      await expect(page.locator('.widget-loading')).toHaveCount(0, { timeout: 60_000 });
      await expect(page.locator('.error-box')).toHaveCount(0);
      await expect(page.locator('.katex-error')).toHaveCount(0);
      const ids = await page.locator('.chapter-body > h2[id]').evaluateAll((hs) => hs.map((h) => h.id));
      expect(new Set(ids).size, `${slug}: heading anchors are unique`).toBe(ids.length);
    }
    expect(problems.errors).toEqual([]);
    expect(problems.foreign).toEqual([]);
  });
}

test('headings carry the same anchors in English and Chinese', async ({ page }) => {
  const slugs = await chapterSlugs(page);
  for (const slug of slugs) {
    await openChapter(page, slug, 'en');
    const en = await page.locator('.chapter-body > :is(h1,h2,h3)[id]').evaluateAll((hs) => hs.map((h) => h.id));
    await openChapter(page, slug, 'zh');
    const zh = await page.locator('.chapter-body > :is(h1,h2,h3)[id]').evaluateAll((hs) => hs.map((h) => h.id));
    expect(zh, slug).toEqual(en);
  }
});

test('a link to a section opens the chapter scrolled to that section', async ({ page }) => {
  await page.goto('./?c=preface#first-formula');
  await expect(page.locator('h2#first-formula')).toBeInViewport();
});

test('search finds a section across chapters and opens it at its anchor', async ({ page }) => {
  await openChapter(page, 'preface', 'en');
  const box = page.getByRole('combobox', { name: 'Search the book' });
  await box.fill('cross-correlation');
  const options = page.getByRole('option');
  await expect(options.first()).toBeVisible();
  await box.press('Enter');
  await expect(page).toHaveURL(/\?c=[\w-]+#[\w-]+/);
  await expect(page.locator('article h1')).toBeVisible();
});

test('search works in Chinese', async ({ page }) => {
  await openChapter(page, 'preface', 'zh');
  const box = page.getByRole('combobox', { name: '搜索全书' });
  await box.fill('互相关');
  await expect(page.getByRole('option').first()).toBeVisible();
});
