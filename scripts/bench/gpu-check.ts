/**
 * A standalone check of the WebGPU backend on whatever adapter Node's Dawn (`webgpu`
 * package) finds — used to run the conformance checks and kernel timings on a real
 * GPU machine without vitest. Built by scripts/bench/build-gpu-check.mjs into one
 * ES module; run with `node check.mjs`.
 */
import { create, globals } from 'webgpu';
import { createWebGPUBackend, type WebGPUBackend } from '../../src/engine/webgpu';
import { createCpuBackend } from '../../src/engine/cpu';
import type { BinaryOp, Conv2dParams, Storage, UnaryOp } from '../../src/engine/backend';
import { outSize } from '../../src/engine/backend';
import { MATMUL_VARIANTS, CONV_VARIANTS, CONV_BWD_INPUT_VARIANTS, CONV_BWD_WEIGHT_VARIANTS, CHANNEL_REDUCE_VARIANTS } from '../../src/engine/webgpu/variants';
import { lastAutotune, spotChecks } from '../../src/engine/webgpu/autotune';
import { checkStepVerdict } from '../../src/engine/probe-step';
import { setBackendInstance } from '../../src/engine/runtime';
import { setConvPrecision } from '../../src/engine/precision';
import { mulberry32 } from '../../src/data/batches';
import { both, timeKernel as timeOp } from './backend-pair';

Object.assign(globalThis, globals);

const r = mulberry32(7);
const randn = (n: number, lo = -1, hi = 1) => Float32Array.from({ length: n }, () => lo + (hi - lo) * r());
const prod = (s: number[]) => s.reduce((a, b) => a * b, 1);

let pass = 0;
let fail = 0;
function compare(name: string, got: Float32Array, want: Float32Array, atol = 1e-4, rtol = 1e-4): void {
  let bad = -1;
  if (got.length !== want.length) bad = 0;
  else
    for (let i = 0; i < want.length; i++) {
      const g = got[i], w = want[i];
      if (Number.isNaN(w) && Number.isNaN(g)) continue;
      if (!Number.isFinite(w) || !Number.isFinite(g) ? g !== w : Math.abs(g - w) > atol + rtol * Math.abs(w)) {
        bad = i;
        break;
      }
    }
  if (bad < 0) pass++;
  else {
    fail++;
    console.log(`FAIL ${name}: [${bad}] got ${got[bad]} want ${want[bad]} (len ${got.length}/${want.length})`);
  }
}

const conv = (n: number, cIn: number, h: number, w: number, cOut: number, kH: number, kW: number, s: number, p: number): Conv2dParams => ({
  n, cIn, h, w, cOut, kH, kW, strideH: s, strideW: s, padH: p, padW: p, outH: outSize(h, kH, p, s), outW: outSize(w, kW, p, s),
});

async function conformance(g: WebGPUBackend): Promise<void> {
  const c = createCpuBackend();
  for (const op of ['neg', 'exp', 'log', 'sqrt', 'rsqrt', 'abs', 'square', 'reciprocal', 'relu', 'sigmoid', 'tanh', 'step', 'sign'] as UnaryOp[]) {
    const d = ['log', 'sqrt', 'rsqrt', 'reciprocal'].includes(op) ? randn(3001, 0.1, 9) : randn(3001, -9, 9);
    const { got, want } = await both(g, c, [d], (b, [x]) => b.unary(op, x));
    compare(`unary ${op}`, got, want);
  }
  for (const op of ['add', 'sub', 'mul', 'div', 'max', 'min', 'pow', 'gt', 'ge', 'lt', 'le', 'eq'] as BinaryOp[]) {
    for (const [as, bs, os] of [[[37, 5], [37, 5], [37, 5]], [[2, 3, 4, 5], [1, 3, 1, 1], [2, 3, 4, 5]], [[3, 1, 5], [4, 1], [3, 4, 5]]]) {
      const a = op === 'pow' ? randn(prod(as), 0.1, 3) : randn(prod(as), -3, 3);
      const bb = op === 'div' ? randn(prod(bs), 0.5, 3) : randn(prod(bs), -3, 3);
      const { got, want } = await both(g, c, [a, bb], (b, [x, y]) => b.binary(op, x, as, y, bs, os));
      compare(`binary ${op} [${as}]x[${bs}]`, got, want);
    }
  }
  {
    const shape = [3, 4, 5, 6];
    const { got, want } = await both(g, c, [randn(360)], (b, [x]) => b.transpose(x, shape, [2, 0, 3, 1]));
    compare('transpose', got, want);
    const s2 = await both(g, c, [randn(360)], (b, [x]) => b.slice(x, [2, 4, 3, 3], [120, 30, 6, 2], 7));
    compare('slice', s2.got, s2.want);
    const shapes = [[2, 3, 5], [2, 1, 5], [2, 4, 5]];
    const cc = await both(g, c, shapes.map((s) => randn(prod(s))), (b, xs) => b.concat(xs, shapes, 1));
    compare('concat', cc.got, cc.want);
  }
  for (const [shape, axes] of [[[3, 10007], [1]], [[200000], [0]], [[16, 6, 28, 28], [0, 2, 3]], [[4, 300, 5], [1]], [[513, 7], [0]]] as [number[], number[]][]) {
    for (const op of ['sum', 'max', 'min'] as const) {
      for (const s of ['auto', 'workgroup'] as const) {
        const { got, want } = await both(g, c, [randn(prod(shape))], (b, [x]) => (b === g ? g.reduceWith(s, op, x, shape, axes) : b.reduce(op, x, shape, axes)));
        compare(`reduce ${s} ${op} [${shape}]/[${axes}]`, got, want, 1e-3);
      }
    }
  }
  {
    const x = randn(7 * 13, -3, 3).map((v) => Math.round(v));
    const { got, want } = await both(g, c, [x], (b, [s]) => b.argmax(s, [7, 13], 1));
    compare('argmax', got, want, 0, 0);
  }
  // Batch norm with each per-channel reduction: statistics, the normalisation with its
  // epilogue (+ residual, an activation) and the backward through the activation.
  for (const v of Object.keys(CHANNEL_REDUCE_VARIANTS)) {
    const saved = g.tuning;
    g.tuning = { ...saved, channelReduce: v, shapes: {} };
    for (const p of [{ n: 3, c: 5, hw: 49, eps: 1e-5 }, { n: 32, c: 64, hw: 576, eps: 1e-5 }, { n: 8, c: 512, hw: 9, eps: 1e-5 }]) {
      const size = p.n * p.c * p.hw;
      // The backward reads the activation's output as given (here random: a relu output
      // within rounding of 0 would flip its mask between the two backends).
      const data = [randn(size, -2, 3), randn(size), randn(p.c), randn(size), randn(size, 0, 1).map((v) => (v < 0.3 ? 0 : v))];
      for (const [act, residual, keepG] of [['relu', true, true], ['relu', false, false], ['sigmoid', false, false]] as const) {
        for (const part of ['y', 'dx', 'dWeight', 'dBias', ...(keepG ? ['g'] : [])]) {
          const { got, want } = await both(g, c, data, (b, [xs, gs, ws, rs, out]) => {
            const st = b.batchNormStats(xs, p);
            const y = b.batchNormApply(xs, st.mean, st.variance, ws, null, p, { act, residual: residual ? rs : null });
            const back = b.batchNormBackward(gs, xs, st.mean, st.variance, ws, { ...p, batchStats: true }, { op: act, y: out, keepG });
            const all: Record<string, Storage> = { ...st, y, ...back };
            for (const [k, t] of Object.entries(all)) if (k !== part) b.free(t);
            return all[part];
          });
          compare(`batch norm ${v} ${residual ? '+ residual ' : ''}+ ${act} ${part} ${JSON.stringify(p)}`, got, want, 1e-3, 1e-3);
        }
      }
    }
    g.tuning = saved;
  }
  for (const v of Object.keys(MATMUL_VARIANTS)) {
    for (const cs of [
      { batch: 1, m: 37, n: 53, k: 29, aBatch: 1, bBatch: 1 },
      { batch: 3, m: 132, n: 140, k: 12, aBatch: 1, bBatch: 3 },
      { batch: 2, m: 65, n: 9, k: 33, aBatch: 1, bBatch: 2 },
      { batch: 1, m: 256, n: 128, k: 64, aBatch: 1, bBatch: 1 },
    ]) {
      for (const transA of [false, true])
        for (const transB of [false, true]) {
          const p = { ...cs, transA, transB };
          const { got, want } = await both(g, c, [randn(cs.aBatch * cs.m * cs.k), randn(cs.bBatch * cs.k * cs.n)], (b, [x, y]) =>
            b === g ? g.matmulWith(v, x, y, p) : b.matmul(x, y, p),
          );
          compare(`matmul ${v} ${JSON.stringify(p)}`, got, want);
        }
    }
  }
  // Split-K (the strided kernels on few tiles and a long k), each epilogue kind.
  const savedTarget = g.splitKTarget;
  g.splitKTarget = 4096;
  for (const v of Object.keys(MATMUL_VARIANTS).filter((name) => !MATMUL_VARIANTS[name].vec4 && !MATMUL_VARIANTS[name].texture)) {
    for (const [m, n, k, tA, tB] of [[37, 53, 1024, false, false], [64, 576, 9216, false, true], [9, 130, 777, true, false]] as const) {
      const mp = { batch: 1, m, n, k, transA: tA, transB: tB, aBatch: 1, bBatch: 1 };
      const o = await both(g, c, [randn(m * k), randn(k * n)], (b, [x, y]) => (b === g ? g.matmulWith(v, x, y, mp) : b.matmul(x, y, mp)));
      compare(`split-K matmul ${v} ${JSON.stringify(mp)}`, o.got, o.want, 1e-3, 1e-3);
    }
  }
  g.splitKTarget = savedTarget;
  // (The last one has few tiles and a long reduction: on a GPU the implicit-GEMM passes split it.)
  const convs = [conv(2, 3, 9, 7, 5, 3, 3, 1, 1), conv(3, 2, 11, 13, 7, 5, 5, 2, 2), conv(4, 1, 28, 28, 6, 5, 5, 1, 2), conv(3, 6, 14, 14, 16, 5, 5, 1, 0), conv(2, 4, 8, 8, 6, 1, 1, 2, 0), conv(2, 64, 5, 5, 70, 3, 3, 1, 1)];
  for (const p of convs) {
    const x = randn(p.n * p.cIn * p.h * p.w), w = randn(p.cOut * p.cIn * p.kH * p.kW), bias = randn(p.cOut), gy = randn(p.n * p.cOut * p.outH * p.outW);
    for (const v of Object.keys(CONV_VARIANTS)) {
      const o = await both(g, c, [x, w, bias], (b, [xs, ws, bs]) => (b === g ? g.conv2dWith(v, xs, ws, bs, p) : b.conv2d(xs, ws, bs, p)));
      compare(`conv2d ${v} ${JSON.stringify(p)}`, o.got, o.want);
    }
    for (const v of Object.keys(CONV_BWD_INPUT_VARIANTS)) {
      const o = await both(g, c, [gy, w], (b, [gs, ws]) => (b === g ? g.conv2dBackwardInputWith(v, gs, ws, p) : b.conv2dBackwardInput(gs, ws, p)));
      compare(`conv2dBackwardInput ${v} ${JSON.stringify(p)}`, o.got, o.want);
    }
    for (const v of Object.keys(CONV_BWD_WEIGHT_VARIANTS)) {
      const o = await both(g, c, [x, gy], (b, [xs, gs]) => (b === g ? g.conv2dBackwardWeightWith(v, xs, gs, p) : b.conv2dBackwardWeight(xs, gs, p)));
      compare(`conv2dBackwardWeight ${v} ${JSON.stringify(p)}`, o.got, o.want, 1e-3);
    }
  }
  // F(4x4, 3x3) and F(2x2, 5x5) (winograd-4x4 and winograd-5x5 at the 'high' precision, as training runs) round more: within 3e-5 of each output's scale.
  setConvPrecision('high');
  const scaled = (want: Float32Array) => Math.max(1e-4, 3e-5 * want.reduce((m, v) => Math.max(m, Math.abs(v)), 0));
  for (const [v, k] of [['winograd-4x4', 3], ['winograd-5x5', 5]] as const) {
    for (const p of [...convs, conv(2, 6, 13, 11, 5, k, k, 1, 1), conv(2, 6, 13, 13, 16, k, k, 1, k - 1)].filter((q) => q.kH === k && q.kW === k && q.strideH === 1)) {
      const x = randn(p.n * p.cIn * p.h * p.w), w = randn(p.cOut * p.cIn * k * k), gy = randn(p.n * p.cOut * p.outH * p.outW);
      const f = await both(g, c, [x, w], (b, [xs, ws]) => (b === g ? g.conv2dWith(v, xs, ws, null, p) : b.conv2d(xs, ws, null, p)));
      compare(`conv2d ${v} (high) ${JSON.stringify(p)}`, f.got, f.want, scaled(f.want));
      const i = await both(g, c, [gy, w], (b, [gs, ws]) => (b === g ? g.conv2dBackwardInputWith(v, gs, ws, p) : b.conv2dBackwardInput(gs, ws, p)));
      compare(`conv2dBackwardInput ${v} (high) ${JSON.stringify(p)}`, i.got, i.want, scaled(i.want));
      const d = await both(g, c, [x, gy], (b, [xs, gs]) => (b === g ? g.conv2dBackwardWeightWith(v, xs, gs, p) : b.conv2dBackwardWeight(xs, gs, p)));
      compare(`conv2dBackwardWeight ${v} (high) ${JSON.stringify(p)}`, d.got, d.want, scaled(d.want));
    }
  }
  setConvPrecision('highest');
  for (const mode of ['max', 'avg'] as const) {
    const p = { mode, n: 2, c: 3, h: 9, w: 7, kH: 3, kW: 3, strideH: 2, strideW: 2, padH: 1, padW: 1, outH: 5, outW: 4 };
    const x = randn(2 * 3 * 63, -2, 2).map((v) => Math.round(v * 2) / 2);
    const f = await both(g, c, [x], (b, [xs]) => b.pool2d(xs, p));
    compare(`pool ${mode}`, f.got, f.want);
    const gb = await both(g, c, [x, randn(2 * 3 * 20)], (b, [xs, gs]) => b.pool2dBackward(xs, gs, p));
    compare(`pool backward ${mode}`, gb.got, gb.want);
  }
  {
    const o = await both(g, c, [randn(2 * 3 * 28 * 28)], (b, [x]) => b.resizeBilinear(x, 2, 3, 28, 28, 32, 32));
    compare('resize', o.got, o.want);
    const gd = g.dropoutMask(10007, 0.3, 42), cd = c.dropoutMask(10007, 0.3, 42);
    compare('dropout', await g.read(gd), await c.read(cd), 0, 1e-7);
    const n = 1031;
    const host = [randn(n), randn(n), randn(n), new Float32Array(n)];
    const gs = host.map((d) => g.fromData(d)), csx = host.map((d) => c.fromData(d));
    const sp = { lr: 0.05, momentum: 0.9, weightDecay: 1e-3, dampening: 0.1, nesterov: true, firstStep: false };
    g.sgdStep([{ param: gs[0], grad: gs[1], momentumBuf: gs[2] }], sp);
    c.sgdStep([{ param: csx[0], grad: csx[1], momentumBuf: csx[2] }], sp);
    const ap = { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 1e-2, step: 3 };
    g.adamStep(gs[0], gs[1], gs[2], gs[3], ap);
    c.adamStep(csx[0], csx[1], csx[2], csx[3], ap);
    for (let i = 0; i < 4; i++) compare(`optim operand ${i}`, await g.read(gs[i]), await c.read(csx[i]));
  }
  {
    const n = 65535 * 256 + 1000;
    const x = new Float32Array(n).map((_, i) => (i % 1013) - 500);
    const o = await both(g, c, [x], (b, [s]) => b.unary('abs', s));
    compare('folded grid abs', o.got, o.want);
  }
}

async function timings(g: WebGPUBackend): Promise<void> {
  // As training runs (winograd-4x4 is F(4x4, 3x3), and winograd-5x5 F(2x2, 5x5), only at this precision).
  setConvPrecision('high');
  for (const N of [512, 1024, 2048]) {
    const a = g.fromData(randn(N * N)), b = g.fromData(randn(N * N));
    const p = { batch: 1, m: N, n: N, k: N, transA: false, transB: false, aBatch: 1, bBatch: 1 };
    const line: string[] = [];
    for (const v of Object.keys(MATMUL_VARIANTS)) {
      const t = await timeOp(g, () => g.matmulWith(v, a, b, p), 10);
      line.push(`${v} ${((2 * N ** 3) / t / 1e6).toFixed(0)}`);
    }
    console.log(`matmul ${N} GFLOP/s: ${line.join(', ')}`);
    g.free(a);
    g.free(b);
  }
  // ResNet-18 at 96x96, batch 256: the im2col products of a 3x3 convolution in layers 1
  // and 4 (forward, input gradient, weight gradient), each variant with and without split-K.
  for (const [name, cin, px] of [['layer1', 64, 24 * 24], ['layer4', 512, 3 * 3]] as const) {
    const taps = cin * 9;
    const products = [
      ['fwd', { batch: 1, m: cin, n: 256 * px, k: taps, transA: false, transB: false, aBatch: 1, bBatch: 1 }],
      ['dx', { batch: 1, m: taps, n: 256 * px, k: cin, transA: true, transB: false, aBatch: 1, bBatch: 1 }],
      ['dw', { batch: 1, m: cin, n: taps, k: 256 * px, transA: false, transB: true, aBatch: 1, bBatch: 1 }],
    ] as const;
    for (const [what, p] of products) {
      const a = g.fromData(randn(p.m * p.k)), b = g.fromData(randn(p.k * p.n));
      const line: string[] = [];
      for (const v of Object.keys(MATMUL_VARIANTS)) {
        for (const target of v.startsWith('vec4') || v.startsWith('tex') ? [0] : [0, g.splitKTarget || 256]) {
          const saved = g.splitKTarget;
          g.splitKTarget = target;
          const t = await timeOp(g, () => g.matmulWith(v, a, b, p), 5);
          g.splitKTarget = saved;
          line.push(`${v}${target ? '+split' : ''} ${((2 * p.m * p.n * p.k) / t / 1e6).toFixed(0)}`);
        }
      }
      console.log(`ResNet-18 96x96 b256 ${name} ${what} ${p.m}x${p.n}x${p.k} GFLOP/s: ${line.join(', ')}`);
      g.free(a);
      g.free(b);
    }
  }
  // LeNet's two layers, AlexNet's and NiN's 5x5 layer at 224 (batch 128), a 56x56 3x3 layer, and ResNet-18's at 96x96, batch 256 (layer 1, layer 3's strided first convolution, layer 4's 3x3 maps).
  const layers = [conv(256, 1, 28, 28, 6, 5, 5, 1, 2), conv(256, 6, 14, 14, 16, 5, 5, 1, 0), conv(128, 96, 26, 26, 256, 5, 5, 1, 2), conv(64, 64, 56, 56, 64, 3, 3, 1, 1), conv(256, 64, 24, 24, 64, 3, 3, 1, 1), conv(256, 128, 12, 12, 256, 3, 3, 2, 1), conv(256, 512, 3, 3, 512, 3, 3, 1, 1)];
  for (const p of layers) {
    const x = g.fromData(randn(p.n * p.cIn * p.h * p.w)), w = g.fromData(randn(p.cOut * p.cIn * p.kH * p.kW)), gy = g.fromData(randn(p.n * p.cOut * p.outH * p.outW));
    const fl = 2 * p.n * p.cOut * p.outH * p.outW * p.cIn * p.kH * p.kW;
    const rep = (name: string, t: number) => `${name} ${t.toFixed(2)}ms (${(fl / t / 1e6).toFixed(0)} GFLOP/s)`;
    const parts: string[] = [];
    for (const v of Object.keys(CONV_VARIANTS)) parts.push(rep(`fwd ${v}`, await timeOp(g, () => g.conv2dWith(v, x, w, null, p), 5)));
    for (const v of Object.keys(CONV_BWD_INPUT_VARIANTS)) parts.push(rep(`dx ${v}`, await timeOp(g, () => g.conv2dBackwardInputWith(v, gy, w, p), 5)));
    for (const v of Object.keys(CONV_BWD_WEIGHT_VARIANTS)) parts.push(rep(`dw ${v}`, await timeOp(g, () => g.conv2dBackwardWeightWith(v, x, gy, p), 5)));
    console.log(`conv ${p.cIn}->${p.cOut} ${p.kH}x${p.kW} on ${p.h}x${p.w} batch ${p.n}:\n  ${parts.join('\n  ')}`);
    [x, w, gy].forEach((s) => g.free(s));
  }
  // Batch norm's per-channel reductions at ResNet-18's 96x96, batch 256 inputs (the stem's
  // 48x48 maps, layer 1's 24x24, layer 4's 3x3): the statistics, and the backward pass (its
  // sums and dx), in each variant, with the bytes they read and write per millisecond.
  for (const [name, c, hw] of [['stem', 64, 48 * 48], ['layer1', 64, 24 * 24], ['layer4', 512, 3 * 3]] as const) {
    const p = { n: 256, c, hw, eps: 1e-5 };
    const size = p.n * c * hw;
    const x = g.fromData(randn(size)), gy = g.fromData(randn(size));
    const saved = g.tuning;
    const parts: string[] = [];
    for (const v of Object.keys(CHANNEL_REDUCE_VARIANTS)) {
      g.tuning = { ...saved, channelReduce: v, shapes: {} };
      const stats = await timeOp(g, () => {
        const st = g.batchNormStats(x, p);
        g.free(st.variance);
        return st.mean;
      }, 10);
      const st = g.batchNormStats(x, p);
      const back = await timeOp(g, () => {
        const r = g.batchNormBackward(gy, x, st.mean, st.variance, null, { ...p, batchStats: true });
        g.free(r.dWeight);
        g.free(r.dBias);
        return r.dx;
      }, 10);
      g.free(st.mean);
      g.free(st.variance);
      // Statistics: x twice; backward: g and x twice, dx once.
      parts.push(`${v} stats ${stats.toFixed(3)}ms (${((8 * size) / stats / 1e6).toFixed(0)} GB/s), backward ${back.toFixed(3)}ms (${((20 * size) / back / 1e6).toFixed(0)} GB/s)`);
    }
    g.tuning = saved;
    console.log(`batch norm ${name} ${p.n}x${c}x${hw}:\n  ${parts.join('\n  ')}`);
    [x, gy].forEach((s) => g.free(s));
  }
}

async function main(): Promise<void> {
  const api = create([]);
  const t0 = performance.now();
  const g = await createWebGPUBackend({ gpu: api });
  console.log(`${g.description}; autotune ${(performance.now() - t0).toFixed(0)} ms -> ${JSON.stringify(g.tuning)}`);
  console.log(`autotune times: ${JSON.stringify(lastAutotune)}`);
  const checked = Object.entries(spotChecks).flatMap(([op, vs]) => Object.entries(vs).map(([v, why]) => [`${op} ${v}`, why] as const));
  console.log(`autotune spot checks: ${checked.filter(([, why]) => why === null).length} of ${checked.length} variants computed correctly; wrong: ${JSON.stringify(checked.filter(([, why]) => why !== null))}`);
  await conformance(g);
  console.log(`conformance: ${pass} passed, ${fail} failed; device errors: ${JSON.stringify(g.rt.errors.slice(0, 5))}`);
  // The backend choice's check of a new device: two training steps against the CPU reference.
  setBackendInstance(g);
  const stepCheck = await checkStepVerdict();
  console.log(stepCheck.line);
  if (!stepCheck.passed) fail++;
  if (!process.argv.includes('--no-timings')) await timings(g);
  console.log(`device errors after timings: ${g.rt.errors.length}`);
  g.destroy();
  process.exit(fail === 0 && g.rt.errors.length === 0 ? 0 : 1);
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});
