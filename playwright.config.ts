import { defineConfig } from '@playwright/test';
import { CHROMIUM_FLAGS } from './scripts/chromium-flags.mjs';
import { PROBE_STATE } from './e2e/probe-state';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const chromiumArgs = [...CHROMIUM_FLAGS, '--no-first-run'];
const PORT = Number(process.env.E2E_PORT ?? 4317);
/**
 * The build to serve: a test build, which has the testing aids the tests drive
 * (`vite build --mode e2e --outDir dist-e2e`, as `npm test` makes it). Another folder
 * lets two runs share a checkout.
 */
const DIST = process.env.E2E_DIST ?? 'dist-e2e';

export default defineConfig({
  testDir: 'e2e',
  timeout: 120_000,
  expect: { timeout: 20_000 },
  // Tests of a file may run on either worker (files that need an order say `mode: 'serial'`),
  // so neither worker idles at the end while the other finishes a file.
  fullyParallel: true,
  workers: 2,
  retries: 0,
  reporter: [['list'], ['json']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}/`,
    launchOptions: { executablePath: CHROMIUM, args: chromiumArgs },
    trace: 'off',
    // A failure keeps what the page showed (test-results/), for failures that do not repeat.
    screenshot: 'only-on-failure',
  },
  // A first project runs the backend probe once and keeps its verdicts; every test starts
  // from that storage, as a returning reader's browser would (e2e/probe.setup.ts).
  projects: [
    { name: 'probe', testMatch: /probe\.setup\.ts$/ },
    { name: 'book', testMatch: /\.spec\.ts$/, dependencies: ['probe'], use: { storageState: PROBE_STATE } },
  ],
  webServer: {
    // The built site (with its Content-Security-Policy), as a static host would serve it.
    command: `npx vite preview --host 127.0.0.1 --port ${PORT} --strictPort --outDir ${DIST}`,
    url: `http://127.0.0.1:${PORT}/`,
    reuseExistingServer: false,
    timeout: 60_000,
  },
});
