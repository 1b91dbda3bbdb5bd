#!/usr/bin/env node
/**
 * `npm run bench`: builds the benchmark page (scripts/bench/page + sections/*.ts),
 * serves it on 127.0.0.1, runs it in headless Chromium with WebGPU on SwiftShader
 * (through playwright-core and Debian's /usr/bin/chromium) and prints each section's
 * table. Options: --only=matmul,conv (substring match on section files),
 * --timeout=SECONDS.
 */
import { createServer } from 'node:http';
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { extname, join, normalize, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { build } from 'vite';
import { chromium } from 'playwright-core';
import { CHROMIUM_FLAGS } from '../chromium-flags.mjs';
import { printSection } from './table.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k, v ?? true];
  }),
);
const timeoutS = Number(args.timeout ?? 900);

const FLAGS = [...CHROMIUM_FLAGS, '--headless=new'];

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.json': 'application/json' };

function serve(root) {
  return new Promise((resolve) => {
    const server = createServer(async (req, res) => {
      const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
      const file = join(root, path.endsWith('/') ? `${path}index.html` : path);
      try {
        const body = await readFile(file);
        res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
        res.end(body);
      } catch {
        if (path.endsWith('favicon.ico')) {
          res.writeHead(204);
          res.end();
          return;
        }
        res.writeHead(404);
        res.end('not found');
      }
    });
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

async function main() {
  // A fresh output folder per run, so concurrent runs never serve each other's chunks.
  const OUT = await mkdtemp(join(tmpdir(), 'cnn-textbook-bench-'));
  await build({ configFile: join(here, 'vite.bench.config.ts'), logLevel: 'warn', build: { outDir: OUT, emptyOutDir: true } });
  const server = await serve(OUT);
  const { port } = server.address();
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: FLAGS, headless: true });
  try {
    const page = await browser.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') console.error(`[page] ${m.text()}`);
    });
    page.on('pageerror', (e) => console.error(`[page] ${e.message}`));
    const only = typeof args.only === 'string' ? `?only=${encodeURIComponent(args.only)}` : '';
    await page.goto(`http://127.0.0.1:${port}/index.html${only}`);
    const adapter = await page.evaluate(async () => {
      const a = await navigator.gpu?.requestAdapter();
      return a ? `${a.info.vendor} / ${a.info.architecture} / ${a.info.description}` : 'no WebGPU adapter';
    });
    console.log(`Chromium ${browser.version()}, WebGPU adapter: ${adapter}`);
    await page.waitForFunction(() => window.__bench?.done === true, null, { timeout: timeoutS * 1000, polling: 500 });
    const state = await page.evaluate(() => window.__bench);
    if (state.error) throw new Error(state.error);
    for (const s of state.results) printSection(s);
  } finally {
    await browser.close();
    server.close();
    await rm(OUT, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
