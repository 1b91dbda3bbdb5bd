import { test as base, expect, type Page } from '@playwright/test';

/** Collects console errors, page errors and requests to other origins for every test. */
export const test = base.extend<{ problems: { errors: string[]; foreign: string[] } }>({
  problems: async ({ page, baseURL }, use) => {
    const problems = { errors: [] as string[], foreign: [] as string[] };
    const origin = new URL(baseURL!).origin;
    page.on('console', (m) => {
      if (m.type() === 'error') problems.errors.push(m.text());
    });
    page.on('pageerror', (e) => problems.errors.push(`pageerror: ${e.message}`));
    page.on('request', (r) => {
      const u = r.url();
      if (!u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:')) problems.foreign.push(u);
    });
    await use(problems);
  },
});

export { expect };

export async function openChapter(page: Page, slug: string, lang?: 'en' | 'zh') {
  await page.goto(`./?c=${slug}${lang ? `&lang=${lang}` : ''}`);
  await expect(page.locator(`article[data-chapter="${slug}"] h1`)).toBeVisible();
}
