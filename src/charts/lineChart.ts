/**
 * A live line chart: one or more series of (x, y) points on shared axes, redrawn by
 * calling the returned update with new data. The SVG has role="img" and an accessible
 * name; a visually hidden table next to it gives each series' latest value as text.
 */
import * as d3 from 'd3';

export interface Series {
  key: string;
  label: string;
  points: { x: number; y: number }[];
  /** CSS colour; defaults to a palette entry. */
  color?: string;
  dashed?: boolean;
}

export interface LineChartOptions {
  /** Accessible name of the chart. */
  title: string;
  xLabel: string;
  yLabel: string;
  width?: number;
  height?: number;
  /** Fixed y domain (e.g. [0, 1] for accuracy); otherwise from the data, starting at 0. */
  yDomain?: [number, number];
  /** Smallest x extent shown (e.g. the planned number of epochs). */
  xMax?: number;
  /** Caption of the text alternative's value column. */
  valueLabel?: string;
  /** Text shown when there are no points yet. */
  emptyText?: string;
  format?: (v: number) => string;
}

const PALETTE = ['var(--accent)', 'var(--bad)', 'var(--ok)', 'var(--muted)'];

export function lineChart(element: HTMLElement, data: Series[], options: LineChartOptions): (data: Series[], options?: Partial<LineChartOptions>) => void {
  let opts = { width: 420, height: 220, ...options };
  const margin = { top: 12, right: 16, bottom: 38, left: 48 };
  const root = d3.select(element);
  root.selectAll('*').remove();
  const titleId = `chart-${Math.random().toString(36).slice(2)}`;
  const svg = root
    .append('svg')
    .attr('id', `${titleId}-svg`)
    .attr('role', 'img')
    .attr('aria-labelledby', titleId)
    .attr('viewBox', `0 0 ${opts.width} ${opts.height}`)
    .attr('class', 'chart line-chart')
    .style('width', '100%')
    .style('max-width', `${opts.width}px`)
    .style('height', 'auto');
  const titleEl = svg.append('title').attr('id', titleId);
  const plot = svg.append('g').attr('transform', `translate(${margin.left},${margin.top})`);
  const gx = plot.append('g').attr('class', 'axis x');
  const gy = plot.append('g').attr('class', 'axis y');
  const xText = svg.append('text').attr('class', 'axis-label').attr('text-anchor', 'middle').attr('fill', 'currentColor').style('font-size', '12px');
  const yText = svg.append('text').attr('class', 'axis-label').attr('text-anchor', 'middle').attr('fill', 'currentColor').style('font-size', '12px');
  const lines = plot.append('g').attr('class', 'lines');
  const legend = svg.append('g').attr('class', 'legend').style('font-size', '12px');
  const empty = plot.append('text').attr('fill', 'currentColor').attr('text-anchor', 'middle').style('font-size', '13px');
  // The latest values as text, tied to the chart by data-text-alternative-for (the book's convention).
  const table = root.append('table').attr('class', 'visually-hidden').attr('data-text-alternative-for', `${titleId}-svg`);
  const caption = table.append('caption');
  const head = table.append('thead').append('tr');
  const body = table.append('tbody');

  function update(series: Series[], patch?: Partial<LineChartOptions>) {
    if (patch) opts = { ...opts, ...patch };
    const w = opts.width - margin.left - margin.right;
    const h = opts.height - margin.top - margin.bottom;
    const all = series.flatMap((s) => s.points);
    const xMax = Math.max(opts.xMax ?? 0, d3.max(all, (p) => p.x) ?? 1, 1e-9);
    const yMax = d3.max(all, (p) => p.y) ?? 1;
    const x = d3.scaleLinear().domain([0, xMax]).range([0, w]);
    const y = d3
      .scaleLinear()
      .domain(opts.yDomain ?? [0, Math.max(yMax * 1.05, 1e-6)])
      .range([h, 0])
      .nice();
    gx.attr('transform', `translate(0,${h})`).call(d3.axisBottom(x).ticks(6));
    gy.call(d3.axisLeft(y).ticks(5));
    xText.attr('x', margin.left + w / 2).attr('y', opts.height - 4).text(opts.xLabel);
    yText.attr('transform', `translate(12,${margin.top + h / 2}) rotate(-90)`).text(opts.yLabel);
    titleEl.text(opts.title);
    empty.attr('x', w / 2).attr('y', h / 2).text(all.length ? '' : (opts.emptyText ?? ''));

    const line = d3
      .line<{ x: number; y: number }>()
      .defined((p) => Number.isFinite(p.y))
      .x((p) => x(p.x))
      .y((p) => y(p.y));
    lines
      .selectAll<SVGPathElement, Series>('path')
      .data(series, (s) => s.key)
      .join('path')
      .attr('fill', 'none')
      .attr('stroke-width', 2)
      .attr('stroke', (s, i) => s.color ?? PALETTE[i % PALETTE.length])
      .attr('stroke-dasharray', (s) => (s.dashed ? '5 3' : null))
      .attr('d', (s) => line(s.points));
    // Epoch-level series are sparse: mark their points.
    lines
      .selectAll<SVGGElement, Series>('g.dots')
      .data(series.filter((s) => s.points.length <= 60), (s) => s.key)
      .join('g')
      .attr('class', 'dots')
      .attr('fill', (s) => s.color ?? PALETTE[series.indexOf(s) % PALETTE.length])
      .selectAll('circle')
      .data((s) => s.points.filter((p) => Number.isFinite(p.y)))
      .join('circle')
      .attr('r', 3)
      .attr('cx', (p) => x(p.x))
      .attr('cy', (p) => y(p.y));

    const items = legend
      .attr('transform', `translate(${margin.left + 8},${margin.top + 4})`)
      .selectAll<SVGGElement, Series>('g')
      .data(series, (s) => s.key)
      .join((enter) => {
        const g = enter.append('g');
        g.append('line').attr('x1', 0).attr('x2', 16).attr('y1', 0).attr('y2', 0).attr('stroke-width', 2);
        g.append('text').attr('x', 20).attr('dy', '0.32em').attr('fill', 'currentColor');
        return g;
      })
      .attr('transform', (_, i) => `translate(${i * 130},0)`);
    items
      .select('line')
      .attr('stroke', (s, i) => s.color ?? PALETTE[i % PALETTE.length])
      .attr('stroke-dasharray', (s) => (s.dashed ? '5 3' : null));
    items.select('text').text((s) => s.label);

    const fmt = opts.format ?? ((v: number) => v.toFixed(4));
    // The caption carries the x range, so the text says what the axis spans even before the first point.
    caption.text(`${opts.title} (${opts.xLabel} 0–${+xMax.toFixed(2)})`);
    const rows = series.map((s) => {
      const last = s.points[s.points.length - 1];
      return { label: s.label, x: last ? String(+last.x.toFixed(2)) : '–', y: last ? fmt(last.y) : '–' };
    });
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
      .data(['', opts.xLabel, opts.valueLabel ?? opts.yLabel])
      .join('th')
      .attr('scope', 'col')
      .text((d) => d);
  }

  update(data);
  return update;
}
