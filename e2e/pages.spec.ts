import { readdirSync, readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { test, expect, drawStroke, painted, axeFindings, chooseTheme } from './fixtures';
import { SYMBOL } from '../src/charts/notation';

/**
 * Every page of the book, in both languages, walked as a reader scrolls through it (in
 * English twice, the second time with every widget in), and checked on the way:
 * 1. every embedded widget mounts, none fails, no formula fails, and the headings carry
 *    the anchors the chapter's source gives them (unique, in order); Chinese pages are
 *    drawn in a font with Chinese glyphs, as readers see them;
 * 2. nothing shifts the layout while code-split widgets, their first results and the
 *    fonts arrive (cumulative layout shift below 0.01), and every widget is as tall as
 *    the placeholder it replaces, from its mount to its first result (so nothing moves
 *    wherever the reader is on the page, not only in view);
 * 3. (English) every <canvas> and every svg[role="img"] has an accessible name and a text
 *    alternative that carries its numbers. The book's convention: the name comes from
 *    aria-label or aria-labelledby; the text alternative from aria-describedby, or from
 *    an element (a visually hidden table or list) with
 *    data-text-alternative-for="<the graphic's id>";
 * 4. axe (WCAG 2.2 A/AA) finds nothing: every English page, a sample of Chinese ones
 *    (they share every widget and style), and the colour rules again in the dark and
 *    contrast themes on pages that between them hold every kind of element the book
 *    draws (every widget on the lab page; prose, callouts, code, diagrams, exercises,
 *    model tables and the appendix in the chapters named below). LeNet's chapter is
 *    scanned in a11y.spec.ts as a returning reader who has trained LeNet sees it.
 * A page is one test, so the two workers share the walk.
 */

const FILES = readdirSync('chapters/en').filter((f) => f.endsWith('.mdx')).sort();
const slugOf = (f: string) => f.replace(/\.mdx$/, '').replace(/^\d+-/, '');
const PAGES = [...FILES.map(slugOf), 'lab', 'train'];
/** Pages whose colours are also scanned in the dark and contrast themes. */
const THEMED = new Set(['preface', 'parameters', 'alexnet', 'pytorch', 'lab', 'train']);
/** Chinese pages scanned with axe. */
const ZH_AXE = new Set(['preface', 'image-convolution', 'channels']);

/** The heading anchors a chapter's source gives ({#id} on a Markdown heading), in order. */
function sourceAnchors(slug: string, lang: 'en' | 'zh'): string[] | null {
  const file = FILES.find((f) => slugOf(f) === slug);
  if (!file) return null;
  const src = readFileSync(`chapters/${lang}/${file}`, 'utf8');
  return [...src.matchAll(/^#{1,6}\s.*\{#([\w-]+)\}\s*$/gm)].map((m) => m[1]);
}

declare global {
  interface Window {
    __cls?: { value: number; entries: { value: number; t: number; sources: string[] }[] };
    __mounts?: () => MountRecord[];
  }
}

/** A lazy placeholder and what replaced it: the room it held, and the heights the widget took from its mount on. */
interface MountRecord {
  name: string;
  held: number;
  heights: number[];
  /** For each height after the first: the parts inside the widget whose height changed with it. */
  changed: string[];
}

/**
 * Watches every lazy placeholder (`data-loading-widget`) for the height it holds, and,
 * once the widget replaces it, every height the widget takes from then on: its mount,
 * its computing state, its first result. A widget that holds its placeholder's room
 * throughout moves nothing below it, wherever the reader is on the page.
 */
function installMountWatch() {
  const held = new WeakMap<Element, { name: string; height: number }>();
  // The widgets that replaced a placeholder, by element.
  const records = new Map<Element, MountRecord & { parts: Map<string, number> }>();
  // The heights of the widget's parts, three levels down, by their place and class.
  const partsOf = (el: Element) => {
    const out = new Map<string, number>();
    const visit = (e: Element, path: string, depth: number) => {
      [...e.children].forEach((c, i) => {
        const p = `${path}/${i}:${c.tagName.toLowerCase()}${typeof c.className === 'string' && c.className ? `.${c.className.split(' ')[0]}` : ''}`;
        out.set(p, Math.round(c.getBoundingClientRect().height));
        if (depth < 3) visit(c, p, depth + 1);
      });
    };
    visit(el, '', 1);
    return out;
  };
  const sizes = new ResizeObserver((entries) => {
    for (const e of entries) {
      const h = e.borderBoxSize[0]?.blockSize ?? e.target.getBoundingClientRect().height;
      const p = held.get(e.target);
      if (p) p.height = h;
      const r = records.get(e.target);
      if (r && Math.abs(h - (r.heights.at(-1) ?? -1)) > 0.5) {
        const parts = partsOf(e.target);
        if (r.heights.length) {
          const moved = [...new Set([...parts.keys(), ...r.parts.keys()])].filter((k) => parts.get(k) !== r.parts.get(k));
          // The innermost parts that changed: the cause, not the boxes around it.
          const inner = moved.filter((k) => !moved.some((o) => o.startsWith(`${k}/`)));
          r.changed.push(inner.slice(0, 6).map((k) => `${k} ${r.parts.get(k) ?? '–'}→${parts.get(k) ?? '–'}`).join(', '));
        }
        r.parts = parts;
        r.heights.push(Math.round(h * 10) / 10);
      }
    }
  });
  const watchPlaceholders = (root: Node) => {
    if (!(root instanceof Element)) return;
    for (const el of [root, ...root.querySelectorAll('[data-loading-widget]')]) {
      if (!el.matches('[data-loading-widget]') || held.has(el)) continue;
      held.set(el, { name: el.getAttribute('data-loading-widget') ?? '?', height: el.getBoundingClientRect().height });
      sizes.observe(el);
    }
  };
  new MutationObserver((list) => {
    for (const m of list) {
      for (const n of m.addedNodes) watchPlaceholders(n);
      for (const n of m.removedNodes) {
        const p = n instanceof Element ? held.get(n) : undefined;
        if (!p || !(m.target instanceof Element)) continue;
        sizes.unobserve(n as Element);
        // What now stands where the placeholder stood.
        const el = m.previousSibling ? (m.previousSibling as Element).nextElementSibling : m.target.firstElementChild;
        if (!el || el === m.nextSibling || el.matches('[data-loading-widget]')) continue;
        const part = (el.matches('[data-widget]') ? el : el.querySelector('[data-widget]'))?.getAttribute('data-widget-part');
        records.set(el, { name: part ? `${p.name}:${part}` : p.name, held: Math.round(p.height * 10) / 10, heights: [], parts: new Map(), changed: [] });
        sizes.observe(el);
      }
    }
  }).observe(document, { childList: true, subtree: true });
  window.__mounts = () => [...records.values()].map(({ name, held, heights, changed }) => ({ name, held, heights, changed }));
}

/** Sums layout-shift entries without recent input from the very start of the document. */
function installClsObserver() {
  const state = { value: 0, entries: [] as { value: number; t: number; sources: string[] }[] };
  window.__cls = state;
  type Shift = PerformanceEntry & { value: number; hadRecentInput: boolean; sources?: { node?: Node | null; previousRect: DOMRectReadOnly; currentRect: DOMRectReadOnly }[] };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries() as Shift[]) {
      if (e.hadRecentInput) continue;
      state.value += e.value;
      const sources = (e.sources ?? []).map((s) => {
        const el = s.node instanceof Element ? s.node : s.node?.parentElement;
        const widget = el?.closest('[data-widget]')?.getAttribute('data-widget');
        const name = el ? `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className && typeof el.className === 'string' ? `.${el.className.split(' ').join('.')}` : ''}${widget ? ` in ${widget}` : ''}` : String(s.node?.nodeName);
        return `${name} (${Math.round(s.previousRect.x)},${Math.round(s.previousRect.y)} ${Math.round(s.previousRect.width)}×${Math.round(s.previousRect.height)})→(${Math.round(s.currentRect.x)},${Math.round(s.currentRect.y)} ${Math.round(s.currentRect.width)}×${Math.round(s.currentRect.height)})`;
      });
      state.entries.push({ value: e.value, t: Math.round(e.startTime), sources });
    }
  }).observe({ type: 'layout-shift', buffered: true });
}

/**
 * Scrolls through the whole page as a reader would, a screen every nine painted frames
 * (about 150 ms at 60 frames a second), so that widgets and results arriving meanwhile
 * do so in view, where a shift counts. Then waits until nothing is loading.
 */
async function scrollThrough(page: Page) {
  for (let i = 0; i < 200; i++) {
    const done = await page.evaluate(() => {
      window.scrollBy(0, Math.round(window.innerHeight * 0.8));
      return window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 2;
    });
    await painted(page, 9);
    if (done) break;
  }
  await expect(page.locator('.widget-loading')).toHaveCount(0, { timeout: 60_000 });
}

// ---- graphics have names and text alternatives ---------------------------------------

interface GraphicReport {
  checked: { canvas: number; svg: number };
  problems: string[];
}

/** In the page: checks every canvas and svg[role="img"] (and that no other svg is exposed). */
function auditGraphics(): GraphicReport {
  const textOf = (ids: string | null) =>
    (ids ?? '')
      .split(/\s+/)
      .filter(Boolean)
      .map((id) => document.getElementById(id)?.textContent?.trim() ?? '')
      .join(' ')
      .trim();
  const where = (el: Element) => {
    const w = el.closest('[data-widget], .diagram, section[id], figure');
    const label = (el.getAttribute('aria-label') ?? '').slice(0, 40);
    return `${el.tagName.toLowerCase()}${el.getAttribute('class') ? `.${el.getAttribute('class')!.split(' ').join('.')}` : ''}${label ? ` "${label}"` : ''} in ${w ? w.getAttribute('data-widget') || w.id || w.className : 'page'}`;
  };
  const report: GraphicReport = { checked: { canvas: 0, svg: 0 }, problems: [] };
  for (const el of document.querySelectorAll('canvas, svg[role="img"]')) {
    report.checked[el.tagName.toLowerCase() === 'canvas' ? 'canvas' : 'svg']++;
    if (el.tagName.toLowerCase() === 'canvas' && el.getAttribute('role') !== 'img') report.problems.push(`${where(el)}: a canvas without role="img"`);
    const name = el.getAttribute('aria-label')?.trim() || textOf(el.getAttribute('aria-labelledby'));
    if (!name) report.problems.push(`${where(el)}: no accessible name`);
    const described = textOf(el.getAttribute('aria-describedby'));
    const tied = el.id ? [...document.querySelectorAll(`[data-text-alternative-for="${CSS.escape(el.id)}"]`)].map((t) => t.textContent?.trim() ?? '').join(' ') : '';
    const alternative = `${described} ${tied}`.trim();
    // A canvas is pixel data; an svg shows numbers when its own text has any (axis ticks, shapes, values).
    const showsNumbers = el.tagName.toLowerCase() === 'canvas' || [...el.querySelectorAll('text')].some((t) => /\p{N}/u.test(t.textContent ?? ''));
    if (!alternative) report.problems.push(`${where(el)}: no text alternative`);
    else if (showsNumbers && !/\p{N}/u.test(alternative)) report.problems.push(`${where(el)}: shows numbers but its text alternative has none ("${alternative.slice(0, 80)}")`);
  }
  // A header cell names its row or column; an empty one names nothing.
  for (const el of document.querySelectorAll('th')) {
    if (!el.textContent?.trim()) report.problems.push(`${where(el)}: an empty table header cell`);
  }
  // Any other svg must be hidden from assistive technology (decoration) or part of a graphic.
  for (const el of document.querySelectorAll('svg:not([role="img"])')) {
    if (el.closest('[aria-hidden="true"]') || el.parentElement?.closest('svg')) continue;
    report.problems.push(`${where(el)}: an svg that is neither role="img" nor aria-hidden`);
  }
  return report;
}

test.describe.configure({ mode: 'parallel' });

for (const lang of ['en', 'zh'] as const) {
  for (const slug of PAGES) {
    const scans = lang === 'en' ? (slug === 'lenet' ? 'no axe here' : THEMED.has(slug) ? 'axe in every theme' : 'axe') : ZH_AXE.has(slug) ? 'axe' : 'no axe here';
    test(`${slug} (${lang}): renders whole, no layout shift${lang === 'en' ? ', named graphics' : ''}, ${scans}`, async ({ page, problems }) => {
      // A guard against a hang, not a speed limit: the walk and a full axe scan of the
      // longest chapters (nearly 9,000 elements, most of them formulas) take minutes on a
      // busy 2-core machine.
      test.setTimeout(480_000);
      await page.addInitScript(installClsObserver);
      await page.addInitScript(installMountWatch);
      await page.goto(`./?c=${slug}&lang=${lang}`);
      expect(await page.evaluate(() => PerformanceObserver.supportedEntryTypes.includes('layout-shift')), 'the browser reports layout shifts').toBe(true);
      await expect(page.locator(`article[data-chapter="${slug}"] h1`)).toBeVisible();
      if (lang === 'zh') {
        // Chinese glyphs are full-width in any font that has them; without one, Chromium
        // draws narrower boxes and every Chinese line breaks where no reader's would.
        const width = await page.evaluate(() => {
          const s = document.createElement('span');
          s.textContent = '中文字形';
          s.style.cssText = 'font-size:100px;position:absolute;white-space:nowrap';
          document.querySelector('article')!.append(s);
          const w = s.getBoundingClientRect().width;
          s.remove();
          return w;
        });
        expect(width, 'four Chinese characters at 100px in a font with Chinese glyphs (Debian: fonts-noto-cjk)').toBeCloseTo(400, -1);
      }

      // Read as a reader would: scroll down while widgets are still arriving, then once more
      // when all are in (a widget that changes on coming back into view moves what is around
      // it). Chinese pages hold the same widgets as English ones: one pass there.
      await scrollThrough(page);
      if (lang === 'en') {
        await page.evaluate(() => window.scrollTo(0, 0));
        await painted(page);
        await scrollThrough(page);
      }
      // Late arrivals: every widget's first result (nothing busy), the fonts, then a last paint for anything they moved.
      await expect(page.locator('[aria-busy="true"]')).toHaveCount(0, { timeout: 60_000 });
      await page.evaluate(() => document.fonts.ready.then(() => undefined));
      await painted(page);
      const cls = await page.evaluate(() => window.__cls!);
      const shifts = cls.entries.map((e) => `+${e.value.toFixed(4)} @${e.t}ms: ${e.sources.join(' | ')}`);
      console.log(`${slug} (${lang}): CLS ${cls.value.toFixed(4)}${shifts.length ? `\n  ${shifts.join('\n  ')}` : ''}`);
      expect(cls.value, `cumulative layout shift; the shifts:\n${shifts.join('\n')}`).toBeLessThan(0.01);
      // Every widget held its placeholder's room from its mount to its first result (4 px of slack).
      const mounts = await page.evaluate(() => window.__mounts!());
      const moved = mounts.filter((m) => m.heights.some((h) => Math.abs(h - m.held) > 4)).map((m) => `${m.name}: held ${m.held} px, then ${m.heights.join(' → ')} px${m.changed.map((c) => `\n    (${c})`).join('')}`);
      console.log(`${slug} (${lang}): ${mounts.length} placeholders replaced`);
      expect(moved, 'widgets whose height differs from the room their placeholder held').toEqual([]);

      // 1. Every widget mounted and none failed; formulas rendered; anchors as the source gives them.
      await expect(page.locator('.widget-loading')).toHaveCount(0);
      await expect(page.locator('.error-box')).toHaveCount(0);
      await expect(page.locator('.katex-error')).toHaveCount(0);
      const ids = await page.locator('.chapter-body > :is(h1,h2,h3,h4,h5,h6)[id]').evaluateAll((hs) => hs.map((h) => h.id));
      expect(new Set(ids).size, 'heading anchors are unique').toBe(ids.length);
      const expected = sourceAnchors(slug, lang);
      if (expected) expect(ids, 'heading anchors, as the chapter source gives them').toEqual(expected);
      // Symbols written with an underscore in widget and chart text (k_w, μ_B) are set with
      // subscripts, as in the formulas (src/charts/notation.ts): no visible text shows `_`.
      const raw = await page.evaluate((pattern) => {
        const symbol = new RegExp(pattern);
        const walk = document.createTreeWalker(document.querySelector('article')!, NodeFilter.SHOW_TEXT);
        const out: string[] = [];
        for (let n = walk.nextNode(); n; n = walk.nextNode()) {
          const el = n.parentElement;
          // Code and its output, formulas, and text no one sees (an SVG's <desc>, hidden tables) are not set.
          if (!el || el.closest('pre, code, textarea, .katex, .visually-hidden, [aria-hidden="true"], desc, title')) continue;
          if (symbol.test(n.textContent ?? '')) out.push(`${el.tagName.toLowerCase()}: ${n.textContent!.trim().slice(0, 80)}`);
        }
        return out;
      }, SYMBOL.source);
      expect(raw, 'widget text with a symbol not set as a subscript').toEqual([]);

      if (lang === 'en') {
        // 3. Graphics, with the canvases that appear on use.
        if (slug === 'lab') {
          // The LeNet part of the receptive-field widget draws every channel as a small canvas.
          await expect(page.locator('.rf-thumbs canvas').first()).toBeAttached({ timeout: 90_000 });
        }
        if (slug === 'train') {
          // A stroke on the drawing area brings up the model's 28 x 28 input (another canvas).
          const w = page.locator('[data-widget="try-your-image"]');
          await drawStroke(page, w.locator('canvas.try-canvas'), [[0.3, 0.3], [0.6, 0.5], [0.4, 0.7]]);
          await expect(w.locator('.try-input canvas')).toBeAttached();
        }
        const r = await page.evaluate(auditGraphics);
        console.log(`${slug}: ${r.checked.canvas} canvas, ${r.checked.svg} svg checked`);
        expect(r.problems).toEqual([]);
        // The audit sees what these pages are known to draw: the charts of the lab (9 when
        // this was written) and its LeNet channels; the drawing area and the 28 x 28 input
        // of the training page.
        if (slug === 'lab') expect(r.checked.svg).toBeGreaterThanOrEqual(8);
        if (slug === 'lab') expect(r.checked.canvas).toBeGreaterThanOrEqual(1);
        if (slug === 'train') expect(r.checked.canvas).toBeGreaterThanOrEqual(2);
      }

      // 4. axe.
      if (scans !== 'no axe here') {
        expect(await axeFindings(page), `${lang === 'en' ? 'light' : 'system'} theme`).toEqual([]);
        if (scans === 'axe in every theme') {
          for (const theme of ['dark', 'contrast']) {
            await chooseTheme(page, theme);
            expect(await axeFindings(page, true), `${theme} theme`).toEqual([]);
          }
        }
      }
      expect(problems.errors).toEqual([]);
      expect(problems.foreign).toEqual([]);
    });
  }
}
