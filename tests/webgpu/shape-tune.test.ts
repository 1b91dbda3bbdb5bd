/**
 * Shape-keyed kernel tuning (tuneShapes in src/engine/webgpu/autotune.ts): the recorded
 * shapes are the model's conv / linear layers (forward and both backward passes), every
 * stored choice is a variant of its op, the lookup routes a shape to its own entry while
 * other shapes keep the op-wide choice, and the numbers do not change. The Trainer runs
 * it on hardware adapters only (faked here: Dawn runs on SwiftShader).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { F, nn, noGrad, ready, setBackend, setConvPrecision, tensor, tidy, zeros, type Tensor } from '../../src/engine';
import { activeBackend } from '../../src/engine/runtime';
import type { Storage } from '../../src/engine/backend';
import type { WebGPUBackend } from '../../src/engine/webgpu';
import { autotune, candidates, spotChecks, tuneShapes } from '../../src/engine/webgpu/autotune';
import { CONV_BWD_INPUT_VARIANTS, CONV_BWD_WEIGHT_VARIANTS, SHAPE_OP_VARIANTS, cpuConvChoice, defaultTuning, resolveConv, shapeKey, type ShapeOp } from '../../src/engine/webgpu/variants';
import type { DispatchSpec } from '../../src/engine/webgpu/runtime';
import { parseDataset } from '../../src/data/format';
import { zoo } from '../../src/models';
import type { FromWorker, TrainConfig } from '../../src/worker/protocol';
import { Trainer } from '../../src/worker/trainer';

afterAll(async () => {
  await setBackend('cpu');
});

const N = 4;
const SIZE = 28;

async function webgpu(): Promise<WebGPUBackend> {
  await setBackend('webgpu', { autotune: false });
  await ready();
  const be = activeBackend();
  expect(be.name).toBe('webgpu');
  return be as unknown as WebGPUBackend;
}

/** The shape keys LeNet's conv and linear layers should produce for a batch of N (from the layers' inputs, traced on the CPU). */
async function expectedKeys(): Promise<Set<string>> {
  await setBackend('cpu');
  const net = zoo.lenet.create({ seed: 0, inputSize: SIZE });
  const keys = new Set<string>();
  let first = true;
  for (const m of net.modules()) {
    if (m instanceof nn.Conv2d) {
      const conv = m;
      const see = (x: Tensor) => {
        const [n, cIn, h, w] = x.shape;
        const p = { n, cIn, h, w, cOut: conv.outChannels, kH: conv.kernelSize[0], kW: conv.kernelSize[1], strideH: conv.stride[0], strideW: conv.stride[1], padH: conv.padding[0], padW: conv.padding[1] };
        keys.add(shapeKey('conv2d', p));
        keys.add(shapeKey('conv2dBackwardWeight', p));
        // The input image needs no gradient.
        if (!first) keys.add(shapeKey('conv2dBackwardInput', p));
        first = false;
      };
      const fwd = conv.forward.bind(conv);
      const fwdAct = conv.forwardAct.bind(conv);
      conv.forward = (x: Tensor) => (see(x), fwd(x));
      conv.forwardAct = (x: Tensor, act) => (see(x), fwdAct(x, act));
    } else if (m instanceof nn.Linear) {
      const lin = m;
      const see = (x: Tensor) => {
        const rows = x.size / lin.inFeatures;
        const mm = (m: number, n: number, k: number, transA: boolean, transB: boolean) => shapeKey('matmul', { batch: 1, m, n, k, transA, transB, aBatch: 1, bBatch: 1 });
        keys.add(mm(rows, lin.outFeatures, lin.inFeatures, false, true)); // y = x W^T
        keys.add(mm(rows, lin.inFeatures, lin.outFeatures, false, false)); // dx = dy W
        keys.add(mm(lin.outFeatures, lin.inFeatures, rows, true, false)); // dW = dy^T x
      };
      const fwd = lin.forward.bind(lin);
      lin.forward = (x: Tensor) => (see(x), fwd(x));
      const withAct = (lin as unknown as { forwardAct?: (x: Tensor, act: unknown) => Tensor }).forwardAct;
      if (withAct) (lin as unknown as { forwardAct: (x: Tensor, act: unknown) => Tensor }).forwardAct = (x, act) => (see(x), withAct.call(lin, x, act));
    }
  }
  noGrad(() => tidy(() => void net.call(zeros([N, 1, SIZE, SIZE]))));
  net.dispose();
  return keys;
}

/** Forward + backward of `net` on a fixed batch: the loss and every parameter's gradient. */
async function lossAndGrads(net: nn.Sequential): Promise<{ loss: number; grads: Float32Array[] }> {
  net.zeroGrad();
  const x = tensor(new Float32Array(N * SIZE * SIZE).map((_, i) => ((i * 7919) % 255) / 255 - 0.3), [N, 1, SIZE, SIZE]);
  const y = tensor(Float32Array.from({ length: N }, (_, i) => (i * 3) % 10), [N]);
  const loss = F.crossEntropy(net.call(x) as Tensor, y);
  loss.backward();
  const value = (await loss.data())[0];
  const grads = await Promise.all(net.parameters().map((p) => p.grad!.data()));
  for (const t of [x, y, loss]) t.dispose();
  net.zeroGrad();
  return { loss: value, grads };
}

function expectClose(a: { loss: number; grads: Float32Array[] }, b: { loss: number; grads: Float32Array[] }, tol = 1e-3) {
  expect(b.loss).toBeCloseTo(a.loss, 4);
  expect(b.grads.length).toBe(a.grads.length);
  a.grads.forEach((g, i) => {
    const scale = Math.max(1e-3, ...Array.from(g, Math.abs));
    let worst = 0;
    for (let j = 0; j < g.length; j++) worst = Math.max(worst, Math.abs(g[j] - b.grads[i][j]));
    expect(worst / scale).toBeLessThan(tol);
  });
}

/** A throwaway LeNet step on zeros, as the Trainer records it. */
function throwaway() {
  const net = zoo.lenet.create({ inputSize: SIZE, init: 'default' });
  net.train();
  tidy(() => F.crossEntropy(net.call(zeros([N, 1, SIZE, SIZE])) as Tensor, zeros([N])).backward());
  net.zeroGrad();
  net.dispose();
}

function spyDispatch(be: WebGPUBackend): { keys: string[]; restore: () => void } {
  const keys: string[] = [];
  const orig = be.rt.dispatch.bind(be.rt);
  be.rt.dispatch = (spec: DispatchSpec) => {
    keys.push(spec.key);
    orig(spec);
  };
  return { keys, restore: () => void (be.rt.dispatch = orig) };
}

describe('shape-keyed tuning on WebGPU (Dawn on SwiftShader)', () => {
  it("records exactly LeNet's conv/linear shapes, stores valid variants, frees everything, and keeps the loss and gradients", async () => {
    const expected = await expectedKeys();
    const be = await webgpu();
    const net = zoo.lenet.create({ seed: 3, inputSize: SIZE });
    net.train();
    const before = await lossAndGrads(net);
    await be.sync();
    const bytes = be.memoryBytes();

    const r = await tuneShapes(be, throwaway);
    expect(new Set(r.recorded)).toEqual(expected);
    expect(r.recorded.length).toBe(expected.size);
    expect(r.tuned).toBe(expected.size);
    expect(be.memoryBytes()).toBe(bytes);
    // Every variant timed on every shape was spot-checked first, and computed correctly.
    expect(r.wrong).toEqual({});
    for (const key of expected) {
      expect(spotChecks[key], key).toHaveProperty([be.tuning.shapes![key]], null);
      expect(Object.values(spotChecks[key]).every((why) => why === null), key).toBe(true);
    }
    const shapes = be.tuning.shapes!;
    expect(Object.keys(shapes).sort()).toEqual([...expected].sort());
    for (const [key, variant] of Object.entries(shapes)) {
      const op = key.slice(0, key.indexOf(':')) as ShapeOp;
      expect(Object.keys(SHAPE_OP_VARIANTS)).toContain(op);
      expect(Object.keys(SHAPE_OP_VARIANTS[op])).toContain(variant);
      expect(SHAPE_OP_VARIANTS[op][variant].tune).not.toBe(false);
    }
    console.log(`tuned ${r.tuned} shapes in ${r.ms.toFixed(0)} ms`, shapes);

    // A second pass finds every shape tuned already.
    const again = await tuneShapes(be, throwaway);
    expect(again.tuned).toBe(0);
    expect(again.choices).toEqual(shapes);

    const after = await lossAndGrads(net);
    expectClose(before, after);

    // Every shape forced to another variant than the tuned one (fallbacks included): same numbers.
    const forced: Record<string, string> = {};
    for (const [key, variant] of Object.entries(shapes)) {
      const op = key.slice(0, key.indexOf(':')) as ShapeOp;
      forced[key] = Object.keys(SHAPE_OP_VARIANTS[op]).find((v) => v !== variant)!;
    }
    be.tuning = { ...be.tuning, shapes: forced };
    expect(be.tuning.shapes).toEqual(forced);
    expectClose(before, await lossAndGrads(net));
    net.dispose();
  }, 300_000);

  it("records LeNet-BN's batch-norm inputs too, tunes each one's per-channel reduction, and keeps the loss and gradients", async () => {
    // The batch-norm layers' inputs [n, c, hw], traced on the CPU.
    await setBackend('cpu');
    const traced = zoo['lenet-bn'].create({ seed: 0, inputSize: SIZE });
    const want = new Set<string>();
    for (const m of traced.modules()) {
      if (!(m instanceof nn.BatchNorm1d || m instanceof nn.BatchNorm2d)) continue;
      const fwd = m.forward.bind(m);
      m.forward = (x: Tensor) => {
        const [n, c, ...plane] = x.shape;
        want.add(shapeKey('channelReduce', { n, c, hw: plane.reduce((a, b) => a * b, 1) }));
        return fwd(x);
      };
    }
    traced.train();
    tidy(() => void traced.call(zeros([N, 1, SIZE, SIZE])));
    traced.dispose();
    expect(want.size).toBe(4);

    const be = await webgpu();
    const net = zoo['lenet-bn'].create({ seed: 3, inputSize: SIZE });
    net.train();
    const before = await lossAndGrads(net);
    const throwawayBN = () => {
      const t = zoo['lenet-bn'].create({ inputSize: SIZE, init: 'default' });
      t.train();
      tidy(() => F.crossEntropy(t.call(zeros([N, 1, SIZE, SIZE])) as Tensor, zeros([N])).backward());
      t.dispose();
    };
    const r = await tuneShapes(be, throwawayBN);
    const reductions = r.recorded.filter((k) => k.startsWith('channelReduce:'));
    expect(new Set(reductions)).toEqual(want);
    for (const k of reductions) expect(Object.keys(SHAPE_OP_VARIANTS.channelReduce)).toContain(be.tuning.shapes![k]);
    // Lanes sum a channel in another order. Over a batch of 4, a sigmoid's outputs vary
    // little from image to image, so batch norm's centring and 1 / std make that rounding
    // worth up to a few 1e-3 of the largest gradient; a wrong channel or variant is worth 1.
    const tol = 1e-2;
    expectClose(before, await lossAndGrads(net), tol);

    // Each layer runs the variant of its own shape: forced to lanes-32 for one and lanes-256
    // for the others, the statistics kernels follow, and the numbers stay. (Each norm is
    // followed by a sigmoid, whose derivative its backward sums take as they read.)
    const [first, ...rest] = reductions;
    be.tuning = { ...be.tuning, channelReduce: 'lanes-1', shapes: { ...be.tuning.shapes, [first]: 'lanes-32', ...Object.fromEntries(rest.map((k) => [k, 'lanes-256'])) } };
    const spy = spyDispatch(be);
    let forced: { loss: number; grads: Float32Array[] };
    try {
      forced = await lossAndGrads(net);
    } finally {
      spy.restore();
    }
    const stats = spy.keys.filter((k) => k.startsWith('batchnorm-stats'));
    expect(stats.length).toBe(4);
    expect(stats.filter((k) => k.includes('lanes-32'))).toHaveLength(1);
    expect(stats.filter((k) => k.includes('lanes-256'))).toHaveLength(3);
    expect(spy.keys.filter((k) => k.startsWith('batchnorm-backward-sums')).sort()).toEqual(['lanes-256', 'lanes-256', 'lanes-256', 'lanes-32'].map((v) => `batchnorm-backward-sums:${v}:sigmoid:0`));
    expectClose(before, forced, tol);
    net.dispose();
  }, 300_000);

  it('routes a shape with an entry to its variant and leaves the others on the op-wide choice', async () => {
    const be = await webgpu();
    const a = { n: 2, cIn: 3, h: 12, w: 12, cOut: 8, kH: 3, kW: 3, strideH: 1, strideW: 1, padH: 1, padW: 1, outH: 12, outW: 12 };
    const b = { ...a, cIn: 4 };
    const mmA = { batch: 1, m: 8, n: 16, k: 12, transA: false, transB: true, aBatch: 1, bBatch: 1 };
    const mmB = { ...mmA, k: 20 };
    // Unknown ops and variants are dropped by the setter.
    be.tuning = {
      ...be.tuning,
      conv2d: 'reg-32x2',
      matmul: 'reg-16x16',
      shapes: { [shapeKey('conv2d', a)]: 'reg-8x8', [shapeKey('matmul', mmA)]: 'reg-8x8', [shapeKey('conv2d', b)]: 'no-such-variant', 'nope:1,2': 'reg-8x8' },
    };
    expect(be.tuning.shapes).toEqual({ [shapeKey('conv2d', a)]: 'reg-8x8', [shapeKey('matmul', mmA)]: 'reg-8x8' });
    const data = (n: number) => be.fromData(new Float32Array(n).fill(0.5));
    const run = (f: () => void) => {
      const spy = spyDispatch(be);
      try {
        f();
      } finally {
        spy.restore();
      }
      return spy.keys;
    };
    const xa = data(a.n * a.cIn * a.h * a.w), wa = data(a.cOut * a.cIn * 9);
    const xb = data(b.n * b.cIn * b.h * b.w), wb = data(b.cOut * b.cIn * 9);
    const ma = data(8 * 12), wma = data(16 * 12), mb = data(8 * 20), wmb = data(16 * 20);
    const outs: Storage[] = [];
    expect(run(() => outs.push(be.conv2d(xa, wa, null, a)))).toEqual(['conv2d:reg-8x8']);
    expect(run(() => outs.push(be.conv2dAct(xa, wa, null, a, 'relu')))).toEqual(['conv2d:reg-8x8:relu']);
    expect(run(() => outs.push(be.conv2d(xb, wb, null, b)))).toEqual(['conv2d:reg-32x2']);
    expect(run(() => outs.push(be.linear(ma, wma, null, { rows: 8, inF: 12, outF: 16 }, null)))).toEqual(['matmul:reg-8x8']);
    expect(run(() => outs.push(be.matmul(ma, wma, mmA)))).toEqual(['matmul:reg-8x8']);
    expect(run(() => outs.push(be.matmul(mb, wmb, mmB)))).toEqual(['matmul:reg-16x16']);
    // The tuning keeps its shapes through a save and restore (as the worker persists it).
    const saved = JSON.parse(JSON.stringify(be.tuning)) as typeof be.tuning;
    be.tuning = { ...be.tuning, shapes: undefined };
    expect(run(() => outs.push(be.conv2d(xa, wa, null, a)))).toEqual(['conv2d:reg-32x2']);
    be.tuning = saved;
    expect(run(() => outs.push(be.conv2d(xa, wa, null, a)))).toEqual(['conv2d:reg-8x8']);
    for (const s of [xa, wa, xb, wb, ma, wma, mb, wmb, ...outs]) be.free(s);
  });
});

describe('the convolutions of a CPU-backed adapter', () => {
  it('take cpu-mix by default, which the op-wide autotune keeps and the shape tuning never times', async () => {
    expect(defaultTuning('google|swiftshader|swiftshader-device-subzero-|SwiftShader driver').conv2d).toBe('cpu-mix');
    expect(defaultTuning('nvidia|hopper||NVIDIA H100').conv2dBackwardWeight).toBe('rows-8x8');
    const c = (cIn: number, h: number, cOut: number, k: number, s: number, pad: number) => ({ n: 16, cIn, h, w: h, cOut, kH: k, kW: k, strideH: s, strideW: s, padH: pad, padW: pad });
    // ResNet-18 at 64x64: stages 1-3 by Winograd, stage 4 (2x2 maps), strided and 1x1 layers by rows; AlexNet's 5x5 layer; LeNet's.
    expect([c(64, 16, 64, 3, 1, 1), c(128, 8, 128, 3, 1, 1), c(256, 4, 256, 3, 1, 1), c(512, 2, 512, 3, 1, 1), c(64, 16, 128, 3, 2, 1), c(128, 8, 256, 1, 2, 0)].map(cpuConvChoice))
      .toEqual(['winograd-4x4', 'winograd-4x4', 'winograd-4x4', 'rows-8x8', 'rows-8x8', 'rows-8x8']);
    expect([c(96, 10, 256, 5, 1, 2), c(1, 28, 6, 5, 1, 2), c(6, 14, 16, 5, 1, 0)].map(cpuConvChoice)).toEqual(['winograd-5x5', 'rows-8x8', 'rows-8x8']);
    // The weight gradient keeps rows-8x8 (one dispatch with the bias) on maps under 8x8.
    const weight = (q: ReturnType<typeof c>) => resolveConv(CONV_BWD_WEIGHT_VARIANTS, 'cpu-mix', q);
    expect([c(128, 8, 128, 3, 1, 1), c(256, 4, 256, 3, 1, 1), c(256, 6, 256, 3, 1, 1), c(96, 10, 256, 5, 1, 2)].map(weight)).toEqual(['winograd-4x4', 'rows-8x8', 'rows-8x8', 'winograd-5x5']);
    expect(resolveConv(CONV_BWD_INPUT_VARIANTS, 'cpu-mix', c(256, 4, 256, 3, 1, 1))).toBe('winograd-4x4');
    const be = await webgpu();
    const tuned = await autotune(be);
    for (const op of ['conv2d', 'conv2dBackwardInput', 'conv2dBackwardWeight'] as const) {
      expect(be.tuning[op], op).toBe('cpu-mix');
      expect(tuned[op], op).toBe('cpu-mix');
      expect(candidates(be, SHAPE_OP_VARIANTS[op], c(64, 16, 64, 3, 1, 1)), op).not.toContain('cpu-mix');
    }
  });
});

describe('which variants the tuning times', () => {
  it('times a variant for some shapes only (Winograd: 3x3 or 5x5, stride 1) on those shapes, never for the op-wide choice', async () => {
    const be = await webgpu();
    const conv = (k: number, s: number, pad: number) => ({ n: 2, cIn: 8, h: 9, w: 9, cOut: 8, kH: k, kW: k, strideH: s, strideW: s, padH: pad, padW: pad });
    for (const op of ['conv2d', 'conv2dBackwardInput', 'conv2dBackwardWeight'] as const) {
      const table = SHAPE_OP_VARIANTS[op];
      expect(candidates(be, table), op).not.toContain('winograd');
      expect(candidates(be, table), op).toContain('rows-8x8');
      for (const pad of [0, 1, 2]) expect(candidates(be, table, conv(3, 1, pad)), `${op} 3x3 pad ${pad}`).toContain('winograd');
      for (const p of [conv(5, 1, 2), conv(3, 2, 1), conv(3, 1, 3), { ...conv(3, 1, 1), padW: 0 }]) expect(candidates(be, table, p), `${op} ${JSON.stringify(p)}`).not.toContain('winograd');
      // F(4x4, 3x3) is a candidate of its own at the 'high' precision only (at 'highest' it is F(2x2, 3x3)).
      // F(2x2, 5x5) likewise, on 5x5 stride-1 layers with padding up to 4.
      expect(candidates(be, table, conv(3, 1, 1)), op).not.toContain('winograd-4x4');
      expect(candidates(be, table, conv(5, 1, 2)), op).not.toContain('winograd-5x5');
      setConvPrecision('high');
      try {
        expect(candidates(be, table, conv(3, 1, 1)), op).toContain('winograd-4x4');
        expect(candidates(be, table), op).not.toContain('winograd-4x4');
        expect(candidates(be, table, conv(5, 1, 2)), op).not.toContain('winograd-4x4');
        for (const pad of [0, 2, 4]) expect(candidates(be, table, conv(5, 1, pad)), `${op} 5x5 pad ${pad}`).toContain('winograd-5x5');
        for (const p of [conv(3, 1, 1), conv(5, 2, 2), conv(5, 1, 5), { ...conv(5, 1, 2), padW: 1 }]) expect(candidates(be, table, p), `${op} ${JSON.stringify(p)}`).not.toContain('winograd-5x5');
        expect(candidates(be, table), op).not.toContain('winograd-5x5');
      } finally {
        setConvPrecision('highest');
      }
    }
  });

  it('cuts long batch-norm channels into chunks and folds them (split-256), a GPU variant the tuning skips on a CPU-backed adapter', async () => {
    const be = await webgpu();
    // A CPU-backed adapter never times it (each chunk's barriers cost there what they save on a GPU).
    expect(candidates(be, SHAPE_OP_VARIANTS.channelReduce, { n: 64, c: 64, hw: 1024 })).not.toContain('split-256');
    expect(candidates(be, SHAPE_OP_VARIANTS.channelReduce, { n: 64, c: 64, hw: 1024 })).toContain('lanes-256');
    const saved = be.tuning;
    be.tuning = { ...saved, channelReduce: 'split-256', shapes: {} };
    const spy = spyDispatch(be);
    try {
      for (const [p, folds] of [[{ n: 8, c: 2, hw: 4096, eps: 1e-5 }, true], [{ n: 2, c: 3, hw: 4096, eps: 1e-5 }, false]] as const) {
        spy.keys.length = 0;
        const x = be.fromData(new Float32Array(p.n * p.c * p.hw).map((_, i) => Math.sin(i)));
        const st = be.batchNormStats(x, p);
        const back = be.batchNormBackward(x, x, st.mean, st.variance, null, { ...p, batchStats: true });
        for (const t of [x, st.mean, st.variance, back.dx, back.dWeight, back.dBias]) be.free(t);
        // 32,768 values a channel make four chunks of 8,192; 8,192 values are one, which runs as lanes-256.
        expect(spy.keys, JSON.stringify(p)).toEqual(
          folds
            ? ['batchnorm-stats:split-256:0', 'batchnorm-fold:stats:0', 'batchnorm-backward-sums:split-256::0', 'batchnorm-fold:sums:0', 'batchnorm-backward-dx:1:']
            : ['batchnorm-stats:lanes-256:0', 'batchnorm-backward-sums:lanes-256::0', 'batchnorm-backward-dx:1:'],
        );
      }
    } finally {
      spy.restore();
      be.tuning = saved;
    }
  });
});

describe('the Trainer and the shape tuning', () => {
  const data = parseDataset(new Uint8Array(readFileSync(join(__dirname, '..', '..', 'public', 'data', 'fashion-test.bin'))));
  const config: TrainConfig = { model: 'lenet', epochs: 1, lr: 0.5, batchSize: 4, inputSize: SIZE, optimizer: 'sgd', seed: 2, trainLimit: 8, testLimit: 8, readEvery: 1 };

  async function train(opts: { shapeTune?: boolean } = {}) {
    const messages: FromWorker[] = [];
    const saved: unknown[] = [];
    const t = new Trainer({
      post: (m) => void messages.push(m),
      loadData: async () => ({ train: data, test: data }),
      saveCheckpoint: async () => {},
      readCheckpoint: async () => null,
      readCheckpointInfo: async () => null,
      deleteCheckpoint: async () => {},
      saveTuning: (tuning) => void saved.push(tuning),
      ...opts,
    });
    await t.handle({ type: 'start', config });
    await t.idle();
    const err = messages.find((m) => m.type === 'error');
    if (err && err.type === 'error') throw new Error(err.message);
    return { messages, saved, losses: messages.flatMap((m) => (m.type === 'progress' ? [m.loss] : [])) };
  }

  it('tunes before the first step on a hardware adapter (once per model, size and batch) and skips software adapters', async () => {
    // A software adapter (SwiftShader, as Dawn runs here): no tuning.
    const soft = await webgpu();
    expect(soft.adapterKey).toMatch(/swiftshader/i);
    const plain = await train();
    expect(plain.messages.some((m) => m.type === 'tuned' || m.type === 'tuning')).toBe(false);
    expect(plain.saved).toEqual([]);
    expect(soft.tuning.shapes).toBeUndefined();

    // The same device passed off as a hardware GPU: tuned before the first step.
    const hw = await webgpu();
    (hw as unknown as { adapterKey: string }).adapterKey = 'nvidia|hopper|NVIDIA H200|';
    const first = await train();
    const tuned = first.messages.filter((m) => m.type === 'tuned');
    expect(tuned.length).toBe(1);
    const firstProgress = first.messages.findIndex((m) => m.type === 'progress');
    expect(first.messages.findIndex((m) => m.type === 'tuned')).toBeLessThan(firstProgress);
    // The view is told first that the timing is under way (it can take a while on a slow GPU).
    expect(first.messages.findIndex((m) => m.type === 'tuning')).toBeGreaterThanOrEqual(0);
    expect(first.messages.findIndex((m) => m.type === 'tuning')).toBeLessThan(first.messages.findIndex((m) => m.type === 'tuned'));
    const msg = tuned[0] as Extract<FromWorker, { type: 'tuned' }>;
    expect(msg.shapes).toBeGreaterThan(8);
    expect(msg.tuned).toBe(msg.shapes);
    expect(msg.wrong).toBe(0);
    expect(Object.keys(hw.tuning.shapes ?? {}).length).toBe(msg.shapes);
    expect(first.saved.length).toBe(1);
    expect((first.saved[0] as { shapes?: object }).shapes).toEqual(hw.tuning.shapes);
    // The throwaway recording leaves the run alone: the same losses as without tuning.
    const untuned = await train({ shapeTune: false });
    expect(untuned.messages.some((m) => m.type === 'tuned')).toBe(false);
    expect(first.losses.length).toBe(plain.losses.length);
    first.losses.forEach((l, i) => expect(l).toBeCloseTo(untuned.losses[i], 4));
    first.losses.forEach((l, i) => expect(l).toBeCloseTo(plain.losses[i], 4));
    // A second run of the same model, size and batch on this backend: not again.
    const second = await train();
    expect(second.messages.some((m) => m.type === 'tuned' || m.type === 'tuning')).toBe(false);
  }, 300_000);
});
