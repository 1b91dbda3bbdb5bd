/**
 * Where the compiled kernels come from in the browser: the builds as files (written by
 * scripts/build-wasm.mjs into ./gen/), which the bundler emits once for the page and every
 * worker, so a reader fetches only the build the engine runs, once. vite.config.ts puts
 * this module in the place of kernel-source.ts, whose interface it keeps.
 */
import type { Build } from './kernel-source';

/** The generated flag, looked up without a static import so that a missing build fails only here. */
const made = import.meta.glob<{ RELAXED_MADE: boolean }>('./gen/made.ts', { eager: true });

const FILES: Record<Build, URL> = {
  SINGLE_WASM: new URL('./gen/single.wasm', import.meta.url),
  THREADED_WASM: new URL('./gen/threaded.wasm', import.meta.url),
  SINGLE_RELAXED_WASM: new URL('./gen/single-relaxed.wasm', import.meta.url),
  THREADED_RELAXED_WASM: new URL('./gen/threaded-relaxed.wasm', import.meta.url),
};

export function relaxedMade(): boolean {
  const mod = Object.values(made)[0];
  if (!mod) throw new Error('wasm backend: the kernels are not built; run `node scripts/build-wasm.mjs` (npm start/test/build do)');
  return mod.RELAXED_MADE;
}

export async function kernelBytes(which: Build): Promise<Uint8Array<ArrayBuffer>> {
  const res = await fetch(FILES[which]);
  if (!res.ok) throw new Error(`wasm backend: could not load the kernels (${FILES[which].pathname}: HTTP ${res.status})`);
  return new Uint8Array(await res.arrayBuffer());
}
