/**
 * Code cells: the notebook compiler, the runtime and PyTorch-style printing, run in Node.
 * (The browser side, the worker, the time limit and the sandbox, is in e2e/code-cells.spec.ts.)
 */
import { describe, expect, it } from 'vitest';
import { formatTensor } from '../../src/widgets/code-cell/format';
import { printed, run } from '../helpers/cells';

describe('a code cell', () => {
  it('strips the types, imports from the engine and shows the last expression as PyTorch prints it', async () => {
    const events = await run([
      `import { tensor, F } from '../src/engine';
function corr2d(X: number[][], K: number[][]): number[][] {
  const Y = Array.from({ length: X.length - K.length + 1 }, () => new Array<number>(X[0].length - K[0].length + 1).fill(0));
  for (let i = 0; i < Y.length; i++) for (let j = 0; j < Y[0].length; j++)
    for (let a = 0; a < K.length; a++) for (let b = 0; b < K[0].length; b++) Y[i][j] += K[a][b] * X[i + a][j + b];
  return Y;
}
console.log(corr2d([[0, 1, 2], [3, 4, 5], [6, 7, 8]], [[0, 1], [2, 3]]));
F.corr2d(tensor([[0, 1, 2], [3, 4, 5], [6, 7, 8]]), tensor([[0, 1], [2, 3]]) as any);`,
    ]);
    expect(printed(events)).toEqual(['[[19, 25], [37, 43]]', 'tensor([[19., 25.],\n        [37., 43.]])']);
    expect(events.at(-1)).toEqual({ type: 'done' });
  });

  it('sees what earlier cells declared and imported, runs them quietly, and may declare a name again', async () => {
    const events = await run([
      `import { nn, type Tensor } from '../src/engine';\nconst X = 2;\nconsole.log('set-up');`,
      `class Twice extends nn.Module {\n  k!: number;\n  override forward(x: Tensor): Tensor { return x.mul(this.k); }\n}\nconst X = 3;`,
      `import { tensor } from '../src/engine';\nconst t = new Twice();\nt.k = X;\nt.forward(tensor([1, 2]))`,
    ]);
    expect(printed(events)).toEqual(['tensor([3., 6.])']);
  });

  it('places a syntax error in its cell and line', async () => {
    const [e] = await run(['const a = 1;', 'const b = 2;\nconst c = ;']);
    expect(e).toMatchObject({ type: 'error', cell: 1, line: 2 });
  });

  it('places a runtime error in its cell and line', async () => {
    const events = await run(['const a = 1;', 'let b = 2;\n\nb = (undefined as any).x;']);
    expect(events.at(-1)).toMatchObject({ type: 'error', cell: 1, line: 3 });
    expect((events.at(-1) as { message: string }).message).toMatch(/^TypeError/);
  });

  it('refuses imports other than the engine and the models, and enums', async () => {
    expect((await run(["import fs from 'node:fs';"]))[0]).toMatchObject({ type: 'error', cell: 0, line: 1 });
    expect((await run(['enum A { x }']))[0]).toMatchObject({ type: 'error', message: expect.stringMatching(/not supported/) });
  });

  it("names an import the engine does not have", async () => {
    const events = await run(["import { nope } from '../src/engine';"]);
    expect(events.at(-1)).toMatchObject({ type: 'error', message: expect.stringMatching(/'nope' is not exported/) });
  });
});

describe('tensors print as PyTorch prints them', () => {
  // Each expected text is what PyTorch 2 prints for the same tensor.
  const range = (n: number, f = (i: number) => i) => Float32Array.from({ length: n }, (_, i) => f(i));
  it.each([
    ['integers', [2, 3, 4], range(24), 'tensor([[[ 0.,  1.,  2.,  3.],\n         [ 4.,  5.,  6.,  7.],\n         [ 8.,  9., 10., 11.]],\n\n        [[12., 13., 14., 15.],\n         [16., 17., 18., 19.],\n         [20., 21., 22., 23.]]])'],
    ['fixed', [2], Float32Array.from([0.1, 0.2]), 'tensor([0.1000, 0.2000])'],
    ['a scalar', [], Float32Array.from([3]), 'tensor(3.)'],
    ['scientific', [2], Float32Array.from([1e-5, 1]), 'tensor([1.0000e-05, 1.0000e+00])'],
    ['nan', [3], Float32Array.from([-1.5, 2.25, NaN]), 'tensor([-1.5000,  2.2500,     nan])'],
    ['a long row', [30], range(30, (i) => i / 7), 'tensor([0.0000, 0.1429, 0.2857, 0.4286, 0.5714, 0.7143, 0.8571, 1.0000, 1.1429,\n        1.2857, 1.4286, 1.5714, 1.7143, 1.8571, 2.0000, 2.1429, 2.2857, 2.4286,\n        2.5714, 2.7143, 2.8571, 3.0000, 3.1429, 3.2857, 3.4286, 3.5714, 3.7143,\n        3.8571, 4.0000, 4.1429])'],
    ['empty', [2, 0], new Float32Array(0), 'tensor([], size=(2, 0))'],
    ['negative zero, fixed', [3], Float32Array.from([-0, -1.5, 2.25]), 'tensor([-0.0000, -1.5000,  2.2500])'],
    ['negative zero, integers', [2, 2], Float32Array.from([-0, 100, 1, 2]), 'tensor([[ -0., 100.],\n        [  1.,   2.]])'],
    ['negative zero, scientific', [2], Float32Array.from([-0, 1e-5]), 'tensor([-0.0000e+00, 1.0000e-05])'],
    ['only zeros', [2], Float32Array.from([-0, 0]), 'tensor([-0., 0.])'],
    ['a negative-zero scalar', [], Float32Array.from([-0]), 'tensor(-0.)'],
    ['widths from the finite nonzero values', [3], Float32Array.from([NaN, 1.5, -0]), 'tensor([   nan, 1.5000, -0.0000])'],
    ['inf wider than the numbers', [2], Float32Array.from([Infinity, 1]), 'tensor([inf, 1.])'],
    ['nan beside zero', [2], Float32Array.from([0, NaN]), 'tensor([0., nan])'],
    ['summarised', [2000], range(2000), 'tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,\n        1.9990e+03])'],
  ])('%s', (_name, shape, values, expected) => {
    expect(formatTensor({ shape, values })).toBe(expected);
  });
  it('with requires_grad', () => {
    expect(formatTensor({ shape: [2], values: Float32Array.from([1, 1]), requiresGrad: true })).toBe('tensor([1., 1.], requires_grad=True)');
  });
});
