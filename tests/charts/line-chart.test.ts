import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { LOG_LABEL_GAP, logDomain, logTicks, tableRows, type Series } from '../../src/charts/lineChart';

/** The plot's height of the default 420 × 220 chart (220 − 12 − 38). */
const PX = 170;

/** Where `v` sits on a log axis over `domain`, `px` units long. */
const at = ([lo, hi]: [number, number], px: number, v: number) => (px * Math.log10(v / lo)) / Math.log10(hi / lo);

describe('the line chart’s log axis', () => {
  it('labels every decade the degradation losses reach, with the 2 and 5 multiples between (plain near ln 2, residual down to 0.03)', () => {
    const domain = logDomain(0.03, 0.69);
    expect(domain[0]).toBeCloseTo(0.01, 12);
    const { labels, ticks } = logTicks(domain, PX);
    expect(labels).toEqual([0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1]);
    // Unlabelled ticks at the other multiples: 0.03 sits on a tick of its own.
    expect(ticks).toContain(0.03);
    for (const l of labels) expect(ticks).toContain(l);
  });

  it('labels 2 as well when a deep plain stack’s loss climbs above 1', () => {
    const { labels } = logTicks(logDomain(0.03, 2.5), PX);
    expect(labels).toEqual([0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2]);
  });

  it('labels only the powers of ten (or every second one) when the values fall over many orders of magnitude', () => {
    expect(logTicks(logDomain(1e-7, 4), PX).labels).toEqual([1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 0.01, 0.1, 1]);
    const wide = logTicks(logDomain(1e-20, 10), PX).labels;
    expect(wide).toContain(1);
    expect(wide).toContain(1e-20);
    expect(wide.length).toBeGreaterThanOrEqual(5);
  });

  it('labels every multiple on a short range, and round values in between where there is no multiple', () => {
    expect(logTicks([0.45, 1.1], PX).labels).toEqual([0.5, 0.6, 0.7, 0.8, 0.9, 1]);
    expect(logTicks([0.31, 0.39], PX).labels.length).toBeGreaterThanOrEqual(2);
    // One power of ten and no room for every multiple: the power, and what fits beside it.
    const short = logTicks(logDomain(999, 999), 80).labels;
    expect(short).toContain(1000);
    expect(short.length).toBeGreaterThanOrEqual(2);
  });

  it('always labels at least two values, the start of every decade the data reach, and no two labels closer than the gap', () => {
    fc.assert(
      fc.property(fc.double({ min: -12, max: 3, noNaN: true }), fc.double({ min: 0, max: 14, noNaN: true }), fc.integer({ min: 80, max: 400 }), (e, span, px) => {
        const lo = 10 ** e;
        const hi = lo * 10 ** span;
        const domain = logDomain(lo, hi);
        const { labels, ticks } = logTicks(domain, px);
        expect(labels.length).toBeGreaterThanOrEqual(2);
        for (const v of labels) {
          expect(v).toBeGreaterThanOrEqual(domain[0] * (1 - 1e-9));
          expect(v).toBeLessThanOrEqual(domain[1] * (1 + 1e-9));
          expect(ticks).toContain(v);
        }
        for (let i = 1; i < labels.length; i++) expect(at(domain, px, labels[i]) - at(domain, px, labels[i - 1])).toBeGreaterThanOrEqual(LOG_LABEL_GAP - 1e-6);
        // Where the powers of ten are a label apart, each one from the data's lowest decade up is labelled.
        if (px / Math.log10(domain[1] / domain[0]) >= LOG_LABEL_GAP) {
          for (let k = Math.floor(Math.log10(lo) + 1e-9); 10 ** k <= hi; k++) expect(labels.some((v) => Math.abs(v / 10 ** k - 1) < 1e-9)).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('the line chart’s text alternative', () => {
  it('gives each data series’ latest point and leaves a marker out', () => {
    const series: Series[] = [
      { key: 'spread', label: 'spread', points: [{ x: 1, y: 0.5 }, { x: 4, y: 0.124 }, { x: 64, y: 0.03 }] },
      { key: 'current', label: 'n = 4', points: [{ x: 4, y: 0 }, { x: 4, y: 0.229 }], marker: true },
    ];
    expect(tableRows(series, (v) => v.toFixed(3))).toEqual([{ label: 'spread', x: '64', y: '0.030' }]);
  });
});
