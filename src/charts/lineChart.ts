/**
 * The book's one line chart: one or more series of (x, y) points on shared axes, on a
 * linear or a logarithmic y axis, redrawn by calling the returned update with new data.
 * The SVG has role="img" and an accessible name; a visually hidden table next to it gives
 * each data series' latest value as text (markers left out), and `describe` can add a
 * summary as the SVG's <desc>.
 */
import * as d3 from 'd3';
import { chartFrame, marksFor } from './frame';
import { setSymbolText } from './notation';

export interface Point {
  x: number;
  y: number;
}

export interface Series {
  key: string;
  label: string;
  points: Point[];
  /** CSS colour; defaults to a palette entry. */
  color?: string;
  dashed?: boolean;
  /**
   * A guide drawn over the data (e.g. a dashed line at the chosen x), not data: drawn and
   * named in the legend like a series, but its points get no dots and the text
   * alternative's table leaves it out, since it has no value of its own (say what it
   * marks, and the data's value there, in `describe`).
   */
  marker?: boolean;
}

/** What a description can say about the first series: how many points, and the first, lowest and last. */
export interface LineSummary {
  count: number;
  first?: Point;
  lowest?: Point;
  last?: Point;
  /** The x axis' range. */
  xDomain: [number, number];
}

export interface LineChartOptions {
  /** Accessible name of the chart. */
  title: string;
  xLabel: string;
  yLabel: string;
  width?: number;
  height?: number;
  /** 'log' for values that fall over orders of magnitude (points at or below 0 are left out). */
  yScale?: 'linear' | 'log';
  /** Fixed y domain (e.g. [0, 1] for accuracy); otherwise from the data (from 0 on a linear axis). */
  yDomain?: [number, number];
  /** Smallest x extent shown (e.g. the planned number of epochs). */
  xMax?: number;
  /** Caption of the text alternative's value column. */
  valueLabel?: string;
  /** Text shown when there are no points yet. */
  emptyText?: string;
  format?: (v: number) => string;
  /** Draw the series' names (default true). */
  legend?: boolean;
  /** Extra class of the SVG (each series' path also has the class `<key>-line`). */
  className?: string;
  /** A summary of the first series for the SVG's <desc>, in the reader's language. */
  describe?: (summary: LineSummary) => string;
}

const PALETTE = ['var(--accent)', 'var(--bad)', 'var(--ok)', 'var(--muted)'];

/** Least distance, in SVG units, between the centres of two labels of a log axis (its labels are 10 units high). */
export const LOG_LABEL_GAP = 13;

/**
 * The y domain of a log axis for data from `lo` to `hi` (finite, above 0): half as much
 * again above, a factor 1.5 below and at least down to the power of ten at or below the
 * lowest value, so that the axis labels the start of every decade the data reach (data
 * down to 0.03 show 0.01 and 0.1).
 */
export function logDomain(lo: number, hi: number): [number, number] {
  return [Math.min(lo / 1.5, 10 ** Math.floor(Math.log10(lo) + 1e-9)), hi * 1.5];
}

/** The multiples m × 10^e (e a multiple of `every`) within [lo, hi], ascending. */
function multiples([lo, hi]: [number, number], ms: readonly number[], every = 1): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    if (e % every !== 0) continue;
    for (const m of ms) {
      // Rounded, so that 3 × 10⁻¹ is 0.3 and labels read as typed.
      const v = +(m * 10 ** e).toPrecision(12);
      if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) out.push(v);
    }
  }
  return out;
}

/**
 * The ticks of a log axis over `domain`, `px` SVG units long. `labels`: the densest of every
 * 1–9 multiple, the 1, 2 and 5 multiples, every power of ten, or every second (third …) power
 * of ten that puts at least two labels at least LOG_LABEL_GAP apart; on a range too short for
 * that, as many round values as fit that far apart (powers of ten, then 5 and 2 multiples, …).
 * `ticks`: those plus unlabelled ones at the other multiples (or powers of ten) where they
 * stay 3 units apart.
 */
export function logTicks(domain: [number, number], px: number): { ticks: number[]; labels: number[] } {
  const [lo, hi] = domain;
  if (!(lo > 0 && hi > lo && Number.isFinite(hi) && px > 0)) return { ticks: [], labels: [] };
  const perDecade = px / Math.log10(hi / lo);
  const gap = (vs: number[]) => Math.min(Infinity, ...vs.slice(1).map((v, i) => perDecade * Math.log10(v / vs[i])));
  const ALL = [1, 2, 3, 4, 5, 6, 7, 8, 9];
  const regular = [ALL, [1, 2, 5], [1]].map((ms) => multiples(domain, ms));
  const minor = perDecade * Math.log10(10 / 9) >= 3 ? regular[0] : perDecade >= 3 ? regular[2] : [];
  let labels = [...regular, multiples(domain, [1], Math.ceil(LOG_LABEL_GAP / perDecade))].find((vs) => vs.length >= 2 && gap(vs) >= LOG_LABEL_GAP);
  if (!labels) {
    // Taken in this order, each where it keeps its distance from those already taken.
    const spaced = (vs: number[]) =>
      vs
        .reduce<number[]>((kept, v) => (kept.every((k) => Math.abs(perDecade * Math.log10(v / k)) >= LOG_LABEL_GAP) ? [...kept, v] : kept), [])
        .sort((a, b) => a - b);
    const rank = (v: number) => {
      const i = [1, 5, 2].indexOf(+(v / 10 ** Math.floor(Math.log10(v) + 1e-9)).toFixed(6));
      return i < 0 ? 3 : i;
    };
    labels = spaced([...regular[0]].sort((a, b) => rank(a) - rank(b)));
    // Less than a decade with hardly a round multiple in it: evenly spaced round values beside it.
    if (labels.length < 2) labels = spaced([...labels, ...d3.ticks(lo, hi, 10).filter((v) => v >= lo && v <= hi)]);
  }
  return { ticks: [...new Set([...labels, ...minor])].sort((a, b) => a - b), labels };
}

/** On a log axis only values above zero can be placed: the others are left out. */
function drawable(points: Point[], log: boolean): Point[] {
  return log ? points.filter((p) => Number.isFinite(p.x) && p.y > 0) : points;
}

/** The rows of the text alternative's table: each data series (not the markers) with its latest point. */
export function tableRows(series: Series[], fmt: (v: number) => string): { label: string; x: string; y: string }[] {
  return series
    .filter((s) => !s.marker)
    .map((s) => {
      const last = s.points[s.points.length - 1];
      return { label: s.label, x: last ? String(+last.x.toFixed(2)) : '–', y: last ? fmt(last.y) : '–' };
    });
}

export function lineChart(element: HTMLElement, data: Series[], options: LineChartOptions): (data: Series[], options?: Partial<LineChartOptions>) => void {
  let opts = { width: 420, height: 220, yScale: 'linear' as const, legend: true, ...options };
  const log = () => opts.yScale === 'log';
  const margin = () => ({ top: 12, right: 16, bottom: 38, left: log() ? 58 : 48 });
  const { svg, title: titleEl, id, text: table } = chartFrame(element, 'chart', `chart line-chart${opts.className ? ` ${opts.className}` : ''}`, 'table');
  svg.style('width', '100%').style('height', 'auto');
  const desc = svg.append('desc').attr('id', `${id}-desc`);
  const plot = svg.append('g');
  const gx = plot.append('g').attr('class', 'axis x');
  const gy = plot.append('g').attr('class', 'axis y');
  const xText = svg.append('text').attr('class', 'axis-label').attr('text-anchor', 'middle').attr('fill', 'currentColor').style('font-size', '12px');
  const yText = svg.append('text').attr('class', 'axis-label').attr('text-anchor', 'middle').attr('fill', 'currentColor').style('font-size', '12px');
  const lines = plot.append('g').attr('class', 'lines');
  const legend = svg.append('g').attr('class', 'legend').style('font-size', '12px');
  const empty = plot.append('text').attr('fill', 'currentColor').attr('text-anchor', 'middle').style('font-size', '13px');
  const caption = table.append('caption');
  const head = table.append('thead').append('tr');
  // The corner above the series' names is an empty data cell, not an unnamed header.
  head.append('td');
  const body = table.append('tbody');

  function update(input: Series[], patch?: Partial<LineChartOptions>) {
    if (patch) opts = { ...opts, ...patch };
    const m = margin();
    const series = input.map((s) => ({ ...s, points: drawable(s.points, log()) }));
    const colour = (s: Series, i: number) => s.color ?? PALETTE[i % PALETTE.length];
    svg.attr('viewBox', `0 0 ${opts.width} ${opts.height}`).style('max-width', `${opts.width}px`);
    plot.attr('transform', `translate(${m.left},${m.top})`);
    const w = opts.width - m.left - m.right;
    const h = opts.height - m.top - m.bottom;
    const all = series.flatMap((s) => s.points);
    const xMax = Math.max(opts.xMax ?? 0, d3.max(all, (p) => p.x) ?? 1, 1e-9);
    const x = d3.scaleLinear().domain([0, xMax]).range([0, w]);
    // A diverged loss (∞) is a gap in its line, not a height the axis must reach.
    const lo = d3.min(all, (p) => (Number.isFinite(p.y) ? p.y : undefined));
    const hi = d3.max(all, (p) => (Number.isFinite(p.y) ? p.y : undefined));
    const y = log()
      ? d3
          .scaleLog()
          .domain(opts.yDomain ?? (lo !== undefined && hi !== undefined ? logDomain(lo, hi) : [1e-3, 1]))
          .range([h, 0])
          .clamp(true)
      : d3
          .scaleLinear()
          .domain(opts.yDomain ?? [0, Math.max((hi ?? 1) * 1.05, 1e-6)])
          .range([h, 0])
          .nice();
    gx.attr('transform', `translate(0,${h})`).call(d3.axisBottom(x).ticks(6));
    if (log()) {
      const { ticks, labels } = logTicks(y.domain() as [number, number], h);
      const labelled = new Set(labels);
      const f = d3.format('~g');
      gy.call(
        d3
          .axisLeft(y)
          .tickValues(ticks)
          .tickFormat((v) => (labelled.has(+v) ? f(+v) : '')),
      );
    } else gy.call(d3.axisLeft(y).ticks(5));
    setSymbolText(xText.attr('x', m.left + w / 2).attr('y', opts.height - 4).node()!, opts.xLabel);
    setSymbolText(yText.attr('transform', `translate(12,${m.top + h / 2}) rotate(-90)`).node()!, opts.yLabel);
    titleEl.text(opts.title);
    empty.attr('x', w / 2).attr('y', h / 2).text(all.length ? '' : (opts.emptyText ?? ''));

    // A non-finite value (a diverged loss) leaves a gap.
    const line = d3
      .line<Point>()
      .defined((p) => Number.isFinite(p.y))
      .x((p) => x(p.x))
      .y((p) => y(p.y));
    lines
      .selectAll<SVGPathElement, Series>('path')
      .data(series, (s) => s.key)
      .join('path')
      .attr('class', (s) => `line ${s.key}-line`)
      .attr('fill', 'none')
      .attr('stroke-width', 2)
      .attr('stroke', colour)
      .attr('stroke-dasharray', (s) => (s.dashed ? '5 3' : null))
      .attr('d', (s) => (s.points.length ? line(s.points) : null));
    // Sparse series (epochs, not steps): mark their points.
    lines
      .selectAll<SVGGElement, Series>('g.dots')
      .data(series.filter((s) => !s.marker && s.points.length <= 60), (s) => s.key)
      .join('g')
      .attr('class', (s) => `dots ${s.key}-dots`)
      .attr('fill', (s) => colour(s, series.indexOf(s)))
      .selectAll('circle')
      .data((s) => s.points.filter((p) => Number.isFinite(p.y)))
      .join('circle')
      .attr('r', 3)
      .attr('cx', (p) => x(p.x))
      .attr('cy', (p) => y(p.y));

    const items = legend
      .attr('transform', `translate(${m.left + 8},${m.top + 4})`)
      .selectAll<SVGGElement, Series>('g')
      .data(opts.legend ? series : [], (s) => s.key)
      .join((enter) => {
        const g = enter.append('g');
        g.append('line').attr('x1', 0).attr('x2', 16).attr('y1', 0).attr('y2', 0).attr('stroke-width', 2);
        g.append('text').attr('x', 20).attr('dy', '0.32em').attr('fill', 'currentColor');
        return g;
      })
      .attr('transform', (_, i) => `translate(${i * 130},0)`);
    items
      .select('line')
      .attr('stroke', colour)
      .attr('stroke-dasharray', (s) => (s.dashed ? '5 3' : null));
    items.select<SVGTextElement>('text').each(function (s) {
      setSymbolText(this, s.label);
    });

    if (opts.describe) {
      const first = (series[0]?.points ?? []).filter((p) => Number.isFinite(p.y));
      const summary: LineSummary = {
        count: first.length,
        first: first[0],
        lowest: first.reduce<Point | undefined>((a, p) => (a && a.y <= p.y ? a : p), undefined),
        last: first[first.length - 1],
        xDomain: x.domain() as [number, number],
      };
      desc.text(opts.describe(summary));
      svg.attr('aria-describedby', `${id}-desc`);
    } else {
      desc.text('');
      svg.attr('aria-describedby', null);
    }

    const fmt = opts.format ?? ((v: number) => v.toFixed(4));
    // The caption carries the x range, so the text says what the axis spans even before the first point.
    caption.text(`${opts.title}${marksFor(element).aside(`${opts.xLabel} 0–${+xMax.toFixed(2)}`)}`);
    const rows = tableRows(series, fmt);
    body
      .selectAll('tr')
      .data(rows)
      .join((enter) => {
        const tr = enter.append('tr');
        tr.append('th').attr('scope', 'row');
        tr.append('td');
        tr.append('td');
        return tr;
      })
      .call((tr) => {
        tr.select('th').text((r) => r.label);
        tr.select('td:nth-of-type(1)').text((r) => r.x);
        tr.select('td:nth-of-type(2)').text((r) => r.y);
      });
    head
      .selectAll('th')
      .data([opts.xLabel, opts.valueLabel ?? opts.yLabel])
      .join('th')
      .attr('scope', 'col')
      .text((d) => d);
  }

  update(data);
  return update;
}
