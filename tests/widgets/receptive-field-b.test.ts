import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { setBackend } from '../../src/engine';
import { dependencies, LIMITS, maxPadding, stackGeometry, type LayerSpec } from '../../src/widgets/receptive-field/geometry';
import { engineField, fieldAgrees } from '../../src/widgets/receptive-field/engine-rf';
import { mapSizes, RF_DEFAULTS, sanitizeRF } from '../../src/widgets/receptive-field/settings';
import { windowCount } from '../helpers/references';
import { regionText } from '../../src/widgets/receptive-field/FieldCells';
import { trIn } from '../../src/widgets/common/i18n';

/** Any layer the widget's controls can produce. */
const layerArb: fc.Arbitrary<LayerSpec> = fc
  .record({
    kind: fc.constantFrom('conv' as const, 'max' as const, 'avg' as const),
    k: fc.integer({ min: LIMITS.minK, max: LIMITS.maxK }),
    stride: fc.integer({ min: 1, max: LIMITS.maxStride }),
    pad: fc.nat(),
  })
  .map(({ kind, k, stride, pad }) => ({ kind, k, stride, padding: pad % (maxPadding(kind, k) + 1) }));

const stackArb = fc.record({
  n: fc.integer({ min: LIMITS.minInput, max: LIMITS.maxInput }),
  layers: fc.array(layerArb, { minLength: 0, maxLength: LIMITS.maxLayers }),
});

/**
 * Reference computed the other way round: for every cell of an earlier map, push it
 * forward window by window and see whether it reaches the chosen cell.
 */
function reachesForward(sizes: number[], stack: readonly LayerSpec[], from: number, cell: number, toMap: number, target: number): boolean {
  let cells = new Set([cell]);
  for (let m = from; m < toMap; m++) {
    const l = stack[m];
    const next = new Set<number>();
    for (let o = 0; o < sizes[m + 1]; o++) {
      const first = o * l.stride - l.padding;
      for (const c of cells) if (c >= first && c < first + l.k) next.add(o);
    }
    cells = next;
  }
  return cells.has(target);
}

describe('receptive-field geometry', () => {
  test('the notes’ example: after two 2x2 convolutions on a 3x3 input the last cell sees all nine inputs', () => {
    const d = dependencies(3, RF_DEFAULTS.layers, { map: 2, row: 0, col: 0 });
    expect(d.regions[0]).toEqual({ rowSpan: [0, 2], colSpan: [0, 2], rows: 3, cols: 3 });
    expect(d.regions[1].rows * d.regions[1].cols).toBe(4);
    const first = dependencies(3, RF_DEFAULTS.layers, { map: 1, row: 0, col: 0 });
    expect(first.regions[0]).toEqual({ rowSpan: [0, 1], colSpan: [0, 1], rows: 2, cols: 2 });
  });

  test('three 3x3 layers give receptive fields of 3, 5 and 7 with jump 1', () => {
    const g = stackGeometry(9, [1, 2, 3].map(() => ({ kind: 'conv' as const, k: 3, stride: 1, padding: 0 })));
    expect(g.layers.map((l) => [l.size, l.rf, l.jump])).toEqual([
      [7, 3, 1],
      [5, 5, 1],
      [3, 7, 1],
    ]);
  });

  test('LeNet’s conv/pool stack: sizes 28, 14, 10, 5 and a final receptive field of 16 with jump 4', () => {
    const g = stackGeometry(28, [
      { kind: 'conv', k: 5, stride: 1, padding: 2 },
      { kind: 'avg', k: 2, stride: 2, padding: 0 },
      { kind: 'conv', k: 5, stride: 1, padding: 0 },
      { kind: 'avg', k: 2, stride: 2, padding: 0 },
    ]);
    expect(g.layers.map((l) => [l.size, l.rf, l.jump])).toEqual([
      [28, 5, 1],
      [14, 6, 2],
      [10, 14, 2],
      [5, 16, 4],
    ]);
  });

  test('every reachable layer stack either runs with finite sizes and fields equal to a forward reference, or stops with a stated reason', () => {
    fc.assert(
      fc.property(stackArb, fc.nat(), fc.nat(), fc.nat(), ({ n, layers }, a, b, c) => {
        const g = stackGeometry(n, layers);
        const sizes = mapSizes(n, layers);
        // Map sides by counting the windows that fit, layer after layer, up to the first
        // layer whose window does not fit its padded input: that layer is the invalid one.
        const counted = [n];
        for (const l of layers) {
          const next = windowCount(counted[counted.length - 1], l.k, l.stride, l.padding, l.padding);
          if (next === 0) break;
          counted.push(next);
        }
        expect(sizes).toEqual(counted);
        expect(g.invalidAt).toBe(counted.length <= layers.length ? counted.length - 1 : null);
        if (g.invalidAt !== null) {
          // The reason is exactly that the window does not fit the padded map.
          const l = layers[g.invalidAt];
          expect(g.problem?.code).toBe('kernel-too-large');
          expect(sizes[g.invalidAt] + 2 * l.padding).toBeLessThan(l.k);
        }
        for (let i = 0; i < g.layers.length; i++) {
          const L = g.layers[i];
          expect(L.size).toBe(counted[i + 1]);
          expect(Number.isFinite(L.rf) && Number.isFinite(L.jump)).toBe(true);
        }
        const map = a % sizes.length;
        const row = b % sizes[map];
        const col = c % sizes[map];
        const dep = dependencies(n, layers, { map, row, col });
        for (let m = 0; m <= map; m++) {
          const rm = dep.rowMasks[m];
          expect(rm.length).toBe(sizes[m]);
          // Nonempty: with the padding limits every cell depends on at least one cell of each earlier map.
          expect(rm.some(Boolean)).toBe(true);
          for (let x = 0; x < sizes[m]; x++) expect(rm[x]).toBe(m === map ? x === row : reachesForward(sizes, layers, m, x, map, row));
          // The span never exceeds the classic receptive-field size, measured in this map's cells.
          const span = dep.regions[m].rowSpan[1] - dep.regions[m].rowSpan[0] + 1;
          expect(span).toBeLessThanOrEqual(m === 0 && map > 0 ? g.layers[map - 1].rf : sizes[m]);
        }
      }),
      { numRuns: 400 },
    );
  });

  test('away from the borders, with strides no larger than kernels, the field on the input is exactly r x r', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ kind: fc.constantFrom('conv' as const, 'avg' as const), k: fc.integer({ min: 1, max: 5 }), s: fc.integer({ min: 1, max: 3 }) }).map(({ kind, k, s }) => ({ kind, k, stride: Math.min(s, k), padding: 0 })),
          { minLength: 1, maxLength: 4 },
        ),
        (layers) => {
          const g = stackGeometry(32, layers);
          fc.pre(g.invalidAt === null);
          const last = g.layers[g.layers.length - 1];
          const dep = dependencies(32, layers, { map: layers.length, row: 0, col: 0 });
          expect(dep.regions[0].rows).toBe(last.rf);
          expect(dep.regions[0].rowSpan).toEqual([0, last.rf - 1]);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('receptive fields measured by the engine (cpu backend)', () => {
  test('the gradient of the chosen cell is nonzero exactly on the geometry’s cells, for random stacks', async () => {
    await setBackend('cpu');
    const samples = fc.sample(
      fc.record({ n: fc.integer({ min: 1, max: 14 }), layers: fc.array(layerArb, { minLength: 1, maxLength: 4 }), a: fc.nat(), b: fc.nat(), c: fc.nat() }),
      { numRuns: 60, seed: 42 },
    );
    let checked = 0;
    for (const { n, layers, a, b, c } of samples) {
      const g = stackGeometry(n, layers);
      const valid = layers.slice(0, g.layers.length);
      const sizes = mapSizes(n, valid);
      const map = a % sizes.length;
      const sel = { map, row: b % sizes[map], col: c % sizes[map] };
      const dep = dependencies(n, valid, sel);
      const field = await engineField(n, valid, sel);
      expect(field.maps.length).toBe(sizes.length);
      for (const m of field.maps) expect(Array.from(m).every(Number.isFinite)).toBe(true);
      expect(fieldAgrees(field.maps, dep.rowMasks, dep.colMasks)).toBe(true);
      checked++;
    }
    expect(checked).toBe(60);
  });

  test('the notes’ example: the last cell’s gradient covers the whole 3x3 input (the centre is reached by 4 paths)', async () => {
    await setBackend('cpu');
    const f = await engineField(3, RF_DEFAULTS.layers, { map: 2, row: 0, col: 0 });
    expect(Array.from(f.maps[0])).toEqual([1, 2, 1, 2, 4, 2, 1, 2, 1]);
    expect(Array.from(f.maps[1])).toEqual([1, 1, 1, 1]);
  });
});

describe('receptive-field settings from the URL', () => {
  test('any JSON value becomes valid settings whose stack, selection and LeNet choices are in range', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.record({ n: fc.anything(), layers: fc.array(fc.anything(), { maxLength: 9 }), sel: fc.anything(), img: fc.anything(), lsel: fc.anything(), lch: fc.anything() }), (garbage, partial) => {
        for (const raw of [garbage, partial]) {
          const s = sanitizeRF(raw, RF_DEFAULTS);
          expect(s.n).toBeGreaterThanOrEqual(1);
          expect(s.n).toBeLessThanOrEqual(LIMITS.maxInput);
          expect(s.layers.length).toBeLessThanOrEqual(LIMITS.maxLayers);
          for (const l of s.layers) expect(l.padding).toBeLessThanOrEqual(maxPadding(l.kind, l.k));
          const sizes = mapSizes(s.n, s.layers);
          expect(s.sel[0]).toBeLessThan(sizes.length);
          expect(s.sel[1]).toBeLessThan(sizes[s.sel[0]]);
          expect(s.sel[2]).toBeLessThan(sizes[s.sel[0]]);
          expect(s.img).toBeGreaterThanOrEqual(0);
          expect(s.img).toBeLessThan(10000);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('LeNet’s receptive fields measured by the engine (cpu backend)', () => {
  test('feature maps have the notes’ shapes, and every activation’s input gradient stays inside its field', async () => {
    await setBackend('cpu');
    const { createLeNet, lenetMaps, lenetInputGradient } = await import('../../src/widgets/receptive-field/lenet-model');
    const { LENET_STACK } = await import('../../src/widgets/receptive-field/settings');
    const { memory } = await import('../../src/engine');
    // A synthetic test set of two 28x28 images (the widget reads the real Fashion-MNIST file).
    const pixels = new Uint8Array(2 * 784);
    for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 37) % 256;
    const ds = { count: 2, rows: 28, cols: 28, classes: 10, pixels, labels: new Uint8Array([3, 7]) };
    const net = createLeNet();
    const before = memory().numTensors;
    const m = await lenetMaps(net, ds, 1);
    expect(m.shapes).toEqual([
      [1, 28, 28],
      [6, 28, 28],
      [6, 14, 14],
      [16, 10, 10],
      [16, 5, 5],
    ]);
    expect(m.maps[0][0][5]).toBeCloseTo(pixels[784 + 5] / 255, 6);
    expect(m.probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    for (const [stage, ch, row, col] of [
      [4, 3, 2, 2],
      [4, 0, 0, 4],
      [3, 5, 9, 0],
      [2, 1, 0, 0],
      [1, 2, 27, 13],
    ]) {
      const g = await lenetInputGradient(net, ds, 1, stage, ch, row, col);
      const dep = dependencies(28, LENET_STACK, { map: stage, row, col });
      let inside = 0;
      for (let r = 0; r < 28; r++)
        for (let c = 0; c < 28; c++) {
          const inField = dep.rowMasks[0][r] && dep.colMasks[0][c];
          if (!inField) expect(g[r * 28 + c]).toBe(0);
          else if (g[r * 28 + c] !== 0) inside++;
        }
      // Generic weights: (almost) every pixel of the field matters.
      expect(inside).toBeGreaterThan(0.9 * dep.regions[0].rows * dep.regions[0].cols);
    }
    expect(memory().numTensors).toBe(before);
    net.dispose();
  });
});

describe('the region column of the receptive-field tables', () => {
  test('gives one index for a one-cell span, a range otherwise, counting rows and columns from 0 as the book does', () => {
    const one = { rowSpan: [2, 2] as [number, number], colSpan: [0, 0] as [number, number], rows: 1, cols: 1 };
    const many = { rowSpan: [0, 2] as [number, number], colSpan: [0, 0] as [number, number], rows: 3, cols: 1 };
    expect(regionText(trIn('en'), one, false)).toBe('row 2, column 0');
    expect(regionText(trIn('zh'), one, false)).toBe('第 2 行，第 0 列');
    expect(regionText(trIn('en'), one, true)).toBe('row 2, column 0: 1×1 = 1 cell');
    expect(regionText(trIn('zh'), one, true)).toBe('第 2 行，第 0 列：1×1 = 1 个单元格');
    expect(regionText(trIn('en'), many, true)).toBe('rows 0–2, column 0: 3×1 = 3 cells');
    expect(regionText(trIn('zh'), many, false)).toBe('第 0–2 行，第 0 列');
    // The text's example: the last cell of two 2×2 convolutions on a 3×3 input depends on all of it.
    const all = dependencies(3, RF_DEFAULTS.layers, { map: 2, row: 0, col: 0 }).regions[0];
    expect(regionText(trIn('en'), all, true)).toBe('rows 0–2, columns 0–2: 3×3 = 9 cells');
    expect(regionText(trIn('zh'), all, true)).toBe('第 0–2 行，第 0–2 列：3×3 = 9 个单元格');
  });
});
