import { describe, expect, test } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import { Parameters } from '../../src/widgets/parameters';
import { MARKER_BAND, markerLabelAnchor, markerLabelX } from '../../src/charts/weightHistogram';

describe('the parameters widget on a phone', () => {
  test('each row’s button shows one word and says the whole name to a screen reader', () => {
    const html = renderToStaticMarkup(<Parameters part="access" />);
    for (const name of ['0.weight', '0.bias', '2.weight', '2.bias']) expect(html).toContain(`>Show<span class="visually-hidden"> ${name}</span></button>`);
  });
});

describe('the histogram’s bound labels', () => {
  // The chart's plot runs from x = 30 (its y axis) to x = 310.
  const [left, right] = [30, 310];

  test('sit in a band above the bars, tall enough for their 10 px text', () => {
    expect(MARKER_BAND).toBeGreaterThanOrEqual(16);
  });

  test('start at a marker near the y axis, end at one near the right edge, and are centred elsewhere', () => {
    // −1/√4 of the default initialisation: the domain is ±1.2/√4 in 12 bins, so the marker is one bin (23 px) from the axis.
    expect(markerLabelAnchor(53, left, right)).toBe('start');
    expect(markerLabelX(53, left, right)).toBeGreaterThan(left);
    expect(markerLabelAnchor(287, left, right)).toBe('end');
    expect(markerLabelX(287, left, right)).toBeLessThanOrEqual(right);
    expect(markerLabelAnchor(170, left, right)).toBe('middle');
    expect(markerLabelX(170, left, right)).toBe(170);
    // A marker on the axis itself: the label still starts clear of the axis line.
    expect(markerLabelX(left, left, right)).toBeGreaterThan(left - 1);
  });
});
