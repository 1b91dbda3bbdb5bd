// Memory must not grow over a training loop: every step's temporaries are freed.
import { describe, expect, it } from 'vitest';
import { dispose, manualSeed, memory, nn, noGrad, optim, randn, tidy, tensor, zeros, type Tensor } from '../../src/engine/index';
import { BACKENDS, useBackend } from './helpers';
import { lossStep } from '../../scripts/bench/loss-step';

describe.each(BACKENDS)('memory on %s', (backend) => {
  useBackend(backend);

  it('keeps live tensors and backend bytes constant over 50 SGD steps of a small conv net after the first step', async () => {
    manualSeed(42);
    const net = new nn.Sequential(
      new nn.Conv2d(1, 4, 3, { padding: 1 }), new nn.BatchNorm2d(4), new nn.ReLU(), new nn.MaxPool2d(2),
      new nn.Conv2d(4, 6, 3, { padding: 1 }), new nn.ReLU(), new nn.AdaptiveAvgPool2d(2),
      new nn.Flatten(), new nn.Dropout(0.2), new nn.Linear(24, 10),
    );
    const opt = new optim.SGD(net.parameters(), { lr: 0.1, momentum: 0.9, weightDecay: 1e-4 });
    const x = randn([8, 1, 8, 8]);
    const labels = tensor([0, 1, 2, 3, 4, 5, 6, 7]);
    const step = () => lossStep(net, opt, x, labels);
    const first = step();
    const firstLoss = await first.item();
    first.dispose();
    const after1 = memory();
    let lastLoss = firstLoss;
    for (let i = 1; i < 50; i++) {
      const loss = step();
      if (i === 49) lastLoss = await loss.item();
      loss.dispose();
      const m = memory();
      expect(m.numTensors, `live tensors after step ${i + 1}`).toBe(after1.numTensors);
      expect(m.numBytes, `backend bytes after step ${i + 1}`).toBe(after1.numBytes);
    }
    expect(lastLoss).toBeLessThan(firstLoss);
  });

  it('tidy frees everything created inside except what it returns', () => {
    const work = () =>
      tidy(() => {
        const a = zeros([10]);
        const b = a.add(1).mul(3);
        return b.sum();
      });
    work().dispose(); // the first run caches the scalar operands 1 and 3
    const before = memory();
    const kept = work();
    expect(memory().numTensors).toBe(before.numTensors + 1);
    kept.dispose();
    expect(memory()).toEqual(before);
  });

  it('a scalar operand seen before costs no new memory (one cached storage per value)', () => {
    const x = zeros([4]);
    tidy(() => x.add(12345.5)).dispose();
    const cost = (fn: () => unknown) => {
      const before = memory().numBytes;
      const y = fn();
      const delta = memory().numBytes - before;
      dispose(y);
      return delta;
    };
    // Adding the cached scalar allocates just the output, like a copy does.
    expect(cost(() => x.add(12345.5))).toBe(cost(() => x.clone()));
  });

  it('inference frees each layer\'s output once the next layer has read it, and computes the same', async () => {
    manualSeed(3);
    const atProbe: number[] = [];
    class Probe extends nn.Module {
      override forward(x: Tensor): Tensor {
        atProbe.push(memory().numBytes);
        return x;
      }
    }
    // Twelve activations of 64 x 256 floats (64 KiB each) on the way to the probe, two of them in a nested Sequential.
    const net = new nn.Sequential(
      ...Array.from({ length: 10 }, () => new nn.Linear(256, 256)),
      new nn.Sequential(new nn.Linear(256, 256), new nn.Tanh(), new nn.Linear(256, 256)),
      new Probe(),
    );
    const x = randn([64, 256]);
    const activation = 64 * 256 * 4;
    const before = memory().numBytes;
    const inferred = noGrad(() => tidy(() => net.call(x) as Tensor));
    const recorded = tidy(() => net.call(x) as Tensor);
    expect(atProbe[0] - before, 'bytes held at the end of an inference').toBeLessThanOrEqual(3 * activation);
    expect(atProbe[1] - before, 'bytes held at the end of a recorded pass').toBeGreaterThanOrEqual(12 * activation);
    expect(await inferred.data()).toEqual(await recorded.data());
    dispose([inferred, recorded]);
  });

  it('inference under noGrad in a tidy leaves nothing behind', () => {
    const net = new nn.Sequential(new nn.Conv2d(1, 2, 3), new nn.BatchNorm2d(2), new nn.ReLU(), new nn.Flatten(), new nn.Linear(8, 3));
    net.eval();
    const infer = () => tidy(() => {
      net.call(randn([2, 1, 4, 4])).softmax(1);
    });
    infer();
    const before = memory();
    infer();
    expect(memory()).toEqual(before);
  });
});
