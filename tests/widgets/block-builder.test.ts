import { describe, expect, it } from 'vitest';
import { manualSeed, nn, noGrad, rand, setBackend, withBackend, tidy, type Tensor } from '../../src/engine';
import { computeBlock, fmt4 } from '../../src/widgets/block-builder/compute';
import { BLOCK_DEFAULTS, MAX_LAYERS, inputWidths, outputWidth, parseWidth, pattern, sanitizeBlock, type BlockLayer } from '../../src/widgets/block-builder/settings';
import { blockBuilderTwoHidden } from '../../src/widgets/exercises/goals/block-builder';
import { GOALS } from '../../src/widgets/exercises/goals';

/** Parameters of Linear layers in -> out, by the formula in*out + out. */
function formula(layers: readonly BlockLayer[]): number {
  const ins = inputWidths(layers);
  return layers.reduce<number>((n, l, i) => (l === 'relu' ? n : n + ins[i] * l + l), 0);
}

const twoHidden = (a: number, b: number): BlockLayer[] => [a, 'relu', b, 'relu', 10];

describe('the block builder widget', () => {
  it('opens on the chapter’s MLP: Linear(20, 256), ReLU, Linear(256, 10) with 7,946 parameters and output [2, 10]', async () => {
    await setBackend('cpu');
    const r = computeBlock(BLOCK_DEFAULTS);
    expect(r.inShape).toEqual([2, 20]);
    expect(r.rows.map((row) => row.key)).toEqual(['0', '1', '2']);
    expect(r.rows.map((row) => row.repr)).toEqual(['Linear(in_features=20, out_features=256, bias=True)', 'ReLU()', 'Linear(in_features=256, out_features=10, bias=True)']);
    expect(r.rows.map((row) => row.shape)).toEqual([
      [2, 256],
      [2, 256],
      [2, 10],
    ]);
    expect(r.rows.map((row) => row.params)).toEqual([5376, 0, 2570]);
    expect(r.total).toBe(7946);
    expect(r.outShape).toEqual([2, 10]);
    expect(r.out).toHaveLength(20);
  });

  it.each<[string, BlockLayer[]]>([
    ['one Linear', [7]],
    ['a ReLU first', ['relu', 5, 'relu', 3]],
    ['eight layers', [1024, 'relu', 3, 'relu', 1, 'relu', 1024, 2]],
    ['no layers at all', []],
  ])('counts the parameters of %s as the formula in·out + out does and chains the shapes', (_, layers) => {
    const r = computeBlock({ layers });
    expect(r.total).toBe(formula(layers));
    expect(r.rows.reduce((n, row) => n + row.params, 0)).toBe(r.total);
    expect(r.outShape).toEqual([2, outputWidth(layers)]);
    r.rows.forEach((row, i) => expect(row.shape).toEqual([2, layers[i] === 'relu' ? inputWidths(layers)[i] : (layers[i] as number)]));
  });

  it('computes net(X) as the same engine layers do on the seeded X = rand([2, 20])', () => {
    const r = computeBlock({ layers: [5, 'relu', 3] });
    const want = withBackend('cpu', () =>
      tidy(() => {
        manualSeed(0);
        const X = rand([2, 20]);
        const net = new nn.Sequential(new nn.Linear(20, 5), new nn.ReLU(), new nn.Linear(5, 3));
        const y = noGrad(() => net.call(X) as Tensor).dataSync();
        net.dispose();
        return y;
      }),
    );
    expect(Array.from(r.out)).toEqual(Array.from(want));
    expect(fmt4(0.123456)).toBe('0.1235');
    expect(fmt4(-1)).toBe('-1.0000');
  });

  it('applies ReLU between the layers: every output of a ReLU row is non-negative', () => {
    const r = computeBlock({ layers: [4, 'relu'] });
    expect(Array.from(r.out).every((v) => v >= 0)).toBe(true);
  });

  it.each([
    ['not an object', 42],
    ['null', null],
    ['no list', { layers: 'relu' }],
    ['a zero width', { layers: [0, 'relu', 10] }],
    ['a width over 1024', { layers: [1025] }],
    ['a fractional width', { layers: [2.5] }],
    ['a width as text', { layers: ['10'] }],
    ['an unknown layer', { layers: ['sigmoid'] }],
    ['too many layers', { layers: Array.from({ length: MAX_LAYERS + 1 }, () => 'relu') }],
  ])('refuses a URL holding %s and falls back to the chapter’s MLP', (_, raw) => {
    expect(sanitizeBlock(raw, BLOCK_DEFAULTS)).toEqual(BLOCK_DEFAULTS);
  });

  it('keeps a valid URL list as it is', () => {
    expect(sanitizeBlock({ layers: [60, 'relu', 60, 'relu', 10] }, BLOCK_DEFAULTS)).toEqual({ layers: [60, 'relu', 60, 'relu', 10] });
    expect(sanitizeBlock({ layers: [] }, BLOCK_DEFAULTS)).toEqual({ layers: [] });
  });

  it('explains every width it refuses, in both languages, and reads a valid one', () => {
    for (const text of ['', '  ', '0', '-3', '1025', '2.5', 'abc']) {
      const p = parseWidth(text);
      expect('problem' in p, `"${text}" is refused`).toBe(true);
      if ('problem' in p) {
        expect(p.problem.en.length).toBeGreaterThan(10);
        expect(p.problem.zh.length).toBeGreaterThan(5);
      }
    }
    expect(parseWidth(' 60 ')).toEqual({ value: 60 });
    expect(parseWidth('1024')).toEqual({ value: 1024 });
    expect(pattern([60, 'relu', 10])).toBe('Linear, ReLU, Linear');
  });
});

describe('the goal "two hidden layers with 5,000 to 6,000 parameters"', () => {
  const judge = (layers: BlockLayer[]) => blockBuilderTwoHidden.judge({ layers });

  it('is registered under block-builder-two-hidden and follows the widget’s URL key', () => {
    expect(GOALS['block-builder-two-hidden']).toBe(blockBuilderTwoHidden);
    expect(blockBuilderTwoHidden.key).toBe('block');
  });

  it.each([
    [57, 57],
    [60, 60],
    [63, 63],
    [40, 90],
  ])('is met for hidden widths %i and %i', (a, b) => {
    const { met, now } = judge(twoHidden(a, b));
    expect(met).toBe(true);
    expect(now.en).toContain('[2, 10]');
    expect(now.en).toContain(`Linear(20→${a}), ReLU, Linear(${a}→${b}), ReLU, Linear(${b}→10)`);
  });

  it('says where the reader stands: 60/60 gives 5,530 parameters, in both languages', () => {
    const { now } = judge(twoHidden(60, 60));
    expect(now.en).toBe("Now: Linear(20→60), ReLU, Linear(60→60), ReLU, Linear(60→10); the engine's output has shape [2, 10] and the network has 5,530 parameters.");
    expect(now.zh).toContain('5,530 个参数');
    expect(now.zh).toContain('[2, 10]');
  });

  it.each<[string, BlockLayer[]]>([
    ['widths 64 (6,154 parameters)', twoHidden(64, 64)],
    ['widths 56 (4,938 parameters)', twoHidden(56, 56)],
    ['a missing ReLU', [60, 60, 'relu', 10]],
    ['a ReLU after the output layer', [60, 'relu', 60, 'relu', 10, 'relu']],
    ['three hidden layers', [40, 'relu', 40, 'relu', 40, 'relu', 10]],
    ['the right pattern but 9 outputs', [60, 'relu', 61, 'relu', 9]],
    ['the chapter’s MLP', BLOCK_DEFAULTS.layers],
  ])('is not met for %s', (_, layers) => {
    expect(judge(layers).met).toBe(false);
  });
});
