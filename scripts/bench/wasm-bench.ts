/**
 * Figures for the wasm backend in Node (V8 runs the same wasm as Chromium): matmul
 * 512^3, the three convolution passes on LeNet's and ResNet-18's (64x64) layer shapes,
 * and training throughput of both nets. Run through scripts/bench/wasm-node.mjs. Then,
 * when Debian's PyTorch is installed, the same matmul and training steps with PyTorch on
 * the CPU (scripts/bench/torch-reference.py), and tables of both with the issue's
 * targets (scripts/bench/torch-compare.ts).
 */
import type { Conv2dParams, Pool2dParams } from '../../src/engine/backend';
import { CpuBackend } from '../../src/engine/cpu/index';
import { outSize } from '../../src/engine/backend';
import { manualSeed, optim, randn, setConvPrecision, tensor } from '../../src/engine/index';
import { setBackendInstance } from '../../src/engine/runtime';
import { createWasmBackend, WasmBackend } from '../../src/engine/wasm/index';
import { fusedMultiplyAddAvailable } from '../../src/engine/wasm/module';
import { winogradTiling } from '../../src/engine/wasm/plan';
import { lenet } from '../../src/models/lenet';
import { resnet18 } from '../../src/models/resnet';
import { isModelId, MODEL_IDS, zoo, type ModelId } from '../../src/models/index';
import { lossStep } from './loss-step';
import { printSection } from './table.mjs';
import { comparisonSections, runTorchReference, type MatmulFigure, type TorchRequest, type TorchResult, type TrainingFigure, type WasmRun } from './torch-compare';

export interface BenchOptions {
  threads: number[];
  /** Builds to run: plain SIMD (false) and relaxed SIMD with the fused multiply-add (true, where the engine accepts it). */
  fma: boolean[];
  only: string[];
  /** Training steps timed per net (after two warm-up steps). */
  steps: number;
  resnetBatch: number;
  /** Also train LeNet on the CPU reference backend, for comparison. */
  reference: boolean;
  /** Run PyTorch on the CPU after the wasm figures (when it is installed) and print both with the targets. */
  torch: boolean;
  /** Another checkout of the engine to train beside this one, step for step in this process (--against). */
  against?: OtherCheckout;
  /** The nets of a side-by-side run (--models). */
  models: ModelId[];
  /**
   * After each net's timed steps, one more step broken down by backend op (--profile), or by
   * op and convolution shape (--profile=shapes).
   */
  profile: boolean | 'shapes';
}

/** The modules of another checkout that a side-by-side run needs, loaded by wasm-node.mjs. */
export interface OtherCheckout {
  dir: string;
  load: (path: string) => Promise<Record<string, unknown>>;
}

/** What one side of a side-by-side run trains with: its engine's own modules. */
interface Side {
  name: string;
  /** setConvPrecision where the engine has it (checkouts before it had one precision only). */
  engine: { optim: typeof optim; randn: typeof randn; tensor: typeof tensor; setConvPrecision?: typeof setConvPrecision };
  setBackendInstance: typeof setBackendInstance;
  createWasmBackend: typeof createWasmBackend;
  zoo: typeof zoo;
  lossStep: typeof lossStep;
}

async function otherSide(other: OtherCheckout): Promise<Side> {
  const [engine, runtime, wasm, models, loss] = await Promise.all(
    ['src/engine/index.ts', 'src/engine/runtime.ts', 'src/engine/wasm/index.ts', 'src/models/index.ts', 'scripts/bench/loss-step.ts'].map(other.load),
  );
  return {
    name: other.dir,
    engine: engine as unknown as Side['engine'],
    setBackendInstance: runtime.setBackendInstance as typeof setBackendInstance,
    createWasmBackend: wasm.createWasmBackend as typeof createWasmBackend,
    zoo: models.zoo as typeof zoo,
    lossStep: loss.lossStep as typeof lossStep,
  };
}

/**
 * Trains the same nets (`o.models`, at their in-tab input sizes) on this checkout's
 * engine and another's, one step on each in turn, so that whatever else the machine
 * does slows both alike; prints the fastest and the median step of each side and
 * their ratio.
 */
async function benchAgainst(o: BenchOptions, other: OtherCheckout, fma: boolean, threads: number): Promise<void> {
  const here: Side = { name: 'this checkout', engine: { optim, randn, tensor, setConvPrecision }, setBackendInstance, createWasmBackend, zoo, lossStep };
  const sides = [here, await otherSide(other)];
  // Both engines train as the training worker does.
  for (const side of sides) side.engine.setConvPrecision?.('high');
  for (const id of o.models) {
    if (!isModelId(id)) throw new Error(`--models: no model ${id} (the zoo has ${MODEL_IDS.join(', ')})`);
    const entry = zoo[id];
    const small = id === 'lenet' || id === 'lenet-bn';
    const batch = small ? LENET_BATCH : o.resnetBatch;
    const steps = small ? o.steps : resnetSteps(o.steps);
    const size = entry.tabInputSize;
    const runs = await Promise.all(
      sides.map(async (side) => {
        const be = await side.createWasmBackend({ threads, fma });
        side.setBackendInstance(be);
        const model = side.zoo[id].create({ inputSize: size, seed: 0 });
        const opt = new side.engine.optim.SGD(model.parameters(), { lr: entry.recipe.lr, momentum: 0.9 });
        const x = side.engine.randn([batch, 1, size, size]);
        const y = side.engine.tensor(Array.from({ length: batch }, (_, i) => i % 10));
        const step = () => {
          side.setBackendInstance(be);
          side.lossStep(model, opt, x, y).dispose();
        };
        return { side, be, step, ms: [] as number[] };
      }),
    );
    for (const r of runs) r.step();
    for (let i = 0; i < steps; i++)
      for (const r of runs) {
        const t0 = performance.now();
        r.step();
        r.ms.push(performance.now() - t0);
      }
    console.log(`\n== ${entry.name.en} ${size}x${size} training, batch ${batch}, ${runs[0].be.description}: side by side, ${steps} steps each in turn ==`);
    const fastest = runs.map((r) => Math.min(...r.ms));
    for (const [i, r] of runs.entries()) {
      const sorted = [...r.ms].sort((a, b) => a - b);
      const median = sorted[sorted.length >> 1];
      console.log(`  ${r.side.name}: fastest ${fastest[i].toFixed(0)} ms/step (${((batch * 1000) / fastest[i]).toFixed(0)} images/s), median ${median.toFixed(0)} ms/step`);
      r.be.dispose();
    }
    console.log(`  this checkout is ${(fastest[1] / fastest[0]).toFixed(2)}x as fast (fastest steps).`);
  }
}

const LENET_BATCH = 256;

/** Timed ResNet-18 steps for `steps` LeNet steps: a ResNet-18 step costs far more (two at least: one step's time swings). */
const resnetSteps = (steps: number) => Math.max(2, Math.ceil(steps / 4));

function random(size: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2147483648 - 1;
  }
  return out;
}

/** Warm-up time `best` spends at least (see benchConvs). */
const WARM_MS = 600;

/** Best of `reps` timings in ms, after `warm` warm-up calls (and WARM_MS of them, when `warm` > 1). */
function best(fn: () => void, reps: number, warm = 1): number {
  const start = performance.now();
  for (let i = 0; i < warm || (warm > 1 && performance.now() - start < WARM_MS); i++) fn();
  let t = Infinity;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    t = Math.min(t, performance.now() - t0);
  }
  return t;
}

function conv(n: number, cIn: number, size: number, cOut: number, k: number, stride: number, pad: number): Conv2dParams {
  const o = outSize(size, k, pad, stride);
  return { n, cIn, h: size, w: size, cOut, kH: k, kW: k, strideH: stride, strideW: stride, padH: pad, padW: pad, outH: o, outW: o };
}

function benchMatmul(be: WasmBackend): MatmulFigure {
  const N = 512;
  const gflops: number[] = [];
  const a = be.fromData(random(N * N, 1));
  const b = be.fromData(random(N * N, 2));
  for (const [label, transA, transB] of [['A B', false, false], ['A^T B', true, false], ['A B^T', false, true]] as const) {
    const p = { batch: 1, m: N, n: N, k: N, transA, transB, aBatch: 1, bBatch: 1 };
    const ms = best(() => be.free(be.matmul(a, b, p)), 20);
    gflops.push((2 * N * N * N) / ms / 1e6);
    console.log(`  matmul 512^3 ${label.padEnd(6)} ${ms.toFixed(2).padStart(7)} ms  ${gflops[gflops.length - 1].toFixed(1).padStart(6)} GFLOP/s`);
  }
  be.free(a);
  be.free(b);
  return { ab: gflops[0], atb: gflops[1], abt: gflops[2] };
}

/** The Winograd tiling a layer's forward pass takes, as [F(m,r)]. */
function tilingLabel(p: Conv2dParams): string {
  const { m, r } = winogradTiling(p, WasmBackend.tilesNow());
  return `[F(${m},${r})${r < p.kH ? ' x4' : ''}]`;
}

function benchConvs(be: WasmBackend, title: string, layers: [string, Conv2dParams][]): void {
  console.log(`  ${title}`);
  console.log(`    ${'layer'.padEnd(40)} ${'fwd'.padStart(14)} ${'bwd input'.padStart(14)} ${'bwd weight'.padStart(14)}   (ms, GFLOP/s)`);
  let total = 0;
  let flopsAll = 0;
  for (const [name, p] of layers) {
    const flops = 2 * p.n * p.cOut * p.outH * p.outW * p.cIn * p.kH * p.kW;
    const x = be.fromData(random(p.n * p.cIn * p.h * p.w, 3));
    const w = be.fromData(random(p.cOut * p.cIn * p.kH * p.kW, 4));
    const bias = be.fromData(random(p.cOut, 5));
    const gy = be.fromData(random(p.n * p.cOut * p.outH * p.outW, 6));
    const reps = flops > 5e8 ? 2 : 4;
    // V8 runs a wasm function's first calls in its baseline tier and swaps in the optimised
    // code once compiled in the background, in each worker thread's instance on its own: a
    // layer that is the first to use a kernel (the first F(4x4, 3x3) weight gradient, say)
    // would time the baseline code after a few warm-ups; that one settles after about 300 ms.
    const warm = 8;
    const f = best(() => be.free(be.conv2d(x, w, bias, p)), reps, warm);
    const bi = p.cIn === 1 ? NaN : best(() => be.free(be.conv2dBackwardInput(gy, w, p)), reps, warm);
    const bw = best(() => be.free(be.conv2dBackwardWeight(x, gy, p)), reps, warm);
    const cell = (ms: number) => (Number.isNaN(ms) ? '(not needed)'.padStart(14) : `${ms.toFixed(1).padStart(6)} ${(flops / ms / 1e6).toFixed(1).padStart(6)}`);
    const method = WasmBackend.convMethod(p) === 'winograd' ? ` ${tilingLabel(p)}` : '';
    console.log(`    ${(name + method).padEnd(40)} ${cell(f)} ${cell(bi)} ${cell(bw)}`);
    total += f + (Number.isNaN(bi) ? 0 : bi) + bw;
    flopsAll += flops * (Number.isNaN(bi) ? 2 : 3);
    for (const s of [x, w, bias, gy]) be.free(s);
  }
  console.log(`    all three passes of these layers: ${total.toFixed(0)} ms, ${(flopsAll / total / 1e6).toFixed(1)} GFLOP/s`);
  if (layers.some(([, p]) => WasmBackend.convMethod(p) === 'winograd')) {
    console.log("    [F(m,r)]: by Winograd's F(m x m, r x r) (the forward pass's tiling; [F(2,3) x4]: a 5x5 filter as four 3x3 blocks); GFLOP/s count a direct convolution's operations, so they may pass the machine's peak.");
  }
}

/** Pooling forward and backward: the wasm kernels against the CPU backend's loops on the same storages. */
function benchPool(be: WasmBackend, resnetBatch: number): void {
  const pool = (mode: 'max' | 'avg', n: number, c: number, size: number, k: number, stride: number, pad: number): Pool2dParams => {
    const o = outSize(size, k, pad, stride);
    return { mode, n, c, h: size, w: size, kH: k, kW: k, strideH: stride, strideW: stride, padH: pad, padW: pad, outH: o, outW: o };
  };
  const cpu = CpuBackend.prototype;
  const cases: [string, Pool2dParams][] = [
    ['LeNet avg 2x2, 256 x 6 x 28x28', pool('avg', 256, 6, 28, 2, 2, 0)],
    [`ResNet max 3x3 s2 p1, ${resnetBatch} x 64 x 32x32`, pool('max', resnetBatch, 64, 32, 3, 2, 1)],
    [`VGG max 2x2, ${resnetBatch} x 16 x 64x64`, pool('max', resnetBatch, 16, 64, 2, 2, 0)],
  ];
  for (const [name, p] of cases) {
    const x = be.fromData(random(p.n * p.c * p.h * p.w, 11));
    const gy = be.fromData(random(p.n * p.c * p.outH * p.outW, 12));
    const f = best(() => be.free(be.pool2d(x, p)), 4);
    const fr = best(() => be.free(cpu.pool2d.call(be, x, p)), 4);
    const b = best(() => be.free(be.pool2dBackward(x, gy, p)), 4);
    const br = best(() => be.free(cpu.pool2dBackward.call(be, x, gy, p)), 4);
    console.log(`  pool ${name}: forward ${f.toFixed(1)} ms (CPU loop ${fr.toFixed(1)}), backward ${b.toFixed(1)} ms (CPU loop ${br.toFixed(1)})`);
    be.free(x);
    be.free(gy);
  }
}

/**
 * The optimizer steps over ResNet-18's 11.2M parameters: wasm kernels where the storages
 * live in wasm memory (the threaded build), else the CPU backend's loops; and a dropout
 * mask, the kernel against the CPU loop.
 */
function benchOptim(be: WasmBackend): void {
  const size = 11_200_000;
  const p = be.fromData(random(size, 7));
  const g = be.fromData(random(size, 8));
  const m = be.fromData(random(size, 9));
  const v = be.fromData(random(size, 10).map(Math.abs));
  const sgd = { lr: 0.01, momentum: 0.9, weightDecay: 1e-4, dampening: 0, nesterov: false, firstStep: false };
  const adam = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, step: 10 };
  const rows: [string, () => void][] = [
    ['SGD with momentum', () => be.sgdStep([{ param: p, grad: g, momentumBuf: m }], sgd)],
    ['Adam', () => be.adamStep(p, g, m, v, adam)],
  ];
  const where = (kernel: boolean) => (kernel ? 'wasm kernel' : 'CPU backend loop');
  for (const [name, step] of rows) console.log(`  ${name} over ${(size / 1e6).toFixed(1)}M parameters (${where(be.kernels.keepsStorages)}): ${best(step, 4).toFixed(1)} ms`);
  for (const s of [p, g, m, v]) be.free(s);
  // The dropout masks of AlexNet's and VGG's two hidden dense layers, at batch 64.
  const n = 2 * 64 * 4096;
  const mask = best(() => be.free(be.dropoutMask(n, 0.5, 1)), 4);
  const loop = best(() => be.free(CpuBackend.prototype.dropoutMask.call(be, n, 0.5, 1)), 4);
  console.log(`  dropout mask of ${n} elements: ${mask.toFixed(1)} ms (CPU loop ${loop.toFixed(1)})`);
}

/** The backend's methods, own and inherited (the ops a training step calls). */
function methodNames(be: CpuBackend): string[] {
  const names = new Set<string>();
  for (let p = Object.getPrototypeOf(be); p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    for (const k of Object.getOwnPropertyNames(p)) {
      if (k !== 'constructor' && typeof Object.getOwnPropertyDescriptor(p, k)?.value === 'function') names.add(k);
    }
  }
  return [...names];
}

/** A convolution call's shape, from its parameters (`n`, `cIn`, `h`, `w`, `cOut`, `kH`, ...), or '' for other calls. */
function convShape(args: unknown[]): string {
  const p = args.find((a): a is Record<string, number> => typeof a === 'object' && a !== null && !ArrayBuffer.isView(a) && 'kH' in a);
  if (!p) return '';
  const cIn = p.cIn ?? p.c;
  return `${p.n}x${cIn}x${p.h}x${p.w}${p.cOut !== undefined ? ` -> ${p.cOut}` : ''} k${p.kH}x${p.kW} s${p.strideH} p${p.padH}`;
}

/**
 * Runs `step` once with every backend method timed where the step calls it (a method
 * called from inside another counts in the outer one), and prints each op's wall and
 * process CPU time, largest first: CPU / wall is how many threads the op kept busy, so
 * the ops that leave a core idle stand out. What is left of the step is the autograd's
 * and the modules' own JavaScript.
 */
function profileStep(be: CpuBackend, name: string, step: () => void, byShape = false): void {
  const totals = new Map<string, { calls: number; ms: number; cpuMs: number }>();
  const target = be as unknown as Record<string, (...a: unknown[]) => unknown>;
  let depth = 0;
  const names = methodNames(be);
  for (const k of names) {
    const f = target[k];
    target[k] = function (this: unknown, ...a: unknown[]) {
      if (depth > 0) return f.apply(this, a);
      depth++;
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      try {
        return f.apply(this, a);
      } finally {
        const ms = performance.now() - t0;
        const c = process.cpuUsage(c0);
        depth--;
        const key = byShape ? `${k} ${convShape(a)}`.trim() : k;
        const e = totals.get(key) ?? { calls: 0, ms: 0, cpuMs: 0 };
        totals.set(key, { calls: e.calls + 1, ms: e.ms + ms, cpuMs: e.cpuMs + (c.user + c.system) / 1000 });
      }
    };
  }
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  try {
    step();
  } finally {
    for (const k of names) delete target[k];
  }
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  const rows = [...totals].sort((a, b) => b[1].ms - a[1].ms);
  const inOps = rows.reduce((s, [, e]) => s + e.ms, 0);
  /** Wall time and share of the step, and the threads kept busy where the CPU time is known. */
  const fmt = (ms: number, cpuMs?: number) =>
    `${ms.toFixed(1).padStart(8)} ms ${((100 * ms) / wall).toFixed(1).padStart(5)}%` + (cpuMs === undefined ? '' : `  ${(cpuMs / Math.max(ms, 1e-3)).toFixed(2)} threads`);
  console.log(`  ${name}, one step by backend op (wall, share of the step, process CPU / wall):`);
  for (const [k, e] of rows) if (e.ms >= 0.01 * wall) console.log(`    ${k.padEnd(byShape ? 60 : 26)} ${String(e.calls).padStart(4)} calls ${fmt(e.ms, e.cpuMs)}`);
  const small = rows.filter(([, e]) => e.ms < 0.01 * wall);
  const smallMs = small.reduce((s, [, e]) => s + e.ms, 0);
  const smallCpu = small.reduce((s, [, e]) => s + e.cpuMs, 0);
  if (small.length) console.log(`    ${`${small.length} other ops`.padEnd(26)} ${String(small.reduce((s, [, e]) => s + e.calls, 0)).padStart(4)} calls ${fmt(smallMs, smallCpu)}`);
  console.log(`    ${'outside the backend'.padEnd(26)}            ${fmt(wall - inOps)}`);
  console.log(`    ${'whole step'.padEnd(26)}            ${fmt(wall, (c.user + c.system) / 1000)}`);
}

async function benchTraining(be: CpuBackend, name: string, make: () => ReturnType<typeof lenet>, batch: number, size: number, steps: number, lr: number, profile: boolean | 'shapes' = false): Promise<TrainingFigure> {
  setBackendInstance(be);
  manualSeed(0);
  const net = make();
  const opt = new optim.SGD(net.parameters(), { lr, momentum: 0.9 });
  const x = randn([batch, 1, size, size]);
  const y = tensor(Array.from({ length: batch }, (_, i) => i % 10));
  const step = () => lossStep(net, opt, x, y).dispose();
  // Two warm-up steps: V8 swaps in a wasm kernel's optimised code after several calls (the
  // Winograd weight gradient runs four times a ResNet-18 step and settles after six or seven).
  step();
  step();
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (let i = 0; i < steps; i++) step();
  const ms = (performance.now() - t0) / steps;
  const c = process.cpuUsage(c0);
  const cpuMs = (c.user + c.system) / 1000 / steps;
  // CPU time counts every thread of the process; on a busy machine it shows what the wall clock hides.
  console.log(`  ${name} training, batch ${batch}: ${ms.toFixed(0)} ms/step, ${((batch * 1000) / ms).toFixed(0)} images/s (process CPU ${cpuMs.toFixed(0)} ms/step)`);
  if (profile) profileStep(be, name, step, profile === 'shapes');
  x.dispose();
  y.dispose();
  return { batch, size, steps, msPerStep: ms, cpuMsPerStep: cpuMs, imagesPerS: (batch * 1000) / ms };
}

export async function runWasmBench(o: BenchOptions): Promise<void> {
  const want = (s: string) => o.only.length === 0 || o.only.includes(s);
  // Layers and nets run as the training worker runs them (src/worker/trainer.ts).
  setConvPrecision('high');
  console.log("\n(convolution precision 'high', as in training: Winograd's larger tiles where they pay; src/engine/precision.ts)");
  if (o.against) {
    // Only the side-by-side training runs, on the fastest build and the most threads asked for.
    const fma = o.fma.includes(true) && fusedMultiplyAddAvailable();
    await benchAgainst(o, o.against, fma, Math.max(...o.threads));
    return;
  }
  let reference: TrainingFigure | undefined;
  if (o.reference && want('lenet')) {
    console.log('\n== CPU reference backend ==');
    reference = await benchTraining(new CpuBackend(), 'LeNet', () => lenet(), LENET_BATCH, 28, 2, 0.9);
  }
  const runs: WasmRun[] = [];
  const builds = o.fma.filter((f) => !f || fusedMultiplyAddAvailable());
  if (o.fma.includes(true) && !builds.includes(true)) console.log('\n(no relaxed-SIMD build here: clang 16 or later builds it, and Node runs it with --experimental-wasm-relaxed-simd)');
  for (const fma of builds) for (const threads of o.threads) {
    const be = await createWasmBackend({ threads, fma });
    const run: WasmRun = { threads, fma };
    runs.push(run);
    console.log(`\n== wasm backend: ${be.description} ==`);
    if (want('matmul')) run.matmul = benchMatmul(be);
    if (want('conv')) {
      benchConvs(be, 'LeNet convolutions, batch 256', [
        ['conv1 1->6 5x5 p2 28x28', conv(256, 1, 28, 6, 5, 1, 2)],
        ['conv2 6->16 5x5 14x14', conv(256, 6, 14, 16, 5, 1, 0)],
      ]);
      const n = o.resnetBatch;
      benchConvs(be, `ResNet-18 convolutions at 64x64, batch ${n}`, [
        ['stem 1->64 7x7 s2 p3 64x64', conv(n, 1, 64, 64, 7, 2, 3)],
        ['b2 64->64 3x3 16x16', conv(n, 64, 16, 64, 3, 1, 1)],
        ['b3 64->128 3x3 s2 16x16', conv(n, 64, 16, 128, 3, 2, 1)],
        ['b3 128->128 3x3 8x8', conv(n, 128, 8, 128, 3, 1, 1)],
        ['b3 shortcut 64->128 1x1 s2', conv(n, 64, 16, 128, 1, 2, 0)],
        ['b4 128->256 3x3 s2 8x8', conv(n, 128, 8, 256, 3, 2, 1)],
        ['b4 256->256 3x3 4x4', conv(n, 256, 4, 256, 3, 1, 1)],
        ['b5 256->512 3x3 s2 4x4', conv(n, 256, 4, 512, 3, 2, 1)],
        ['b5 512->512 3x3 2x2', conv(n, 512, 2, 512, 3, 1, 1)],
      ]);
      benchConvs(be, `AlexNet and NiN convolutions at 96x96, batch ${n}`, [
        ['NiN conv1 1->96 11x11 s4 96x96', conv(n, 1, 96, 96, 11, 4, 0)],
        ['conv2 96->256 5x5 p2 10x10', conv(n, 96, 10, 256, 5, 1, 2)],
        ['AlexNet conv3 256->384 3x3 4x4', conv(n, 256, 4, 384, 3, 1, 1)],
        ['NiN 1x1 96->96 22x22', conv(n, 96, 22, 96, 1, 1, 0)],
        ['NiN 1x1 256->256 10x10', conv(n, 256, 10, 256, 1, 1, 0)],
      ]);
    }
    if (want('pool')) benchPool(be, o.resnetBatch);
    if (want('optim')) benchOptim(be);
    if (want('lenet')) run.lenet = await benchTraining(be, 'LeNet', () => lenet(), LENET_BATCH, 28, o.steps, 0.9, o.profile);
    if (want('resnet')) run.resnet = await benchTraining(be, 'ResNet-18 64x64', resnet18, o.resnetBatch, 64, resnetSteps(o.steps), 0.05, o.profile);
    // Only when asked for: the nets of --models at their in-tab input sizes (batch --resnet-batch).
    if (o.only.includes('zoo')) {
      for (const id of o.models) {
        if (!isModelId(id)) throw new Error(`--models: no model ${id} (the zoo has ${MODEL_IDS.join(', ')})`);
        const entry = zoo[id];
        const size = entry.tabInputSize;
        const figure = await benchTraining(be, `${entry.name.en} ${size}x${size}`, () => entry.create({ inputSize: size, seed: 0 }), o.resnetBatch, size, resnetSteps(o.steps), entry.recipe.lr, o.profile);
        (run.zoo ??= {})[id] = { ...figure, name: entry.name.en, lr: entry.recipe.lr };
      }
    }
    be.dispose();
  }

  // PyTorch on the CPU, after the wasm figures, with the same batches and step counts.
  const compared = (['matmul', 'lenet', 'resnet'] as const).filter(want);
  const zooNets = Object.entries(runs.find((r) => r.zoo)?.zoo ?? {}).map(([id, f]) => ({ id, size: f.size, lr: f.lr }));
  if (compared.length === 0 && zooNets.length === 0) return;
  let torch: TorchResult | null = null;
  if (o.torch) {
    const req: TorchRequest = { only: [...compared], lenetBatch: LENET_BATCH, resnetBatch: o.resnetBatch, steps: o.steps, resnetSteps: resnetSteps(o.steps), zoo: zooNets };
    torch = runTorchReference(req);
  }
  for (const section of comparisonSections(runs, torch, reference)) printSection(section);
}
