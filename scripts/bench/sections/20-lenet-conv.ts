/**
 * LeNet-sized convolutions, forward and backward, batch 256: conv1 1->6 5x5 pad 2 on
 * 28x28 and conv2 6->16 5x5 on 14x14. One step = both forwards, conv2's input and
 * weight gradients and conv1's weight gradient (what a training step needs).
 * Ours runs NCHW; TF.js runs its native NHWC.
 */
import type { Conv2dParams, Storage } from '../../../src/engine/backend';
import type { BenchSection } from './types';
import { oursBackend, random, tf, timeIt, TFJS_BACKENDS, useTf } from './_util';

const B = 256;
const L1: Conv2dParams = { n: B, cIn: 1, h: 28, w: 28, cOut: 6, kH: 5, kW: 5, strideH: 1, strideW: 1, padH: 2, padW: 2, outH: 28, outW: 28 };
const L2: Conv2dParams = { n: B, cIn: 6, h: 14, w: 14, cOut: 16, kH: 5, kW: 5, strideH: 1, strideW: 1, padH: 0, padW: 0, outH: 10, outW: 10 };
const convFlop = (p: Conv2dParams) => 2 * p.n * p.cOut * p.outH * p.outW * p.cIn * p.kH * p.kW;
// conv1 fwd + conv1 dW + conv2 fwd + conv2 dX + conv2 dW
const FLOP = 2 * convFlop(L1) + 3 * convFlop(L2);

const section: BenchSection = {
  title: `LeNet conv forward+backward (batch ${B})`,
  async run() {
    const rows = [];
    const notes: string[] = [];
    const b = await oursBackend();
    const x1 = b.fromData(random(B * 28 * 28, 1));
    const w1 = b.fromData(random(6 * 25, 2));
    const x2 = b.fromData(random(B * 6 * 14 * 14, 3));
    const w2 = b.fromData(random(16 * 6 * 25, 4));
    const g1 = b.fromData(random(B * 6 * 28 * 28, 5));
    const g2 = b.fromData(random(B * 16 * 10 * 10, 6));
    const ms = await timeIt(async () => {
      const outs: Storage[] = [
        b.conv2d(x1, w1, null, L1),
        b.conv2d(x2, w2, null, L2),
        b.conv2dBackwardInput(g2, w2, L2),
        b.conv2dBackwardWeight(x2, g2, L2),
        b.conv2dBackwardWeight(x1, g1, L1),
      ];
      const last = b.slice(outs[4], [1], [1], 0);
      await b.read(last);
      b.free(last);
      outs.forEach((o) => b.free(o));
    }, 5);
    const t = b.tuning;
    rows.push({
      label: `ours (webgpu, ${t.conv2d} / ${t.conv2dBackwardInput} / ${t.conv2dBackwardWeight})`,
      values: { 'ms/step': ms, 'images/s': (B * 1000) / ms, 'GFLOP/s': FLOP / ms / 1e6, 'ours / this': 1 },
    });
    for (const s of [x1, w1, x2, w2, g1, g2]) b.free(s);

    for (const name of TFJS_BACKENDS) {
      if (!(await useTf(name))) {
        rows.push({ label: `tfjs ${name}`, values: { 'ms/step': null, 'images/s': null, 'GFLOP/s': null, 'ours / this': 'unavailable' } });
        continue;
      }
      const tx1 = tf.tensor4d(random(B * 28 * 28, 1), [B, 28, 28, 1]);
      const tw1 = tf.tensor4d(random(25 * 6, 2), [5, 5, 1, 6]);
      const tx2 = tf.tensor4d(random(B * 14 * 14 * 6, 3), [B, 14, 14, 6]);
      const tw2 = tf.tensor4d(random(25 * 6 * 16, 4), [5, 5, 6, 16]);
      const tg1 = tf.tensor4d(random(B * 28 * 28 * 6, 5), [B, 28, 28, 6]);
      const tg2 = tf.tensor4d(random(B * 10 * 10 * 16, 6), [B, 10, 10, 16]);
      const eng = tf.engine();
      const reps = name === 'cpu' ? 2 : 5;
      const tt = await timeIt(async () => {
        const outs = [
          tf.conv2d(tx1, tw1, 1, 2),
          tf.conv2d(tx2, tw2, 1, 'valid'),
          eng.runKernel('Conv2DBackpropInput', { dy: tg2, filter: tw2 }, { inputShape: [B, 14, 14, 6], strides: 1, pad: 'valid', dataFormat: 'NHWC' }) as tf.Tensor,
          eng.runKernel('Conv2DBackpropFilter', { x: tx2, dy: tg2 }, { filterShape: [5, 5, 6, 16], strides: 1, pad: 'valid', dataFormat: 'NHWC' }) as tf.Tensor,
          eng.runKernel('Conv2DBackpropFilter', { x: tx1, dy: tg1 }, { filterShape: [5, 5, 1, 6], strides: 1, pad: 2, dataFormat: 'NHWC' }) as tf.Tensor,
        ];
        await Promise.all(outs.map((o) => o.reshape([-1]).slice(0, 1).data()));
        tf.dispose(outs);
      }, reps);
      rows.push({
        label: `tfjs ${name}`,
        values: { 'ms/step': tt, 'images/s': (B * 1000) / tt, 'GFLOP/s': FLOP / tt / 1e6, 'ours / this': tt / ms },
      });
      tf.dispose([tx1, tw1, tx2, tw2, tg1, tg2]);
    }
    notes.push('ours / this = how many times faster ours is (time ratio)');
    return { title: section.title, rows, notes };
  },
};

export default section;
