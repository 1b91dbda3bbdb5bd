/**
 * Full training steps: LeNet (the notes' model, sigmoid + average pooling) at batch 256
 * on 28x28 inputs, with SGD lr 0.9 and cross-entropy, and ResNet-18 at 64x64 (batch 16)
 * and 96x96 (batch 32).
 *
 * Ours runs the training worker's own step (src/worker/step.ts): upload the batch,
 * forward, the fused cross-entropy that adds the loss and the correct count to an
 * on-device tally, backward, opt.step; the tally is read back every READ_EVERY steps. The
 * timed steps are whole windows of READ_EVERY steps (after one warm-up window), each
 * ending with that read.
 * On SwiftShader a ResNet-18 step takes minutes, so it is timed once after one warm-up step.
 * TF.js trains the same network (tf.layers, NHWC, tf.train.sgd) in the same browser,
 * reading its loss back once at the end of the timed steps.
 */
import { keep, optim, setBackend, ready, getBackend, tensor, tidy, zeros, manualSeed } from '../../../src/engine';
import { trainStep } from '../../../src/worker/step';
import { activeBackend } from '../../../src/engine/runtime';
import type { WebGPUBackend } from '../../../src/engine/webgpu';
import { zoo } from '../../../src/models';
import type { BenchSection, SectionRow } from './types';
import { random, tf, TFJS_BACKENDS, useTf } from './_util';

const B = 256;
/** The worker reads back every 10 steps by default; 5 keeps this section short on SwiftShader. */
const READ_EVERY = 5;
/** ResNet-18 at two sizes: 64x64 batch 16 and the notes' 96x96 at batch 32. */
const RESNET_RUNS = [
  { batch: 16, size: 64 },
  { batch: 32, size: 96 },
] as const;

/** Synthetic labels 0..9 as float32 (what the trainer uploads). */
function labels(n: number, seed: number): Float32Array {
  const r = random(n, seed);
  return Float32Array.from(r, (v) => Math.floor((v + 0.5) * 10) % 10);
}

interface OursResult {
  msPerStep: number;
  dispatches: number;
  submits: number;
  /** Storage buffers created a step (the rest came from the pool). */
  created: number;
  /** Host time a step takes to record its work (ms), and the bind groups it made (the rest were kept from earlier steps). */
  hostMs: number;
  bindGroups: number;
  loss: number;
}

/**
 * Trains `net` on fixed synthetic batches as the worker does; times `windows` windows of
 * `every` steps (after one warm-up window) and returns ms per step.
 */
async function trainOurs(model: 'lenet' | 'resnet18', batch: number, size: number, lr: number, every: number, windows: number, warmup = true): Promise<OursResult> {
  manualSeed(0);
  const net = zoo[model].create({ inputSize: size, seed: 0 });
  const opt = new optim.SGD(net.parameters(), { lr });
  const hostX = random(batch * size * size, 11);
  const hostY = labels(batch, 12);
  const be = activeBackend() as WebGPUBackend;
  const zero = () => keep(zeros([2]));
  let tally = zero();
  const step = () => {
    tidy(() => trainStep(net, opt, tensor(hostX, [batch, 1, size, size]), tensor(hostY, [batch]), tally));
  };
  const readBack = async (): Promise<number> => {
    const [l] = await tally.data();
    tally.dispose();
    tally = zero();
    return l;
  };
  net.train();
  // Warm-up window (pipelines compiled, pools filled).
  if (warmup) {
    for (let i = 0; i < every; i++) step();
    await readBack();
  }
  const d0 = be.rt.dispatches;
  const s0 = be.rt.submits;
  const c0 = be.rt.buffers.created;
  const g0 = be.rt.bind.made;
  let host = 0;
  const t0 = performance.now();
  let last = 0;
  for (let w = 0; w < windows; w++) {
    for (let i = 0; i < every; i++) {
      const h0 = performance.now();
      step();
      host += performance.now() - h0;
      // The worker yields to the event loop between steps.
      await new Promise<void>((r) => setTimeout(r, 0));
    }
    last = await readBack();
  }
  const ms = (performance.now() - t0) / (every * windows);
  const steps = every * windows;
  const res = { msPerStep: ms, dispatches: (be.rt.dispatches - d0) / steps, submits: (be.rt.submits - s0) / steps, created: (be.rt.buffers.created - c0) / steps, hostMs: host / steps, bindGroups: (be.rt.bind.made - g0) / steps, loss: last / (batch * every) };
  tally.dispose();
  opt.zeroGrad();
  net.dispose();
  return res;
}

/** The same LeNet in TF.js (NHWC), one SGD step per call to the returned function. */
function tfLenet(): { step: () => tf.Scalar; dispose: () => void } {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 6, kernelSize: 5, padding: 'same', activation: 'sigmoid' }),
      tf.layers.averagePooling2d({ poolSize: 2, strides: 2 }),
      tf.layers.conv2d({ filters: 16, kernelSize: 5, padding: 'valid', activation: 'sigmoid' }),
      tf.layers.averagePooling2d({ poolSize: 2, strides: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 120, activation: 'sigmoid' }),
      tf.layers.dense({ units: 84, activation: 'sigmoid' }),
      tf.layers.dense({ units: 10 }),
    ],
  });
  const opt = tf.train.sgd(0.9);
  const hostX = random(B * 28 * 28, 11);
  const hostY = labels(B, 12);
  const x = tf.tensor4d(hostX, [B, 28, 28, 1]);
  const y = tf.oneHot(tf.tensor1d(Int32Array.from(hostY), 'int32'), 10);
  return {
    step: () =>
      opt.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, true) as tf.Scalar,
    dispose: () => {
      tf.dispose([x, y]);
      model.dispose();
      opt.dispose();
    },
  };
}

const section: BenchSection = {
  title: `Training steps: LeNet batch ${B} (28x28, SGD lr 0.9), ResNet-18 at 64x64 batch 16 and 96x96 batch 32`,
  async run() {
    const rows: SectionRow[] = [];
    const notes: string[] = [];
    await setBackend('webgpu');
    await ready();
    const tuning = getBackend().tuning as { matmul: string; conv2d: string } | undefined;
    const ours = await trainOurs('lenet', B, 28, 0.9, READ_EVERY, 2);
    rows.push({
      label: `ours LeNet (webgpu; ${tuning?.matmul} / ${tuning?.conv2d})`,
      values: {
        'ms/step': ours.msPerStep,
        'images/s': (B * 1000) / ours.msPerStep,
        'dispatches/step': ours.dispatches,
        'submits/step': ours.submits,
        'new buffers/step': ours.created,
        'host ms/step': ours.hostMs,
        'new bind groups/step': ours.bindGroups,
        'ours / this': 1,
      },
    });
    notes.push(`ours: loss after the timed steps ${ours.loss.toFixed(4)} (synthetic data, one fixed batch); read back every ${READ_EVERY} steps`);

    for (const name of TFJS_BACKENDS) {
      if (!(await useTf(name))) {
        rows.push({ label: `tfjs LeNet ${name}`, values: { 'ms/step': null, 'images/s': null, 'ours / this': 'unavailable' } });
        continue;
      }
      const m = tfLenet();
      const steps = name === 'webgl' ? 4 : 2;
      const w = m.step();
      await w.data();
      w.dispose();
      const t0 = performance.now();
      const losses: tf.Scalar[] = [];
      for (let i = 0; i < steps; i++) losses.push(m.step());
      await losses[losses.length - 1].data();
      const ms = (performance.now() - t0) / steps;
      tf.dispose(losses);
      m.dispose();
      rows.push({
        label: `tfjs LeNet ${name}`,
        values: { 'ms/step': ms, 'images/s': (B * 1000) / ms, 'ours / this': ms / ours.msPerStep },
      });
    }

    // Minutes a step on SwiftShader: one warm-up step (pipelines compiled, pools filled), then one timed step.
    for (const r of RESNET_RUNS) {
      const rn = await trainOurs('resnet18', r.batch, r.size, 0.05, 1, 1, true);
      rows.push({
        label: `ours ResNet-18 ${r.size}x${r.size} batch ${r.batch} (webgpu)`,
        values: { 'ms/step': rn.msPerStep, 'images/s': (r.batch * 1000) / rn.msPerStep, 'dispatches/step': rn.dispatches, 'submits/step': rn.submits, 'new buffers/step': rn.created, 'host ms/step': rn.hostMs, 'new bind groups/step': rn.bindGroups, 'ours / this': null },
      });
    }
    notes.push('ours / this = how many times faster ours is (time ratio); TF.js reads its loss once after the timed steps');
    notes.push('ResNet-18: one timed step and its read, after one warm-up step');
    notes.push('new buffers/step: storage buffers the timed steps created on the device rather than took from the pool');
    notes.push('host ms/step: the time the page spends recording a step (the engine and the WebGPU calls), which bounds the speed on a GPU fast enough to wait for the host; new bind groups/step: those not kept from earlier steps');
    return { title: section.title, rows, notes };
  },
};

export default section;
