// Bundles a TypeScript entry (engine, models, data, … from src/) with Vite into one ES
// module that Node runs as is, leaving only the native `webgpu` package outside.
// Used by scripts/train.mjs, scripts/bench/node/build.mjs and scripts/bench/build-gpu-check.mjs.
import { build } from 'vite';
import { fileURLToPath } from 'node:url';
import { copyFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';

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
  // The wasm backend's thread pool starts its workers from this file beside the bundle.
  const dir = isAbsolute(outDir) ? outDir : join(root, outDir);
  copyFileSync(join(root, 'src/engine/wasm/pool-node.worker.mjs'), join(dir, 'pool-node.worker.mjs'));
}
