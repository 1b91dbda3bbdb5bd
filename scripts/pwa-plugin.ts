/**
 * Writes dist/sw.js at build time: a service worker that precaches every file of
 * the build (app, chapters, fonts) so the book works offline after a first visit,
 * and caches the dataset files on first use (they are too large for a precache).
 */
import type { Plugin } from 'vite';
import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listFiles(p));
    else out.push(p);
  }
  return out;
}

export function serviceWorker(): Plugin {
  let outDir = 'dist';
  return {
    name: 'service-worker',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir;
    },
    generateBundle(_options, bundle) {
      const files = Object.keys(bundle).filter((f) => !f.endsWith('.map'));
      let publicFiles: string[];
      try {
        publicFiles = listFiles('public')
          .map((f) => relative('public', f).split('\\').join('/'))
          .filter((f) => !f.startsWith('data/'));
      } catch {
        publicFiles = [];
      }
      const precache = ['./', ...[...files, ...publicFiles].filter((f) => f !== 'sw.js').map((f) => `./${f}`)];
      const version = createHash('sha256').update(precache.join('\n')).update(String(files.length)).digest('hex').slice(0, 12);
      void outDir;
      this.emitFile({ type: 'asset', fileName: 'sw.js', source: swSource(version, precache) });
    },
  };
}

function swSource(version: string, precache: string[]): string {
  return `// Generated at build time. Precaches the book; caches datasets on first use.
const APP_CACHE = 'cnn-book-app-${version}';
const DATA_CACHE = 'cnn-book-data-v1';
const PRECACHE = ${JSON.stringify(precache)};

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(APP_CACHE).then((c) => c.addAll(PRECACHE)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('cnn-book-app-') && k !== APP_CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.includes('/data/') && url.pathname.endsWith('.bin')) {
    event.respondWith(
      caches.open(DATA_CACHE).then(async (cache) => {
        const hit = await cache.match(req, { ignoreVary: true });
        if (hit) return hit;
        const res = await fetch(req);
        // Only a whole file is kept: a Range request's partial answer (206) is passed on as is.
        if (res.status === 200) await cache.put(req, res.clone());
        return res;
      }),
    );
    return;
  }
  if (req.mode === 'navigate') {
    // Every route is index.html with a query string: network first, cached shell offline.
    event.respondWith(
      fetch(req).catch(async () => (await caches.match(req, { ignoreSearch: true, ignoreVary: true })) || (await caches.match('./'))),
    );
    return;
  }
  event.respondWith(
    caches.match(req, { ignoreSearch: true, ignoreVary: true }).then((hit) => hit || fetch(req)),
  );
});
`;
}
