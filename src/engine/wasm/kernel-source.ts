/**
 * Where the compiled kernels come from in Node (Vitest, the bench, the scripts' bundles):
 * the generated module's base64, so that a bundle carries them and needs no file beside it.
 * The page and its workers fetch the same builds as files instead (kernel-source.browser.ts,
 * which vite.config.ts puts in this module's place).
 */
export type Build = 'SINGLE_WASM' | 'THREADED_WASM' | 'SINGLE_RELAXED_WASM' | 'THREADED_RELAXED_WASM';

/** The generated module, looked up without a static import so that a missing build fails only here. */
const generated = import.meta.glob<Record<Build, string | null>>('./kernels.gen.ts', { eager: true });

function builds(): Record<Build, string | null> {
  const mod = Object.values(generated)[0];
  if (!mod) throw new Error('wasm backend: kernels.gen.ts is missing; run `node scripts/build-wasm.mjs` (npm start/test/build do)');
  return mod;
}

/** Whether the relaxed-SIMD builds were made (clang 16 or later). */
export function relaxedMade(): boolean {
  return builds().SINGLE_RELAXED_WASM !== null;
}

/** A build's bytes. */
export async function kernelBytes(which: Build): Promise<Uint8Array<ArrayBuffer>> {
  const b64 = builds()[which];
  if (!b64) throw new Error(`wasm backend: the ${which} build was not made`);
  const text = atob(b64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}
