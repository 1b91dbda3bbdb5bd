#!/usr/bin/env node
/**
 * Bundles scripts/bench/gpu-check.ts into one ES module with a trimmed copy of the
 * `webgpu` package (linux-x64 only) beside it, so it can run on a machine that has
 * Node and a GPU but none of this repository's node_modules:
 *   node scripts/bench/build-gpu-check.mjs [outDir]   (default node_modules/.gpu-check)
 *   node <outDir>/check.mjs
 */
import { cp, mkdir, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleForNode } from '../node-bundle.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const out = resolve(process.argv[2] ?? join(root, 'node_modules/.gpu-check'));
await rm(out, { recursive: true, force: true });
await bundleForNode(join(root, 'scripts/bench/gpu-check.ts'), out, 'check.mjs');
const pkg = join(out, 'node_modules/webgpu');
await mkdir(join(pkg, 'dist'), { recursive: true });
for (const f of ['index.js', 'package.json']) await cp(join(root, 'node_modules/webgpu', f), join(pkg, f));
await cp(join(root, 'node_modules/webgpu/dist/linux-x64'), join(pkg, 'dist/linux-x64'), { recursive: true });
console.log(`built ${out}/check.mjs`);
