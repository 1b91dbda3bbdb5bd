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

/** Runs `fn` on the CPU reference and on every wasm variant and compares the outputs. */
function compare(label: string, fn: (be: CpuBackend, up: (d: Float32Array) => Storage) => Storage, tol = 1e-4): void {
  const expected = cpu.readSync(fn(cpu, (d) => cpu.fromData(d)));
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

  function checkConv(p: Conv2dParams, seed: number, withBias: boolean): void {
    const X = randomData(p.n * p.cIn * p.h * p.w, seed);
    const W = randomData(p.cOut * p.cIn * p.kH * p.kW, seed + 1);
    const Bias = randomData(p.cOut, seed + 2);
    const G = randomData(p.n * p.cOut * p.outH * p.outW, seed + 3);
    const label = JSON.stringify(p);
    compare(`conv2d ${label}`, (be, up) => be.conv2d(up(X), up(W), withBias ? up(Bias) : null, p));
    compare(`conv2dBackwardInput ${label}`, (be, up) => be.conv2dBackwardInput(up(G), up(W), p));
    compare(`conv2dBackwardWeight ${label}`, (be, up) => be.conv2dBackwardWeight(up(X), up(G), p));
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
    // Large enough to run on both threads (and to take several groups per thread).
    for (const [p, seed] of [[convParams(24, 16, 12, 12, 32, 3, 3, [1, 1], [1, 1]), 9000], [convParams(64, 32, 2, 2, 40, 3, 3, [1, 1], [1, 1]), 9100]] as const) {
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

  it('max pooling lets a NaN win, as the CPU does', () => {
    const p = poolParams('max', 1, 1, 4, 4, 2, 2, 0);
    const X = randomData(16, 1);
    X[5] = NaN;
    const G = randomData(4, 2);
    compare('pool2d NaN', (be, up) => be.pool2d(up(X), p));
    compare('pool2dBackward NaN', (be, up) => be.pool2dBackward(up(X), up(G), p));
  });

  it('the SIMD activations and their fused derivatives match the CPU, including extreme values and the scalar tail', () => {
    const n = 3 * 4096 + 3;
    const x = randomData(n, 91).map((v, i) => v * (i % 3 === 0 ? 30 : 4));
    const special = [0, -0, 1e-8, -1e-8, 88, -88, 100, -100, 1e30, -1e30, Infinity, -Infinity, NaN, 20, -20, 0.5];
    x.set(special, 100);
    x.set(special, n - special.length);
    const g = randomData(n, 92);
    g.set([NaN, Infinity, -Infinity], 200);
    let ran = 0;
    for (const op of ['relu', 'sigmoid'] as const) {
      expect(backends[0].be.kernels.kernel(`unary_${op}`), `unary_${op} is a SIMD kernel`).not.toBeNull();
      compare(`unary ${op}`, (be, up) => be.unary(op, up(x)), 2e-7);
      ran++;
    }
    for (const op of ['relu', 'sigmoid', 'tanh'] as const) {
      expect(backends[0].be.kernels.kernel(`unary_backward_${op}`), `unary_backward_${op} is a SIMD kernel`).not.toBeNull();
      // The derivative of sigmoid and tanh is taken at their output, which lies in [0, 1] and [-1, 1].
      const v = op === 'relu' ? x : x.map((t) => (op === 'sigmoid' ? 1 / (1 + Math.exp(-t)) : Math.tanh(t)));
      compare(`unaryBackward ${op}`, (be, up) => be.unaryBackward(op, up(v), up(g)), 1e-7);
      ran++;
    }
    expect(ran).toBe(5);
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
      return { x, w, y, z, sum };
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
      expect(K.owns(be.view(got.x)), `${label}: an array from JavaScript stays where it is`).toBe(false);
      expect(K.heapBytes() - before).toBeGreaterThanOrEqual(2 * 4 * 8 * 32 * 32 * 4);
      expectClose(be.readSync(got.z), cpu.readSync(ref.z), 1e-3, `conv of a conv (${label})`);
      expectClose(be.readSync(got.sum), cpu.readSync(ref.sum), 1e-3, `a JavaScript op on wasm memory (${label})`);
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
