import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { setBackend } from '../../src/engine';
import { computeParameters, INIT_SCHEMES, PM_DEFAULTS } from '../../src/widgets/parameters/compute';
import { histogramLayout, histogramWords, initListing, sanitizePM } from '../../src/widgets/parameters';
import { histogramBins, histogramSpikes } from '../../src/charts/weightHistogram';
import { trIn } from '../../src/widgets/common/i18n';

describe('parameters widget computed by the engine (cpu backend)', () => {
  test('the 4 -> 8 -> 1 network lists the notes’ names and shapes and 49 parameters', async () => {
    await setBackend('cpu');
    const r = await computeParameters(PM_DEFAULTS);
    expect(r.params.map((p) => [p.name, p.shape])).toEqual([
      ['0.weight', [8, 4]],
      ['0.bias', [8]],
      ['2.weight', [1, 8]],
      ['2.bias', [1]],
    ]);
    expect(r.stateDictKeys).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    expect(r.total).toBe(49);
    expect(r.gradIsNull).toBe(true);
    expect(r.visited).toEqual(['Linear', 'ReLU', 'Linear', 'Sequential']);
    // Default init: U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
    expect(Array.from(r.params[0].values).every((v) => Math.abs(v) <= 0.5)).toBe(true);
    expect(Array.from(r.params[2].values).every((v) => Math.abs(v) <= 1 / Math.sqrt(8) + 1e-7)).toBe(true);
  });

  test('each initialiser gives the values the notes describe', async () => {
    await setBackend('cpu');
    const get = async (init: (typeof INIT_SCHEMES)[number]) => {
      const r = await computeParameters({ ...PM_DEFAULTS, init });
      return Object.fromEntries(r.params.map((p) => [p.name, Array.from(p.values)]));
    };
    const normal = await get('normal');
    expect(normal['0.bias'].every((v) => v === 0)).toBe(true);
    expect(normal['0.weight'].every((v) => Math.abs(v) < 0.06)).toBe(true);
    const constant = await get('constant');
    expect(constant['0.weight'].every((v) => v === 1)).toBe(true);
    expect(constant['2.weight'].every((v) => v === 1)).toBe(true);
    expect(constant['2.bias']).toEqual([0]);
    const x42 = await get('xavier42');
    expect(x42['2.weight'].every((v) => v === 42)).toBe(true);
    expect(x42['0.weight'].every((v) => Math.abs(v) <= Math.sqrt(6 / 12) + 1e-6)).toBe(true);
    const custom = await get('custom');
    for (const name of ['0.weight', '2.weight']) expect(custom[name].every((v) => v === 0 || (Math.abs(v) >= 5 && Math.abs(v) <= 10))).toBe(true);
  });

  test('tying: editing the shared weight changes the other layer, which is the same tensor', async () => {
    await setBackend('cpu');
    const r = await computeParameters({ ...PM_DEFAULTS, tie: [[0, 100], [3, -7.5]] });
    expect(r.tied.sameObject).toBe(true);
    expect(r.tied.row2[0]).toBe(100);
    expect(r.tied.row4[0]).toBe(100);
    expect(r.tied.row4[3]).toBe(-7.5);
    expect(Array.from(r.tied.row4)).toEqual(Array.from(r.tied.row2));
    expect(r.tied.params.map((p) => p.name)).toEqual(['0.weight', '0.bias', '2.weight', '2.bias', '6.weight', '6.bias']);
    expect(r.tied.total).toBe(4 * 8 + 8 + 8 * 8 + 8 + 8 + 1);
  });

  test('any JSON value becomes valid settings', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.record({ seed: fc.anything(), init: fc.anything(), entry: fc.anything(), tie: fc.anything() })), (raw) => {
        const s = sanitizePM(raw, PM_DEFAULTS);
        expect(INIT_SCHEMES).toContain(s.init);
        expect(['0.weight', '0.bias', '2.weight', '2.bias']).toContain(s.entry);
        expect(Number.isInteger(s.seed)).toBe(true);
        expect(Array.isArray(s.tie)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  test('edits of the shared row from the URL keep the last value for each column, clamped, and drop entries that are not [column, number]', () => {
    const CAP = 1e6; // the widget clamps an edited weight to ±10^6
    const valid = fc.tuple(fc.integer({ min: 0, max: 7 }), fc.double({ min: -2 * CAP, max: 2 * CAP, noNaN: true }));
    const junk = fc.constantFrom<unknown>(null, 'x', 5, {}, [], [NaN, 1], ['a', 1], [1, 'nope'], [1, Infinity]);
    fc.assert(
      fc.property(fc.array(fc.oneof(valid, junk), { maxLength: 12 }), (tie) => {
        const s = sanitizePM({ tie }, PM_DEFAULTS);
        // The reference: only the first 8 entries count; for each column the last valid one wins.
        const want = new Map<number, number>();
        for (const e of tie.slice(0, 8)) {
          if (!Array.isArray(e) || typeof e[0] !== 'number' || typeof e[1] !== 'number' || !Number.isFinite(e[0]) || !Number.isFinite(e[1])) continue;
          want.set(e[0], Math.max(-CAP, Math.min(CAP, e[1])));
        }
        expect(new Set(s.tie.map(([c]) => c)).size).toBe(s.tie.length);
        expect([...s.tie].sort((a, b) => a[0] - b[0])).toEqual([...want].sort((a, b) => a[0] - b[0]));
      }),
      { numRuns: 300 },
    );
  });
});

describe('the init listings', () => {
  test('comment in the reader’s language around the same code', () => {
    const code = (text: string) => text.replace(/\/\/.*$/gm, '');
    for (const scheme of INIT_SCHEMES) {
      const en = initListing(trIn('en'), scheme);
      const zh = initListing(trIn('zh'), scheme);
      expect(code(zh)).toBe(code(en));
      // No English words left in a Chinese comment (identifiers and formulas aside).
      for (const comment of zh.match(/\/\/.*$/gm) ?? []) expect(comment).toMatch(/[\u4e00-\u9fff]/);
    }
    expect(initListing(trIn('en'), 'default')).toContain('// weights and biases already drawn from U(-1/sqrt(fan_in), 1/sqrt(fan_in))');
    expect(initListing(trIn('zh'), 'default')).toContain('// 权重和偏置已从 U(-1/sqrt(fan_in), 1/sqrt(fan_in)) 中抽取');
    expect(initListing(trIn('zh'), 'custom')).toContain('// 把 |w| < 5 的权重置零');
  });
});

describe('the initialisation histograms', () => {
  const weights = (init: (typeof INIT_SCHEMES)[number], seed: number) =>
    computeParameters({ ...PM_DEFAULTS, seed, init }).params.filter((p) => p.name.endsWith('weight'));

  test('no bar straddles a bound marker: each bound is a bin edge, and every weight is drawn once', async () => {
    await setBackend('cpu');
    for (const init of INIT_SCHEMES)
      for (const seed of [0, 1, 7, 42])
        for (const p of weights(init, seed)) {
          const layout = histogramLayout(init, p.name);
          const values = Array.from(p.values);
          const bins = histogramBins(values, layout.bins, layout.domain, layout.spikes);
          const spikes = histogramSpikes(values, layout.spikes);
          const eps = 1e-9 * (bins[bins.length - 1].x1 - bins[0].x0);
          for (const m of layout.markers) {
            for (const b of bins) expect(m.x <= b.x0 + eps || m.x >= b.x1 - eps, `${init} ${p.name}: bin ${b.x0}..${b.x1} straddles ${m.label}`).toBe(true);
            expect(bins.some((b) => Math.abs(b.x0 - m.x) <= eps || Math.abs(b.x1 - m.x) <= eps)).toBe(true);
          }
          expect(bins.reduce((n, b) => n + b.count, 0) + spikes.reduce((n, s) => n + s.count, 0)).toBe(values.length);
          // Where the scheme promises |w| <= bound, the bins beyond the dashed lines are there and empty.
          if (init === 'default' || (init === 'xavier42' && p.name === '0.weight')) {
            const [lo, hi] = [layout.markers[0].x, layout.markers[1].x];
            const outside = bins.filter((b) => b.x1 <= lo + eps || b.x0 >= hi - eps);
            expect(outside.length).toBeGreaterThan(0);
            for (const b of outside) expect(b.count).toBe(0);
          }
        }
  });

  test('the custom scheme’s exact zeros are a spike centred on 0, not a bar beside it', async () => {
    await setBackend('cpu');
    for (const seed of [0, 1, 7, 42])
      for (const p of weights('custom', seed)) {
        const layout = histogramLayout('custom', p.name);
        const values = Array.from(p.values);
        const zeros = values.filter((v) => v === 0).length;
        const spikes = histogramSpikes(values, layout.spikes);
        expect(spikes).toEqual(zeros > 0 ? [{ x: 0, count: zeros }] : []);
        // Between the markers (−5, 5) there are only the zeros: every bin there is empty.
        const bins = histogramBins(values, layout.bins, layout.domain, layout.spikes);
        for (const b of bins.filter((b) => b.x0 >= -5 && b.x1 <= 5)) expect(b.count).toBe(0);
        expect(bins.reduce((n, b) => n + b.count, 0)).toBe(values.length - zeros);
      }
    // Half the weights of the default seed are zeros, so the spike is there to see.
    expect(weights('custom', 0)[0].values.filter((v) => v === 0).length).toBeGreaterThan(0);
  });

  test('the spike has a line of its own in the chart’s list, in both languages', () => {
    expect(histogramWords(trIn('en')).spike?.('0', 17)).toBe('exactly 0: 17');
    expect(histogramWords(trIn('zh')).spike?.('0', 17)).toBe('恰好为 0：17 个');
  });
});
