import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Builds the benchmark page (scripts/bench/page) into a temporary folder. */
export const BENCH_OUT = join(tmpdir(), 'cnn-textbook-bench');

export default defineConfig({
  root: fileURLToPath(new URL('./page', import.meta.url)),
  base: './',
  logLevel: 'warn',
  // Benchmarks measure what readers get: no testing aids (see vite.config.ts).
  define: { __TEST_AIDS__: 'false' },
  build: {
    outDir: BENCH_OUT,
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 10000,
    sourcemap: false,
  },
});
