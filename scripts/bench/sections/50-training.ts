/**
 * Training throughput with the whole engine (tensors, autograd, nn, optim), as the
 * training worker runs it: LeNet from the zoo, batch 256, SGD, a fresh batch uploaded
 * every step, the loss read back once at the end of the timed steps. Side by side with
 * the same LeNet in TF.js (sigmoid, average pooling, SGD) on its webgpu, webgl and cpu
 * backends. Then ResNet-18 at 96x96, batch 32: our step time (forward, backward, SGD).
 * On a software adapter (SwiftShader) a ResNet-18 step takes minutes; there the row is
 * an estimate from its FLOPs and the LeNet rate unless the page is opened with
 * ?resnet=1.
 */
import { F, optim, ready, setBackend, tensor, tidy, type Tensor } from '../../../src/engine';
import { zoo } from '../../../src/models';
import type { BenchSection, SectionRow } from './types';
import { oursBackend, random, tf, TFJS_BACKENDS, useTf } from './_util';

const B = 256;
const MIN_MS = 3000;

function labels(n: number, seed: number): number[] {
  return Array.from({ length: n }, (_, i) => (i * 7 + seed) % 10);
}

/** Runs `step` until `minMs` have passed (at least `minSteps`), waiting on the device once at the end. */
async function timeSteps(step: (i: number) => Tensor | { data(): Promise<unknown> }, finish: (last: unknown) => Promise<void>, minMs: number, minSteps = 2, maxSteps = 400): Promise<{ steps: number; ms: number }> {
  // Warm-up: pipelines compile, buffers are pooled.
  await finish(step(0));
  const t0 = performance.now();
  let n = 0;
  let last: unknown = null;
  while (n < maxSteps && (n < minSteps || performance.now() - t0 < minMs)) {
    last = step(n + 1);
    n++;
    if (n % 10 === 0) await finish(last);
  }
  await finish(last);
  return { steps: n, ms: performance.now() - t0 };
}

async function oursLenet(): Promise<{ ips: number; msPerStep: number }> {
  const net = zoo.lenet.create({ seed: 0 });
  const opt = new optim.SGD(net.parameters(), { lr: 0.9 });
  const xs = [random(B * 784, 11), random(B * 784, 12)];
  const y = labels(B, 1);
  let prev: Tensor | null = null;
  const step = (i: number) => {
    prev?.dispose();
    prev = tidy(() => {
      const x = tensor(xs[i % 2], [B, 1, 28, 28]);
      const loss = F.crossEntropy(net.call(x) as Tensor, y);
      opt.zeroGrad();
      loss.backward();
      opt.step();
      return loss;
    });
    return prev;
  };
  const r = await timeSteps(step, async (t) => void (await (t as Tensor).data()), MIN_MS);
  prev!.dispose();
  opt.zeroGrad();
  net.dispose();
  return { ips: (B * r.steps * 1000) / r.ms, msPerStep: r.ms / r.steps };
}

function tfLenet() {
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 6, kernelSize: 5, padding: 'same', activation: 'sigmoid' }));
  m.add(tf.layers.averagePooling2d({ poolSize: 2, strides: 2 }));
  m.add(tf.layers.conv2d({ filters: 16, kernelSize: 5, activation: 'sigmoid' }));
  m.add(tf.layers.averagePooling2d({ poolSize: 2, strides: 2 }));
  m.add(tf.layers.flatten());
  m.add(tf.layers.dense({ units: 120, activation: 'sigmoid' }));
  m.add(tf.layers.dense({ units: 84, activation: 'sigmoid' }));
  m.add(tf.layers.dense({ units: 10 }));
  return m;
}

async function tfjsLenet(minMs: number): Promise<{ ips: number; msPerStep: number }> {
  const model = tfLenet();
  const opt = tf.train.sgd(0.9);
  const xs = [random(B * 784, 11), random(B * 784, 12)];
  const yOneHot = tf.oneHot(tf.tensor1d(labels(B, 1), 'int32'), 10);
  let prev: ReturnType<typeof tf.scalar> | null = null;
  const step = (i: number) => {
    prev?.dispose();
    prev = tf.tidy(() => {
      const x = tf.tensor4d(xs[i % 2], [B, 28, 28, 1]);
      return opt.minimize(() => tf.losses.softmaxCrossEntropy(yOneHot, model.apply(x) as ReturnType<typeof tf.tensor2d>), true)!;
    });
    return prev;
  };
  const r = await timeSteps(step, async (t) => void (await (t as { data(): Promise<unknown> }).data()), minMs, 2, 400);
  prev!.dispose();
  yOneHot.dispose();
  opt.dispose();
  model.dispose();
  return { ips: (B * r.steps * 1000) / r.ms, msPerStep: r.ms / r.steps };
}

async function oursResnet(): Promise<number> {
  const n = 32;
  const size = 96;
  const net = zoo.resnet18.create({ inputSize: size, seed: 0 });
  const opt = new optim.SGD(net.parameters(), { lr: 0.05 });
  const x0 = random(n * size * size, 21);
  const y = labels(n, 2);
  let prev: Tensor | null = null;
  const step = () => {
    prev?.dispose();
    prev = tidy(() => {
      const loss = F.crossEntropy(net.call(tensor(x0, [n, 1, size, size])) as Tensor, y);
      opt.zeroGrad();
      loss.backward();
      opt.step();
      return loss;
    });
    return prev;
  };
  const r = await timeSteps(step, async (t) => void (await (t as Tensor).data()), 2000, 2, 50);
  prev!.dispose();
  opt.zeroGrad();
  net.dispose();
  return r.ms / r.steps;
}

// Forward multiply-adds of one image (tests check these against PyTorch); a training
// step is about 3x the forward work.
const LENET_MACS = 416_520;
const RESNET96_MACS = 318_657_536;

const section: BenchSection = {
  title: `Training: LeNet (batch ${B}) images/s, ours vs TF.js; ResNet-18 96x96 batch 32 step`,
  async run() {
    const rows: SectionRow[] = [];
    const notes: string[] = [];
    const tuned = await oursBackend();
    await setBackend('webgpu', { tuning: tuned.tuning });
    await ready();
    const ours = await oursLenet();
    const gflops = (ips: number) => (ips * 3 * 2 * LENET_MACS) / 1e9;
    rows.push({ label: 'ours (webgpu)', values: { 'images/s': ours.ips, 'ms/step': ours.msPerStep, 'GFLOP/s': gflops(ours.ips), 'ours / this': 1 } });
    for (const name of TFJS_BACKENDS) {
      if (!(await useTf(name))) {
        rows.push({ label: `tfjs ${name}`, values: { 'images/s': null, 'ms/step': null, 'GFLOP/s': null, 'ours / this': 'unavailable' } });
        continue;
      }
      try {
        const r = await tfjsLenet(name === 'cpu' ? 1000 : MIN_MS);
        rows.push({ label: `tfjs ${name}`, values: { 'images/s': r.ips, 'ms/step': r.msPerStep, 'GFLOP/s': gflops(r.ips), 'ours / this': ours.ips / r.ips } });
      } catch (e) {
        rows.push({ label: `tfjs ${name}`, values: { 'images/s': null, 'ms/step': null, 'GFLOP/s': null, 'ours / this': `failed: ${(e as Error).message}` } });
      }
    }
    const adapter = tuned.description;
    const software = /swiftshader|llvmpipe|lavapipe/i.test(adapter);
    const force = typeof location !== 'undefined' && new URLSearchParams(location.search).get('resnet') === '1';
    const resnetFlop = 3 * 2 * RESNET96_MACS * 32;
    if (software && !force) {
      const est = resnetFlop / (gflops(ours.ips) * 1e9);
      rows.push({ label: 'ours ResNet-18 96x96 b32 (estimate)', values: { 'ms/step': est * 1000, 'GFLOP/s': gflops(ours.ips), 'ours / this': 'estimated' } });
      notes.push(`ResNet-18 is estimated on a software adapter (${adapter}): ${(resnetFlop / 1e9).toFixed(0)} GFLOP per step at LeNet's rate; open the bench page with ?resnet=1 to time it.`);
    } else {
      const ms = await oursResnet();
      rows.push({ label: 'ours ResNet-18 96x96 b32', values: { 'ms/step': ms, 'images/s': (32 * 1000) / ms, 'GFLOP/s': resnetFlop / ms / 1e6 } });
    }
    notes.push('images/s: training images per second (forward, backward, SGD step, batch upload); GFLOP/s counts 3 x 2 x the forward multiply-adds.');
    return { title: section.title, rows, notes };
  },
};

export default section;
