import { readdirSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { test, expect, openChapter, wcagAxe } from './fixtures';

/** The projectors and laptops a classroom has: every step must fit each of them. */
const SIZES = [
  [1280, 720],
  [1366, 768],
  [1920, 1080],
  [1024, 768],
] as const;
/** Every chapter; PRESENTER_ONLY=slug,slug walks only those (to check a few chapters while writing them). */
const ONLY = process.env.PRESENTER_ONLY?.split(',');
/**
 * The size the Chinese walk covers: the shortest page (704 design px at 1280×720, see
 * EN_SIZES). A step that fits a page fits every taller one, and the taller pages' own
 * paging is walked in English, whose steps hold the same widgets and styles.
 */
const ZH_SIZES = SIZES.filter(([w, h]) => w === 1280 && h === 720);
/**
 * The sizes the English walk covers. A step is laid out at one design width and scaled,
 * so a screen's only effect on the layout is the page height it allows in design pixels
 * (stageFor in src/app/presenter-fit.ts): 704 at 1280×720, 707 at 1366×768, 723 at
 * 1920×1080, 949 at 1024×768 for a text step (a widget's step may take more on the
 * larger screens, down to 18 px type, to keep its controls beside its outputs). 1366×768 pages within 3 px of 1280×720 and is left to the
 * axe scans below; the other three are walked.
 */
const EN_SIZES = SIZES.filter(([w]) => w !== 1366);
const SLUGS = readdirSync('chapters/en')
  .map((f) => f.replace(/\.mdx$/, '').replace(/^\d+-/, ''))
  .filter((slug) => !ONLY || ONLY.includes(slug));
/** Keep in step with BAR_HEIGHT in src/app/presenter-fit.ts: the strip the presenter bar keeps. */
const BAR = 44;
const MIN_CELL = 32;

interface Walk {
  /** One line per problem found, naming the chapter, step and page. */
  problems: string[];
  /** The smallest grid cell of any widget step, in CSS px on screen (Infinity if none). */
  minCell: number;
  /** Steps and pages visited. */
  states: number;
  log: string[];
}

/**
 * Walks the chapter on screen from its first step (Home) to its last with the clicker's
 * key (PageDown), inside the page. At each step and page it checks that the stage fits
 * the screen, that every control and grid cell of the step is on screen and not clipped,
 * that no listing cuts off its lines, and measures the grid cells of widget steps. `snap()` is called at the first widget step.
 */
async function walkChapter(page: Page, opts: { snap: boolean }): Promise<Walk> {
  return page.evaluate(
    async ({ BAR, MIN_CELL, snap }) => {
      // A frame, or a tenth of a second where the renderer skips frames: no wait here can hang the walk.
      const frame = () =>
        new Promise<void>((r) => {
          requestAnimationFrame(() => r());
          setTimeout(r, 100);
        });
      const task = () => new Promise<void>((r) => setTimeout(r, 0));
      // Whether the widget on screen took the last press for its own animation.
      let taken = false;
      const sniff = (e: Event) => {
        taken = e.defaultPrevented;
      };
      const press = (key: string) => {
        taken = false;
        document.querySelectorAll('[data-widget]').forEach((w) => w.addEventListener('presenter-step', sniff, { once: true }));
        window.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
      };
      const body = document.querySelector<HTMLElement>('.chapter-body')!;
      const slug = document.querySelector<HTMLElement>('article[data-chapter]')!.dataset.chapter!;
      const position = document.querySelector<HTMLElement>('.presenter-position')!;
      const fit = () => body.dataset.fit ?? '';
      const total = () => Number(position.textContent!.split('/')[1]);
      const out: Walk = { problems: [], minCell: Infinity, states: 0, log: [] };
      const vw = window.innerWidth;
      const vh = window.innerHeight;
      const screen = { left: 0, top: 0, right: vw, bottom: vh - BAR };
      const inside = (r: DOMRect, box: { left: number; top: number; right: number; bottom: number }) =>
        r.left >= box.left - 0.5 && r.top >= box.top - 0.5 && r.right <= box.right + 0.5 && r.bottom <= box.bottom + 0.5;
      /** Whether an ancestor inside the stage clips the element. */
      const clipped = (el: Element, r: DOMRect) => {
        for (let a = el.parentElement; a && a !== body; a = a.parentElement) {
          const cs = getComputedStyle(a);
          if ((cs.overflowX !== 'visible' || cs.overflowY !== 'visible') && !inside(r, a.getBoundingClientRect())) return true;
        }
        return false;
      };
      let snapped = !snap;
      const settle = async () => {
        // The step's widgets arrive lazily; once in, the stage fits again within a frame.
        const loading = () => body.querySelector(':scope > :not(.presenter-hidden).widget-loading, :scope > :not(.presenter-hidden) .widget-loading') !== null;
        if (!loading()) return;
        for (let i = 0; i < 1200 && loading(); i++) await frame();
        await frame();
        await frame();
      };
      const check = async () => {
        await settle();
        // A step whose content has just changed size is fitted again at the next frame.
        const fits = () => {
          const r = body.getBoundingClientRect();
          return r.width <= vw + 0.5 && r.height <= vh - BAR + 0.5;
        };
        for (let i = 0; i < 3 && !fits(); i++) await frame();
        // A widget still computing its first result (aria-busy) may change height once more:
        // a step that does not fit yet is judged when that is done (a busy machine is slow).
        const busy = () => body.querySelector(':scope > :not(.presenter-hidden) [aria-busy="true"]') !== null;
        if (!fits() && busy()) {
          for (let i = 0; i < 1200 && busy(); i++) await frame();
          for (let i = 0; i < 3 && !fits(); i++) await frame();
        }
        const [step] = fit().split('.');
        const here = `${slug} ${fit()}`;
        const els = [...body.children].filter((c) => (c as HTMLElement).dataset.step === step);
        const isWidget = els.some((c) => c.matches('[data-widget]') || c.querySelector('[data-widget]'));
        const stage = body.getBoundingClientRect();
        if (stage.width > vw + 0.5 || stage.height > vh - BAR + 0.5 || !inside(stage, screen))
          out.problems.push(`${here}: the stage is ${Math.round(stage.width)}×${Math.round(stage.height)} at ${Math.round(stage.left)},${Math.round(stage.top)}`);
        const visible = (el: Element) => {
          const r = el.getBoundingClientRect();
          return r.width > 0 && r.height > 0 && el.closest('.visually-hidden, .katex-mathml') === null;
        };
        const all = (sel: string) => els.flatMap((c) => [...(c.matches(sel) ? [c] : []), ...c.querySelectorAll(sel)]).filter(visible);
        const controls = all('button, input, select, textarea, [role="slider"]');
        const cells = all('.matrix td, .rf-cell:has(.rf-num)');
        for (const el of [...controls, ...cells]) {
          const r = el.getBoundingClientRect();
          const name = `${el.tagName.toLowerCase()}${el.className ? `.${String(el.className).split(' ')[0]}` : ''}`;
          if (!inside(r, screen)) out.problems.push(`${here}: ${name} is off screen (${Math.round(r.left)},${Math.round(r.top)} ${Math.round(r.width)}×${Math.round(r.height)})`);
          else if (clipped(el, r)) out.problems.push(`${here}: ${name} is clipped by its container`);
        }
        // A listing shows all the lines its page holds: none runs past its box (a listing that
        // scrolls in a box of its own on the page is shown whole, cut into pages).
        for (const pre of all('pre')) if (pre.scrollHeight > pre.clientHeight + 1) out.problems.push(`${here}: a listing shows ${pre.clientHeight} of its ${pre.scrollHeight} px`);
        let small = Infinity;
        if (isWidget) for (const el of cells) small = Math.min(small, el.getBoundingClientRect().width, el.getBoundingClientRect().height);
        if (small < out.minCell) out.minCell = small;
        if (small < MIN_CELL) out.problems.push(`${here}: a grid cell is ${small.toFixed(1)} px`);
        // A page of a step cut into pages never shows only a heading or a label (a listing's
        // tabs, a figure's caption): what they introduce is on the page with them.
        // (Content: any leaf element on screen outside them, a box kept for a chart to come included.)
        const content = all('*').filter((el) => el.closest('h1, h2, h3, h4, .widget-header, [role="tablist"], figcaption') === null && (el.matches('canvas, svg, img') || el.children.length === 0));
        if (Number(body.dataset.pages) > 1 && content.length === 0) out.problems.push(`${here}: a page shows only a heading or a label`);
        out.states++;
        out.log.push(`${here}/${body.dataset.pages} t=${Math.round(performance.now())} scale=${Number(body.style.getPropertyValue('--stage-scale')).toFixed(2)} h=${body.offsetHeight} cells=${cells.length}`);
        if (!snapped && isWidget) {
          snapped = true;
          await (window as unknown as { snap(): Promise<void> }).snap();
        }
      };
      const atEnd = () => Number(position.dataset.step) === total() - 1 && Number(body.dataset.page ?? 0) === Number(body.dataset.pages ?? 1) - 1;
      press('Home');
      for (let i = 0; i < 600 && fit() !== '0.0'; i++) await frame();
      await frame();
      await check();
      for (let presses = 0; presses < 3000 && !atEnd(); presses++) {
        const before = fit();
        press('PageDown');
        await task();
        if (taken) continue;
        for (let i = 0; i < 600 && fit() === before; i++) await frame();
        if (fit() === before) {
          // A press that moves nothing leaves the room waiting: a problem.
          out.problems.push(`${slug}: the clicker moved nothing at ${before}`);
          break;
        }
        await check();
      }
      if (!atEnd()) out.problems.push(`${slug}: the walk stopped at ${fit()}`);
      return out;
    },
    { BAR, MIN_CELL, ...opts },
  );
}

async function goToStep(page: Page, step: number) {
  await page.keyboard.press('Home');
  for (let i = 0; i < 300; i++) {
    const at = Number(await page.locator('.presenter-position').getAttribute('data-step'));
    if (at === step) return;
    await page.keyboard.press('PageDown');
  }
}

const cells: Record<string, number> = {};

for (const lang of ['en', 'zh'] as const) {
  test(`every step of every chapter (${lang}) fits the screen at ${(lang === 'en' ? EN_SIZES : ZH_SIZES).map(([w, h]) => `${w}×${h}`).join(', ')}, walked with the clicker`, async ({ page }, testInfo) => {
    test.setTimeout(600_000);
    let shot = '';
    await page.exposeFunction('snap', async () => {
      await testInfo.attach(shot, { body: await page.screenshot(), contentType: 'image/png' });
    });
    await page.setViewportSize({ width: SIZES[0][0], height: SIZES[0][1] });
    await openChapter(page, SLUGS[0], lang);
    await page.keyboard.press('p');
    await expect(page.locator('html')).toHaveAttribute('data-presenting', '');
    const problems: string[] = [];
    // Chapter by chapter, each at every size, then on to the next chapter with the clicker.
    for (const [i, slug] of SLUGS.entries()) {
      await expect(page.locator(`article[data-chapter="${slug}"] .chapter-body[data-fit]`)).toBeAttached({ timeout: 60_000 });
      await expect(page.locator('.chapter-body > .loading')).toHaveCount(0);
      // Chinese pages share every widget and style with the English ones and set text more
      // densely: they are walked at the tightest screen (ZH_SIZES).
      for (const [width, height] of lang === 'en' ? EN_SIZES : ZH_SIZES) {
        const key = `${width}×${height}`;
        await page.setViewportSize({ width, height });
        shot = `${slug}-widget-${width}x${height}.png`;
        const w = await walkChapter(page, { snap: lang === 'en' && width === 1280 });
        if (process.env.PRESENTER_LOG) {
          console.log(`${lang} ${key}\n  ${w.log.join('\n  ')}`);
          tallyPages(`${lang} ${key}`, w.log);
        }
        problems.push(...w.problems.map((p) => `${key} ${lang}: ${p}`));
        cells[key] = Math.min(cells[key] ?? Infinity, w.minCell);
      }
      if (i + 1 < SLUGS.length) {
        // The clicker moves on from the last step to the next chapter.
        await page.keyboard.press('PageDown');
        await expect(page.locator(`article[data-chapter="${SLUGS[i + 1]}"]`)).toBeAttached();
      }
    }
    testInfo.annotations.push({ type: 'smallest grid cell', description: JSON.stringify(cells) });
    expect(problems).toEqual([]);
  });
}

test.afterAll(() => {
  if (Object.keys(cells).length) console.log('smallest grid cell of a widget step, by screen:', JSON.stringify(cells));
  for (const [walk, t] of Object.entries(tally))
    console.log(`${walk}: ${t.steps} steps in ${t.pages} pages, ${t.short} of them under 150 design px in steps of several pages; ${t.small} of ${t.states} states scaled under 0.8, the smallest at ${t.min.toFixed(2)}`);
});

/** With PRESENTER_LOG: pages, short pages and small scales of each walk, from its log lines ("slug step.page/pages t=… scale=… h=…"). */
const tally: Record<string, { steps: number; pages: number; short: number; states: number; small: number; min: number }> = {};
function tallyPages(walk: string, log: readonly string[]) {
  const t = (tally[walk] ??= { steps: 0, pages: 0, short: 0, states: 0, small: 0, min: Infinity });
  const seen = new Set<string>();
  for (const line of log) {
    const m = /^(\S+) (\d+)\.(\d+)\/(\d+) t=\d+ scale=([\d.]+) h=(\d+)/.exec(line);
    if (!m) continue;
    const [, slug, step, , pages, scale, h] = m;
    if (!seen.has(`${slug} ${step}`)) {
      seen.add(`${slug} ${step}`);
      t.steps++;
      t.pages += Number(pages);
    }
    if (Number(pages) > 1 && Number(h) < 150) t.short++;
    t.states++;
    if (Number(scale) < 0.8) t.small++;
    t.min = Math.min(t.min, Number(scale));
  }
}

// The stage's colours are the presenter theme's whatever the reader's theme: scan the title
// step, a widget step and the last step at each size, each size in another theme and the
// sizes in turn in English and Chinese.
const THEMES = ['light', 'dark', 'contrast', 'system'] as const;
SIZES.forEach(([width, height], i) => {
  test(`presenter mode passes axe (WCAG 2.2 A/AA) at ${width}×${height} in the ${THEMES[i]} theme`, async ({ page }) => {
    test.setTimeout(180_000);
    const settings = JSON.stringify({ state: { lang: i % 2 ? 'zh' : 'en', theme: THEMES[i], codeLang: 'ts' }, version: 1 });
    await page.addInitScript((s) => localStorage.setItem('cnn-book-settings', s), settings);
    await page.setViewportSize({ width, height });
    await openChapter(page, 'padding-stride');
    await page.keyboard.press('p');
    const position = page.locator('.presenter-position');
    const body = page.locator('.chapter-body');
    const scan = async (what: string) => {
      await expect(page.locator('.chapter-body .widget-loading:visible')).toHaveCount(0, { timeout: 60_000 });
      const r = await wcagAxe(page).analyze();
      expect(r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), `${what} at ${width}×${height}`).toEqual([]);
    };
    await scan('the title step');
    // The chapter's widget (step 4), then its last step (the exercises, cut into pages).
    await goToStep(page, 3);
    await scan('the widget step');
    await page.keyboard.press('End');
    await expect(position).toHaveText(/^(\d+) \/ \1$/);
    await expect(body).toHaveAttribute('data-fit', /^\d+\.0$/);
    await scan('the last step');
  });
});
