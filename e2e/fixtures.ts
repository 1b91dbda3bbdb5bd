import AxeBuilder from '@axe-core/playwright';
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

/** A small deterministic integer generator (an LCG), so failures reproduce: rand(lo, hi) is in [lo, hi]. */
export function rng(seed: number) {
  let s = seed >>> 0;
  return (lo: number, hi: number) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return lo + (s % (hi - lo + 1));
  };
}

const LIGHT_ENGLISH = JSON.stringify({ state: { lang: 'en', theme: 'light', codeLang: 'ts' }, version: 1 });

/** Opens the lab page (every widget) in English and the light theme, with `widgets` as URL settings, once the engine has started. */
export async function openLab(page: Page, widgets: Record<string, unknown> = {}, opts: { reducedMotion?: boolean } = {}) {
  await page.addInitScript((settings) => localStorage.setItem('cnn-book-settings', settings), LIGHT_ENGLISH);
  if (opts.reducedMotion) await page.emulateMedia({ reducedMotion: 'reduce' });
  const q = new URLSearchParams({ c: 'lab' });
  for (const [k, v] of Object.entries(widgets)) q.set(`w.${k}`, JSON.stringify(v));
  await page.goto(`./?${q.toString()}`);
  await expect(page.locator('article[data-chapter="lab"]')).toBeVisible();
  await engineStarted(page);
}

/**
 * Waits until whatever engine the page's widgets asked for has started: the header's
 * backend badge no longer says "starting", and every widget names the backend that
 * computes it, or "idle" for a GPU widget that has not asked for the GPU yet (WebGPU on
 * SwiftShader can take many seconds to start on a busy machine). A widget whose engine
 * never starts keeps saying "starting", and this fails.
 */
export async function engineStarted(page: Page) {
  await expect(page.locator('.widget-backend').first()).toBeAttached();
  await expect(page.locator('.backend-badge')).not.toHaveAttribute('data-backend', 'starting', { timeout: 90_000 });
  const unsettled = ['cpu', 'wasm', 'webgpu', 'idle'].reduce((sel, name) => `${sel}:not([data-computed-by="${name}"])`, '.widget-backend');
  await expect(page.locator(unsettled)).toHaveCount(0, { timeout: 90_000 });
}

export const widget = (page: Page, id: string) => page.locator(`[data-widget="${id}"]`);

/** The longest wait for one frame before `painted` goes on without it (ms). */
const FRAME_WAIT_MS = 5_000;

/**
 * Resolves once the page has painted `frames` more frames (two by default: whatever the
 * last change set off, such as a mount on entering the view, has run). Counted in the
 * page's own frames, so a slow machine waits longer, a fast one less. A browser that
 * paints no frame for FRAME_WAIT_MS (its GPU process busy elsewhere) is not waited on
 * for ever: the wait goes on by the clock and says so in the log.
 */
export async function painted(page: Page, frames = 2) {
  const late = await page.evaluate(
    ({ frames, wait }) =>
      new Promise<number>((resolve) => {
        let left = frames;
        let late = 0;
        const next = () => {
          let done = false;
          const on = (byClock: boolean) => {
            if (done) return;
            done = true;
            if (byClock) late++;
            if (--left <= 0) resolve(late);
            else next();
          };
          requestAnimationFrame(() => on(false));
          setTimeout(() => on(true), wait);
        };
        next();
      }),
    { frames, wait: FRAME_WAIT_MS },
  );
  if (late) console.log(`painted: ${late} of ${frames} frames did not come within ${FRAME_WAIT_MS} ms`);
}

/**
 * Waits, after two more paints, until no element matching `busy` is in the viewport:
 * by default nothing in view is still loading or computing (aria-busy).
 */
export async function settledInView(page: Page, busy = '[aria-busy="true"]', timeout = 60_000) {
  await painted(page);
  await page.waitForFunction(
    (busy) =>
      ![...document.querySelectorAll(busy)].some((el) => {
        const r = el.getBoundingClientRect();
        return r.width > 0 && r.bottom > 0 && r.top < window.innerHeight;
      }),
    busy,
    { timeout },
  );
}

/**
 * Remembers the reader's "Compute on" choice (the training view's menu, kept in the
 * settings store's localStorage entry) before every load of the page. Tests of the WebGPU
 * paths ask for 'webgpu': on SwiftShader the automatic choice is WebAssembly, which the
 * probe finds faster there (e2e/backend-choice.spec.ts).
 */
export async function computeOn(page: Page, choice: 'auto' | 'webgpu' | 'wasm') {
  await page.addInitScript((choice) => {
    const key = 'cnn-book-settings';
    let saved: { state?: Record<string, unknown>; version?: number };
    try {
      saved = JSON.parse(localStorage.getItem(key) ?? '{}') ?? {};
    } catch {
      saved = {};
    }
    localStorage.setItem(key, JSON.stringify({ version: 1, ...saved, state: { ...saved.state, computeOn: choice } }));
  }, choice);
}

// ---- the training view ---------------------------------------------------------------

export const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/**
 * axe with the WCAG 2.2 A/AA rules, reporting violations in full and the other outcomes
 * by one example each, run in the page's own frame (the book has no iframes). Both
 * matter on the long pages: the default collects every passing node of ~7,000 elements
 * and merges the results in a second page, which took 75 s for the lab page on a 2-core
 * machine against 5 s this way, with the same violations.
 */
export function wcagAxe(page: Page): AxeBuilder {
  return new AxeBuilder({ page }).options({ resultTypes: ['violations'] }).withTags(WCAG).setLegacyMode(true);
}

/**
 * The page's axe violations, one line each (an empty list passes). `onlyContrast` runs
 * the colour rules alone: between themes only the colours change.
 */
export async function axeFindings(page: Page, onlyContrast = false): Promise<string[]> {
  const builder = wcagAxe(page);
  if (onlyContrast) builder.withRules(['color-contrast', 'link-in-text-block']);
  const results = await builder.analyze();
  return results.violations.map((v) => `${v.id} (${v.nodes.length}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

/**
 * Switches the theme as a reader does, from the header's menu: the page keeps its widgets
 * and their results, so only the colours change between scans.
 */
export async function chooseTheme(page: Page, theme: string) {
  const menu = page.getByRole('combobox', { name: 'Theme' });
  await menu.selectOption(theme);
  await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
  // The reader's next keys go to the page again, not to the menu.
  await menu.blur();
}

/** The axe violations inside `selector`, one line each (an empty list passes). */
export async function axeViolations(page: Page, selector: string): Promise<string[]> {
  const r = await wcagAxe(page).include(selector).analyze();
  return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

export async function openTrainer(page: Page, lang?: 'en' | 'zh'): Promise<Locator> {
  await openChapter(page, 'train', lang);
  const w = page.locator('[data-widget="train-model"]').first();
  await expect(w).toBeVisible();
  return w;
}

export async function configure(w: Locator, o: { batch: number; epochs?: number; optimizer?: 'sgd' | 'adam'; lr?: number }) {
  await w.getByLabel('Epochs').fill(String(o.epochs ?? 1));
  await w.getByLabel('Batch size').fill(String(o.batch));
  if (o.optimizer) await w.getByLabel('Optimizer').selectOption(o.optimizer);
  if (o.lr !== undefined) await w.getByLabel('Learning rate').fill(String(o.lr));
}

/** A number the training view shows (step, loss, …), from its data-value. */
export const stat = async (w: Locator, name: string) => Number(await w.locator(`[data-stat="${name}"]`).getAttribute('data-value'));

export async function waitForStep(w: Locator, atLeast: number, timeout = 90_000) {
  await expect.poll(() => stat(w, 'step'), { timeout, intervals: [250] }).toBeGreaterThanOrEqual(atLeast);
}

export async function waitForState(w: Locator, state: string, timeout = 60_000) {
  await expect(w).toHaveAttribute('data-state', state, { timeout });
}

/** Presses Stop in the training view and waits until the run has stopped. */
export async function stopTraining(w: Locator) {
  await w.getByRole('button', { name: 'Stop' }).click();
  await waitForState(w, 'stopped');
}

/** Opens the training view, starts a run with settings `o`, and waits until it reaches step `step`. */
export async function startTraining(page: Page, o: Parameters<typeof configure>[1], step = 20): Promise<Locator> {
  const w = await openTrainer(page);
  await configure(w, o);
  await w.getByRole('button', { name: 'Start training' }).click();
  await waitForStep(w, step);
  return w;
}

/**
 * Pauses the run, which saves a checkpoint at the step shown, and resumes it; returns
 * that step once the run has gone `further` steps past it.
 */
export async function checkpointAndGoOn(w: Locator, further = 10): Promise<number> {
  await w.getByRole('button', { name: 'Pause' }).click();
  await waitForState(w, 'paused');
  const saved = await stat(w, 'step');
  await w.getByRole('button', { name: 'Resume', exact: true }).click();
  await waitForState(w, 'training');
  await waitForStep(w, saved + further);
  return saved;
}

// ---- the test build's testing aids -------------------------------------------------------

/**
 * What a test build (`vite build --mode e2e`) puts on `window.__cnnTraining`; see
 * src/worker/client.ts and src/stores/training.ts. A production build has none of it.
 */
export interface TestingAids {
  crashWorker(): void;
  hangWorker(): void;
  /** The shortest silence of a busy worker that the page calls a stall (src/worker/silence.ts). */
  silenceFloorMs?: number;
  /** The silence the page would call a stall now (set by the page while the worker is busy). */
  silenceLimitMs?: number;
  loseDevice(): void;
  simulateStorageFull(on?: boolean): void;
  getState(): { predict(model: string, images: Float32Array, count: number): Promise<Float32Array>; history: { points: { step: number }[] } };
}

/** Calls one of the testing aids in the page; fails with a clear message on a build without them. */
export async function callTestingAid(page: Page, name: 'crashWorker' | 'hangWorker' | 'loseDevice' | 'simulateStorageFull', ...args: boolean[]) {
  await page.evaluate(
    ([name, args]) => {
      const aids = (window as unknown as { __cnnTraining?: Partial<Record<string, (...a: boolean[]) => void>> }).__cnnTraining;
      const aid = aids?.[name];
      if (!aid) throw new Error(`window.__cnnTraining.${name} is missing: the e2e tests need a test build (vite build --mode e2e)`);
      aid(...args);
    },
    [name, args] as const,
  );
}

/** The steps of the training chart's history, read from the store through the testing aids. */
export async function historySteps(page: Page): Promise<number[]> {
  return page.evaluate(() => (window as unknown as { __cnnTraining: TestingAids }).__cnnTraining.getState().history.points.map((p) => p.step));
}

// ---- files given to a file input ------------------------------------------------------------

/**
 * Gives `file` to a file input and waits for the note the page writes about it (the element
 * matching `note`, a selector over the whole page). Returns the note's kind (data-note)
 * and text, and, for the log only, the time from the input's change to the note.
 */
export async function openFile(page: Page, input: Locator, file: { name: string; mimeType: string; buffer: Buffer }, note: string) {
  const elapsed = await timeToElement(page, note);
  await input.setInputFiles(file);
  const el = page.locator(note);
  await expect(el).toBeAttached();
  return { ms: await elapsed(), kind: (await el.getAttribute('data-note')) ?? '', text: (await el.textContent()) ?? '' };
}

/**
 * Starts a timer in the page at the next `change` event, stopped when an element matches
 * `selector`. The returned function reads it (NaN before the element appears); for logs,
 * never for assertions.
 */
export async function timeToElement(page: Page, selector: string): Promise<() => Promise<number>> {
  const key = `t${Math.random().toString(36).slice(2)}`;
  await page.evaluate(
    ([key, selector]) => {
      const timers = ((window as unknown as { __timers?: Record<string, number> }).__timers ??= {});
      timers[key] = NaN;
      let t0 = 0;
      document.addEventListener('change', () => (t0 = performance.now()), { capture: true, once: true });
      const obs = new MutationObserver(() => {
        if (t0 && document.querySelector(selector)) {
          obs.disconnect();
          timers[key] = performance.now() - t0;
        }
      });
      obs.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
    },
    [key, selector] as const,
  );
  return () => page.evaluate((key) => (window as unknown as { __timers: Record<string, number> }).__timers[key], key);
}
