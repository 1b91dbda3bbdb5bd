import { defineConfig } from 'vitest/config';
import base from './vitest.config';

/** Kernel timing probes on Dawn: `npx vitest run --config vitest.perf.config.ts`. Not part of `npm test`. */
export default defineConfig({ ...base, test: { ...base.test, include: ['tests/**/*.perf.ts'] } });
