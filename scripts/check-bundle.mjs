#!/usr/bin/env node
// Checks a production build (default dist/) for two things readers must never get:
// - eval or the Function constructor, which the Content-Security-Policy (no
//   'unsafe-eval') would block. Method calls such as `module.eval()` are fine.
// - the testing aids of the test build (`vite build --mode e2e`): window.__cnnCellTimeLimitMs,
//   window.__cnnTraining and its crashWorker / hangWorker / loseDevice / simulateStorageFull / hideWebGPU / silenceFloorMs, and the worker's test-only
//   message types, read from the TestAidToWorker union in src/worker/protocol.ts.
// - the wasm kernels inlined into a script (as base64): the page and each worker would
//   carry their own 1.8 MB copy of all four builds; the build emits them once as .wasm files.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const dist = process.argv[2] ?? 'dist';
const hits = [];
const excerpt = (src, index) => `…${src.slice(Math.max(0, index - 40), index + 40)}…`;

// ---- eval and new Function, in the scripts under assets/ ----------------------------
const assets = join(dist, 'assets');
const evalPatterns = [/(?<![.\w$])eval\s*\((?![^)]*\)\s*\{)/, /\bnew\s+Function\s*\(/, /(?<![.\w$])Function\s*\(\s*["'`]/];
let scripts = 0;
// A wasm module's first bytes (\0asm, version 1), base64-encoded from the start of a string.
const inlinedWasm = /["'`]AGFzbQEAAAA/;
for (const f of readdirSync(assets).filter((n) => n.endsWith('.js'))) {
  scripts++;
  const src = readFileSync(join(assets, f), 'utf8');
  const w = inlinedWasm.exec(src);
  if (w) hits.push(`a wasm module inlined as base64 in ${f}: ${excerpt(src, w.index)}`);
  for (const p of evalPatterns) {
    const m = p.exec(src);
    if (m) hits.push(`eval or new Function in ${f}: ${excerpt(src, m.index)}`);
  }
}

// ---- testing aids, in every script and page of the build -----------------------------
const protocol = readFileSync(new URL('../src/worker/protocol.ts', import.meta.url), 'utf8');
const union = /export type TestAidToWorker =([\s\S]*?);\n/.exec(protocol);
const messageTypes = union ? [...union[1].matchAll(/type: '([^']+)'/g)].map((m) => m[1]) : [];
if (messageTypes.length === 0) {
  console.error('✗ bundle check: no message types found in TestAidToWorker (src/worker/protocol.ts); update this script.');
  process.exit(1);
}
const aidPatterns = [
  ...['__cnnTraining', '__cnnCellTimeLimitMs', '__cnnBriefSteps', 'crashWorker', 'hangWorker', 'loseDevice', 'simulateStorageFull', 'hideWebGPU', 'silenceFloorMs', '__TEST_AIDS__'].map((name) => new RegExp(name)),
  // A message type as a string literal, e.g. `type:"lose-device"` or `case"crash"`.
  ...messageTypes.map((t) => new RegExp(`(["'\`])${t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\1`)),
];

function* files(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) yield* files(path);
    else if (/\.(m?js|html)$/.test(e.name)) yield path;
  }
}
let read = 0;
for (const path of files(dist)) {
  read++;
  const src = readFileSync(path, 'utf8');
  for (const p of aidPatterns) {
    const m = p.exec(src);
    if (m) hits.push(`testing aid ${m[0]} in ${relative(dist, path)}: ${excerpt(src, m.index)}`);
  }
}

if (hits.length) {
  console.error(`✗ the bundle in ${dist}/ has what readers must not get:\n${hits.join('\n')}`);
  process.exit(1);
}
const wasmFiles = readdirSync(assets).filter((n) => n.endsWith('.wasm')).length;
console.log(`bundle check: no eval or new Function and no inlined wasm in ${scripts} scripts (${wasmFiles} .wasm files beside them); no testing aids (${messageTypes.join(', ')} messages included) in ${read} scripts and pages`);
