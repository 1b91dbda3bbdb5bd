import AxeBuilder from '@axe-core/playwright';
import { test, expect, openChapter, WCAG } from './fixtures';
import { readdirSync } from 'node:fs';

const PAGES = [...readdirSync('chapters/en').map((f) => f.replace(/\.mdx$/, '').replace(/^\d+-/, '')), 'lab', 'train'];

async function axe(page: import('@playwright/test').Page, onlyContrast = false) {
  // Let lazy widgets mount and their first results arrive before scanning.
  await expect(page.locator('.widget-loading')).toHaveCount(0, { timeout: 60_000 });
  const builder = new AxeBuilder({ page }).withTags(WCAG);
  // Themes change colours only: in the dark and contrast themes, re-check colour rules alone.
  if (onlyContrast) builder.withRules(['color-contrast', 'link-in-text-block']);
  const results = await builder.analyze();
  return results.violations.map((v) => `${v.id} (${v.nodes.length}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

function setTheme(theme: string) {
  const raw = localStorage.getItem('cnn-book-settings');
  const s = raw ? JSON.parse(raw) : { state: { lang: 'en', codeLang: 'ts' }, version: 1 };
  s.state.theme = theme;
  localStorage.setItem('cnn-book-settings', JSON.stringify(s));
}

for (const slug of PAGES) {
  test(`${slug} passes axe (WCAG 2.2 A/AA) in English, and its colours pass in every theme`, async ({ page }) => {
    test.setTimeout(240_000);
    await openChapter(page, slug, 'en');
    expect(await axe(page), 'light theme').toEqual([]);
    for (const theme of ['dark', 'contrast']) {
      await page.evaluate(setTheme, theme);
      await page.reload();
      await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
      expect(await axe(page, true), `${theme} theme`).toEqual([]);
    }
  });

}

// The Chinese pages share every widget and style with the English ones: scan a sample.
for (const slug of ['preface', 'image-convolution', 'lenet', 'lab']) {
  test(`${slug} passes axe in Chinese`, async ({ page }) => {
    test.setTimeout(180_000);
    await openChapter(page, slug, 'zh');
    expect(await axe(page)).toEqual([]);
  });
}

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
