// The module API, mirroring the notes' chapter on parameter management.
import { describe, expect, it } from 'vitest';
import { F, manualSeed, nn, ones, rand, randn, tensor, tidy, zeros, countParameters, traceShapes, type Tensor } from '../../src/engine/index';
import { BACKENDS, expectClose, useBackend } from './helpers';

const shapes = (net: nn.Module) => net.namedParameters().map(([n, p]) => [n, [...p.shape]]);
const values = async (t: Tensor) => Array.from(await t.data());

describe.each(BACKENDS)('nn modules on %s', (backend) => {
  useBackend(backend);

  it('names the parameters of Sequential(Linear(4, 8), ReLU(), Linear(8, 1)) like PyTorch, with shapes', () => {
    const net = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 1));
    expect(shapes(net)).toEqual([
      ['0.weight', [8, 4]],
      ['0.bias', [8]],
      ['2.weight', [1, 8]],
      ['2.bias', [1]],
    ]);
    expect(shapes(net.at(0))).toEqual([['weight', [8, 4]], ['bias', [8]]]);
    expect(net.length).toBe(3);
    expect(net.layers[2]).toBe(net.at(2));
    expect(net.at(-1)).toBe(net.at(2));
  });

  it('runs Sequential(Linear(4, 8), ReLU(), Linear(8, 1)) on a [2, 4] batch giving [2, 1]', () => {
    const net = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 1));
    expect([...tidy(() => net.call(rand([2, 4]))).shape]).toEqual([2, 1]);
  });

  it('has no gradients before backward and gradients of the parameter shapes after', () => {
    const net = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 1));
    expect((net.at(2) as nn.Linear).weight.grad).toBeNull();
    tidy(() => net.call(rand([2, 4])).sum().backward());
    for (const [name, p] of net.namedParameters()) expect(p.grad?.shape, name).toEqual(p.shape);
  });

  it('stateDict exposes the same tensors by name, and 2.bias is the last layer bias', () => {
    const net = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 1));
    const sd = net.stateDict();
    expect(Object.keys(sd)).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    expect(sd['2.bias']).toBe((net.at(2) as nn.Linear).bias);
  });

  it('initialises Linear and Conv2d weights and biases within U(-1/sqrt(fan_in), 1/sqrt(fan_in))', async () => {
    manualSeed(3);
    const lin = new nn.Linear(50, 40);
    const conv = new nn.Conv2d(3, 16, 5);
    for (const [w, fanIn] of [[lin.weight, 50], [lin.bias!, 50], [conv.weight, 75], [conv.bias!, 75]] as const) {
      const v = await values(w);
      const bound = 1 / Math.sqrt(fanIn);
      expect(Math.max(...v.map(Math.abs))).toBeLessThanOrEqual(bound);
      expect(Math.max(...v.map(Math.abs))).toBeGreaterThan(bound * 0.8);
    }
  });

  it('apply(init_normal) sets Linear weights to N(0, 0.01^2) and biases to zero', async () => {
    manualSeed(1);
    const net = new nn.Sequential(new nn.Linear(40, 80), new nn.ReLU(), new nn.Linear(80, 1));
    net.apply((m) => {
      if (m instanceof nn.Linear) {
        nn.init.normal_(m.weight, 0, 0.01);
        nn.init.zeros_(m.bias!);
      }
    });
    const w = await values((net.at(0) as nn.Linear).weight);
    const mean = w.reduce((a, b) => a + b, 0) / w.length;
    const std = Math.sqrt(w.reduce((a, b) => a + (b - mean) ** 2, 0) / w.length);
    expect(Math.abs(mean)).toBeLessThan(0.002);
    expect(std).toBeGreaterThan(0.009);
    expect(std).toBeLessThan(0.011);
    expect(await values((net.at(0) as nn.Linear).bias!)).toEqual(new Array(80).fill(0));
  });

  it('apply(init_constant) sets every Linear weight to 1; per-layer apply mixes xavier and 42', async () => {
    const net = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 1));
    net.apply((m) => m instanceof nn.Linear && nn.init.constant_(m.weight, 1));
    expect(await values((net.at(0) as nn.Linear).weight)).toEqual(new Array(32).fill(1));
    net.at(0).apply((m) => m instanceof nn.Linear && nn.init.xavierUniform_(m.weight));
    net.at(2).apply((m) => m instanceof nn.Linear && nn.init.constant_(m.weight, 42));
    const bound = Math.sqrt(6 / (4 + 8));
    const w0 = await values((net.at(0) as nn.Linear).weight);
    expect(w0.every((v) => Math.abs(v) <= bound)).toBe(true);
    expect(new Set(w0).size).toBeGreaterThan(1);
    expect(await values((net.at(2) as nn.Linear).weight)).toEqual(new Array(8).fill(42));
  });

  it('apply visits children before their parent (post-order, like PyTorch)', () => {
    const inner = new nn.Sequential(new nn.Linear(2, 2), new nn.ReLU());
    const net = new nn.Sequential(inner, new nn.Linear(2, 1));
    const order: string[] = [];
    net.apply((m) => order.push(m.typeName));
    expect(order).toEqual(['Linear', 'ReLU', 'Sequential', 'Linear', 'Sequential']);
  });

  it('ties parameters: a shared Linear(8, 8) used twice is listed once and sums both uses\u2019 gradients', async () => {
    manualSeed(5);
    const shared = new nn.Linear(8, 8);
    const net = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), shared, new nn.ReLU(), shared, new nn.ReLU(), new nn.Linear(8, 1));
    expect(net.namedParameters().map(([n]) => n)).toEqual(['0.weight', '0.bias', '2.weight', '2.bias', '6.weight', '6.bias']);
    expect(net.at(2)).toBe(net.at(4));
    // state_dict, unlike named_parameters, lists the shared layer under both paths (PyTorch).
    expect(Object.keys(net.stateDict())).toEqual(['0.weight', '0.bias', '2.weight', '2.bias', '4.weight', '4.bias', '6.weight', '6.bias']);
    expect(net.stateDict()['4.weight']).toBe(shared.weight);
    const X = rand([2, 4]);
    tidy(() => net.call(X).sum().backward());
    const tied = await values(shared.weight.grad!);
    // The same gradient from two untied copies holding equal values, summed.
    const copyA = new nn.Linear(8, 8), copyB = new nn.Linear(8, 8);
    copyA.loadStateDict(shared.stateDict());
    copyB.loadStateDict(shared.stateDict());
    const untied = new nn.Sequential(net.at(0), new nn.ReLU(), copyA, new nn.ReLU(), copyB, new nn.ReLU(), net.at(6));
    tidy(() => untied.call(X).sum().backward());
    const gA = await values(copyA.weight.grad!);
    const gB = await values(copyB.weight.grad!);
    expectClose(tied, gA.map((v, i) => v + gB[i]), 1e-5);
    // Each use alone contributes something different, so the sum is not just one of them.
    expect(gA.some((v, i) => Math.abs(v - gB[i]) > 1e-6)).toBe(true);
    expect(tied.some((v) => v !== 0)).toBe(true);
    // Editing the shared weight changes both uses.
    const w = await values(shared.weight);
    w[0] = 100;
    shared.weight.assign(Float32Array.from(w));
    expect((await values((net.at(2) as nn.Linear).weight))[0]).toBe(100);
    expect((await values((net.at(4) as nn.Linear).weight))[0]).toBe(100);
  });

  it('names nested parameters with dotted paths like 1.0.weight', () => {
    const block = () => new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 4));
    const net = new nn.Sequential(block(), new nn.Sequential(block(), block()), new nn.Linear(4, 1));
    const names = net.namedParameters().map(([n]) => n);
    expect(names.slice(0, 4)).toEqual(['0.0.weight', '0.0.bias', '0.2.weight', '0.2.bias']);
    expect(names).toContain('1.1.2.bias');
    expect(names.slice(-2)).toEqual(['2.weight', '2.bias']);
    expect(net.namedModules().map(([n]) => n).slice(0, 3)).toEqual(['', '0', '0.0']);
    expect(net.children().length).toBe(3);
  });

  it('Sequential.named and ModuleList name their children like an OrderedDict and a ModuleList', () => {
    const net = nn.Sequential.named({ conv: new nn.Conv2d(1, 2, 3), act: new nn.ReLU(), fc: new nn.Linear(2, 1) });
    expect(net.namedParameters().map(([n]) => n)).toEqual(['conv.weight', 'conv.bias', 'fc.weight', 'fc.bias']);
    class Holder extends nn.Module {
      blocks = new nn.ModuleList([new nn.Linear(1, 1), new nn.Linear(1, 1)]);
    }
    expect(new Holder().namedParameters().map(([n]) => n)).toEqual(['blocks.0.weight', 'blocks.0.bias', 'blocks.1.weight', 'blocks.1.bias']);
  });

  it('discovers fields of a custom module in declaration order, including arrays of modules', () => {
    class Net extends nn.Module {
      conv = new nn.Conv2d(1, 2, 3);
      blocks = [new nn.Linear(2, 2), new nn.Linear(2, 2)];
      scale = nn.Parameter(ones([1]));
      override forward(x: Tensor) {
        return x;
      }
    }
    expect(new Net().namedParameters().map(([n]) => n)).toEqual(['scale', 'conv.weight', 'conv.bias', 'blocks.0.weight', 'blocks.0.bias', 'blocks.1.weight', 'blocks.1.bias']);
  });

  it('stateDict of BatchNorm2d holds weight, bias, running_mean, running_var and num_batches_tracked', async () => {
    const bn = new nn.BatchNorm2d(3);
    expect(Object.keys(bn.stateDict())).toEqual(['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']);
    tidy(() => bn.call(randn([4, 3, 2, 2])));
    tidy(() => bn.call(randn([4, 3, 2, 2])));
    expect(await bn.stateDict().num_batches_tracked.item()).toBe(2);
    expect(bn.parameters().length).toBe(2);
  });

  it('BatchNorm uses batch statistics in train mode and running statistics in eval mode', async () => {
    const bn = new nn.BatchNorm1d(2);
    const x = tensor([[1, 10], [3, 30], [5, 50]]);
    const yTrain = await tidy(() => bn.call(x)).data();
    // Normalised by the batch: mean 0 in each column.
    expect(Math.abs(yTrain[0] + yTrain[2] + yTrain[4])).toBeLessThan(1e-5);
    bn.eval();
    expect(bn.training).toBe(false);
    const yEval = await tidy(() => bn.call(x)).data();
    // running_mean = 0.1 * batch mean, running_var = 0.9 + 0.1 * unbiased var.
    const rm = 0.3, rv = 0.9 + 0.1 * 4;
    expectClose([yEval[0]], [(1 - rm) / Math.sqrt(rv + 1e-5)], 1e-5);
  });

  it('loadStateDict copies values, and rejects wrong shapes, missing and unexpected keys with clear errors', async () => {
    const a = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 1));
    const b = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 1));
    b.loadStateDict(a.stateDict());
    expect(await values((b.at(0) as nn.Linear).weight)).toEqual(await values((a.at(0) as nn.Linear).weight));
    const wrong = new nn.Sequential(new nn.Linear(5, 8), new nn.ReLU(), new nn.Linear(8, 1));
    expect(() => wrong.loadStateDict(a.stateDict())).toThrow(/size mismatch for 0\.weight.*\[8, 4\].*\[8, 5\]/);
    const sd = { ...a.stateDict() };
    delete (sd as Record<string, Tensor>)['2.bias'];
    (sd as Record<string, Tensor>)['3.weight'] = zeros([1]);
    expect(() => b.loadStateDict(sd)).toThrow(/Missing key\(s\) in state dict: "2\.bias"[\s\S]*Unexpected key\(s\) in state dict: "3\.weight"/);
    const res = b.loadStateDict(sd, { strict: false });
    expect(res).toEqual({ missingKeys: ['2.bias'], unexpectedKeys: ['3.weight'] });
  });

  it('loadStateDict takes host data {shape, data} too', async () => {
    const lin = new nn.Linear(2, 1);
    lin.loadStateDict({ weight: { shape: [1, 2], data: [3, 4] }, bias: { shape: [1], data: [5] } });
    expect(await values(tidy(() => lin.call(tensor([[1, 1]]))))).toEqual([12]);
  });

  it('train() and eval() set the training flag on every submodule, and Dropout is the identity in eval', async () => {
    const net = new nn.Sequential(new nn.Linear(4, 4), new nn.Dropout(0.5));
    net.eval();
    expect(net.modules().every((m) => !m.training)).toBe(true);
    const x = ones([3, 4]);
    const lin = await values(tidy(() => net.at(0).call(x)));
    expect(await values(tidy(() => net.call(x)))).toEqual(lin);
    net.train();
    expect(net.modules().every((m) => m.training)).toBe(true);
  });

  it('Dropout in training zeroes about p of the elements and scales the rest by 1/(1-p)', async () => {
    manualSeed(11);
    const y = await values(tidy(() => new nn.Dropout(0.25).call(ones([100, 100]))));
    const zeros_ = y.filter((v) => v === 0).length / y.length;
    expect(zeros_).toBeGreaterThan(0.22);
    expect(zeros_).toBeLessThan(0.28);
    expect(y.filter((v) => v !== 0).every((v) => Math.abs(v - 1 / 0.75) < 1e-6)).toBe(true);
  });

  it('AdaptiveAvgPool2d(1) averages each channel and Flatten keeps the batch axis', async () => {
    const x = tensor([[[[1, 2], [3, 4]], [[5, 6], [7, 8]]]]);
    const y = tidy(() => new nn.Sequential(new nn.AdaptiveAvgPool2d(1), new nn.Flatten()).call(x));
    expect([...y.shape]).toEqual([1, 2]);
    expect(await values(y)).toEqual([2.5, 6.5]);
  });

  it('counts parameters once per shared tensor (LeNet has 61,706)', () => {
    const lenet = new nn.Sequential(
      new nn.Conv2d(1, 6, 5, { padding: 2 }), new nn.Sigmoid(), new nn.AvgPool2d(2, { stride: 2 }),
      new nn.Conv2d(6, 16, 5), new nn.Sigmoid(), new nn.AvgPool2d(2, { stride: 2 }),
      new nn.Flatten(), new nn.Linear(16 * 5 * 5, 120), new nn.Sigmoid(), new nn.Linear(120, 84), new nn.Sigmoid(), new nn.Linear(84, 10),
    );
    expect(countParameters(lenet)).toBe(61706);
    const shared = new nn.Linear(8, 8);
    expect(countParameters(new nn.Sequential(shared, shared))).toBe(72);
  });

  it('traces LeNet layer by layer with the output shapes of the notes', () => {
    const lenet = new nn.Sequential(
      new nn.Conv2d(1, 6, 5, { padding: 2 }), new nn.Sigmoid(), new nn.AvgPool2d(2, { stride: 2 }),
      new nn.Conv2d(6, 16, 5), new nn.Sigmoid(), new nn.AvgPool2d(2, { stride: 2 }),
      new nn.Flatten(), new nn.Linear(16 * 5 * 5, 120), new nn.Sigmoid(), new nn.Linear(120, 84), new nn.Sigmoid(), new nn.Linear(84, 10),
    );
    const trace = traceShapes(lenet, [1, 1, 28, 28]);
    expect(trace.map((t) => [t.type, t.outputShape])).toEqual([
      ['Conv2d', [1, 6, 28, 28]], ['Sigmoid', [1, 6, 28, 28]], ['AvgPool2d', [1, 6, 14, 14]],
      ['Conv2d', [1, 16, 10, 10]], ['Sigmoid', [1, 16, 10, 10]], ['AvgPool2d', [1, 16, 5, 5]],
      ['Flatten', [1, 400]], ['Linear', [1, 120]], ['Sigmoid', [1, 120]], ['Linear', [1, 84]], ['Sigmoid', [1, 84]], ['Linear', [1, 10]],
    ]);
    expect(trace[0]).toMatchObject({ name: '0', numParams: 156 });
    expect(lenet.training).toBe(true);
  });

  it('prints pooling, dropout and batch-norm layers with PyTorch\u2019s argument text', () => {
    expect(new nn.MaxPool2d(3, { stride: 2 }).toString()).toBe('MaxPool2d(kernel_size=3, stride=2, padding=0, dilation=1, ceil_mode=False)');
    expect(new nn.AvgPool2d([2, 3], { padding: [0, 1] }).toString()).toBe('AvgPool2d(kernel_size=(2, 3), stride=(2, 3), padding=(0, 1))');
    expect(new nn.AdaptiveAvgPool2d([1, 1]).toString()).toBe('AdaptiveAvgPool2d(output_size=(1, 1))');
    expect(new nn.Dropout(0.5).toString()).toBe('Dropout(p=0.5, inplace=False)');
    expect(new nn.BatchNorm2d(6).toString()).toBe('BatchNorm2d(6, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)');
    expect(new nn.Flatten().toString()).toBe('Flatten(start_dim=1, end_dim=-1)');
  });

  it('knows each layer\u2019s class name without constructor.name (which minified builds rename)', () => {
    expect(new nn.Conv2d(1, 1, 1).typeName).toBe('Conv2d');
    expect(new nn.BatchNorm1d(2).typeName).toBe('BatchNorm1d');
    class Residual extends nn.Module {
      static override typeName = 'Residual';
    }
    class Unnamed extends nn.Linear {}
    expect(new Residual().typeName).toBe('Residual');
    expect(new Unnamed(1, 1).typeName).toBe('Unnamed');
  });

  it('prints a module tree the way PyTorch does', () => {
    const net = new nn.Sequential(new nn.Conv2d(1, 6, 5, { padding: 2 }), new nn.ReLU(), new nn.Linear(4, 8));
    expect(net.toString()).toBe(
      'Sequential(\n  (0): Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))\n  (1): ReLU()\n  (2): Linear(in_features=4, out_features=8, bias=True)\n)',
    );
  });

  it('a custom Conv2D module built on corr2d (the notes) learns through its weight and bias parameters', () => {
    class Conv2D extends nn.Module {
      weight = nn.Parameter(rand([1, 2]));
      bias = nn.Parameter(zeros([1]));
      override forward(x: Tensor) {
        return F.corr2d(x, this.weight).add(this.bias);
      }
    }
    const layer = new Conv2D();
    expect(layer.namedParameters().map(([n]) => n)).toEqual(['weight', 'bias']);
    tidy(() => layer.call(ones([3, 4])).sum().backward());
    expect(layer.bias.grad!.shape).toEqual([1]);
  });
});
