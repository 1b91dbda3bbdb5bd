import type { BrowserContext, Page } from '@playwright/test';
import { test, expect, openChapter, wcagAxe, axeFindings } from './fixtures';

test('presenter mode steps through a chapter by keyboard alone', async ({ page }) => {
  await openChapter(page, 'preface');
  await page.keyboard.press('p');
  await expect(page.locator('html')).toHaveAttribute('data-presenting', '');
  const position = page.locator('.presenter-position');
  await expect(position).toHaveText(/^1 \/ \d+$/);
  const total = Number((await position.textContent())!.split('/')[1]);
  expect(total).toBeGreaterThan(2);
  // One step at a time: only the first step's blocks are visible.
  await expect(page.locator('h2#organisation')).toBeHidden();
  await page.keyboard.press('ArrowRight');
  await expect(position).toHaveText(`2 / ${total}`);
  await expect(page.locator('h2#organisation')).toBeVisible();
  await page.keyboard.press('PageDown');
  await expect(position).toHaveText(`3 / ${total}`);
  await page.keyboard.press('PageUp');
  await expect(position).toHaveText(`2 / ${total}`);
  await page.keyboard.press('Escape');
  await expect(page.locator('html')).not.toHaveAttribute('data-presenting', '');
  await expect(page.locator('h2#first-formula')).toBeVisible();
});

test('presenter mode steps by pointer too: the bar’s step buttons, arrows shown and keys named, one step a press', async ({ page }) => {
  await page.setViewportSize({ width: 1024, height: 768 });
  await openChapter(page, 'preface');
  const bar = page.getByRole('toolbar', { name: 'Presenter' });
  // Not presenting: nothing to step.
  await expect(bar.getByRole('button', { name: 'Next step' })).toHaveCount(0);
  await bar.getByRole('button', { name: /Present/ }).click();
  const position = page.locator('.presenter-position');
  await expect(position).toHaveText(/^1 \/ \d+$/);
  const total = Number((await position.textContent())!.split('/')[1]);
  const next = bar.getByRole('button', { name: 'Next step' });
  const back = bar.getByRole('button', { name: 'Previous step' });
  await expect(next).toHaveAttribute('aria-keyshortcuts', /ArrowRight/);
  await expect(next).toHaveAttribute('title', /→/);
  await next.click();
  await expect(position).toHaveText(`2 / ${total}`);
  await expect(page.locator('h2#organisation')).toBeVisible();
  // The focused button does not turn a key press into two steps.
  await page.keyboard.press('Space');
  await expect(position).toHaveText(`3 / ${total}`);
  await page.keyboard.press('Enter');
  await expect(position).toHaveText(`4 / ${total}`);
  await back.click();
  await expect(position).toHaveText(`3 / ${total}`);
  // The bar keeps its one line: every control inside the screen's width.
  for (const b of await bar.getByRole('button').all()) {
    const box = (await b.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(1024);
  }
  // On a phone, the arrows stay and the words leave the screen, not the buttons' names.
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(next).toBeInViewport();
  expect((await next.boundingBox())!.width).toBeLessThan(60);
  await next.click();
  await expect(position).toHaveText(`4 / ${total}`);
});

test('presenter mode uses large type at 1280x720', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await openChapter(page, 'preface');
  await page.keyboard.press('p');
  const size = await page.evaluate(() => parseFloat(getComputedStyle(document.querySelector('.chapter p')!).fontSize));
  expect(size).toBeGreaterThanOrEqual(24);
});

/**
 * The preface presented, with the teacher window open beside it and one step taken on the
 * projector, which the teacher window has followed.
 */
async function presentWithTeacher(page: Page, context: BrowserContext) {
  await openChapter(page, 'preface');
  await page.keyboard.press('p');
  const teacher = await context.newPage();
  await teacher.goto('./?c=teacher');
  const pos = teacher.locator('.teacher-position');
  await expect(pos).toHaveAttribute('data-step', '0');
  await page.keyboard.press('ArrowRight');
  await expect(pos).toHaveAttribute('data-step', '1');
  return { teacher, pos };
}

test('a teacher window opened first explains how the two windows work, then follows the projector once it presents', async ({ page, context }) => {
  // Opened before any window of the book shows a chapter.
  const teacher = await context.newPage();
  await teacher.goto('./?c=teacher');
  await expect(teacher.locator('.teacher [role="status"]')).toHaveText('Waiting for the projected window…');
  const how = teacher.getByRole('region', { name: 'How the two windows work together' });
  await expect(how.getByRole('listitem')).toHaveCount(3);
  await expect(how).toContainText('press P');
  expect(await axeFindings(teacher)).toEqual([]);
  // The projector opens a chapter and presents: the teacher window shows where it is, and the explanation goes.
  await openChapter(page, 'preface');
  await page.keyboard.press('p');
  await expect(teacher.locator('.teacher-position')).toHaveAttribute('data-step', '0');
  await expect(how).toHaveCount(0);
});

test('the teacher window and the projected window stay in step', async ({ page, context }) => {
  const { teacher, pos } = await presentWithTeacher(page, context);
  // And back the other way: the teacher moves the projector.
  await teacher.getByRole('button', { name: /Next step/ }).click();
  await expect(page.locator('.presenter-position')).toHaveText(/^3 \//);
  await expect(pos).toHaveAttribute('data-step', '2');
  await teacher.getByRole('navigation', { name: 'All steps' }).getByRole('button').first().click();
  await expect(page.locator('.presenter-position')).toHaveText(/^1 \//);
});

test('the teacher window shows the next step, the time since the start and the notes, and follows a reload of the projector', async ({ page, context }) => {
  const { teacher, pos } = await presentWithTeacher(page, context);
  // The notes are the step's text; up next is the following step's title.
  const second = await page.evaluate(() => document.querySelector('.chapter-body > [data-step="1"]:not(h1, h2)')?.textContent ?? '');
  await expect(teacher.getByTestId('teacher-notes')).toContainText(second.trim().slice(0, 40));
  const third = (await page.locator('.chapter-body > h2[data-step="2"]').textContent())!.trim();
  await expect(teacher.getByTestId('teacher-next')).toHaveText(third);
  const elapsed = teacher.getByTestId('teacher-elapsed');
  await expect(elapsed).toHaveText(/^\d+:\d\d$/);
  await expect.poll(async () => Number((await elapsed.getAttribute('datetime'))!.slice(2, -1)), { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
  const before = Number((await elapsed.getAttribute('datetime'))!.slice(2, -1));
  // The projector reloads: it comes back presenting the same step, and the clock runs on.
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-presenting', '');
  await expect(page.locator('.presenter-position')).toHaveText(/^2 \//);
  await expect(pos).toHaveAttribute('data-step', '1');
  expect(Number((await elapsed.getAttribute('datetime'))!.slice(2, -1))).toBeGreaterThanOrEqual(before);
  await page.keyboard.press('ArrowRight');
  await expect(pos).toHaveAttribute('data-step', '2');
  await teacher.getByRole('button', { name: /Previous step/ }).click();
  await expect(page.locator('.presenter-position')).toHaveText(/^2 \//);
});

test('the presenter theme passes an axe scan for WCAG 2.2 A/AA', async ({ page }) => {
  await openChapter(page, 'preface');
  await page.keyboard.press('p');
  for (let i = 0; i < 3; i++) {
    const results = await wcagAxe(page).analyze();
    expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
    await page.keyboard.press('ArrowRight');
  }
});

test('while presenting, a tall widget shows its parts first, its window steps only where its output shows, and the arrow keys on its output grid move its cell, not the slide', async ({ page }) => {
  // At 1024x768 the cross-correlation widget takes parts, its output grid not on the last.
  // (A 1920x1080 projector shows it whole: a widget may shrink further than text to keep
  // its controls beside its outputs.)
  await page.setViewportSize({ width: 1024, height: 768 });
  await openChapter(page, 'image-convolution');
  await page.keyboard.press('p');
  const position = page.locator('.presenter-position');
  // The part shown, as the position line gives it (" · 2/3").
  const part = () => page.evaluate(() => document.documentElement.style.getPropertyValue('--presenter-page'));
  // Step to the part of the cross-correlation widget that shows its output (a tall widget is shown a part at a time).
  const grid = page.locator('[data-widget="corr2d"]').getByRole('grid', { name: 'Output Y' });
  for (let i = 0; i < 40 && !(await grid.isVisible()); i++) {
    await page.keyboard.press('PageDown');
    await page.waitForTimeout(300);
  }
  await expect(grid).toBeVisible();
  const at = await position.textContent();
  const gridPart = await part();
  expect(gridPart).toMatch(/· \d+\/\d+/);
  expect(gridPart, 'the output grid is not on the widget\'s last part').not.toMatch(/· (\d+)\/\1"$/);
  await grid.locator('button[tabindex="0"]').focus();
  await page.keyboard.press('ArrowRight');
  await expect(grid.getByRole('button', { name: /^Output Y, row 1, column 2: / })).toBeFocused();
  await expect(grid.getByRole('button', { name: /^Output Y, row 1, column 2: / })).toHaveAttribute('aria-pressed', 'true');
  await expect(position).toHaveText(at!);
  // Off the grid, the presenter's arrows step the window on the part that shows its output.
  const scrub = page.locator('[data-widget="corr2d"]').getByRole('slider', { name: 'Window position', includeHidden: true });
  await expect(scrub).toHaveAttribute('aria-valuetext', /^2 \/ 42/);
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.keyboard.press('ArrowRight');
  await expect(scrub).toHaveAttribute('aria-valuetext', /^3 \/ 42/);
  await expect(position).toHaveText(at!);
  expect(await part()).toBe(gridPart);
  // A held clicker's presses can come faster than React renders: each steps from where the last one left the window.
  await page.evaluate(() => {
    for (let i = 0; i < 5; i++) window.dispatchEvent(new KeyboardEvent('keydown', { key: 'PageDown', bubbles: true, cancelable: true }));
  });
  await expect(scrub).toHaveAttribute('aria-valuetext', /^8 \/ 42/);
  expect(await part()).toBe(gridPart);
  // At the window's end the next press turns the part; on a part without the grid, presses
  // turn parts and leave the window alone (the reader would not see it move).
  const state = async () => `${await part()} ${await scrub.getAttribute('aria-valuetext')}`;
  for (let i = 0; i < 60 && (await part()) === gridPart; i++) {
    const before = await state();
    await page.keyboard.press('PageDown');
    await expect.poll(state).not.toBe(before);
  }
  await expect(scrub).toHaveAttribute('aria-valuetext', /^42 \/ 42/);
  await expect(grid).toBeHidden();
  // The position's value, in the column of controls, is not covered by the products beside it.
  const value = page.locator('[data-widget="corr2d"] .step-controls output');
  await expect(value).toBeVisible();
  const covered = await value.evaluate((o) => {
    const r = o.getBoundingClientRect();
    const hit = document.elementFromPoint(r.right - 2, r.top + r.height / 2);
    return o.contains(hit) ? null : `${hit?.tagName}.${hit?.className}`;
  });
  expect(covered).toBeNull();
  await page.keyboard.press('PageUp');
  await expect.poll(part).toBe(gridPart);
  await expect(scrub).toHaveAttribute('aria-valuetext', /^42 \/ 42/);
});

test('presenter mode keeps the reader’s place: it starts at the section being read, Escape leaves the step shown on screen, and a step back from a chapter’s first step opens the previous chapter at its last', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await openChapter(page, 'pooling');
  const position = page.locator('.presenter-position');
  // Reading the third section: P starts there, not at the title.
  const heading = page.locator('.chapter-body > h2').nth(2);
  await heading.evaluate((h) => h.scrollIntoView({ block: 'start' }));
  const step = Number(await heading.getAttribute('data-step'));
  await page.keyboard.press('p');
  await expect(position).toHaveText(new RegExp(`^${step + 1} / \\d+$`));
  await page.keyboard.press('Escape');
  await expect(page.locator('html')).not.toHaveAttribute('data-presenting', '');
  await expect(heading).toBeInViewport();
  expect(Math.abs((await heading.boundingBox())!.y)).toBeLessThan(40);
  // The last step shown, then Escape: the page is there, not at its top.
  await page.keyboard.press('p');
  await page.keyboard.press('End');
  await expect(position).toHaveText(/^(\d+) \/ \1$/);
  const last = await position.getAttribute('data-step');
  await page.keyboard.press('Escape');
  await expect(page.locator(`.chapter-body > [data-step="${last}"]`).first()).toBeInViewport();
  // From the first step of the next chapter, one step back is the last step of this one.
  await openChapter(page, 'lenet');
  await page.keyboard.press('p');
  await expect(position).toHaveText(/^1 \/ \d+$/);
  await page.keyboard.press('ArrowLeft');
  await expect(page.locator('article[data-chapter="pooling"]')).toBeAttached();
  await expect(position).toHaveText(/^(\d+) \/ \1$/);
});

test('while presenting, Shift with the clicker’s key passes over a widget’s own steps, and the kernel-learning widget trains the chosen steps, then lets the talk go on', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await openChapter(page, 'image-convolution');
  await page.keyboard.press('p');
  const position = page.locator('.presenter-position');
  const stepOf = async (widget: string) => Number(await page.locator(`.chapter-body > [data-step]:is([data-widget="${widget}"], [data-loading-widget="${widget}"], :has([data-widget="${widget}"], [data-loading-widget="${widget}"]))`).first().getAttribute('data-step'));
  const at = async () => Number(await position.getAttribute('data-step'));
  const target = await stepOf('learn-kernel');
  // Shift+PageDown walks parts and steps, through the cross-correlation widget's window
  // (42 places) without moving it.
  const scrub = page.locator('[data-widget="corr2d"]').getByRole('slider', { name: 'Window position', includeHidden: true });
  for (let i = 0; i < 40 && (await at()) < target; i++) {
    const before = `${await at()} ${await page.locator('.chapter-body').getAttribute('data-fit')}`;
    await page.keyboard.press('Shift+PageDown');
    await expect.poll(async () => `${await at()} ${await page.locator('.chapter-body').getAttribute('data-fit')}`).not.toBe(before);
  }
  expect(await at()).toBe(target);
  await expect(scrub).toHaveAttribute('aria-valuetext', /^1 \/ 42/);
  // On the kernel-learning widget, plain presses train a step each where the chart
  // shows, 10 (the chosen number) in all, and then move on.
  const caption = page.locator('[data-widget="learn-kernel"] figcaption', { hasText: /Learned kernel after/ });
  await expect(caption).toContainText('after 0 steps');
  for (let i = 0; i < 30 && (await at()) === target; i++) {
    const before = `${await at()} ${await page.locator('.chapter-body').getAttribute('data-fit')} ${await caption.textContent()}`;
    await page.keyboard.press('PageDown');
    await expect.poll(async () => `${await at()} ${await page.locator('.chapter-body').getAttribute('data-fit')} ${await caption.textContent()}`).not.toBe(before);
  }
  expect(await at()).toBe(target + 1);
  await expect(caption).toContainText('after 10 steps');
});

test.describe('on a touch screen', () => {
  test.use({ hasTouch: true });

  /** A one-finger swipe from (x0, y0) to (x1, y1), in CSS pixels, started on the element found there. */
  async function swipe(page: Page, from: [number, number], to: [number, number]) {
    await page.evaluate(([[x0, y0], [x1, y1]]) => {
      const target = document.elementFromPoint(x0, y0)!;
      const touch = (x: number, y: number) => new Touch({ identifier: 1, target, clientX: x, clientY: y });
      target.dispatchEvent(new TouchEvent('touchstart', { bubbles: true, touches: [touch(x0, y0)], changedTouches: [touch(x0, y0)] }));
      target.dispatchEvent(new TouchEvent('touchmove', { bubbles: true, touches: [touch(x1, y1)], changedTouches: [touch(x1, y1)] }));
      target.dispatchEvent(new TouchEvent('touchend', { bubbles: true, touches: [], changedTouches: [touch(x1, y1)] }));
    }, [from, to] as const);
  }

  test('presenter mode steps by a sideways swipe, and not by a scroll or a swipe that starts on a control', async ({ page }) => {
    await page.setViewportSize({ width: 1024, height: 768 });
    await openChapter(page, 'preface');
    await page.keyboard.press('p');
    const position = page.locator('.presenter-position');
    await expect(position).toHaveText(/^1 \/ \d+$/);
    const total = Number((await position.textContent())!.split('/')[1]);
    const heading = (await page.locator('article h1').boundingBox())!;
    const y = heading.y + heading.height / 2;
    // Right to left: the next step; left to right: back.
    await swipe(page, [800, y], [300, y]);
    await expect(position).toHaveText(`2 / ${total}`);
    await expect(page.locator('h2#organisation')).toBeVisible();
    const text = (await page.locator('h2#organisation').boundingBox())!;
    const y2 = text.y + text.height / 2;
    await swipe(page, [300, y2], [800, y2]);
    await expect(position).toHaveText(`1 / ${total}`);
    // Up and down is not a step, nor a swipe begun on the bar's buttons.
    await swipe(page, [500, 600], [520, 200]);
    const next = (await page.getByRole('button', { name: 'Next step' }).boundingBox())!;
    await swipe(page, [next.x + next.width / 2, next.y + next.height / 2], [next.x - 400, next.y + next.height / 2]);
    await page.waitForTimeout(300);
    await expect(position).toHaveText(`1 / ${total}`);
  });
});
