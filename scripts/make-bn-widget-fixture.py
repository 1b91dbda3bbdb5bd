#!/usr/bin/python3
"""Records PyTorch's numbers for the batch-normalisation widget (src/widgets/batch-norm).

Run with Debian's torch:   /usr/bin/python3 scripts/make-bn-widget-fixture.py

Writes tests/fixtures/bn-widget.json. The widget draws its dataset from the engine's
seeded generator (xoshiro128** seeded through splitmix32, normals by Box-Muller, see
src/engine/random.ts); this script draws the same numbers with its own copy of that
generator, shifts and scales them per channel in float32, and then lets PyTorch's
nn.BatchNorm2d (in float64, from the float32 data) compute:

- `normalise`: the first n examples, their per-channel batch mean and biased variance,
  and the training-mode output with weight gamma and bias beta;
- `spread`: the dataset's per-channel mean and variance, and for a few batch sizes b the
  standard deviation of the means of the first 16 batches of size b;
- `running`: a fresh BatchNorm2d (momentum 0.1) stepping through the 16 batches of size
  n: each batch's mean and unbiased variance and the running statistics after each
  step; then, after step `evalStep`, that batch's training-mode and evaluation-mode output.

The settings match what e2e/batch-norm.spec.ts reaches by keyboard from the defaults.
"""
import json
import math
import os

import torch

M = 0xFFFFFFFF
CHANNELS, SIDE, STEPS, MAX_BATCH = 3, 4, 16, 64
POPULATION = STEPS * MAX_BATCH
PER_EXAMPLE = CHANNELS * SIDE * SIDE

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'tests', 'fixtures', 'bn-widget.json')


class Generator:
    """The engine's generator (src/engine/random.ts), in unsigned 32-bit arithmetic."""

    def __init__(self, seed):
        st = [int(seed) & M]

        def splitmix32():
            st[0] = (st[0] + 0x9E3779B9) & M
            z = st[0]
            z = ((z ^ (z >> 16)) * 0x85EBCA6B) & M
            z = ((z ^ (z >> 13)) * 0xC2B2AE35) & M
            return (z ^ (z >> 16)) & M

        self.a, self.b, self.c, self.d = splitmix32(), splitmix32(), splitmix32(), splitmix32()
        if (self.a | self.b | self.c | self.d) == 0:
            self.a = 1
        self.spare = None

    @staticmethod
    def rotl(x, k):
        return ((x << k) | (x >> (32 - k))) & M

    def next_uint32(self):
        result = (self.rotl((self.b * 5) & M, 7) * 9) & M
        t = (self.b << 9) & M
        self.c ^= self.a
        self.d ^= self.b
        self.b ^= self.c
        self.a ^= self.d
        self.c ^= t
        self.d = self.rotl(self.d, 11)
        return result

    def next_float(self):
        return self.next_uint32() / 4294967296

    def next_normal(self):
        if self.spare is not None:
            v, self.spare = self.spare, None
            return v
        u = 0.0
        while u == 0.0:
            u = self.next_float()
        v = self.next_float()
        r = math.sqrt(-2 * math.log(u))
        self.spare = r * math.sin(2 * math.pi * v)
        return r * math.cos(2 * math.pi * v)


def dataset(seed, shift, scale):
    g = Generator(seed)
    z = torch.tensor([g.next_normal() for _ in range(POPULATION * PER_EXAMPLE)], dtype=torch.float32)
    z = z.reshape(POPULATION, CHANNELS, SIDE, SIDE)
    # The widget's engine ops, in float32: z * scale, then + shift.
    return z * torch.tensor(scale, dtype=torch.float32).reshape(1, 3, 1, 1) + torch.tensor(shift, dtype=torch.float32).reshape(1, 3, 1, 1)


def flat(t):
    return [float('%.8g' % v) for v in t.detach().to(torch.float64).reshape(-1).tolist()]


def layer(gamma, beta):
    bn = torch.nn.BatchNorm2d(CHANNELS, momentum=0.1, eps=1e-5).double()
    with torch.no_grad():
        bn.weight.copy_(torch.tensor(gamma, dtype=torch.float64))
        bn.bias.copy_(torch.tensor(beta, dtype=torch.float64))
    return bn


AXES = (0, 2, 3)
SEED = 1
SHIFT = [2.0, -1.0, 0.0]
SCALE = [1.0, 3.0, 0.5]

D32 = dataset(SEED, SHIFT, SCALE)
D = D32.double()


def normalise(n, gamma, beta):
    x = D[:n]
    bn = layer(gamma, beta).train()
    with torch.no_grad():
        y = bn(x)
    return {
        'n': n, 'gamma': gamma, 'beta': beta,
        'x': flat(D32[:n]),
        'mean': flat(x.mean(AXES)),
        'variance': flat(x.var(AXES, unbiased=False)),
        'y': flat(y),
    }


def spread(sizes, n):
    out = {}
    for b in sizes:
        means = D[: STEPS * b].reshape(STEPS, b, CHANNELS, SIDE * SIDE).mean((1, 3))
        out[str(b)] = flat(means.var(0, unbiased=False).sqrt())
    means_n = D[: STEPS * n].reshape(STEPS, n, CHANNELS, SIDE * SIDE).mean((1, 3))
    return {'popMean': flat(D.mean(AXES)), 'popVariance': flat(D.var(AXES, unbiased=False)), 'spread': out, 'n': n, 'batchMeans': flat(means_n)}


def running(n, eval_step):
    bn = layer([1.0, 1.0, 1.0], [0.0, 0.0, 0.0])
    steps = []
    shown = None
    for t in range(STEPS):
        x = D[t * n:(t + 1) * n]
        bn.train()
        with torch.no_grad():
            y_train = bn(x)
        steps.append({
            'batchMean': flat(x.mean(AXES)),
            'batchVar': flat(x.var(AXES, unbiased=False)),
            'batchVarUnbiased': flat(x.var(AXES, unbiased=True)),
            'runningMean': flat(bn.running_mean),
            'runningVar': flat(bn.running_var),
        })
        if t + 1 == eval_step:
            bn.eval()
            with torch.no_grad():
                y_eval = bn(x)
            shown = {'x': flat(D32[t * n:(t + 1) * n]), 'yTrain': flat(y_train), 'yEval': flat(y_eval),
                     'yTrainMean': flat(y_train.mean(AXES)), 'yEvalMean': flat(y_eval.mean(AXES)),
                     'maxDiff': float('%.8g' % (y_train - y_eval).abs().max().item())}
    return {'n': n, 'evalStep': eval_step, 'steps': steps, **shown}


fixture = {
    'about': 'PyTorch reference for src/widgets/batch-norm; made by scripts/make-bn-widget-fixture.py',
    'torch': torch.__version__,
    'seed': SEED, 'shift': SHIFT, 'scale': SCALE, 'momentum': 0.1, 'eps': 1e-5,
    'population': POPULATION, 'steps': STEPS,
    # e2e: batch size 4 -> 8 (four ArrowRight), gamma_1 1 -> 1.5 and beta_1 0 -> 0.5 (two ArrowRight each).
    'normalise': normalise(8, [1.5, 1.0, 1.0], [0.5, 0.0, 0.0]),
    'spread': spread([1, 2, 4, 8, 16, 32, 64], 4),
    # e2e: two steps forward (step 3), then evaluation mode.
    'running': running(4, 3),
}

with open(OUT, 'w') as f:
    json.dump(fixture, f, indent=1)
    f.write('\n')
print('wrote', os.path.relpath(OUT))
