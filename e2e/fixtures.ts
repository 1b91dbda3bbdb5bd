import { test as base, expect, type Locator, type Page } from '@playwright/test';

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

/** Draws a stroke with the mouse through `points`, given as fractions of the canvas's box. */
export async function drawStroke(page: Page, canvas: Locator, points: readonly (readonly [number, number])[]) {
  await canvas.scrollIntoViewIfNeeded();
  const box = (await canvas.boundingBox())!;
  const at = ([x, y]: readonly [number, number]) => [box.x + box.width * x, box.y + box.height * y] as const;
  await page.mouse.move(...at(points[0]));
  await page.mouse.down();
  for (const p of points.slice(1)) await page.mouse.move(...at(p), { steps: 6 });
  await page.mouse.up();
}
