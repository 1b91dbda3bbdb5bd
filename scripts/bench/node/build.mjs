#!/usr/bin/env node
// Bundles scripts/bench/node/main.ts (engine, models, sections, TF.js) into one ES
// module under bench-node/, leaving only the native `webgpu` package outside.
import { build } from 'vite';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../..', import.meta.url));
await build({
  root,
  configFile: false,
  publicDir: false,
  logLevel: 'warn',
  build: {
    ssr: 'scripts/bench/node/main.ts',
    outDir: 'bench-node',
    emptyOutDir: true,
    target: 'node20',
    rollupOptions: { output: { entryFileNames: 'main.mjs', codeSplitting: false } },
  },
  ssr: { noExternal: true, external: ['webgpu'] },
});
console.log('bench-node/main.mjs written');
