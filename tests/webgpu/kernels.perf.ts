/**
 * Developer timing of kernel variants in Node (Dawn), outside the test suite:
 *   npx vitest run --config vitest.perf.config.ts
 * (-t picks one timing; LAYERS=resnet or alexnet, VARIANTS=rows,winograd and PRECISION=high narrow
 * the convolution timings). Speed goals live in `npm run bench`; this only helps choose variants.
 */
import { describe, it } from 'vitest';
import { createWebGPUBackend } from '../../src/engine/webgpu';
import type { Storage } from '../../src/engine/backend';
import { randn, rng } from './helpers';
import { timeKernel as time } from '../../scripts/bench/backend-pair';
import { keep, manualSeed, optim, ready, setBackend, setConvPrecision, tensor, tidy, zeros } from '../../src/engine';
import { activeBackend } from '../../src/engine/runtime';
import type { WebGPUBackend } from '../../src/engine/webgpu';
import { zoo } from '../../src/models';
import { trainStep } from '../../src/worker/step';

describe('kernel timings', () => {
  it('times reductions', async () => {
    const b = await createWebGPUBackend({ autotune: false });
    const r = rng(1);
    for (const [rows, cols] of [[1000, 70], [100, 10000], [16, 200000]]) {
      const x = b.fromData(randn(r, rows * cols));
      for (const s of ['thread', 'workgroup'] as const) {
        const t = await time(b, () => b.reduceWith(s, 'sum', x, [rows, cols], [1]), 3);
        console.log(`reduce ${rows}x${cols} ${s}: ${t.toFixed(2)} ms`);
      }
      b.free(x);
    }
    b.destroy();
  });

  it('times batch-norm statistics and backward sums per channel-reduce variant', async () => {
    const { CHANNEL_REDUCE_VARIANTS } = await import('../../src/engine/webgpu/variants');
    const { batchNormStats, batchNormBackward } = await import('../../src/engine/webgpu/batchnorm');
    const b = await createWebGPUBackend({ autotune: false });
    const r = rng(4);
    for (const [n, c, hw] of [[16, 64, 256], [64, 64, 256], [16, 512, 4]]) {
      const p = { n, c, hw, eps: 1e-5 };
      const x = b.fromData(randn(r, n * c * hw)), g = b.fromData(randn(r, n * c * hw));
      for (const v of Object.keys(CHANNEL_REDUCE_VARIANTS)) {
        const ts = await time(b, () => {
          const s = batchNormStats(b, x, p, v);
          b.free(s.variance);
          return s.mean;
        }, 5);
        b.kernels.state.channelReduce = v;
        const { mean, variance } = batchNormStats(b, x, p, v);
        const tb = await time(b, () => {
          const o = batchNormBackward(b, g, x, mean, variance, null, { ...p, batchStats: true });
          b.free(o.dx);
          b.free(o.dWeight);
          return o.dBias;
        }, 5);
        b.free(mean);
        b.free(variance);
        console.log(`batch norm [${n}, ${c}, ${hw}] ${v}: stats ${ts.toFixed(2)} ms, backward ${tb.toFixed(2)} ms`);
      }
      b.free(x);
      b.free(g);
    }
    b.destroy();
  });

  it('times matmul variants', async () => {
    const { MATMUL_VARIANTS } = await import('../../src/engine/webgpu/variants');
    const b = await createWebGPUBackend({ autotune: false });
    const r = rng(2);
    for (const m of [128, 256, 512]) {
      const A = b.fromData(randn(r, m * m));
      const B = b.fromData(randn(r, m * m));
      const p = { batch: 1, m, n: m, k: m, transA: false, transB: false, aBatch: 1, bBatch: 1 };
      for (const v of Object.keys(MATMUL_VARIANTS)) {
        if (v.startsWith('tiled') && m > 256) continue;
        const t = await time(b, () => b.matmulWith(v, A, B, p), 3);
        console.log(`matmul ${m} ${v}: ${t.toFixed(2)} ms, ${((2 * m * m * m) / t / 1e6).toFixed(2)} GFLOP/s`);
      }
      b.free(A);
      b.free(B);
    }
    b.destroy();
  });

  it('times conv variants on LeNet (or ResNet-18) layers', async () => {
    const V = await import('../../src/engine/webgpu/variants');
    const b = await createWebGPUBackend({ autotune: false });
    // PRECISION=high: as training runs (winograd-4x4 is F(4x4, 3x3) only then).
    if (process.env.PRECISION === 'high') setConvPrecision('high');
    const r = rng(3);
    const c = (n: number, cIn: number, h: number, cOut: number, k: number, s: number, pad: number) => {
      const out = Math.floor((h + 2 * pad - k) / s) + 1;
      return { n, cIn, h, w: h, cOut, kH: k, kW: k, strideH: s, strideW: s, padH: pad, padW: pad, outH: out, outW: out };
    };
    // LAYERS=resnet: ResNet-18's at 64x64, batch 16 (a 3x3 layer of each stage, a strided one, a 1x1 shortcut);
    // LAYERS=alexnet: the 5x5 layer of AlexNet and NiN (96 -> 256 channels) at the in-tab 96x96 (10x10 maps, batch 16) and at 224 (26x26, batch 4).
    const layers = {
      resnet: [c(16, 64, 16, 64, 3, 1, 1), c(16, 64, 16, 128, 3, 2, 1), c(16, 128, 8, 128, 3, 1, 1), c(16, 128, 8, 256, 1, 2, 0), c(16, 512, 2, 512, 3, 1, 1)],
      alexnet: [c(16, 96, 10, 256, 5, 1, 2), c(4, 96, 26, 256, 5, 1, 2)],
    }[process.env.LAYERS ?? ''] ?? [c(256, 1, 28, 6, 5, 1, 2), c(256, 6, 14, 16, 5, 1, 0)];
    for (const p of layers) {
      const x = b.fromData(randn(r, p.n * p.cIn * p.h * p.w));
      const w = b.fromData(randn(r, p.cOut * p.cIn * p.kH * p.kW));
      const gy = b.fromData(randn(r, p.n * p.cOut * p.outH * p.outW));
      const flops = 2 * p.n * p.cOut * p.outH * p.outW * p.cIn * p.kH * p.kW;
      const report = async (name: string, f: () => Storage) => {
        const c0 = process.cpuUsage();
        const t = await time(b, f, 3);
        const cu = process.cpuUsage(c0);
        const ct = (cu.user + cu.system) / 1000 / 4;
        console.log(`${name} cIn=${p.cIn}: ${t.toFixed(1)} ms wall, ${(flops / t / 1e6).toFixed(2)} GFLOP/s; ${(flops / ct / 1e6).toFixed(2)} GFLOP/cpu-s`);
      };
      const pick = (names: string[]) => names.filter((n) => (process.env.VARIANTS ?? 'rows').split(',').some((s) => n.includes(s)));
      for (const v of pick(Object.keys(V.CONV_VARIANTS))) await report(`conv2d ${v}`, () => b.conv2dWith(v, x, w, null, p));
      if (p.cIn > 1) for (const v of pick(Object.keys(V.CONV_BWD_INPUT_VARIANTS))) await report(`bwdInput ${v}`, () => b.conv2dBackwardInputWith(v, gy, w, p));
      for (const v of pick(Object.keys(V.CONV_BWD_WEIGHT_VARIANTS))) await report(`bwdWeight ${v}`, () => b.conv2dBackwardWeightWith(v, x, gy, p));
      for (const s of [x, w, gy]) b.free(s);
    }
    setConvPrecision('highest');
    b.destroy();
  }, 900_000);

  it('times a ResNet-18 training step (64x64, batch 16) with each convolution variant in turn', async () => {
    await setBackend('webgpu', { autotune: false });
    await ready();
    setConvPrecision('high');
    const be = activeBackend() as unknown as WebGPUBackend;
    const [batch, size] = [16, 64];
    manualSeed(0);
    const net = zoo.resnet18.create({ inputSize: size, seed: 0 });
    const opt = new optim.SGD(net.parameters(), { lr: 0.05 });
    const hx = new Float32Array(batch * size * size).map((_, i) => Math.sin(i));
    const hy = new Float32Array(batch).map((_, i) => i % 10);
    net.train();
    const tally = keep(zeros([2]));
    const base = be.tuning;
    const variants = ['rows-8x8', 'winograd', 'winograd-4x4', 'cpu-mix'];
    const step = async (v: string) => {
      be.tuning = { ...base, conv2d: v, conv2dBackwardInput: v, conv2dBackwardWeight: v };
      const d0 = be.rt.dispatches;
      const t0 = performance.now();
      tidy(() => trainStep(net, opt, tensor(hx, [batch, 1, size, size]), tensor(hy, [batch]), tally));
      await tally.data();
      return { ms: performance.now() - t0, dispatches: be.rt.dispatches - d0 };
    };
    for (const v of variants) await step(v);
    // One step of each in turn, three times, so that a drifting machine slows all alike.
    const times: Record<string, number[]> = {};
    const dispatches: Record<string, number> = {};
    for (let i = 0; i < 3; i++) {
      for (const v of variants) {
        const r = await step(v);
        (times[v] ??= []).push(r.ms);
        dispatches[v] = r.dispatches;
      }
    }
    for (const v of variants) console.log(`ResNet-18 ${size}x${size} batch ${batch}, all convolutions ${v}: ms/step ${times[v].map((t) => t.toFixed(0)).join(', ')} (fastest ${Math.min(...times[v]).toFixed(0)}), ${dispatches[v]} dispatches`);
    tally.dispose();
    net.dispose();
    setConvPrecision('highest');
    await setBackend('cpu');
  }, 900_000);
});
