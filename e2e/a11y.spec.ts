import AxeBuilder from '@axe-core/playwright';
import { test, expect, openChapter } from './fixtures';

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

async function axe(page: import('@playwright/test').Page, onlyContrast = false) {
  const builder = new AxeBuilder({ page }).withTags(TAGS);
  // Themes change colours only: in the dark and contrast themes, re-check contrast alone.
  if (onlyContrast) builder.withRules(['color-contrast', 'link-in-text-block']);
  const results = await builder.analyze();
  return results.violations.map((v) => `${v.id} (${v.nodes.length}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

async function slugs(page: import('@playwright/test').Page): Promise<string[]> {
  await openChapter(page, 'preface');
  return page
    .getByRole('navigation', { name: 'Contents' })
    .locator('a')
    .evaluateAll((as) => as.map((a) => new URL((a as HTMLAnchorElement).href).searchParams.get('c')!).filter((c) => c !== 'teacher'));
}

for (const theme of ['light', 'dark', 'contrast'] as const) {
  test(`every page passes axe (WCAG 2.2 A/AA) in the ${theme} theme`, async ({ page }) => {
    test.setTimeout(300_000);
    await page.addInitScript((t) => {
      const raw = localStorage.getItem('cnn-book-settings');
      const s = raw ? JSON.parse(raw) : { state: { lang: 'en', codeLang: 'ts' }, version: 1 };
      s.state.theme = t;
      localStorage.setItem('cnn-book-settings', JSON.stringify(s));
    }, theme);
    const all = await slugs(page);
    const failures: Record<string, string[]> = {};
    for (const slug of all) {
      await openChapter(page, slug);
      await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
      const v = await axe(page, theme !== 'light');
      if (v.length) failures[slug] = v;
    }
    expect(failures).toEqual({});
  });
}

test('the Chinese pages pass axe too (contrast and names)', async ({ page }) => {
  test.setTimeout(300_000);
  const all = await slugs(page);
  const failures: Record<string, string[]> = {};
  for (const slug of all) {
    await openChapter(page, slug, 'zh');
    const v = await axe(page);
    if (v.length) failures[slug] = v;
  }
  expect(failures).toEqual({});
});

test('every control in the header is reachable and labelled by keyboard', async ({ page }) => {
  await openChapter(page, 'preface');
  const names: string[] = [];
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press('Tab');
    names.push(await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      return el ? `${el.tagName}:${el.getAttribute('aria-label') ?? el.textContent?.trim().slice(0, 30) ?? ''}` : '';
    }));
  }
  expect(names.some((n) => n.includes('Skip to content'))).toBe(true);
  expect(names.some((n) => n.startsWith('INPUT:'))).toBe(true); // search
  expect(names.some((n) => n === 'SELECT:Language')).toBe(true);
  expect(names.some((n) => n === 'SELECT:Theme')).toBe(true);
});
