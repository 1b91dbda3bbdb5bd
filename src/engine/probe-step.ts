/**
 * The backend probe's workload, one LeNet-sized training step (batch 16 of 28x28 images:
 * conv 5x5 to 6 maps, pool, conv 5x5 to 16 maps, pool, dense 400-120-84-10, forward and
 * backward), and the check that a new WebGPU device computes a training step as the CPU
 * reference does (`checkStepOnDevice`: that step with batch norm, both poolings, ReLU and
 * sigmoid, the cross-entropy loss and an SGD update): the choice uses WebGPU only where it
 * does, so a driver that miscomputes a kernel the autotune does not time sends the reader
 * to WebAssembly instead of to a training run that learns nothing.
 */
import { tensor } from './creation';
import * as F from './functional';
import { cat } from './ops/layout';
import { SGD } from './optim';
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

/**
 * The check's step: the probe network with what the probe leaves out (batch norm in
 * training, average pooling, a sigmoid, the cross-entropy loss) and then an SGD update with
 * momentum. Its fingerprint: the loss; each parameter's gradient summed and summed in
 * magnitude; and each parameter's change by the update, likewise.
 */
function checkedStep(net: ProbeNet): Tensor {
  const { x, w } = net;
  const gamma = tensor(pattern(6, 9).map((v) => 1 + v), [6], { requiresGrad: true });
  const beta = tensor(pattern(6, 10), [6], { requiresGrad: true });
  const params = [...w, gamma, beta];
  const labels = Array.from({ length: x.shape[0] }, (_, i) => (i * 7) % 10);
  const sgd = new SGD(params, { lr: 0.1, momentum: 0.9 });
  const before = params.map((p) => {
    const d = p.detach();
    try {
      return d.clone();
    } finally {
      d.dispose();
    }
  });
  try {
    return tidy(() => {
      let h = F.maxPool2d(F.relu(F.batchNorm(F.conv2d(x, w[0], null, { padding: 2 }), null, null, gamma, beta, { training: true })), 2);
      h = F.flatten(F.avgPool2d(F.relu(F.conv2d(h, w[1])), 2));
      const out = F.linear(F.relu(F.linear(F.sigmoid(F.linear(h, w[2])), w[3])), w[4]);
      const loss = F.crossEntropy(out, labels);
      loss.backward();
      const parts = [loss.reshape([1])];
      for (const p of params) {
        const g = p.grad as Tensor;
        parts.push(g.sum().reshape([1]), g.abs().sum().reshape([1]));
      }
      sgd.step();
      params.forEach((p, i) => {
        const change = p.sub(before[i]);
        parts.push(change.sum().reshape([1]), change.abs().sum().reshape([1]));
      });
      return cat(parts, 0);
    });
  } finally {
    sgd.zeroGrad();
    for (const t of [gamma, beta, ...before]) t.dispose();
    sgd.dispose();
  }
}

/** Names of the fingerprint's values, for the message. */
const PARAMS = ['layer 1', 'layer 2', 'layer 3', 'layer 4', 'layer 5', "batch norm's scale", "batch norm's shift"];
const FINGERPRINT = [
  'the loss',
  ...PARAMS.flatMap((p) => [`${p}'s gradient sum`, `${p}'s gradient magnitude`]),
  ...PARAMS.flatMap((p) => [`${p}'s update sum`, `${p}'s update magnitude`]),
];

/** The check's fingerprint: its step run on the current backend, or with `onCpu` on the CPU reference. */
async function fingerprint(onCpu: boolean): Promise<Float32Array> {
  const make = () => {
    const net = probeNet();
    try {
      return { net, f: checkedStep(net) };
    } catch (e) {
      net.dispose();
      throw e;
    }
  };
  // withBackend makes the tensors on the CPU; the ops follow their inputs there.
  const { net, f } = onCpu ? withBackend('cpu', make) : make();
  try {
    return await f.data();
  } finally {
    f.dispose();
    net.dispose();
  }
}

/**
 * Runs the check's step on the current backend and on the CPU reference and throws where
 * they disagree: each value of the fingerprint within 1e-3 of its scale (the loss, or the
 * magnitude beside a sum; the conformance suite holds every kernel to 1e-4).
 */
export async function checkStepOnDevice(): Promise<void> {
  const want = await fingerprint(true);
  const got = await fingerprint(false);
  for (let i = 0; i < want.length; i++) {
    // A sum is held to the magnitude beside it (the next value), the rest to themselves.
    const scale = Math.abs(i > 0 && i % 2 === 1 ? want[i + 1] : want[i]);
    if (!(Math.abs(got[i] - want[i]) <= 1e-3 * scale + 1e-6)) {
      throw new Error(`the device computed a training step wrongly: ${FINGERPRINT[i]} is ${got[i]}, not ${want[i]}`);
    }
  }
}
