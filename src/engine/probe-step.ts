/**
 * The backend probe's workload, one LeNet-sized training step (batch 16 of 28x28 images:
 * conv 5x5 to 6 maps, pool, conv 5x5 to 16 maps, pool, dense 400-120-84-10, forward and
 * backward), and the check that a new WebGPU device computes training as the CPU reference
 * does (`checkStepOnDevice`: two steps of that network with what the zoo adds to it, fused
 * bias and activation epilogues, a ResNet block's batch norm with its residual, dropout, SGD
 * and Adam, then evaluation mode): the choice uses WebGPU only where it does, so a driver
 * that miscomputes a kernel the autotune does not time sends the reader to WebAssembly
 * instead of to a training run that learns nothing.
 */
import { tensor } from './creation';
import * as F from './functional';
import { cat } from './ops/layout';
import { Adam, SGD } from './optim';
import { globalGenerator } from './random';
import { withBackend } from './runtime';
import { tidy, type Tensor } from './tensor';

/** Deterministic values in [-0.5, 0.5) (an LCG), so the probe never touches the global random stream. */
function pattern(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = (seed * 2654435761) >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 4294967296 - 0.5;
  }
  return out;
}

export interface ProbeNet {
  x: Tensor;
  w: Tensor[];
  dispose(): void;
}

/** The probe's batch and weights, on the current backend. */
export function probeNet(): ProbeNet {
  const n = 16;
  const x = tensor(pattern(n * 784, 1), [n, 1, 28, 28]);
  const shapes: number[][] = [
    [6, 1, 5, 5],
    [16, 6, 5, 5],
    [120, 400],
    [84, 120],
    [10, 84],
  ];
  const w = shapes.map((s, i) => tensor(pattern(s.reduce((a, b) => a * b, 1), i + 2).map((v) => v * 0.2), s, { requiresGrad: true }));
  return {
    x,
    w,
    dispose() {
      x.dispose();
      for (const p of w) {
        p.grad?.dispose();
        p.grad = null;
        p.dispose();
      }
    },
  };
}

/**
 * One training step of the probe network; returns a scalar that depends on the loss and the
 * first layer's gradient (what the probe reads to time the step). The gradients are dropped.
 */
export function probeStep(net: ProbeNet): Tensor {
  const { x, w } = net;
  try {
    return tidy(() => {
      let h = F.maxPool2d(F.relu(F.conv2d(x, w[0], null, { padding: 2 })), 2);
      h = F.flatten(F.maxPool2d(F.relu(F.conv2d(h, w[1])), 2));
      const out = F.linear(F.relu(F.linear(F.relu(F.linear(h, w[2])), w[3])), w[4]);
      const loss = out.mul(out).mean();
      loss.backward();
      return (w[0].grad as Tensor).sum().add(loss);
    });
  } finally {
    for (const p of w) {
      p.grad?.dispose();
      p.grad = null;
    }
  }
}

/** A name in both of the book's languages. */
interface Said {
  en: string;
  zh: string;
}

/** One value of the check's fingerprint: what it is, and the value it is held to (see `checkStepOnDevice`). */
interface Entry {
  name: Said;
  /** 'pair': a sum followed by its magnitude, held to the magnitude; 'self': held to itself; 'count': within one. */
  kind: 'pair' | 'self' | 'count';
}

/** A parameter of the check's network: its name in the message, and whether Adam updates it (the dense layers) or SGD. */
interface CheckParam {
  name: Said;
  t: Tensor;
  dense: boolean;
}

/** The check's network: the probe's weights with the tensors the zoo adds around them. */
interface CheckNet {
  w: { w1: Tensor; w2: Tensor; w3: Tensor; w4: Tensor; w5: Tensor; b1: Tensor; wr: Tensor; gamma: Tensor; beta: Tensor; b3: Tensor };
  params: CheckParam[];
  runningMean: Tensor;
  runningVar: Tensor;
  tally: Tensor;
  dispose(): void;
}

function checkNet(net: ProbeNet): CheckNet {
  const [w1, w2, w3, w4, w5] = net.w;
  const made = (values: Float32Array, shape: number[]) => tensor(values, shape, { requiresGrad: true });
  const b1 = made(pattern(6, 11), [6]);
  const wr = made(pattern(6 * 6 * 9, 12).map((v) => v * 0.2), [6, 6, 3, 3]);
  const gamma = made(pattern(6, 9).map((v) => 1 + v), [6]);
  const beta = made(pattern(6, 10), [6]);
  const b3 = made(pattern(120, 13).map((v) => v * 0.2), [120]);
  const param = (t: Tensor, en: string, zh: string, dense = false): CheckParam => ({ name: { en, zh }, t, dense });
  const runningMean = tensor(new Float32Array(6), [6]);
  const runningVar = tensor(new Float32Array(6).fill(1), [6]);
  const tally = tensor(new Float32Array(2), [2]);
  const mine = [b1, wr, gamma, beta, b3];
  return {
    w: { w1, w2, w3, w4, w5, b1, wr, gamma, beta, b3 },
    params: [
      param(w1, 'layer 1', '第 1 层'),
      param(w2, 'layer 2', '第 2 层'),
      param(w3, 'layer 3', '第 3 层', true),
      param(w4, 'layer 4', '第 4 层', true),
      param(w5, 'layer 5', '第 5 层', true),
      param(b1, "layer 1's bias", '第 1 层的偏置'),
      param(wr, 'the residual convolution', '残差卷积'),
      param(gamma, "batch norm's scale", '批量规范化的缩放'),
      param(beta, "batch norm's shift", '批量规范化的偏移'),
      param(b3, "layer 3's bias", '第 3 层的偏置', true),
    ],
    runningMean,
    runningVar,
    tally,
    dispose() {
      for (const t of mine) {
        t.grad?.dispose();
        t.dispose();
      }
      for (const t of [runningMean, runningVar, tally]) t.dispose();
    },
  };
}

/**
 * The check's forward pass: the probe network with what the zoo's models add to it. A
 * convolution with its bias and ReLU fused into its kernel (AlexNet, VGG, NiN); a ResNet
 * block's end, batch norm in training with the residual added and ReLU in its kernel, which
 * updates the running statistics; average pooling, a convolution with a fused sigmoid
 * (LeNet's), a dense layer with bias and a fused ReLU, dropout (AlexNet's); evaluation mode
 * uses the running statistics and no dropout.
 */
function checkForward(net: ProbeNet, c: CheckNet, training: boolean): Tensor {
  const { w1, w2, w3, w4, w5, b1, wr, gamma, beta, b3 } = c.w;
  let h = F.maxPool2d(F.conv2d(net.x, w1, b1, { padding: 2 }, 'relu'), 2);
  h = F.batchNorm(F.conv2d(h, wr, null, { padding: 1 }), c.runningMean, c.runningVar, gamma, beta, { training, residual: h, act: 'relu' });
  h = F.flatten(F.avgPool2d(F.conv2d(h, w2, null, {}, 'sigmoid'), 2));
  h = F.dropout(F.linear(h, w3, b3, 'relu'), 0.5, training);
  return F.linear(F.relu(F.linear(h, w4)), w5);
}

/**
 * The check's run: two training steps (the optimizer's first update differs from the
 * later ones: momentum starts from the gradient), SGD with momentum and weight decay on the
 * convolutions and batch norm and Adam on the dense layers, then the network in evaluation
 * mode. Its fingerprint: each step's loss, and each parameter's gradient and change by the
 * update in that step, summed and in magnitude; the running statistics, likewise; the tally
 * of summed loss and correct count; the evaluation logits, summed and in magnitude.
 */
function checkedRun(net: ProbeNet): { values: Tensor; entries: Entry[] } {
  const c = checkNet(net);
  const params = c.params.map((p) => p.t);
  const labels = Array.from({ length: net.x.shape[0] }, (_, i) => (i * 7) % 10);
  const sgd = new SGD(c.params.filter((p) => !p.dense).map((p) => p.t), { lr: 0.1, momentum: 0.9, weightDecay: 5e-4 });
  const adam = new Adam(c.params.filter((p) => p.dense).map((p) => p.t), { lr: 0.01 });
  const copies = () => params.map((p) => tidy(() => p.detach().clone()));
  let before = copies();
  const entries: Entry[] = [];
  const parts: Tensor[] = [];
  const add = (t: Tensor, name: Said, kind: Entry['kind']) => {
    parts.push(t.reshape([t.size]));
    if (kind === 'pair') {
      entries.push({ name: { en: `the sum of ${name.en}`, zh: `${name.zh}之和` }, kind }, { name: { en: `the magnitude of ${name.en}`, zh: `${name.zh}的绝对值之和` }, kind: 'self' });
    } else entries.push({ name, kind });
  };
  const sumAndMagnitude = (t: Tensor) => cat([t.sum().reshape([1]), t.abs().sum().reshape([1])], 0);
  try {
    return tidy(() => {
      for (const step of [1, 2]) {
        sgd.zeroGrad();
        adam.zeroGrad();
        const loss = F.crossEntropy(checkForward(net, c, true), labels, { tally: c.tally });
        loss.backward();
        add(loss, { en: `step ${step}'s loss`, zh: `第 ${step} 步的损失` }, 'self');
        c.params.forEach((p) => add(sumAndMagnitude(p.t.grad as Tensor), { en: `${p.name.en}'s gradient in step ${step}`, zh: `第 ${step} 步中${p.name.zh}的梯度` }, 'pair'));
        sgd.step();
        adam.step();
        c.params.forEach((p, i) => add(sumAndMagnitude(p.t.sub(before[i])), { en: `${p.name.en}'s update in step ${step}`, zh: `第 ${step} 步中${p.name.zh}的更新` }, 'pair'));
        for (const t of before) t.dispose();
        before = step === 1 ? copies() : [];
      }
      add(sumAndMagnitude(c.runningMean), { en: "batch norm's running mean", zh: '批量规范化的移动平均均值' }, 'pair');
      add(sumAndMagnitude(c.runningVar), { en: "batch norm's running variance", zh: '批量规范化的移动平均方差' }, 'pair');
      add(c.tally.narrow(0, 0, 1), { en: "the tally's loss sum", zh: '累计的损失之和' }, 'self');
      add(c.tally.narrow(0, 1, 1), { en: "the tally's correct count", zh: '累计的正确个数' }, 'count');
      add(sumAndMagnitude(checkForward(net, c, false)), { en: 'the evaluation logits', zh: '评估模式下的输出' }, 'pair');
      return { values: cat(parts, 0), entries };
    });
  } finally {
    sgd.zeroGrad();
    adam.zeroGrad();
    for (const t of before) t.dispose();
    sgd.dispose();
    adam.dispose();
    c.dispose();
  }
}

/** The check's fingerprint: its run on the current backend, or with `onCpu` on the CPU reference. */
async function fingerprint(onCpu: boolean): Promise<{ values: Float32Array; entries: Entry[] }> {
  // Dropout draws its mask's seed from the global generator: the same seed on both runs,
  // and the reader's random stream left as it was.
  const state = globalGenerator.getState();
  globalGenerator.seed(0x5eed);
  const make = () => {
    const net = probeNet();
    try {
      return { net, ...checkedRun(net) };
    } catch (e) {
      net.dispose();
      throw e;
    }
  };
  try {
    // withBackend makes the tensors on the CPU; the ops follow their inputs there.
    const { net, values, entries } = onCpu ? withBackend('cpu', make) : make();
    try {
      return { values: await values.data(), entries };
    } finally {
      values.dispose();
      net.dispose();
    }
  } finally {
    globalGenerator.setState(state);
  }
}

/** The CPU reference's fingerprint, once computed. */
let reference: Promise<{ values: Float32Array; entries: Entry[] }> | null = null;

/**
 * Runs the check on the current backend and on the CPU reference and throws where they
 * disagree: each value within 1e-3 of its scale (a sum: the magnitude beside it; a loss or a
 * magnitude: itself; the correct count: within one image, where a near tie may fall either
 * way); the conformance suite holds every kernel to 1e-4.
 */
export async function checkStepOnDevice(): Promise<void> {
  // The reference depends on nothing but this file: computed once, for every device checked.
  reference ??= fingerprint(true).catch((e: unknown) => {
    reference = null;
    throw e;
  });
  const want = await reference;
  const got = (await fingerprint(false)).values;
  want.entries.forEach((e, i) => {
    const w = want.values[i];
    const tol = e.kind === 'count' ? 1 : 1e-3 * Math.abs(e.kind === 'pair' ? want.values[i + 1] : w) + 1e-6;
    if (!(Math.abs(got[i] - w) <= tol)) {
      // `zh`: the reader's other language, which the page reads off any error (see choose.ts).
      throw Object.assign(new Error(`the device computed a training step wrongly: ${e.name.en} is ${got[i]}, not ${w}`), {
        zh: `设备把一步训练算错了：${e.name.zh}为 ${got[i]}，应为 ${w}`,
      });
    }
  });
}

/**
 * The check's verdict as the scripts print it (the GPU check, scripts/train.mjs):
 * `device training-step check: passed (N ms)`, or what failed.
 */
export async function checkStepVerdict(): Promise<{ passed: boolean; line: string }> {
  const t0 = performance.now();
  const why = await checkStepOnDevice().then(
    () => null,
    (e: unknown) => (e instanceof Error ? e.message : String(e)),
  );
  const verdict = why === null ? 'passed' : `FAILED, the training view would compute on wasm: ${why}`;
  return { passed: why === null, line: `device training-step check: ${verdict} (${Math.round(performance.now() - t0)} ms)` };
}
