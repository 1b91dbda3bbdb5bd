// Batch norm with its epilogue (a residual added, an activation applied, in the same
// kernels forward and backward) against the same computation composed of separate ops.
import { describe, expect, it } from 'vitest';
import { F, manualSeed, nn, randn, tensor, tidy, type Tensor } from '../../src/engine/index';
import type { EpilogueOp } from '../../src/engine/backend';
import { Residual } from '../../src/models/resnet';
import { BACKENDS, expectClose, useBackend } from './helpers';

const data = async (t: Tensor | null | undefined) => (t ? Array.from(await t.data()) : []);

/** Forward output and the gradients of every input, for a loss sum(y * R). */
async function run(fn: (xs: Tensor[]) => Tensor, inputs: Tensor[], seed: number): Promise<number[][]> {
  const xs = inputs.map((t) => t.clone().detach().requiresGrad_());
  const y = fn(xs);
  manualSeed(seed);
  y.mul(randn(y.shape)).sum().backward();
  const out = [await data(y), ...(await Promise.all(xs.map((x) => data(x.grad))))];
  for (const t of [y, ...xs]) t.dispose();
  return out;
}

describe.each(BACKENDS)('batch norm with a fused residual and activation on %s', (backend) => {
  useBackend(backend);
  // The CPU reference rounds each step as the composed ops do: the same bits. The others
  // may contract a multiply-add or sum in another order.
  const same = (got: number[][], want: number[][], label: string) => {
    if (backend === 'cpu') expect(got, label).toEqual(want);
    else got.forEach((g, i) => expectClose(g, want[i], 2e-5, `${label}, output ${i}`));
  };

  for (const act of ['relu', 'sigmoid', 'tanh', null] as (EpilogueOp | null)[]) {
    for (const withResidual of [true, false]) {
      if (!act && !withResidual) continue;
      for (const training of [true, false]) {
        it(`act(bn(x) + r) with act ${act ?? 'none'}, ${withResidual ? 'a residual' : 'no residual'}, ${training ? 'batch' : 'running'} statistics: the composed ops' values and gradients`, async () => {
          manualSeed(7);
          // Large enough that the wasm and WebGPU kernels take their vector and tiled paths.
          const shape = [4, 6, 9, 7];
          const [x, w, b, r] = [randn(shape).mul(2).add(0.5), randn([6]), randn([6]), randn(shape)];
          const rm = tensor([0.1, -0.2, 0.3, 0, 0.5, -0.4], [6]), rv = tensor([1, 0.5, 2, 1.5, 0.8, 1.2], [6]);
          // Running statistics are updated in place in training: each computation gets copies.
          const stats = () => (training ? [null, null] : [rm, rv]);
          const fused = await run(([xi, wi, bi, ri]) => {
            const [m, v] = stats();
            const y = F.batchNorm(xi, m, v, wi, bi, { training, residual: withResidual ? ri : null, act });
            expect(y.gradFn).toBe(`batchNorm${withResidual ? '+add' : ''}${act ? `+${act}` : ''}`);
            return y;
          }, [x, w, b, r], 3);
          const composed = await run(([xi, wi, bi, ri]) => {
            const [m, v] = stats();
            const n = F.batchNorm(xi, m, v, wi, bi, { training });
            const s = withResidual ? n.add(ri) : n;
            return act ? s[act]() : s;
          }, [x, w, b, r], 3);
          same(fused, composed, `act ${act}, residual ${withResidual}, training ${training}`);
        });
      }
    }
  }

  it('a Sequential runs BatchNorm2d then ReLU (and BatchNorm1d then Sigmoid) as one op, with the values of the two apart', async () => {
    for (const [bn, act, shape] of [[new nn.BatchNorm2d(3), new nn.ReLU(), [5, 3, 4, 4]], [new nn.BatchNorm1d(3), new nn.Sigmoid(), [6, 3]]] as const) {
      const net = new nn.Sequential(bn, act);
      net.train();
      manualSeed(11);
      const x = randn([...shape]);
      const y = tidy(() => net.call(x));
      expect(y.gradFn).toBe(`batchNorm+${act instanceof nn.ReLU ? 'relu' : 'sigmoid'}`);
      // With the layer's call hooked, the Sequential runs the two apart.
      bn.call = (t: Tensor) => nn.BatchNorm2d.prototype.call.call(bn, t);
      const apart = tidy(() => net.call(x));
      expect(apart.gradFn).not.toMatch(/^batchNorm/);
      delete (bn as { call?: unknown }).call;
      same([await data(y)], [await data(apart)], 'Sequential');
      for (const t of [x, y, apart]) t.dispose();
    }
  });

  it("ResNet's Residual block ends in one fused op, with the values and gradients of its ops apart", async () => {
    for (const [cin, cout, opts] of [[4, 4, {}], [4, 6, { use1x1conv: true, strides: 2 }]] as const) {
      manualSeed(5);
      const block = new Residual(cin, cout, opts);
      block.train();
      const x = randn([3, cin, 6, 6]);
      const pass = async (): Promise<number[][]> => {
        const xi = x.clone().detach().requiresGrad_();
        const y = block.call(xi);
        const gradFn = y.gradFn;
        manualSeed(9);
        y.mul(randn(y.shape)).sum().backward();
        const grads = [await data(y), await data(xi.grad), await data(block.conv1.weight.grad), await data(block.bn1.weight!.grad), await data(block.bn2.bias!.grad)];
        for (const p of block.parameters()) p.grad = null;
        for (const t of [xi, y]) t.dispose();
        return [...grads, [gradFn === 'batchNorm+add+relu' ? 1 : 0]];
      };
      const fused = await pass();
      expect(fused.at(-1)).toEqual([1]);
      // Hooked norms (as a layer-by-layer inspector would hook them) run apart.
      for (const bn of [block.bn1, block.bn2]) bn.call = (t: Tensor) => nn.BatchNorm2d.prototype.call.call(bn, t);
      const apart = await pass();
      expect(apart.at(-1)).toEqual([0]);
      same(fused.slice(0, -1), apart.slice(0, -1), `Residual(${cin}, ${cout})`);
      x.dispose();
    }
  });

  it("refuses a residual whose shape is not the input's", () => {
    expect(() => tidy(() => F.batchNorm(randn([2, 3, 4, 4]), null, null, null, null, { training: true, residual: randn([2, 3, 4, 1]) }))).toThrow(/residual's shape \[2, 3, 4, 1\] is not the input's \[2, 3, 4, 4\]/);
  });
});
