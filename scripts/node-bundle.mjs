// Bundles a TypeScript entry (engine, models, data, … from src/) with Vite into one ES
// module that Node runs as is, leaving only the native `webgpu` package outside.
// Used by scripts/train.mjs, scripts/bench/node/build.mjs and scripts/bench/build-gpu-check.mjs.
import { build } from 'vite';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Writes `outDir/fileName` (outDir relative to the repository root, or absolute), emptying outDir first. */
export async function bundleForNode(entry, outDir, fileName = 'main.mjs') {
  await build({
    root,
    configFile: false,
    publicDir: false,
    logLevel: 'warn',
    build: {
      ssr: entry,
      outDir,
      emptyOutDir: true,
      target: 'node20',
      rollupOptions: { output: { entryFileNames: fileName, codeSplitting: false } },
    },
    ssr: { noExternal: true, external: ['webgpu'] },
  });
}
