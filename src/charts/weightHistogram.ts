/**
 * A histogram of parameter values (d3.bin over a fixed or data-derived domain), with
 * optional dashed markers (e.g. the bounds of the initialiser's distribution) and optional
 * spikes: values met exactly (e.g. weights set to exactly 0), each drawn as a narrow bar
 * centred on its value and kept out of the bins. Each bar carries its count and bin edges
 * as data attributes; the SVG has an accessible name and a visually hidden list of the counts.
 */
import * as d3 from 'd3';
import { chartFrame } from './frame';

export interface HistogramOptions {
  title: string;
  bins?: number;
  width?: number;
  height?: number;
  /** Fixed x domain; by default the data's extent (widened when all values are equal). */
  domain?: [number, number];
  /** Vertical markers with labels, e.g. [{ x: -0.5, label: '−1/√4' }]. */
  markers?: { x: number; label: string }[];
  /**
   * Values counted on their own, e.g. [0] where an initialiser sets weights to exactly 0:
   * a value equal to one is left out of the bins and drawn as a narrow bar centred on it.
   */
  spikes?: number[];
  /** The words of the title and of the counts' list, in the reader's language (English by default). */
  words?: HistogramWords;
}

export interface HistogramWords {
  /** The chart's name: `n` values of the chart named `title`, from `lo` to `hi` (formatted). */
  summary(title: string, n: number, lo: string, hi: string): string;
  /** One bin of the list: values from `x0` to `x1` (formatted), `count` of them. */
  bin(x0: string, x1: string, count: number): string;
  /** One spike of the list: `count` values exactly equal to `x` (formatted); English if absent. */
  spike?(x: string, count: number): string;
}

/** The words a histogram uses unless told others. */
export const ENGLISH_WORDS: Required<HistogramWords> = {
  summary: (title, n, lo, hi) => `${title}: ${n} values from ${lo} to ${hi}`,
  bin: (x0, x1, count) => `${x0} to ${x1}: ${count}`,
  spike: (x, count) => `exactly ${x}: ${count}`,
};

export interface HistogramBin {
  x0: number;
  x1: number;
  count: number;
}

export interface HistogramSpike {
  x: number;
  count: number;
}

/** The spikes the chart draws: how many values equal each of `spikes` (those met at least once). */
export function histogramSpikes(values: readonly number[], spikes: readonly number[] = []): HistogramSpike[] {
  return spikes.map((x) => ({ x, count: values.filter((v) => v === x).length })).filter((s) => s.count > 0);
}

/**
 * The bins the chart draws (exported so tests can compare them with a reference); values equal
 * to one of `spikes` are left out (they are drawn as spikes).
 */
export function histogramBins(values: readonly number[], bins: number, domain?: [number, number], spikes: readonly number[] = []): HistogramBin[] {
  let [lo, hi] = domain ?? (d3.extent(values) as [number, number]);
  if (lo === undefined || hi === undefined || !Number.isFinite(lo) || !Number.isFinite(hi)) {
    lo = -1;
    hi = 1;
  }
  if (hi <= lo) {
    const pad = Math.max(Math.abs(lo) * 0.1, 0.5);
    lo -= pad;
    hi += pad;
  }
  const width = (hi - lo) / bins;
  const thresholds = Array.from({ length: bins - 1 }, (_, i) => lo + (i + 1) * width);
  const binner = d3
    .bin<number, number>()
    .domain([lo, hi])
    .thresholds(thresholds);
  return binner(values.filter((v) => Number.isFinite(v) && v >= lo && v <= hi && !spikes.includes(v))).map((b) => ({ x0: b.x0 ?? lo, x1: b.x1 ?? hi, count: b.length }));
}

/** Width of a spike's bar, in SVG units: narrower than a bin, so it reads as one value. */
export const SPIKE_WIDTH = 4;

/** Height of the band above the plot where the markers' labels sit, in SVG units. */
export const MARKER_BAND = 20;

/** How far a label near the plot's edge may be from its marker: a label starts at (or ends at) a marker this close to the edge. */
const EDGE = 24;

/**
 * Where a marker's label is anchored: centred over its dashed line, except near the plot's
 * edges, where it starts (left edge) or ends (right edge) at the line, so it stays over the
 * plot and never runs into the y axis's labels or past the chart.
 */
export function markerLabelAnchor(px: number, left: number, right: number): 'start' | 'middle' | 'end' {
  if (px - left < EDGE) return 'start';
  if (right - px < EDGE) return 'end';
  return 'middle';
}

/** The label's x: at its marker, moved off the axis line by a pixel or two where it starts there. */
export function markerLabelX(px: number, left: number, right: number): number {
  const anchor = markerLabelAnchor(px, left, right);
  return anchor === 'start' ? Math.max(px, left + 2) - 2 : anchor === 'end' ? Math.min(px, right - 2) + 2 : px;
}

export function weightHistogram(element: HTMLElement, values: readonly number[], options: HistogramOptions): (values: readonly number[], options?: Partial<HistogramOptions>) => void {
  let opts: HistogramOptions = { bins: 16, width: 320, height: 150, ...options };
  // The counts as text in the frame's hidden list.
  const { svg, title: titleEl, text: list } = chartFrame(element, 'wh', 'chart weight-histogram', 'ul');
  const bars = svg.append('g').attr('class', 'bars');
  const spikeBars = svg.append('g').attr('class', 'spikes');
  const marks = svg.append('g').attr('class', 'markers');
  const xAxis = svg.append('g').attr('class', 'axis x');
  const yAxis = svg.append('g').attr('class', 'axis y');

  function update(v: readonly number[], patch?: Partial<HistogramOptions>) {
    if (patch) opts = { ...opts, ...patch };
    const w = opts.width ?? 320;
    const h = opts.height ?? 150;
    // The top margin holds the markers' labels, above the bars and clear of the y axis's ticks.
    const m = { top: MARKER_BAND, right: 10, bottom: 24, left: 30 };
    svg.attr('viewBox', `0 0 ${w} ${h}`).attr('width', w).attr('height', h);
    const bins = histogramBins(v, opts.bins ?? 16, opts.domain, opts.spikes);
    const lo = bins[0].x0;
    const hi = bins[bins.length - 1].x1;
    const spikes = histogramSpikes(v, opts.spikes).filter((s) => s.x >= lo && s.x <= hi);
    const x = d3.scaleLinear().domain([lo, hi]).range([m.left, w - m.right]);
    const maxCount = Math.max(d3.max(bins, (b) => b.count) ?? 1, d3.max(spikes, (s) => s.count) ?? 0);
    const y = d3
      .scaleLinear()
      .domain([0, Math.max(1, maxCount)])
      .nice()
      .range([h - m.bottom, m.top]);
    const words = opts.words ?? ENGLISH_WORDS;
    const f3 = d3.format('.3~g');
    titleEl.text(words.summary(opts.title, v.length, f3(d3.min(v) ?? 0), f3(d3.max(v) ?? 0)));
    bars
      .selectAll<SVGRectElement, HistogramBin>('rect')
      .data(bins)
      .join('rect')
      .attr('class', 'bar')
      .attr('x', (b) => x(b.x0) + 0.5)
      .attr('width', (b) => Math.max(0, x(b.x1) - x(b.x0) - 1))
      .attr('y', (b) => y(b.count))
      .attr('height', (b) => y(0) - y(b.count))
      .attr('data-value', (b) => b.count)
      .attr('data-x0', (b) => b.x0)
      .attr('data-x1', (b) => b.x1);
    spikeBars
      .selectAll<SVGRectElement, HistogramSpike>('rect')
      .data(spikes)
      .join('rect')
      .attr('class', 'bar spike')
      .attr('x', (s) => x(s.x) - SPIKE_WIDTH / 2)
      .attr('width', SPIKE_WIDTH)
      .attr('y', (s) => y(s.count))
      .attr('height', (s) => y(0) - y(s.count))
      .attr('data-value', (s) => s.count)
      .attr('data-at', (s) => s.x);
    const markers = (opts.markers ?? []).filter((mk) => mk.x >= lo && mk.x <= hi);
    const mg = marks
      .selectAll<SVGGElement, { x: number; label: string }>('g')
      .data(markers)
      .join((enter) => {
        const g = enter.append('g');
        g.append('line').attr('stroke', 'currentColor').attr('stroke-dasharray', '4 3');
        // A halo in the page's colour keeps a label readable where it meets a line, in either theme.
        g.append('text').attr('fill', 'currentColor').style('font-size', '10px').style('paint-order', 'stroke').style('stroke', 'var(--bg, #fff)').style('stroke-width', '3px').style('stroke-linejoin', 'round');
        return g;
      });
    mg.select('line')
      .attr('x1', (d) => x(d.x))
      .attr('x2', (d) => x(d.x))
      .attr('y1', m.top)
      .attr('y2', h - m.bottom);
    mg.select('text')
      .attr('x', (d) => markerLabelX(x(d.x), m.left, w - m.right))
      .attr('y', m.top - 5)
      .attr('text-anchor', (d) => markerLabelAnchor(x(d.x), m.left, w - m.right))
      .text((d) => d.label);
    xAxis.attr('transform', `translate(0,${h - m.bottom})`).call(d3.axisBottom(x).ticks(5).tickFormat(d3.format('.2~g')));
    yAxis.attr('transform', `translate(${m.left},0)`).call(d3.axisLeft(y).ticks(Math.min(4, maxCount)).tickFormat(d3.format('d')));
    const spikeWords = words.spike ?? ENGLISH_WORDS.spike;
    // The bins from left to right, each spike before the first bin that starts at or after it.
    const items: string[] = [];
    const pending = [...spikes].sort((a, b) => a.x - b.x);
    for (const b of bins) {
      while (pending.length > 0 && pending[0].x <= b.x0) {
        const s = pending.shift() as HistogramSpike;
        items.push(spikeWords(f3(s.x), s.count));
      }
      items.push(words.bin(f3(b.x0), f3(b.x1), b.count));
    }
    for (const s of pending) items.push(spikeWords(f3(s.x), s.count));
    list.selectAll('li').data(items).join('li').text((d) => d);
  }
  update(values);
  return update;
}
