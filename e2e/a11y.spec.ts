import { test, expect, openChapter, startTraining, waitForState, axeFindings, chooseTheme, wcagAxe } from './fixtures';
import { readdirSync } from 'node:fs';

const PAGES = [...readdirSync('chapters/en').map((f) => f.replace(/\.mdx$/, '').replace(/^\d+-/, '')), 'lab', 'train'];

async function axe(page: import('@playwright/test').Page, onlyContrast = false) {
  // Let lazy widgets mount and their first results arrive before scanning.
  await expect(page.locator('.widget-loading')).toHaveCount(0, { timeout: 60_000 });
  return axeFindings(page, onlyContrast);
}

// Every other page is scanned in the walk of pages.spec.ts.

// A returning reader: reading progress stored the way the progress store persists it
// (localStorage 'cnn-book-progress'), so the contents show a progress bar under every chapter.
const CHAPTERS = PAGES.slice(0, -2);
const READ = Object.fromEntries(CHAPTERS.map((slug, i) => [slug, (i + 1) / CHAPTERS.length]));
for (const [slug, lang] of [['preface', 'en'], ['preface', 'zh']] as const) {
  test(`${slug} passes axe in ${lang === 'en' ? 'English' : 'Chinese'} for a returning reader with reading progress stored`, async ({ page }) => {
    test.setTimeout(180_000);
    await page.addInitScript((read) => localStorage.setItem('cnn-book-progress', JSON.stringify({ state: { read }, version: 1 })), READ);
    await openChapter(page, slug, lang);
    const bars = page.locator('.toc .toc-progress');
    await expect(bars).toHaveCount(CHAPTERS.length);
    // Each bar is a named progress bar with its value (a chapter other than this one, so scrolling cannot change it).
    const other = CHAPTERS.indexOf(slug === 'preface' ? 'pooling' : 'preface');
    await expect(page.getByRole('progressbar')).toHaveCount(CHAPTERS.length);
    await expect(bars.nth(other)).toHaveAttribute('aria-valuenow', String(Math.round(READ[CHAPTERS[other]] * 100)));
    await expect(bars.nth(other)).toHaveAttribute('aria-valuemin', '0');
    await expect(bars.nth(other)).toHaveAttribute('aria-valuemax', '100');
    await expect(bars.nth(other)).toHaveAccessibleName(/.+/);
    expect(await axe(page)).toEqual([]);
  });
}

test('lenet passes axe for a returning reader who has trained LeNet, its colours in every theme, and in presenter mode', async ({ page }) => {
  test.setTimeout(600_000);
  await page.addInitScript((read) => localStorage.setItem('cnn-book-progress', JSON.stringify({ state: { read }, version: 1 })), READ);
  // A short run, paused: the checkpoint the chapter's training view and trained-model widgets read.
  const w = await startTraining(page, { batch: 64 }, 3);
  await w.getByRole('button', { name: 'Pause' }).click();
  await waitForState(w, 'paused');
  await openChapter(page, 'lenet', 'en');
  await expect(page.locator('.toc .toc-progress')).toHaveCount(CHAPTERS.length);
  const trainer = page.locator('[data-widget="train-model"]').first();
  await expect(trainer).toHaveAttribute('data-state', /paused|stopped|done|idle/, { timeout: 60_000 });
  expect(await axe(page), 'page').toEqual([]);
  for (const theme of ['dark', 'contrast']) {
    await chooseTheme(page, theme);
    expect(await axe(page, true), `${theme} theme`).toEqual([]);
  }
  // Presenter mode, step by step through the first steps (text, the dataset's samples, the architecture).
  await page.keyboard.press('p');
  const position = page.locator('.presenter-position');
  await expect(position).toHaveText(/^1 \//);
  const body = page.locator('.chapter-body');
  for (let i = 0; i < 4; i++) {
    expect(await axe(page), `presenter step ${i + 1}`).toEqual([]);
    // A step taller than the screen is cut into pages (data-fit is "step.page"); the clicker walks them, then the next step.
    for (let n = 0; n < 10; n++) {
      const before = (await body.getAttribute('data-fit')) ?? '';
      if (before.startsWith(`${i + 1}.`)) break;
      await page.keyboard.press('ArrowRight');
      await expect(body).not.toHaveAttribute('data-fit', before);
    }
    await expect(position).toHaveText(new RegExp(`^${i + 2} /`));
  }
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

// WCAG 2.1.1 at the reflow width of 1.4.10 (320 CSS px: a phone, or 400% zoom): a formula,
// diagram or widget code line wider than the screen scrolls sideways, so it must take
// keyboard focus; on a wide screen the same formulas are no tab stops.
test('on a 320 px screen whatever scrolls sideways is reachable by keyboard, only while it does, and engine lines show whole', async ({ page }) => {
  test.setTimeout(240_000);
  await page.setViewportSize({ width: 320, height: 640 });
  for (const [slug, lang] of [['padding-stride', 'en'], ['image-convolution', 'en'], ['resnet', 'en'], ['dense-to-conv', 'zh'], ['lab', 'en']] as const) {
    await openChapter(page, slug, lang);
    await expect(page.locator('.widget-loading')).toHaveCount(0, { timeout: 60_000 });
    // The scrollers are taken up within 200 ms of the content that made them wide (a
    // widget's formula widens when its result arrives): any left out after that fails.
    await expect(page.locator('[data-scroll-reach]').first()).toBeAttached();
    const unreachable = async () => {
      const r = await wcagAxe(page).withRules(['scrollable-region-focusable']).analyze();
      return r.violations.flatMap((v) => v.nodes.map((n) => `${slug}: ${n.target.join(' ')}`));
    };
    await expect.poll(unreachable, { timeout: 10_000 }).toEqual([]);
  }
  // A long formula of the padding chapter: a named region that the arrow keys scroll.
  await openChapter(page, 'padding-stride');
  // The widget's engine line shows its short form whole instead of cutting the full one off.
  const engine = page.locator('[data-widget="padding-stride"] .widget-backend');
  await expect(engine.locator('.engine-short')).toHaveText('Engine: CPU');
  await expect(engine.locator('.engine-short')).toBeVisible();
  expect(await engine.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
  const formula = page.locator('.katex-display[data-scroll-reach]').first();
  await expect(formula).toHaveAttribute('role', 'region');
  await expect(formula).toHaveAccessibleName('Formula');
  // Its edges show that it goes on: faded where there is more beyond, crisp where it ends
  // (the opaque stretch of its mask runs from the left fade's end to the right fade's start).
  const opaque = () => formula.evaluate((el) => /rgb\(0, 0, 0\) (.*), rgb\(0, 0, 0\) (.*), rgba/.exec(getComputedStyle(el).maskImage)?.slice(1));
  await expect.poll(opaque).toEqual(['0px', 'calc(100% - 40px)']);
  await formula.evaluate((el) => el.scrollTo({ left: el.scrollWidth }));
  await expect.poll(opaque).toEqual(['40px', '100%']);
  await formula.evaluate((el) => el.scrollTo({ left: 0 }));
  await expect(page.locator('.chapter pre[data-overflows]').first()).toBeAttached();
  await formula.focus();
  // While it has the keyboard's focus, nothing hides its focus ring.
  expect(await formula.evaluate((el) => getComputedStyle(el).maskImage)).toBe('none');
  await page.keyboard.press('ArrowRight');
  await expect.poll(() => formula.evaluate((el) => el.scrollLeft)).toBeGreaterThan(0);
  // Wide enough for every formula: none is a tab stop any more.
  await formula.blur();
  await page.setViewportSize({ width: 1280, height: 900 });
  await expect(page.locator('.katex-display[tabindex]')).toHaveCount(0);
  await expect(page.locator('.katex-display[data-overflows]')).toHaveCount(0);
  await expect(engine.locator('.engine-short')).toBeHidden();
  expect(await engine.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
});

test('in forced colours (Windows high contrast), which drop hatching, shadows and fills, padding cells, receptive fields, shaded maps and heat maps, the current chapter and share bars stay marked', async ({ page }) => {
  await page.emulateMedia({ forcedColors: 'active' });
  await openChapter(page, 'padding-stride');
  const pad = page.locator('[data-widget="padding-stride"] td.cell-pad').first();
  await expect(pad).toBeAttached({ timeout: 60_000 });
  expect(await pad.evaluate((el) => getComputedStyle(el).borderTopStyle)).toBe('dashed');
  const inner = page.locator('[data-widget="padding-stride"] td:not(.cell-pad)').first();
  expect(await inner.evaluate((el) => getComputedStyle(el).borderTopStyle)).toBe('solid');
  // The receptive-field maps mark the field and the chosen cell with shadows elsewhere.
  await openChapter(page, 'image-convolution');
  const field = page.locator('[data-widget="receptive-field"] .rf-cell.rf-hot').first();
  await expect(field).toBeAttached({ timeout: 60_000 });
  expect(await field.evaluate((el) => getComputedStyle(el).outlineStyle)).toBe('dashed');
  const chosen = page.locator('[data-widget="receptive-field"] .rf-cell.rf-selected').first();
  expect(await chosen.evaluate((el) => [getComputedStyle(el).outlineStyle, getComputedStyle(el).outlineWidth])).toEqual(['solid', '4px']);
  // Shaded maps keep their shading, in system colours: one background for each level.
  const shades = (cells: string, level: string) =>
    page.locator(cells).evaluateAll((els, prop) => {
      const levels = new Set(els.map((el) => (el as HTMLElement).style.getPropertyValue(prop)));
      return { levels: levels.size, backgrounds: new Set(els.map((el) => getComputedStyle(el).backgroundColor)).size };
    }, level);
  const maps = await shades('[data-widget="receptive-field"] .rf-cell.rf-shaded', '--rf-heat');
  expect(maps.levels).toBeGreaterThan(1);
  expect(maps.backgrounds).toBe(maps.levels);
  // Fills that carry meaning (the current chapter, the dense-vs-conv share bars) keep a
  // system colour where every other background gives way to the page's.
  const canvas = await page.locator('body').evaluate((el) => getComputedStyle(el).backgroundColor);
  const current = page.locator('.toc a[aria-current="page"]');
  expect(await current.evaluate((el) => getComputedStyle(el).backgroundColor)).not.toBe(canvas);
  await openChapter(page, 'dense-to-conv');
  const bar = page.locator('[data-widget="dense-vs-conv"] .dc-bar').first();
  await expect(bar).toBeAttached({ timeout: 60_000 });
  expect(await bar.evaluate((el) => getComputedStyle(el).backgroundColor)).not.toBe(canvas);
  // A heat map's cells (the parameters widget's weights) keep the shading of their values.
  await openChapter(page, 'parameters');
  const heat = '[data-widget="parameters"] .matrix td[style*="--heat"]';
  await expect(page.locator(heat).first()).toBeAttached({ timeout: 60_000 });
  const weights = await shades(heat, '--heat');
  expect(weights.levels).toBeGreaterThan(3);
  expect(weights.backgrounds).toBe(weights.levels);
});

test('the System theme follows a request for more contrast, and a theme the reader picks overrides it', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light', contrast: 'more' });
  await openChapter(page, 'preface');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'contrast');
  // Live: the system setting changes while the page is open.
  await page.emulateMedia({ colorScheme: 'light', contrast: 'no-preference' });
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  await page.emulateMedia({ colorScheme: 'dark', contrast: 'more' });
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'contrast');
  await chooseTheme(page, 'light');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
});
