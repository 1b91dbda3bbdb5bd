import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { NODE_RELAXED_SIMD } from './scripts/chromium-flags.mjs';

export default defineConfig({
  // Unit tests run the test build's code, testing aids included (see vite.config.ts).
  define: { __TEST_AIDS__: 'true' },
  test: {
    include: ['tests/**/*.test.ts', 'tests/**/*.test.tsx'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // WebGPU in Node runs on Dawn (the `webgpu` package) over SwiftShader's Vulkan driver.
    env: { VK_ICD_FILENAMES: process.env.VK_ICD_FILENAMES ?? '/usr/lib/chromium/vk_swiftshader_icd.json' },
    setupFiles: ['tests/helpers/setup.ts'],
    pool: 'forks',
    // Relaxed SIMD, which Chromium ships, is behind a flag in Node 20: the wasm backend's
    // fused multiply-add build is tested as readers' browsers run it.
    execArgv: [NODE_RELAXED_SIMD],
    // One test file per core (Vitest's default leaves one core idle): much of the suite
    // waits on Dawn's queue and on timers, so on a 2-core machine two files at a time
    // take the suite from about 6 to about 4 minutes.
    maxWorkers: availableParallelism(),
  },
});
