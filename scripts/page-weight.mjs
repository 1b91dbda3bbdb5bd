#!/usr/bin/env node
// Prints the JavaScript a reader downloads to open the first chapter (the entry, its
// static imports and the chapter's own chunk), gzipped, from the Vite manifest of a
// build in dist/, and what the service worker precaches for offline reading. Fails above
// either budget. KaTeX fonts and the dataset are not JS.
import { readFileSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';

const BUDGET = 250 * 1024;
const dist = process.argv[2] ?? 'dist';
const manifest = JSON.parse(readFileSync(join(dist, '.vite', 'manifest.json'), 'utf8'));

const seen = new Set();
function collect(key) {
  const entry = manifest[key];
  if (!entry || seen.has(entry.file)) return;
  seen.add(entry.file);
  for (const imp of entry.imports ?? []) collect(imp);
}
collect('index.html');
const first = Object.keys(manifest).find((k) => /chapters\/en\/00-[^/]+\.mdx$/.test(k));
if (first) collect(first);

let total = 0;
const rows = [];
for (const file of seen) {
  if (!file.endsWith('.js')) continue;
  const gz = gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;
  total += gz;
  rows.push([file, gz]);
}
rows.sort((a, b) => b[1] - a[1]);
for (const [file, gz] of rows) console.log(`  ${(gz / 1024).toFixed(1).padStart(7)} KB  ${file}`);
console.log(`page weight: first chapter's initial JavaScript ${(total / 1024).toFixed(1)} KB gzipped (budget ${BUDGET / 1024} KB)`);
// The engine (and its WebGPU backend) loads right after the shell, to start the badge.
const before = new Set(seen);
for (const key of Object.keys(manifest)) if (/src\/engine\/(index|webgpu\/index)\.ts$/.test(key)) collect(key);
let engine = 0;
for (const file of seen) if (!before.has(file) && file.endsWith('.js')) engine += gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;
console.log(`  plus the engine, loaded after first paint: ${(engine / 1024).toFixed(1)} KB gzipped (${((total + engine) / 1024).toFixed(1)} KB together)`);
// What the service worker fetches in the background on a first visit, so that the whole
// book (every chapter, widget, worker and wasm build) opens offline; the datasets come
// on first use.
const PRECACHE_BUDGET = 12 * 1024 * 1024;
const sw = readFileSync(join(dist, 'sw.js'), 'utf8');
const precache = JSON.parse(/const PRECACHE = (\[.*\]);/.exec(sw)[1]).filter((f) => f !== './');
let cached = 0;
for (const f of precache) cached += statSync(join(dist, f)).size;
const wasm = precache.filter((f) => f.endsWith('.wasm')).map((f) => statSync(join(dist, f)).size);
console.log(
  `  offline copy a first visit precaches: ${precache.length} files, ${(cached / 2 ** 20).toFixed(1)} MB as stored (budget ${PRECACHE_BUDGET / 2 ** 20} MB), ` +
    `of which ${wasm.length} wasm builds of ${(Math.max(...wasm) / 1024).toFixed(0)} KB at most (a reader's engine fetches one)`,
);
if (total > BUDGET) {
  console.error('✗ over budget');
  process.exit(1);
}
if (cached > PRECACHE_BUDGET) {
  console.error('✗ the precache is over budget');
  process.exit(1);
}
