#!/usr/bin/env node
// `npm test`: type check, lint, unit tests (CPU and WebGPU-on-Dawn), a production
// build (checked for its weight and for what readers must not get), a test build with
// the testing aids in dist-e2e/, and the e2e suite against it in Debian's Chromium with
// WebGPU. Every step runs; the last line sums up the test counts of both runners.
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBrowser, ensureData, ensureDependencies, ensureWasm, root, run, SWIFTSHADER_ICD } from './setup.mjs';

ensureDependencies();
ensureBrowser();
ensureData();
ensureWasm();

// Outside test-results/, which Playwright empties when it starts.
const out = join(root, 'node_modules', '.test-reports');
mkdirSync(out, { recursive: true });
const vitestJson = join(out, 'vitest.json');
const playwrightJson = join(out, 'playwright.json');
rmSync(vitestJson, { force: true });
rmSync(playwrightJson, { force: true });

const failures = [];
const step = (name, cmd, args, env = {}) => {
  console.log(`\n▶ ${name}`);
  const code = run(cmd, args, { env: { ...process.env, ...env } });
  if (code !== 0) failures.push(name);
};

const only = process.argv[2]; // optional: 'unit' or 'e2e'
if (!only) {
  step('type check', 'npx', ['tsc', '--noEmit', '-p', '.']);
  step('lint', 'npx', ['eslint', '--max-warnings=0', '.']);
}
if (!only || only === 'unit') {
  step('unit tests', 'npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`], {
    VK_ICD_FILENAMES: SWIFTSHADER_ICD,
  });
}
if (!only || only === 'e2e') {
  // What readers download: dist/, without the testing aids.
  step('build', 'npx', ['vite', 'build', '--logLevel', 'warn']);
  step('page weight', process.execPath, ['scripts/page-weight.mjs']);
  step('no eval and no testing aids in the bundle', process.execPath, ['scripts/check-bundle.mjs']);
  // What the e2e tests drive: the same site plus window.__cnnTraining (see vite.config.ts).
  const e2eDist = 'dist-e2e';
  step('test build', 'npx', ['vite', 'build', '--mode', 'e2e', '--outDir', e2eDist, '--emptyOutDir', '--logLevel', 'warn']);
  step('e2e tests', 'npx', ['playwright', 'test'], { PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightJson, E2E_DIST: e2eDist });
}

let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(vitestJson)) {
  const v = JSON.parse(readFileSync(vitestJson, 'utf8'));
  passed += v.numPassedTests;
  failed += v.numFailedTests;
  skipped += v.numPendingTests + (v.numTodoTests ?? 0);
}
if (existsSync(playwrightJson)) {
  const s = JSON.parse(readFileSync(playwrightJson, 'utf8')).stats;
  passed += s.expected + s.flaky;
  failed += s.unexpected;
  skipped += s.skipped;
}
if (failures.length) console.log(`\n✗ failed steps: ${failures.join(', ')}`);
if (failures.length && failed === 0) failed = failures.length;
console.log(`\ntests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failures.length ? 1 : 0);
