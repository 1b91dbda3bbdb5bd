/**
 * Writes sw.js into the build once everything else is on disk: a service worker that
 * precaches every file of the build (app, chapters, fonts) so the book works offline
 * after a first visit, caches the dataset files on first use (they are too large for a
 * precache), and serves every response with the cross-origin isolation headers, so a
 * static host that sends none still gives the page SharedArrayBuffer (and the wasm
 * backend its threads) from the first reload on.
 */
import type { Plugin } from 'vite';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { ISOLATION_HEADERS } from './isolation.ts';

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listFiles(p));
    else out.push(p);
  }
  return out;
}

/**
 * The build's files as the site serves them ('./assets/x.js'), but for fonts no reader's
 * browser asks for, read from the output folder itself: the bundle handed to plugins still
 * names chunks that are dropped afterwards (a chunk that held only CSS), and one missing
 * file fails the whole precache.
 */
function precacheList(outDir: string): string[] {
  const files = listFiles(outDir)
    .map((f) => relative(outDir, f).split('\\').join('/'))
    .filter((f) => f !== 'sw.js' && !f.startsWith('data/') && !f.startsWith('.vite/'))
    // KaTeX's fonts come in woff2, woff and TrueType; every browser that runs the book reads
    // the woff2 (listed first), so the other two (0.9 MB) are left to the network.
    .filter((f) => !/\.(woff|ttf)$/.test(f))
    .sort();
  return ['./', ...files.map((f) => `./${f}`)];
}

export function serviceWorker(): Plugin {
  let outDir = 'dist';
  return {
    name: 'service-worker',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    closeBundle() {
      const precache = precacheList(outDir);
      const hash = createHash('sha256');
      for (const f of precache.slice(1)) hash.update(f).update(readFileSync(join(outDir, f)));
      writeFileSync(join(outDir, 'sw.js'), swSource(hash.digest('hex').slice(0, 12), precache));
    },
  };
}

function swSource(version: string, precache: string[]): string {
  return `// Generated at build time. Precaches the book, caches datasets on first use, and serves
// everything cross-origin isolated.
const APP_CACHE = 'cnn-book-app-${version}';
const DATA_CACHE = 'cnn-book-data-v1';
const PRECACHE = ${JSON.stringify(precache)};
const ISOLATION = ${JSON.stringify(ISOLATION_HEADERS)};

// The response with the isolation headers added, unless the host sent its own.
function isolated(res) {
  if (!res || res.type === 'opaque' || res.type === 'opaqueredirect' || res.status === 0) return res;
  if (res.headers.has('Cross-Origin-Embedder-Policy')) return res;
  const headers = new Headers(res.headers);
  for (const [name, value] of Object.entries(ISOLATION)) headers.set(name, value);
  return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
}

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(APP_CACHE).then((c) => c.addAll(PRECACHE)).then(() => self.skipWaiting()));
});

// The caches of older versions go, except the newest of them: a page opened before this
// version arrived still loads its chapters from there (the host no longer has them).
// CacheStorage lists caches in the order they were made.
self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => keys.filter((k) => k.startsWith('cnn-book-app-') && k !== APP_CACHE).slice(0, -1))
      .then((old) => Promise.all(old.map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

async function answer(req, url) {
  if (url.pathname.includes('/data/') && url.pathname.endsWith('.bin')) {
    const cache = await caches.open(DATA_CACHE);
    const hit = await cache.match(req, { ignoreVary: true });
    if (hit) return hit;
    const res = await fetch(req);
    // Only a whole file is kept: a Range request's partial answer (206) is passed on as is.
    if (res.status === 200) await cache.put(req, res.clone());
    return res;
  }
  if (req.mode === 'navigate') {
    // Every route is index.html with a query string: network first, cached shell offline.
    try {
      return await fetch(req);
    } catch (e) {
      const hit = (await caches.match(req, { ignoreSearch: true, ignoreVary: true })) || (await caches.match('./'));
      if (hit) return hit;
      throw e;
    }
  }
  return (await caches.match(req, { ignoreSearch: true, ignoreVary: true })) || fetch(req);
}

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  event.respondWith(answer(req, url).then(isolated));
});
`;
}
