#!/usr/bin/env node
/**
 * `npm run bench`: builds the benchmark page (scripts/bench/page + sections/*.ts),
 * serves it on 127.0.0.1, runs it in headless Chromium with WebGPU on SwiftShader
 * (through playwright-core and Debian's /usr/bin/chromium) and prints each section's
 * table. Then, in the same run, the wasm backend in Node (scripts/bench/wasm-node.mjs:
 * matmul 512^3, LeNet and ResNet-18 training, and AlexNet, VGG and NiN at their in-tab
 * sizes) beside PyTorch on the CPU when Debian's PyTorch is installed, with the
 * WebAssembly targets met or not met.
 * Options: --only=matmul,conv (substring match on section files; `wasm` selects the
 * wasm part, so --only=wasm runs only it), --no-wasm (skip the wasm part),
 * --wasm-steps=N (timed LeNet steps, ResNet-18 N/4; default 4), --wasm-threads=1,2,
 * --no-torch (wasm part without PyTorch), --timeout=SECONDS.
 */
import { spawn } from 'node:child_process';
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
const only = typeof args.only === 'string' ? args.only.split(',').filter(Boolean) : [];
const pageOnly = only.filter((o) => o !== 'wasm');
const runPage = only.length === 0 || pageOnly.length > 0;
const runWasm = !args['no-wasm'] && (only.length === 0 || only.includes('wasm'));

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

/** The wasm bench in Node, as a child process with this one's output. */
function wasmBench() {
  const wasmArgs = ['scripts/bench/wasm-node.mjs', '--only=matmul,lenet,resnet,zoo', '--models=alexnet,vgg,nin', `--steps=${args['wasm-steps'] ?? 4}`];
  if (typeof args['wasm-threads'] === 'string') wasmArgs.push(`--threads=${args['wasm-threads']}`);
  if (args['no-torch']) wasmArgs.push('--no-torch');
  console.log(`\nNode ${process.version}, wasm backend: node ${wasmArgs.join(' ')}`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, wasmArgs, { cwd: join(here, '..', '..'), stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code, signal) => (code === 0 ? resolve() : reject(new Error(`wasm bench failed (${signal ?? `exit ${code}`})`))));
  });
}

async function main() {
  if (runPage) await pageBench();
  if (runWasm) await wasmBench();
}

async function pageBench() {
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
    const query = pageOnly.length ? `?only=${encodeURIComponent(pageOnly.join(','))}` : '';
    await page.goto(`http://127.0.0.1:${port}/index.html${query}`);
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
