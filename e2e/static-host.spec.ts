import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect, configure, waitForStep, stopTraining } from './fixtures';

test.describe.configure({ mode: 'serial' });

// The built book on a plain static host, in a folder below the site's root: no isolation
// headers, no fallback page, a 404 for a missing file (the preview server the other tests
// use serves the book at the root, sends the headers and answers every unknown path with
// index.html, which hides all three).

const DIST = process.env.E2E_DIST ?? 'dist-e2e';
/** Where the book lives on the host. */
const FOLDER = '/books/cnn/';
const TYPES: Record<string, string> = {
  '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json',
  '.svg': 'image/svg+xml', '.woff2': 'font/woff2', '.woff': 'font/woff', '.ttf': 'font/ttf',
  '.webmanifest': 'application/manifest+json', '.wasm': 'application/wasm',
};

let server: http.Server;
let bookUrl = '';
const missing: string[] = [];
/** While set, the host answers sw.js only once this resolves. */
let holdWorker: Promise<void> | null = null;
/** A newer version of the site: files it changes (a body) or no longer has (null). */
const deployed = new Map<string, Buffer | null>();

test.beforeAll(async () => {
  server = http.createServer(async (req, res) => {
    const url = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://host').pathname));
    const path = url.startsWith(FOLDER) ? url.slice(FOLDER.length - 1) : '';
    if (path === '/sw.js' && holdWorker) await holdWorker;
    const file = path ? join(DIST, path.endsWith('/') ? `${path}index.html` : path) : '';
    try {
      const body = deployed.has(path) ? deployed.get(path) : await readFile(file);
      if (!body) throw new Error('gone');
      res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      missing.push(url);
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  bookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}${FOLDER.slice(0, -1)}`;
});

test.afterAll(() => new Promise<void>((done) => server.close(() => done())));

test('on a host without isolation headers the service worker installs, isolates the book after one reload, and WebAssembly trains on every core', async ({ page }) => {
  test.setTimeout(180_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // Documents the tab has asked the host for (a reload's request goes out before its page exists).
  let loads = 0;
  page.on('request', (r) => r.isNavigationRequest() && r.frame() === page.mainFrame() && loads++);
  await page.addInitScript(() => {
    Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined, configurable: true });
    (window as unknown as { __cnnTraining: Record<string, unknown> }).__cnnTraining = { hideWebGPU: true };
  });
  await page.goto(`${bookUrl}/?c=train`);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
  // The worker precaches every file of the build (one missing file would fail its install),
  // takes control, and the page reloads once into an isolated one.
  await page.waitForFunction(() => crossOriginIsolated, null, { timeout: 120_000 });
  expect(loads).toBe(2);
  expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.active?.state)).toBe('activated');
  expect(missing).toEqual([]);

  const w = page.locator('[data-widget="train-model"]').first();
  await configure(w, { batch: 8 });
  await w.getByRole('button', { name: 'Start training' }).click();
  await waitForStep(w, 5);
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  const backend = await page.evaluate(() => (window as unknown as { __cnnTraining: { getState(): { backend: { name: string; about?: { kind: string; threads?: number } } | null } } }).__cnnTraining.getState().backend);
  expect(backend?.name).toBe('wasm');
  expect(backend?.about?.threads).toBe(Math.min(8, cores));
  await stopTraining(w);
  expect(errors).toEqual([]);
});

const USES = {
  'pressed a key': async (page: Page) => {
    await page.locator('input[type="range"]').first().focus();
    await page.keyboard.press('ArrowRight');
  },
  'scrolled': (page: Page) => page.evaluate(() => window.scrollBy(0, 400)),
};

for (const [did, use] of Object.entries(USES)) {
  test(`a page where the reader has ${did} is not reloaded when the service worker takes it over`, async ({ page }) => {
    test.setTimeout(120_000);
    let release = () => {};
    holdWorker = new Promise<void>((done) => (release = done));
    // Documents the tab has asked the host for (a reload's request goes out before its page exists).
    let loads = 0;
    page.on('request', (r) => r.isNavigationRequest() && r.frame() === page.mainFrame() && loads++);
    try {
      await page.goto(`${bookUrl}/?c=image-convolution`);
      await expect(page.locator('article[data-chapter="image-convolution"] h1')).toBeVisible();
      await use(page);
    } finally {
      holdWorker = null;
      release();
    }
    await page.waitForFunction(() => !!navigator.serviceWorker.controller, null, { timeout: 90_000 });
    await page.waitForTimeout(1500);
    expect(loads).toBe(1);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
    // The next visit is isolated.
    await page.reload();
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  });
}

test('a page opened before a new version arrived still opens its chapters after the service worker updates', async ({ page }) => {
  test.setTimeout(120_000);
  missing.length = 0;
  await page.goto(`${bookUrl}/?c=preface`);
  await page.waitForFunction(() => crossOriginIsolated, null, { timeout: 90_000 });
  // A new version goes up: a new service worker, and the old chapter files are gone from
  // the host (the new build names its files afresh).
  const sw = (await readFile(join(DIST, 'sw.js'), 'utf8')).replace(/cnn-book-app-[0-9a-f]+/, 'cnn-book-app-next');
  const precache = JSON.parse(/const PRECACHE = (\[.*\]);/.exec(sw)![1]) as string[];
  const gone = precache.filter((f) => /\/03-dense-to-conv-[^/]*\.js$/.test(f));
  expect(gone.length).toBeGreaterThan(0);
  for (const f of gone) deployed.set(f.slice(1), null);
  deployed.set('/sw.js', Buffer.from(sw.replace(/const PRECACHE = \[.*\];/, `const PRECACHE = ${JSON.stringify(precache.filter((f) => !gone.includes(f)))};`)));
  try {
    await page.evaluate(async () => {
      const reg = (await navigator.serviceWorker.getRegistration())!;
      const changed = new Promise((done) => navigator.serviceWorker.addEventListener('controllerchange', done, { once: true }));
      await reg.update();
      await changed;
      // Taking over comes first; the old caches go before the new worker is activated.
      const active = reg.active!;
      if (active.state !== 'activated') await new Promise((done) => active.addEventListener('statechange', () => active.state === 'activated' && done(null)));
    });
    expect(await page.evaluate(async () => (await caches.keys()).filter((k) => k.startsWith('cnn-book-app-')).length)).toBe(2);
    // The open page asks for a chapter file the host no longer has: the previous version's cache has it.
    await page.locator('nav a', { hasText: 'From Dense Layers to Convolutions' }).first().click();
    await expect(page.locator('article[data-chapter="dense-to-conv"] h1')).toBeVisible();
    await expect(page.getByRole('alert')).toHaveCount(0);
  } finally {
    deployed.clear();
  }
});
