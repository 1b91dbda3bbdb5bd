// The switches Debian's Chromium is launched with, by the e2e tests (playwright.config.ts)
// and the benchmarks (scripts/bench/run.mjs): WebGPU on SwiftShader, no sandbox, and
// nothing that talks to the network on its own. Types: chromium-flags.d.mts.
export const CHROMIUM_FLAGS = [
  '--enable-unsafe-webgpu',
  '--enable-unsafe-swiftshader',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];

// What Node 20 needs to run the wasm backend's relaxed-SIMD build (fused multiply-add),
// which Chromium runs without asking: Vitest, the wasm bench and scripts/train.mjs pass it.
export const NODE_RELAXED_SIMD = '--experimental-wasm-relaxed-simd';
