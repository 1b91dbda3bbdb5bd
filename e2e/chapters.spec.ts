import { test, expect, openChapter } from './fixtures';

// Every page's render, anchors and widgets are checked in the walk of pages.spec.ts.

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

test('a chapter reached from the contents or the Next link opens at its top, its exercises not taking the focus', async ({ page }) => {
  await openChapter(page, 'pooling', 'en');
  // LeNet ends with code exercises that open ready to edit; none may pull the page down to it.
  await page.locator('nav.toc a[href*="c=lenet"]').first().click();
  await expect(page.locator('article h1')).toContainText('LeNet');
  await expect(page.locator('[data-widget="train-model"]')).toBeAttached({ timeout: 30_000 });
  await page.waitForTimeout(1500);
  expect(await page.evaluate(() => window.scrollY)).toBeLessThan(200);
  expect(await page.evaluate(() => document.activeElement?.tagName)).not.toBe('TEXTAREA');
  await page.locator('nav.prev-next a[rel="next"]').click();
  await expect(page.locator('article h1')).toContainText('AlexNet');
  await page.waitForTimeout(1500);
  expect(await page.evaluate(() => window.scrollY)).toBeLessThan(200);
  expect(await page.evaluate(() => document.activeElement?.tagName)).not.toBe('TEXTAREA');
});

test('every page names itself in the tab title', async ({ page }) => {
  for (const [query, title] of [
    ['?c=lenet', /^LeNet · /],
    ['?c=train', /^Train the model zoo · /],
    ['?c=lab', /^Lab · /],
    ['?c=no-such-page', /^No such chapter · /],
    ['?c=pooling&lang=zh', /^汇聚层 · 动手学卷积神经网络$/],
  ] as const) {
    await page.goto(`./${query}`);
    await expect(page).toHaveTitle(title);
  }
});

test('an address that names no chapter leads to the one it most likely meant', async ({ page }) => {
  // Another spelling of a chapter (its file name, its title) opens that chapter at its own address.
  await page.goto('./?c=13-resnet');
  await expect(page.locator('article[data-chapter="resnet"] h1')).toBeVisible();
  expect(new URL(page.url()).searchParams.get('c')).toBe('resnet');
  // A typo gets a page that says what was asked for and offers the nearest chapters.
  await page.goto('./?c=alexnte');
  await expect(page.getByRole('heading', { level: 1, name: 'No such chapter' })).toBeVisible();
  await expect(page.locator('main code')).toHaveText('alexnte');
  await page.getByRole('link', { name: 'AlexNet' }).and(page.locator('main a')).click();
  await expect(page.locator('article[data-chapter="alexnet"] h1')).toBeVisible();
  // The lab and the training page are offered too.
  await page.goto('./?c=training');
  await page.locator('main').getByRole('link', { name: 'Train the model zoo' }).click();
  await expect(page).toHaveTitle(/^Train the model zoo · /);
});

// The chapter's code and each widget's are files of their own, fetched when the chapter opens.
// A chapter that did not arrive says so in its place; a widget that did not arrive says so in
// its own place, under the chapter's text, which stays readable. (Without the service worker:
// once it has precached the book, it serves the files itself and the network is never asked.)
test.describe('without the service worker', () => {
  test.use({ serviceWorkers: 'block' });
  for (const [what, file, message] of [
    ['code', /\/assets\/03-dense-to-conv-[^/]*\.js$/, 'This chapter could not be loaded.'],
    ['widget', /\/assets\/dense-vs-conv-[^/]*\.js$/, 'This part of the page could not be shown'],
  ] as const) {
    test(`a chapter whose ${what} failed to arrive loads when the reader tries again`, async ({ page }) => {
      await openChapter(page, 'preface', 'en');
      let dropped = 0;
      await page.route(file, (route) => {
        dropped++;
        return route.abort('internetdisconnected');
      });
      await page.locator('nav a', { hasText: 'From Dense Layers to Convolutions' }).first().click();
      const alert = page.getByRole('alert').filter({ hasText: message });
      await expect(alert.first()).toBeVisible();
      expect(dropped).toBeGreaterThan(0);
      if (what === 'widget') {
        await expect(page.locator('article[data-chapter="dense-to-conv"] h1')).toBeVisible();
        await expect(alert.first()).toHaveAttribute('data-failed-widget', 'dense-vs-conv');
      }
      await page.unroute(file);
      // One "Try again" brings back every part that failed.
      await alert.first().getByRole('button', { name: 'Try again' }).click();
      await expect(page.locator('article[data-chapter="dense-to-conv"] h1')).toBeVisible();
      await expect(page.locator('[data-widget="dense-vs-conv"]').first()).toBeVisible();
      await expect(alert).toHaveCount(0);
    });
  }
});
