// The wasm backend's own kernels (matmul, the three convolution passes, pooling)
// against the CPU reference, on one thread and on a pool of two, over random shapes
// that reach the edge cases: odd sizes, k not a multiple of 4, strides 1-3, padding
// 0-2, transposes, broadcast batches, many small images per product, empty sizes.
// Then three training steps of a small LeNet-like net give the same losses on both.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Conv2dParams, Pool2dParams, Storage } from '../../src/engine/backend';
import { outSize } from '../../src/engine/backend';
import { CpuBackend } from '../../src/engine/cpu/index';
import { manualSeed, nn, optim, randn, tensor } from '../../src/engine/index';
import { setBackendInstance } from '../../src/engine/runtime';
import type { WasmBackend } from '../../src/engine/wasm/index';
import { convMethodFor, poolArgs, winogradInputGrad, winogradTiling, type WinogradTiles } from '../../src/engine/wasm/plan';
import { expectClose } from './helpers';
import { lossStep } from '../../scripts/bench/loss-step';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cpu = new CpuBackend();

/** Deterministic uniform numbers in [-1, 1) (a small LCG), so failures reproduce. */
function randomData(size: number, seed: number): Float32Array {
  let s = (seed * 2654435761 + 12345) >>> 0;
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2147483648 - 1;
  }
  return out;
}

/** Integers in [lo, hi] from a seeded stream. */
function intStream(seed: number): (lo: number, hi: number) => number {
  let s = seed >>> 0;
  return (lo, hi) => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return lo + ((s >>> 8) % (hi - lo + 1));
  };
}

const backends: { label: string; be: WasmBackend }[] = [];
/** Work below which a kernel stays on one thread (the threaded cases below must reach it). */
let parallelMinFlops = Infinity;

beforeAll(async () => {
  // The kernels are generated; build them when this file runs on its own.
  execFileSync(process.execPath, ['scripts/build-wasm.mjs'], { cwd: root, stdio: 'inherit' });
  const { createWasmBackend, PARALLEL_MIN_FLOPS } = await import('../../src/engine/wasm/index');
  parallelMinFlops = PARALLEL_MIN_FLOPS;
  // Both builds: plain SIMD, and relaxed SIMD with the fused multiply-add (vitest.config.ts
  // runs Node with relaxed SIMD enabled, as Chromium has it).
  for (const fma of [false, true]) {
    const simd = fma ? ', fused multiply-add' : '';
    backends.push({ label: `1 thread${simd}`, be: await createWasmBackend({ threads: 1, fma }) });
    backends.push({ label: `2 threads${simd}`, be: await createWasmBackend({ threads: 2, fma }) });
  }
}, 120_000);

afterAll(() => {
  for (const { be } of backends) be.dispose();
});

/**
 * Winograd's tilings with 6x6 input tiles, F(4x4, 3x3) and F(2x2, 5x5), round more than
 * im2col products or F(2x2, 3x3): their error grows with the output's scale, and they are
 * held to this share of the largest output (their accuracy test below measures it).
 */
const WIDE_TILE_TOL = 3e-5;

/** The tolerance of the larger Winograd tiles for outputs `expected`. */
function scaledTol(expected: ArrayLike<number>): number {
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  return Math.max(1e-4, WIDE_TILE_TOL * scale);
}

/**
 * Runs `fn` on the CPU reference and on every wasm variant and compares the outputs,
 * within `tol`, or for 'scaled' within WIDE_TILE_TOL of the largest output (1e-4 at least).
 */
function compare(label: string, fn: (be: CpuBackend, up: (d: Float32Array) => Storage) => Storage, tol: number | 'scaled' = 1e-4): void {
  const expected = cpu.readSync(fn(cpu, (d) => cpu.fromData(d)));
  if (tol === 'scaled') tol = scaledTol(expected);
  for (const { label: which, be } of backends) {
    const out = fn(be, (d) => be.fromData(d));
    expectClose(be.readSync(out), expected, tol, `${label} (${which})`);
  }
}

describe('wasm backend', () => {
  it('is a CPU backend named wasm', () => {
    for (const { be } of backends) {
      expect(be.name).toBe('wasm');
      expect(be.description).toMatch(/WebAssembly/);
    }
    expect(backends[1].be.kernels.threads).toBe(2);
  });

  it('has the relaxed-SIMD build with the fused multiply-add, and uses it only when asked and accepted', async () => {
    const { fusedMultiplyAddAvailable } = await import('../../src/engine/wasm/module');
    // The test runner enables relaxed SIMD in Node (vitest.config.ts) and the build uses clang 16 or later.
    expect(fusedMultiplyAddAvailable()).toBe(true);
    expect(backends.map(({ be }) => be.kernels.fma)).toEqual([false, false, true, true]);
    expect(backends[3].be.description).toBe('WebAssembly SIMD with fused multiply-add, 2 threads');
    expect(backends[0].be.description).toBe('WebAssembly SIMD, 1 thread');
  });

  it('tells whether the engine runs relaxed SIMD by a probe of a few bytes, which engines judge as they judge the relaxed build', async () => {
    const { RELAXED_PROBE } = await import('../../src/engine/wasm/module');
    const { kernelBytes } = await import('../../src/engine/wasm/kernel-source');
    const relaxed = await kernelBytes('SINGLE_RELAXED_WASM');
    const plain = await kernelBytes('SINGLE_WASM');
    // In this process (relaxed SIMD on) both validate; in a Node without the flag neither does, and the plain build still does.
    expect([WebAssembly.validate(RELAXED_PROBE), WebAssembly.validate(relaxed)]).toEqual([true, true]);
    const judge = `const all = JSON.parse(require('fs').readFileSync(0, 'utf8')); console.log(JSON.stringify(all.map((s) => WebAssembly.validate(Buffer.from(s, 'base64')))));`;
    const b64 = (u: Uint8Array) => Buffer.from(u).toString('base64');
    const out = execFileSync(process.execPath, ['-e', judge], { encoding: 'utf8', input: JSON.stringify([RELAXED_PROBE, relaxed, plain].map(b64)) });
    expect(JSON.parse(out)).toEqual([false, false, true]);
  });

  it('matmul matches the CPU on fixed edge shapes', () => {
    const cases: [number, number, number, number, boolean, boolean, number, number][] = [
      // batch, m, n, k, transA, transB, aBatch, bBatch
      [1, 1, 1, 1, false, false, 1, 1],
      [1, 4, 8, 4, false, false, 1, 1],
      [1, 5, 9, 3, false, false, 1, 1],
      [1, 13, 17, 7, true, false, 1, 1],
      [1, 13, 17, 7, false, true, 1, 1],
      [1, 13, 17, 7, true, true, 1, 1],
      [1, 1, 300, 5, false, false, 1, 1],
      [1, 300, 1, 5, false, true, 1, 1],
      [1, 33, 20, 513, false, false, 1, 1],
      [1, 130, 70, 260, true, false, 1, 1],
      [1, 70, 2100, 9, false, false, 1, 1],
      [1, 3, 4, 0, false, false, 1, 1],
      [3, 6, 5, 4, false, false, 3, 1],
      [3, 6, 5, 4, false, true, 1, 3],
      [4, 7, 9, 11, true, true, 4, 4],
      [2, 0, 5, 3, false, false, 2, 2],
      [1, 96, 200, 400, false, false, 1, 1],
      [2, 150, 130, 120, true, false, 1, 2],
    ];
    cases.forEach(([batch, m, n, k, transA, transB, aBatch, bBatch], i) => {
      const A = randomData(aBatch * m * k, 2 * i + 1);
      const B = randomData(bBatch * k * n, 2 * i + 2);
      const p = { batch, m, n, k, transA, transB, aBatch, bBatch };
      compare(`matmul ${JSON.stringify(p)}`, (be, up) => be.matmul(up(A), up(B), p));
    });
  });

  it('matmul matches the CPU on random shapes', () => {
    const r = intStream(7);
    for (let i = 0; i < 40; i++) {
      const batch = r(1, 3);
      const m = r(1, 40), n = r(1, 40), k = r(1, 40);
      const aBatch = r(0, 2) === 0 ? 1 : batch;
      const bBatch = r(0, 2) === 0 ? 1 : batch;
      const p = { batch, m, n, k, transA: r(0, 1) === 1, transB: r(0, 1) === 1, aBatch, bBatch };
      const A = randomData(aBatch * m * k, 100 + i);
      const B = randomData(bBatch * k * n, 200 + i);
      compare(`matmul ${JSON.stringify(p)}`, (be, up) => be.matmul(up(A), up(B), p));
    }
  });

  function convParams(n: number, cIn: number, h: number, w: number, cOut: number, kH: number, kW: number, s: [number, number], pad: [number, number]): Conv2dParams {
    return {
      n, cIn, h, w, cOut, kH, kW, strideH: s[0], strideW: s[1], padH: pad[0], padW: pad[1],
      outH: outSize(h, kH, pad[0], s[0]), outW: outSize(w, kW, pad[1], s[1]),
    };
  }

  /** The tolerance of a pass computed as the convolution `q` (forward form) under the tiling setting `tiles`. */
  function passTol(q: Conv2dParams, tiles: WinogradTiles): number | 'scaled' {
    if (convMethodFor(q, true) !== 'winograd') return 1e-4;
    const { m, r } = winogradTiling(q, tiles);
    return m + r - 1 === 6 ? 'scaled' : 1e-4;
  }

  /** The three passes of `p` on every wasm variant against the CPU; `tiles`: the tiling setting in force (by default, the default precision's). */
  function checkConv(p: Conv2dParams, seed: number, withBias: boolean, tiles: WinogradTiles = 4): void {
    const X = randomData(p.n * p.cIn * p.h * p.w, seed);
    const W = randomData(p.cOut * p.cIn * p.kH * p.kW, seed + 1);
    const Bias = randomData(p.cOut, seed + 2);
    const G = randomData(p.n * p.cOut * p.outH * p.outW, seed + 3);
    const label = JSON.stringify(p);
    compare(`conv2d ${label}`, (be, up) => be.conv2d(up(X), up(W), withBias ? up(Bias) : null, p), passTol(p, tiles));
    compare(`conv2dBackwardInput ${label}`, (be, up) => be.conv2dBackwardInput(up(G), up(W), p), passTol(winogradInputGrad(p), tiles));
    compare(`conv2dBackwardWeight ${label}`, (be, up) => be.conv2dBackwardWeight(up(X), up(G), p), passTol(p, tiles));
  }

  /** Runs `fn` with WasmBackend.winogradTiles set to each of Winograd's tile sides in turn. */
  async function eachTiling(fn: (tiles: 4 | 6) => void): Promise<void> {
    const { WasmBackend } = await import('../../src/engine/wasm/index');
    try {
      for (const tiles of [4, 6] as const) {
        WasmBackend.winogradTiles = tiles;
        fn(tiles);
      }
    } finally {
      WasmBackend.winogradTiles = null;
    }
  }

  it('the convolution passes match the CPU on fixed shapes', () => {
    const cases: Conv2dParams[] = [
      convParams(1, 1, 1, 1, 1, 1, 1, [1, 1], [0, 0]),
      convParams(2, 1, 28, 28, 6, 5, 5, [1, 1], [2, 2]), // LeNet conv1
      convParams(3, 6, 14, 14, 16, 5, 5, [1, 1], [0, 0]), // LeNet conv2
      convParams(2, 3, 17, 15, 5, 7, 7, [2, 2], [3, 3]), // a ResNet-style stem
      convParams(3, 8, 9, 9, 12, 3, 3, [2, 2], [1, 1]),
      convParams(3, 8, 9, 9, 12, 1, 1, [1, 1], [0, 0]), // pointwise
      convParams(3, 8, 9, 9, 12, 1, 1, [2, 2], [0, 0]),
      convParams(40, 5, 4, 4, 9, 3, 3, [1, 1], [1, 1]), // small maps: many images per product
      convParams(300, 3, 2, 2, 7, 1, 1, [1, 1], [0, 0]),
      convParams(2, 4, 5, 11, 3, 2, 3, [3, 1], [0, 2]),
      convParams(2, 2, 6, 6, 3, 5, 5, [1, 1], [2, 0]),
      convParams(1, 3, 10, 10, 0, 3, 3, [1, 1], [1, 1]), // no output channels
      convParams(0, 3, 10, 10, 4, 3, 3, [1, 1], [1, 1]), // no images
    ];
    cases.forEach((p, i) => checkConv(p, 1000 + 10 * i, i % 2 === 0));
  });

  it('the convolution passes match the CPU on random shapes', () => {
    const r = intStream(11);
    for (let i = 0; i < 30; i++) {
      const kH = r(1, 5), kW = r(1, 5);
      const pad: [number, number] = [r(0, 2), r(0, 2)];
      const s: [number, number] = [r(1, 3), r(1, 3)];
      const h = Math.max(r(1, 13), kH - 2 * pad[0]), w = Math.max(r(1, 13), kW - 2 * pad[1]);
      const p = convParams(r(1, 6), r(1, 7), h, w, r(1, 9), kH, kW, s, pad);
      checkConv(p, 5000 + 10 * i, r(0, 1) === 1);
    }
  });

  it('conv2d splits work over threads and blocks like one serial pass (larger batch)', () => {
    // Large enough to run on both threads (and to take several groups per thread): Winograd's
    // 3x3 layers, and im2col products (a strided 3x3 layer, a 1x1 one), whose weight
    // gradients add up the threads' partial sums.
    const cases = [
      [convParams(24, 16, 12, 12, 32, 3, 3, [1, 1], [1, 1]), 9000],
      [convParams(64, 32, 2, 2, 40, 3, 3, [1, 1], [1, 1]), 9100],
      [convParams(24, 16, 12, 12, 32, 3, 3, [2, 2], [1, 1]), 9200],
      [convParams(24, 32, 8, 8, 48, 1, 1, [1, 1], [0, 0]), 9300],
    ] as const;
    for (const [p, seed] of cases) {
      expect(2 * p.n * p.cOut * p.outH * p.outW * p.cIn * p.kH * p.kW).toBeGreaterThanOrEqual(parallelMinFlops);
      checkConv(p, seed, seed === 9000);
    }
  });

  it('the convolution passes agree when the images are copied in several blocks', async () => {
    const { WasmBackend } = await import('../../src/engine/wasm/index');
    const saved = WasmBackend.convBlockBytes;
    // Room for about three images of input and output at a time: blocks of 3, 3, 3, 2 (or 2 per thread).
    const p = convParams(11, 3, 8, 8, 4, 3, 3, [1, 1], [1, 1]);
    WasmBackend.convBlockBytes = 3 * 4 * (p.cIn * p.h * p.w + p.cOut * p.outH * p.outW);
    try {
      checkConv(p, 9500, true);
    } finally {
      WasmBackend.convBlockBytes = saved;
    }
  });

  it('3x3 stride-1 convolutions run by Winograd, F(2x2, 3x3) and F(4x4, 3x3), and match the CPU: every padding, odd sizes, tiny maps, copied blocks, a shared dU', async () => {
    const { WasmBackend } = await import('../../src/engine/wasm/index');
    const cases: Conv2dParams[] = [
      convParams(3, 16, 9, 7, 16, 3, 3, [1, 1], [1, 1]), // odd outputs: tiles cut at the edge
      convParams(2, 16, 5, 6, 20, 3, 3, [1, 1], [0, 0]), // the input gradient then pads by 2
      convParams(2, 17, 6, 5, 16, 3, 3, [1, 1], [2, 2]), // and by 0 here
      convParams(2, 16, 7, 9, 18, 3, 3, [1, 1], [0, 2]),
      convParams(5, 24, 1, 1, 16, 3, 3, [1, 1], [1, 1]), // 1x1 maps
      convParams(4, 16, 2, 2, 32, 3, 3, [1, 1], [1, 1]), // ResNet-18's last stage at 64x64 inputs
      convParams(3, 16, 3, 19, 16, 3, 3, [1, 1], [1, 1]), // rows of ten tiles: whole and partial vectors of four
      convParams(2, 16, 3, 3, 16, 3, 3, [1, 1], [0, 0]), // one output
    ];
    await eachTiling((tiles) =>
      cases.forEach((p, i) => {
        expect(WasmBackend.convMethod(p), JSON.stringify(p)).toBe('winograd');
        checkConv(p, 12_000 + 10 * i, i % 2 === 0, tiles);
      }),
    );
    // Few channels, other kernels and strides stay on im2col.
    expect(WasmBackend.convMethod(convParams(2, 8, 9, 9, 16, 3, 3, [1, 1], [1, 1]))).toBe('im2col');
    expect(WasmBackend.convMethod(convParams(2, 16, 9, 9, 16, 3, 3, [2, 2], [1, 1]))).toBe('im2col');
    expect(WasmBackend.convMethod(convParams(2, 16, 9, 9, 16, 5, 5, [2, 2], [2, 2]))).toBe('im2col');
    expect(WasmBackend.convMethod(convParams(2, 16, 9, 9, 16, 7, 7, [1, 1], [3, 3]))).toBe('im2col');
    expect(WasmBackend.convMethod(convParams(2, 16, 9, 9, 16, 3, 5, [1, 1], [1, 2]))).toBe('im2col');
    const p = convParams(11, 16, 8, 8, 16, 3, 3, [1, 1], [1, 1]);
    const saved = [WasmBackend.convBlockBytes, WasmBackend.winogradPartialFloats];
    try {
      await eachTiling((tiles) => {
        // Copied in blocks of three images: the weight gradient adds each block's share into dW.
        WasmBackend.convBlockBytes = 3 * 4 * (p.cIn * p.h * p.w + p.cOut * p.outH * p.outW);
        checkConv(p, 12_500, true, tiles);
        // The weight gradient with one shared dU (no room for a copy per thread): each task
        // takes some output channels over every block; and the layers above again that way.
        WasmBackend.convBlockBytes = saved[0];
        WasmBackend.winogradPartialFloats = 0;
        checkConv(p, 12_400, true, tiles);
        cases.forEach((q, i) => checkConv(q, 12_600 + 10 * i, i % 2 === 1, tiles));
        WasmBackend.winogradPartialFloats = saved[1];
      });
    } finally {
      [WasmBackend.convBlockBytes, WasmBackend.winogradPartialFloats] = saved;
    }
  });

  it('5x5 stride-1 convolutions run by Winograd, as four 3x3 blocks and by F(2x2, 5x5), and match the CPU: every padding, odd sizes, tiny maps, blocks, a shared dU', async () => {
    const { WasmBackend } = await import('../../src/engine/wasm/index');
    const cases: Conv2dParams[] = [
      convParams(2, 16, 10, 10, 24, 5, 5, [1, 1], [2, 2]), // AlexNet's and NiN's second layer, small
      convParams(3, 17, 9, 7, 16, 5, 5, [1, 1], [2, 2]), // odd sizes and channels (virtual channels not a multiple of 8)
      convParams(2, 16, 8, 9, 18, 5, 5, [1, 1], [0, 0]), // the input gradient then pads by 4
      convParams(2, 16, 6, 6, 16, 5, 5, [1, 1], [4, 3]), // and by 0 and 1 here
      convParams(4, 16, 1, 1, 20, 5, 5, [1, 1], [2, 2]), // 1x1 maps
      convParams(2, 16, 5, 5, 16, 5, 5, [1, 1], [0, 0]), // one output
    ];
    const saved = [WasmBackend.winogradBlockFloats, WasmBackend.winogradPartialFloats];
    try {
      await eachTiling((tiles) => {
        cases.forEach((p, i) => {
          expect(WasmBackend.convMethod(p), JSON.stringify(p)).toBe('winograd');
          checkConv(p, 14_000 + 10 * i, i % 2 === 0, tiles);
        });
        // Blocks of tile rows and of several images, then the weight gradient with one shared dU.
        WasmBackend.winogradBlockFloats = 1;
        checkConv(convParams(2, 16, 18, 17, 16, 5, 5, [1, 1], [2, 2]), 14_100, true, tiles);
        checkConv(convParams(40, 16, 3, 3, 17, 5, 5, [1, 1], [2, 2]), 14_110, false, tiles);
        WasmBackend.winogradPartialFloats = 0;
        cases.forEach((p, i) => checkConv(p, 14_200 + 10 * i, i % 2 === 1, tiles));
        [WasmBackend.winogradBlockFloats, WasmBackend.winogradPartialFloats] = saved;
      });
    } finally {
      [WasmBackend.winogradBlockFloats, WasmBackend.winogradPartialFloats] = saved;
    }
  });

  it("Winograd's forward blocks: several whole images, tile rows of one image, partial panels of tiles and of channels", async () => {
    const { WasmBackend } = await import('../../src/engine/wasm/index');
    const { convPlan } = await import('../../src/engine/wasm/plan');
    // Blocks of the fewest tiles the plan allows (32), so that small layers split into many.
    const room = { threads: 1, keepsStorages: true, gemmScratchFloats: 0, blockBytes: 1 << 30, blockFloats: 1, partialFloats: 1 << 22 };
    const cases: [Conv2dParams, 4 | 6, string][] = [
      [convParams(2, 16, 16, 16, 20, 3, 3, [1, 1], [1, 1]), 4, 'rows 4 of 8 tiles'], // 64 tiles an image: two blocks of four tile rows
      [convParams(2, 16, 20, 21, 18, 3, 3, [1, 1], [1, 1]), 4, 'rows 2 of 11 tiles'], // 22 tiles a block: the last panel of 8 is partial
      [convParams(1, 17, 3, 80, 16, 3, 3, [1, 1], [1, 1]), 4, 'rows 1 of 40 tiles'], // one tile row holds more than a block
      [convParams(40, 16, 2, 2, 17, 3, 3, [1, 1], [1, 1]), 4, 'images 32 of 1 tile'], // blocks of 32 images and of 8; 17 channels: a partial panel of 4
      [convParams(3, 16, 1, 1, 19, 3, 3, [1, 1], [1, 1]), 4, 'images 3 of 1 tile'], // 3 tiles in a panel of 8
      // Blocks that would waste more than an eighth of their last panel take more images or rows (up to four times).
      [convParams(8, 16, 10, 10, 16, 3, 3, [1, 1], [1, 1]), 4, 'images 4 of 25 tile'], // 100 tiles in 13 panels, not 25 in 4
      [convParams(1, 16, 34, 34, 16, 3, 3, [1, 1], [1, 1]), 4, 'rows 4 of 17 tiles'], // 68 tiles in 9 panels, not 17 in 3
      // Tiles of 4x4 outputs (F(4x4, 3x3)) and of 2x2 from 6x6 inputs (F(2x2, 5x5)).
      [convParams(2, 16, 16, 16, 20, 3, 3, [1, 1], [1, 1]), 6, 'images 2 of 16 tile'],
      [convParams(1, 16, 38, 37, 16, 3, 3, [1, 1], [1, 1]), 6, 'rows 3 of 10 tiles'], // cut at the bottom and right edges
      [convParams(6, 16, 9, 9, 18, 3, 3, [1, 1], [1, 1]), 6, 'images 6 of 9 tile'], // 54 tiles in 7 panels, not 27 in 4
      [convParams(2, 16, 10, 10, 24, 5, 5, [1, 1], [2, 2]), 6, 'images 2 of 25 tile'], // 50 tiles in 7 panels, not 25 in 4
    ];
    for (const [p, tiles, mode] of cases) {
      const plan = convPlan({ ...room, winogradTiles: tiles }, p, 'winograd');
      const tilesW = Math.ceil(p.outW / plan.m), perImage = Math.ceil(p.outH / plan.m) * tilesW;
      expect(plan.m + plan.r - 1).toBe(tiles);
      const got = plan.rows > 0 ? `rows ${plan.rows} of ${tilesW} tiles` : `images ${plan.group} of ${perImage} tile`;
      expect(got, JSON.stringify(p)).toBe(mode);
      expect(plan.tiles).toBe(Math.ceil((plan.rows > 0 ? plan.rows * tilesW : plan.group * perImage) / 8) * 8);
      // The weight gradient takes the same blocks, with a dU of its own per thread, or one shared where those copies do not fit.
      const weight = convPlan({ ...room, winogradTiles: tiles }, p, 'winograd', true);
      expect([weight.rows, weight.group, weight.sharedFloats]).toEqual([plan.rows, plan.group, 0]);
      expect(convPlan({ ...room, winogradTiles: tiles, partialFloats: 0 }, p, 'winograd', true).sharedFloats).toBeGreaterThan(0);
    }
    const saved = WasmBackend.winogradBlockFloats;
    WasmBackend.winogradBlockFloats = 1;
    try {
      cases.forEach(([p, tiles], i) => {
        WasmBackend.winogradTiles = tiles;
        checkConv(p, 13_000 + 10 * i, i % 2 === 0, tiles);
      });
    } finally {
      WasmBackend.winogradBlockFloats = saved;
      WasmBackend.winogradTiles = null;
    }
  });

  it("picks Winograd's tiling that computes fewest products, counting the outputs cut off at the edges", () => {
    const tiling = (size: number, k: number) => {
      const { m, r } = winogradTiling(convParams(1, 64, size, size, 64, k, k, [1, 1], [(k - 1) / 2, (k - 1) / 2]));
      return `F(${m}x${m}, ${r}x${r})`;
    };
    // 2x2 maps: one 4x4 tile would compute 16 outputs for 4; 6x6 maps: 144 products either way, the smaller tile kept.
    expect([1, 2, 6].map((n) => tiling(n, 3))).toEqual(['F(2x2, 3x3)', 'F(2x2, 3x3)', 'F(2x2, 3x3)']);
    expect([3, 4, 8, 10, 16, 96].map((n) => tiling(n, 3))).toEqual(Array(6).fill('F(4x4, 3x3)'));
    expect([1, 10, 28].map((n) => tiling(n, 5))).toEqual(Array(3).fill('F(2x2, 5x5)'));
    // Forced: 4 keeps 2x2 outputs (a 5x5 filter as 3x3 blocks), 6 takes the larger tiles.
    const p = convParams(1, 64, 16, 16, 64, 5, 5, [1, 1], [2, 2]);
    expect([winogradTiling(p, 4), winogradTiling(p, 6)]).toEqual([{ m: 2, r: 3 }, { m: 2, r: 5 }]);
  });

  it("takes Winograd's larger tiles only at the 'high' convolution precision, which training sets", async () => {
    const { WasmBackend } = await import('../../src/engine/wasm/index');
    const { getConvPrecision, setConvPrecision } = await import('../../src/engine/index');
    const p3 = convParams(8, 32, 16, 16, 32, 3, 3, [1, 1], [1, 1]), p5 = convParams(8, 32, 10, 10, 32, 5, 5, [1, 1], [2, 2]);
    const tiling = () => [p3, p5].map((p) => winogradTiling(p, WasmBackend.tilesNow()));
    expect(getConvPrecision()).toBe('highest');
    expect(tiling()).toEqual([{ m: 2, r: 3 }, { m: 2, r: 3 }]);
    try {
      setConvPrecision('high');
      expect(tiling()).toEqual([{ m: 4, r: 3 }, { m: 2, r: 5 }]);
      checkConv(p3, 15_000, true, 'auto');
      checkConv(p5, 15_010, false, 'auto');
      expect(() => setConvPrecision('low' as never)).toThrow(/Unknown convolution precision 'low'/);
    } finally {
      setConvPrecision('highest');
    }
    expect(tiling()).toEqual([{ m: 2, r: 3 }, { m: 2, r: 3 }]);
  });

  it("Winograd's larger tiles stay within 3e-5 of the output's scale, F(2x2, 3x3) within 3e-6, on 128-channel layers", async () => {
    const { WasmBackend } = await import('../../src/engine/wasm/index');
    const be = backends[3].be;
    const cases = [convParams(4, 128, 8, 8, 128, 3, 3, [1, 1], [1, 1]), convParams(4, 96, 10, 10, 128, 5, 5, [1, 1], [2, 2])];
    try {
      for (const p of cases) {
        const X = randomData(p.n * p.cIn * p.h * p.w, 31), W = randomData(p.cOut * p.cIn * p.kH * p.kW, 32);
        const G = randomData(p.n * p.cOut * p.outH * p.outW, 33);
        const run = (b: CpuBackend) => [
          b.conv2d(b.fromData(X), b.fromData(W), null, p),
          b.conv2dBackwardInput(b.fromData(G), b.fromData(W), p),
          b.conv2dBackwardWeight(b.fromData(X), b.fromData(G), p),
        ].map((st) => b.readSync(st));
        const ref = run(cpu);
        for (const [tiles, bound] of [[4, 3e-6], [6, 3e-5]] as const) {
          WasmBackend.winogradTiles = tiles;
          run(be).forEach((got, i) => {
            let err = 0, scale = 0;
            got.forEach((v, j) => {
              err = Math.max(err, Math.abs(v - ref[i][j]));
              scale = Math.max(scale, Math.abs(ref[i][j]));
            });
            expect(err / scale, `${JSON.stringify(p)} tiles ${tiles} pass ${i}`).toBeLessThan(bound);
          });
        }
      }
    } finally {
      WasmBackend.winogradTiles = null;
    }
  });

  it('a pool of more threads than tasks gives every thread that may claim a task its own scratch', async () => {
    const { createWasmBackend, WasmBackend } = await import('../../src/engine/wasm/index');
    const be = await createWasmBackend({ threads: 4 });
    try {
      expect(be.kernels.threads).toBe(4);
      // Three images: three tasks, which any of the four threads may claim.
      const p = convParams(3, 32, 16, 16, 32, 3, 3, [1, 1], [1, 1]);
      expect(2 * p.n * p.cOut * p.outH * p.outW * p.cIn * 9).toBeGreaterThanOrEqual(parallelMinFlops);
      const X = randomData(p.n * p.cIn * p.h * p.w, 77), W = randomData(p.cOut * p.cIn * 9, 78), G = randomData(p.n * p.cOut * p.outH * p.outW, 79);
      const ref = [cpu.conv2d(cpu.fromData(X), cpu.fromData(W), null, p), cpu.conv2dBackwardWeight(cpu.fromData(X), cpu.fromData(G), p)].map((s) => cpu.readSync(s));
      for (const winograd of [true, false]) {
        WasmBackend.winograd = winograd;
        for (let round = 0; round < 8; round++) {
          const got = [be.conv2d(be.fromData(X), be.fromData(W), null, p), be.conv2dBackwardWeight(be.fromData(X), be.fromData(G), p)].map((s) => be.readSync(s));
          got.forEach((a, i) => expectClose(a, ref[i], 1e-4, `${winograd ? 'Winograd' : 'im2col'} pass ${i}, round ${round}`));
        }
      }
    } finally {
      WasmBackend.winograd = true;
      be.dispose();
    }
  });

  it('a worker thread writes into memory that the calling thread has only just grown', async () => {
    // Only the calling thread grows the memory; a worker's instance may still hold the old
    // size, and its memory.fill (the zeroing of a pooling gradient) then trapped as out of
    // bounds, about once in a few hundred calls. Each call here writes its output into a
    // page grown just before it.
    await withTwoThreads((be) => {
      const k = be.kernels;
      // Average pooling 2x2, stride 2: 32 planes of 8x8, 16 tasks; dX is gy / 4 everywhere.
      const p = poolParams('avg', 1, 32, 8, 8, 2, 2, 0);
      const planes = p.c, h = p.h, w = p.w, out = p.outH;
      const gy = k.alloc(planes * out * out);
      const G = randomData(planes * out * out, 95);
      k.write(gy, G);
      const calls = 3000;
      for (let i = 0; i < calls; i++) {
        const dx = k.memory.buffer.byteLength;
        k.memory.grow(1);
        k.runExport(k.exports.pool2d_backward, poolArgs(p, 0, gy, dx, 0, 16));
        if (i % 500 === 0 || i === calls - 1) {
          const got = new Float32Array(k.memory.buffer, dx, planes * h * w);
          for (let q = 0; q < planes; q++)
            for (let r = 0; r < h; r++)
              for (let c = 0; c < w; c++) expect(got[(q * h + r) * w + c]).toBe(G[(q * out + (r >> 1)) * out + (c >> 1)] * 0.25);
        }
      }
      expect(k.threads).toBe(2);
    });
  });

  it('a kernel thread that traps fails its call with an error instead of hanging, and the kernels go on on one thread', async () => {
    await withTwoThreads((be) => {
      const k = be.kernels;
      const trace = k.exports.pool_trace!;
      // Tasks long enough (a few hundred microseconds each) that the worker claims some.
      const count = 48, spin = 300_000;
      // The job's tasks spread over both threads (each task records the thread that ran it).
      // On a busy machine the worker may not be scheduled in time for one job: a few tries.
      const threadsSeen = new Set<number>();
      for (let tries = 0; tries < 20 && threadsSeen.size < 2; tries++) {
        const at = k.alloc(3 + count);
        k.writeInts(at, [count, -1, spin, ...new Array<number>(count).fill(-1)]);
        trace(at);
        const ran = Array.from(k.i32.subarray((at >> 2) + 3, (at >> 2) + 3 + count));
        k.reset();
        expect(ran.every((t) => t === 0 || t === 1)).toBe(true);
        ran.forEach((t) => threadsSeen.add(t));
      }
      expect(threadsSeen.size).toBe(2);
      // The worker thread traps in the first task it claims: the call throws, and returns.
      let failure: Error | null = null;
      for (let tries = 0; tries < 50 && !failure; tries++) {
        try {
          k.runExport(trace, [count, 1, spin]);
        } catch (e) {
          failure = e as Error;
        }
      }
      expect(failure?.message).toMatch(/a kernel thread failed/);
      expect(k.threads).toBe(1);
      expect(be.description).toMatch(/1 thread$/);
      expect(be.about).toMatchObject({ threads: 1 });
      // From now on every task runs on the calling thread, and the ops compute what they did.
      k.runExport(trace, [count, 1, 0]);
      const p = convParams(2, 8, 12, 12, 16, 3, 3, [1, 1], [1, 1]);
      const X = randomData(p.n * p.cIn * p.h * p.w, 91), W = randomData(p.cOut * p.cIn * 9, 92);
      expectClose(be.readSync(be.conv2d(be.fromData(X), be.fromData(W), null, p)), cpu.readSync(cpu.conv2d(cpu.fromData(X), cpu.fromData(W), null, p)), 1e-4, 'conv2d after the loss of a thread');
    });
  });

  /** Runs `use` on a wasm backend with two threads (checked), disposed afterwards. */
  async function withTwoThreads(use: (be: WasmBackend) => void): Promise<void> {
    const { createWasmBackend } = await import('../../src/engine/wasm/index');
    const be = await createWasmBackend({ threads: 2 });
    try {
      expect(be.kernels.threads).toBe(2);
      use(be);
    } finally {
      be.dispose();
    }
  }

  function poolParams(mode: 'max' | 'avg', n: number, c: number, h: number, w: number, k: number, stride: number, pad: number): Pool2dParams {
    return { mode, n, c, h, w, kH: k, kW: k, strideH: stride, strideW: stride, padH: pad, padW: pad, outH: outSize(h, k, pad, stride), outW: outSize(w, k, pad, stride) };
  }

  it('pooling matches the CPU, forward and backward', () => {
    const cases: Pool2dParams[] = [];
    for (const mode of ['max', 'avg'] as const) {
      cases.push(poolParams(mode, 2, 3, 28, 28, 2, 2, 0));
      cases.push(poolParams(mode, 2, 3, 9, 11, 2, 2, 0));
      cases.push(poolParams(mode, 2, 2, 16, 16, 3, 2, 1));
      cases.push(poolParams(mode, 1, 2, 7, 5, 3, 1, 1));
      cases.push(poolParams(mode, 1, 1, 8, 8, 4, 3, 2));
      cases.push(poolParams(mode, 1, 4, 1, 1, 1, 1, 0));
      // Rows wide enough for windows read four at a time, stride 1 and 2, and the columns on either side.
      cases.push(poolParams(mode, 1, 2, 6, 23, 3, 1, 1));
      cases.push(poolParams(mode, 1, 2, 5, 30, 3, 2, 1));
    }
    cases.forEach((p, i) => {
      const X = randomData(p.n * p.c * p.h * p.w, 300 + i);
      // Ties, so that the "first maximum" rule is exercised.
      for (let j = 0; j < X.length; j += 7) X[j] = 0.5;
      const G = randomData(p.n * p.c * p.outH * p.outW, 400 + i);
      compare(`pool2d ${JSON.stringify(p)}`, (be, up) => be.pool2d(up(X), p));
      compare(`pool2dBackward ${JSON.stringify(p)}`, (be, up) => be.pool2dBackward(up(X), up(G), p));
    });
  });

  it('pooling over many planes splits them over threads like one serial pass', () => {
    for (const p of [poolParams('max', 28, 64, 32, 32, 3, 2, 1), poolParams('avg', 28, 64, 31, 31, 3, 2, 1)]) {
      expect(p.n * p.c * p.outH * p.outW * p.kH * p.kW).toBeGreaterThanOrEqual(parallelMinFlops);
      const X = randomData(p.n * p.c * p.h * p.w, 700);
      const G = randomData(p.n * p.c * p.outH * p.outW, 701);
      compare(`pool2d ${JSON.stringify(p)}`, (be, up) => be.pool2d(up(X), p));
      compare(`pool2dBackward ${JSON.stringify(p)}`, (be, up) => be.pool2dBackward(up(X), up(G), p));
    }
  });

  it('dropout masks are the CPU backend masks, bit for bit, for every p and across the threads', () => {
    // Below the kernel's threshold (the CPU loop), whole vectors, a ragged tail, and past 2^18 (threads).
    for (const size of [100, 4096, 4099, (1 << 18) + 7]) {
      for (const p of [0, 0.1, 0.5, 0.9, 1, 1.5, 1 - 2 ** -33, -0.25]) {
        for (const seed of [0, 12345, 0xfffffff0]) {
          const want = cpu.readSync(cpu.dropoutMask(size, p, seed));
          for (const { label, be } of backends) {
            const got = be.readSync(be.dropoutMask(size, p, seed));
            expect(Buffer.from(got.buffer, got.byteOffset, got.byteLength).equals(Buffer.from(want.buffer, want.byteOffset, want.byteLength)), `${label}: size ${size}, p ${p}, seed ${seed}`).toBe(true);
          }
        }
      }
    }
    // The mask keeps about 1 - p of the elements.
    const kept = backends[1].be.readSync(backends[1].be.dropoutMask(1 << 16, 0.3, 7)).filter((v) => v !== 0).length / (1 << 16);
    expect(Math.abs(kept - 0.7)).toBeLessThan(0.01);
  });

  it('max pooling lets a NaN win, as the CPU does', () => {
    // Small windows one by one, and wide rows whose windows go four at a time (3x3 and 2x2).
    for (const [p, seed] of [[poolParams('max', 1, 1, 4, 4, 2, 2, 0), 1], [poolParams('max', 1, 2, 6, 30, 3, 2, 1), 3], [poolParams('max', 1, 2, 6, 30, 2, 2, 0), 5]] as const) {
      const X = randomData(p.c * p.h * p.w, seed);
      for (let j = 5; j < X.length; j += 11) X[j] = NaN;
      const G = randomData(p.c * p.outH * p.outW, seed + 1);
      compare('pool2d NaN', (be, up) => be.pool2d(up(X), p));
      compare('pool2dBackward NaN', (be, up) => be.pool2dBackward(up(X), up(G), p));
    }
  });

  it('the SIMD activations and their fused derivatives match the CPU, including extreme values and the scalar tail', () => {
    let ran = 0;
    // One task, and (from 2^18 elements) shares over the threads whose last one is not whole vectors.
    for (const n of [3 * 4096 + 3, (1 << 18) + 13]) {
      const x = randomData(n, 91).map((v, i) => v * (i % 3 === 0 ? 30 : 4));
      const special = [0, -0, 1e-8, -1e-8, 88, -88, 100, -100, 1e30, -1e30, Infinity, -Infinity, NaN, 20, -20, 0.5];
      x.set(special, 100);
      x.set(special, n - special.length);
      const g = randomData(n, 92);
      g.set([NaN, Infinity, -Infinity], 200);
      for (const op of ['relu', 'sigmoid'] as const) {
        expect(backends[0].be.kernels.kernel(`unary_${op}`), `unary_${op} is a SIMD kernel`).not.toBeNull();
        compare(`unary ${op} n=${n}`, (be, up) => be.unary(op, up(x)), 2e-7);
        ran++;
      }
      for (const op of ['relu', 'sigmoid', 'tanh'] as const) {
        expect(backends[0].be.kernels.kernel(`unary_backward_${op}`), `unary_backward_${op} is a SIMD kernel`).not.toBeNull();
        // The derivative of sigmoid and tanh is taken at their output, which lies in [0, 1] and [-1, 1].
        const v = op === 'relu' ? x : x.map((t) => (op === 'sigmoid' ? 1 / (1 + Math.exp(-t)) : Math.tanh(t)));
        compare(`unaryBackward ${op} n=${n}`, (be, up) => be.unaryBackward(op, up(v), up(g)), 1e-7);
        ran++;
      }
    }
    expect(ran).toBe(10);
  });

  it('the SIMD binary ops give the same bits as the CPU, with full-size and one-value operands', () => {
    let ran = 0;
    for (const n of [4096 + 7, (1 << 18) + 5]) {
      const a = randomData(n, 93), b = randomData(n, 94);
      a.set([0, -0, Infinity, -Infinity, NaN, 1e-40, 3e38], 10);
      b.set([-0, 0, Infinity, Infinity, 1, 1e-40, 3e38], 10);
      for (const op of ['add', 'sub', 'mul', 'div'] as const) {
        expect(backends[0].be.kernels.kernel(`binary_${op}`), `binary_${op} is a SIMD kernel`).not.toBeNull();
        for (const [sa, sb] of [[n, n], [n, 1], [1, n]]) {
          compare(`binary ${op} [${sa}] [${sb}]`, (be, up) => be.binary(op, up(a.subarray(0, sa)), [sa], up(b.subarray(0, sb)), [sb], [n]), 0);
          ran++;
        }
      }
    }
    expect(ran).toBe(24);
  });

  it('sums that keep one run of axes run as one kernel and match the CPU; other reductions fall back', async () => {
    const { keptRun } = await import('../../src/engine/wasm/index');
    expect(keptRun([8, 64, 16, 16], [0, 2, 3])).toEqual([8, 64, 256]);
    expect(keptRun([8, 1, 64, 1, 16, 16], [0, 4, 5, 3])).toEqual([8, 64, 256]);
    expect(keptRun([300, 70], [0])).toEqual([300, 70, 1]);
    expect(keptRun([300, 70], [1])).toEqual([1, 300, 70]);
    expect(keptRun([3, 4, 5], [0, 1, 2])).toEqual([1, 1, 60]);
    expect(keptRun([3, 4, 5], [1])).toBeNull();
    const cases: [number[], number[]][] = [
      [[8, 64, 16, 16], [0, 2, 3]],
      [[5, 33, 7, 9], [0, 2, 3]],
      [[3000, 70], [0]],
      [[70, 3000], [1]],
      [[65, 1, 300], [-1, 0]],
      [[40000], [0]],
      [[9, 40, 60], [1]],
    ];
    cases.forEach(([shape, axes], i) => {
      const x = randomData(shape.reduce((p, d) => p * d, 1), 100 + i).map((v, j) => v + (j % 7) * 100);
      compare(`sum ${JSON.stringify(shape)} over ${JSON.stringify(axes)}`, (be, up) => be.reduce('sum', up(x), shape, axes), 1e-6);
      compare(`max ${JSON.stringify(shape)} over ${JSON.stringify(axes)}`, (be, up) => be.reduce('max', up(x), shape, axes), 0);
    });
  });

  it('the SGD step over parameters in and out of wasm memory gives the same bits as the CPU, in every mode', () => {
    // Sizes above and below the room kept in wasm memory, so one call mixes both paths.
    const sizes = [70_000, 17, 40_003, 300_000];
    const modes = [
      { lr: 0.05, momentum: 0.9, weightDecay: 0, dampening: 0, nesterov: false, firstStep: true },
      { lr: 0.05, momentum: 0.9, weightDecay: 0, dampening: 0, nesterov: false, firstStep: false },
      { lr: 0.1, momentum: 0.8, weightDecay: 5e-4, dampening: 0.1, nesterov: false, firstStep: false },
      { lr: 0.1, momentum: 0.9, weightDecay: 1e-4, dampening: 0, nesterov: true, firstStep: false },
      { lr: 0.3, momentum: 0, weightDecay: 1e-3, dampening: 0, nesterov: false, firstStep: false },
    ];
    modes.forEach((mode, m) => {
      const run = (be: CpuBackend) => {
        const items = sizes.map((n, i) => ({
          param: be.fromData(randomData(n, 200 + i)),
          grad: be.fromData(randomData(n, 300 + i)),
          momentumBuf: mode.momentum ? be.fromData(randomData(n, 400 + i)) : null,
        }));
        be.sgdStep(items, mode);
        be.sgdStep(items, { ...mode, firstStep: false });
        return items.flatMap((it) => [it.param, it.momentumBuf].filter((s): s is Storage => s !== null).map((s) => be.readSync(s)));
      };
      const expected = run(cpu);
      for (const { label, be } of backends) {
        const got = run(be);
        got.forEach((a, i) => expectClose(a, expected[i], 0, `SGD mode ${m} array ${i} (${label})`));
      }
    });
    const shared = backends.find(({ be }) => be.kernels.keepsStorages)!.be;
    expect(shared.kernels.owns(shared.view(shared.fromData(new Float32Array(70_000)))), 'large parameters live in wasm memory').toBe(true);
  });

  it('the Adam step gives the same bits as the CPU, in wasm memory and out of it', () => {
    for (const n of [70_001, 300_000, 33]) {
      for (const [wd, step] of [[0, 1], [1e-2, 7]]) {
        const run = (be: CpuBackend) => {
          const [param, grad, m, v] = [0, 1, 2, 3].map((k) => be.fromData(randomData(n, 500 + k).map((x) => (k === 3 ? Math.abs(x) : x))));
          const p = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: wd, step };
          be.adamStep(param, grad, m, v, p);
          be.adamStep(param, grad, m, v, { ...p, step: step + 1 });
          return [param, m, v].map((s) => be.readSync(s));
        };
        const expected = run(cpu);
        for (const { label, be } of backends) run(be).forEach((a, i) => expectClose(a, expected[i], 0, `Adam n=${n} wd=${wd} array ${i} (${label})`));
      }
    }
  });

  it('batch normalisation (statistics, normalisation, both backward modes) matches the CPU', () => {
    const cases = [
      { n: 3, c: 5, hw: 7, eps: 1e-5 },
      { n: 16, c: 64, hw: 64, eps: 1e-5 },
      { n: 2, c: 33, hw: 1, eps: 1e-3 },
      { n: 1, c: 1, hw: 4099, eps: 1e-5 },
    ];
    let seed = 300;
    for (const p of cases) {
      const size = p.n * p.c * p.hw;
      const x = randomData(size, seed++).map((v, i) => 3 * v + (i % p.hw) * 0.01 + 5);
      const g = randomData(size, seed++);
      const w = randomData(p.c, seed++);
      const b = randomData(p.c, seed++);
      const label = JSON.stringify(p);
      compare(`batchNormStats mean ${label}`, (be, up) => be.batchNormStats(up(x), p).mean, 1e-6);
      compare(`batchNormStats variance ${label}`, (be, up) => be.batchNormStats(up(x), p).variance, 1e-6);
      for (const withAffine of [true, false]) {
        compare(`batchNormApply ${label} affine=${withAffine}`, (be, up) => {
          const st = be.batchNormStats(up(x), p);
          return be.batchNormApply(up(x), st.mean, st.variance, withAffine ? up(w) : null, withAffine ? up(b) : null, p);
        }, 1e-5);
        for (const batchStats of [true, false]) {
          for (const part of ['dx', 'dWeight', 'dBias'] as const) {
            compare(`batchNormBackward ${part} ${label} affine=${withAffine} batchStats=${batchStats}`, (be, up) => {
              const st = be.batchNormStats(up(x), p);
              return be.batchNormBackward(up(g), up(x), st.mean, st.variance, withAffine ? up(w) : null, { ...p, batchStats })[part];
            }, 1e-5);
          }
        }
      }
      // The epilogue (+ residual, an activation; tanh by its element-wise op) and its backward.
      const r = x.map((v) => Math.sin(v));
      for (const [act, residual, keepG] of [['relu', true, true], ['sigmoid', false, false], ['tanh', true, false]] as const) {
        const epi = (be: CpuBackend, up: (d: Float32Array) => Storage) => {
          const st = be.batchNormStats(up(x), p);
          return { st, y: be.batchNormApply(up(x), st.mean, st.variance, up(w), up(b), p, { act, residual: residual ? up(r) : null }) };
        };
        compare(`batchNormApply + ${residual ? 'residual + ' : ''}${act} ${label}`, (be, up) => epi(be, up).y, 1e-5);
        for (const part of ['dx', 'dWeight', 'dBias', ...(keepG ? ['g' as const] : [])] as const) {
          compare(`batchNormBackward through ${act} ${part} ${label} keepG=${keepG}`, (be, up) => {
            const { st, y } = epi(be, up);
            return be.batchNormBackward(up(g), up(x), st.mean, st.variance, up(w), { ...p, batchStats: true }, { op: act, y, keepG })[part]!;
          }, 1e-5);
        }
      }
    }
  });

  it('keeps kernel outputs in a shared memory, reads them there, and takes their blocks back when freed', () => {
    const shared = backends.filter(({ be }) => be.kernels.keepsStorages);
    // The threaded builds have a shared memory; the single-threaded ones copy in and out.
    expect(shared.map(({ label }) => label)).toEqual(['2 threads', '2 threads, fused multiply-add']);
    const p1 = { n: 4, cIn: 8, h: 32, w: 32, cOut: 8, kH: 3, kW: 3, strideH: 1, strideW: 1, padH: 1, padW: 1, outH: 32, outW: 32 };
    const xData = randomData(4 * 8 * 32 * 32, 41), wData = randomData(8 * 8 * 9, 42);
    const chain = (be: CpuBackend) => {
      const x = be.fromData(xData), w = be.fromData(wData);
      const y = be.conv2d(x, w, null, p1);
      const z = be.conv2d(y, w, null, p1);
      const sum = be.binary('add', y, [4 * 8 * 32 * 32], z, [4 * 8 * 32 * 32], [4 * 8 * 32 * 32]);
      // exp has no wasm kernel: the CPU backend's loop writes it.
      const e = be.unary('exp', sum);
      return { x, w, y, z, sum, e };
    };
    const ref = chain(cpu);
    for (const { label, be } of shared) {
      const K = be.kernels;
      // A first call sets up the arena; what follows is the storages' own room.
      for (const s of Object.values(chain(be))) be.free(s);
      const before = K.heapBytes();
      const got = chain(be);
      expect(K.owns(be.view(got.y)), `${label}: the first output is a view of wasm memory`).toBe(true);
      expect(K.owns(be.view(got.z)), `${label}: the second, computed from it in place`).toBe(true);
      expect(K.owns(be.view(got.x)), `${label}: a large array from JavaScript is copied into wasm memory`).toBe(true);
      expect(K.owns(be.view(got.w)), `${label}: a small one stays a JavaScript array`).toBe(false);
      expect(K.owns(be.view(got.e)), `${label}: so is the output of a JavaScript loop`).toBe(true);
      expect(K.heapBytes() - before).toBeGreaterThanOrEqual(5 * 4 * 8 * 32 * 32 * 4);
      expectClose(be.readSync(got.z), cpu.readSync(ref.z), 1e-3, `conv of a conv (${label})`);
      expectClose(be.readSync(got.sum), cpu.readSync(ref.sum), 1e-3, `a sum of both (${label})`);
      expectClose(be.readSync(got.e), cpu.readSync(ref.e), 1e-3, `a JavaScript loop over wasm memory (${label})`);
      for (const s of Object.values(got)) be.free(s);
      expect(K.heapBytes(), `${label}: freed blocks come back`).toBe(before);
    }
    for (const s of Object.values(ref)) cpu.free(s);
  });

  it('a run of training steps keeps the wasm memory and its heap at a steady size', () => {
    for (const { label, be } of backends.filter(({ be }) => be.kernels.keepsStorages)) {
      setBackendInstance(be);
      manualSeed(9);
      const net = new nn.Sequential(new nn.Conv2d(1, 8, 3, { padding: 1 }), new nn.BatchNorm2d(8), new nn.ReLU(), new nn.MaxPool2d(2), new nn.Flatten(), new nn.Linear(8 * 14 * 14, 10));
      const opt = new optim.SGD(net.parameters(), { lr: 0.1, momentum: 0.9 });
      const x = randn([32, 1, 28, 28]);
      const y = tensor(Array.from({ length: 32 }, (_, i) => i % 10));
      const sizes: { heap: number; memory: number }[] = [];
      for (let step = 0; step < 12; step++) {
        lossStep(net, opt, x, y).dispose();
        sizes.push({ heap: be.kernels.heapBytes(), memory: be.kernels.memory.buffer.byteLength });
      }
      expect(sizes.slice(4), `${label}: heap and memory after each step from the fifth on`).toEqual(Array(8).fill(sizes[4]));
      net.dispose();
      x.dispose();
      y.dispose();
    }
    setBackendInstance(cpu);
  });

  it('a LeNet-like training step gives the same loss and weights as the CPU', async () => {
    const run = async (be: CpuBackend) => {
      setBackendInstance(be);
      manualSeed(5);
      const net = new nn.Sequential(
        new nn.Conv2d(1, 4, 5, { padding: 2 }), new nn.Sigmoid(), new nn.AvgPool2d(2, { stride: 2 }),
        new nn.Conv2d(4, 6, 3, { stride: 2 }), new nn.ReLU(), new nn.MaxPool2d(2),
        new nn.Flatten(), new nn.Linear(6 * 3 * 3, 20), new nn.Sigmoid(), new nn.Linear(20, 10),
      );
      const opt = new optim.SGD(net.parameters(), { lr: 0.5, momentum: 0.9 });
      const x = randn([8, 1, 28, 28]);
      const y = tensor([0, 1, 2, 3, 4, 5, 6, 7]);
      const losses: number[] = [];
      for (let step = 0; step < 3; step++) {
        const loss = lossStep(net, opt, x, y);
        losses.push(await loss.item());
        loss.dispose();
      }
      const weights = await net.parameters()[0].data();
      return { losses, weights };
    };
    const ref = await run(cpu);
    for (const { label, be } of backends) {
      const got = await run(be);
      expectClose(got.losses, ref.losses, 1e-4, `losses (${label})`);
      expectClose(got.weights, ref.weights, 1e-4, `conv1 weights after three steps (${label})`);
    }
    setBackendInstance(cpu);
  });
});
