/**
 * A loss curve: (element, data, options) -> update. Imports only d3; no React, no stores.
 * Colours come from the page's CSS variables, so the chart follows the theme.
 */
import { axisBottom, axisLeft, extent, line, max, min, scaleLinear, scaleLog, select } from 'd3';

export interface LossPoint {
  /** x: the step, epoch or iteration. */
  step: number;
  loss: number;
}

export interface LossChartOptions {
  /** Accessible name of the chart. */
  label: string;
  xLabel: string;
  yLabel: string;
  /** Logarithmic loss axis (default true: losses fall over orders of magnitude). */
  log?: boolean;
  /** Fixed x range, e.g. [0, epochs], so the axis does not jump while training. */
  xDomain?: [number, number];
  width?: number;
  height?: number;
  /** The text alternative (the SVG's <desc>) from the curve's summary; English by default. */
  describe?: (summary: LossSummary) => string;
}

/** What the text alternative says: how many points, and the first, lowest and last of them. */
export interface LossSummary {
  count: number;
  first?: LossPoint;
  lowest?: LossPoint;
  last?: LossPoint;
  /** The x axis' range. */
  xDomain: [number, number];
}

function describeEnglish(s: LossSummary, o: { xLabel: string; yLabel: string }): string {
  const at = (p: LossPoint) => `${o.xLabel} ${+p.step.toFixed(3)}: ${p.loss.toPrecision(3)}`;
  if (!s.first || !s.lowest || !s.last) return `No points yet; the ${o.xLabel} axis runs from ${s.xDomain[0]} to ${s.xDomain[1]}.`;
  return `${s.count} points of ${o.yLabel}. First, ${at(s.first)}; lowest, ${at(s.lowest)}; last, ${at(s.last)}.`;
}

const MARGIN = { top: 10, right: 14, bottom: 38, left: 58 };

/** Draws a loss chart into `element` and returns a function that redraws it with new data. */
export function lossChart(element: HTMLElement, data: readonly LossPoint[], options: LossChartOptions): (data: readonly LossPoint[], options?: Partial<LossChartOptions>) => void {
  let opts = { log: true, width: 420, height: 220, ...options };
  const root = select(element);
  root.selectAll('svg.loss-chart').remove();
  const id = `loss-${Math.random().toString(36).slice(2)}`;
  // Named by its <title>; its <desc> gives the numbers (point count, first, lowest and last loss).
  const svg = root
    .append('svg')
    .attr('class', 'loss-chart')
    .attr('role', 'img')
    .attr('preserveAspectRatio', 'xMidYMid meet')
    .attr('aria-labelledby', `${id}-title`)
    .attr('aria-describedby', `${id}-desc`);
  const title = svg.append('title').attr('id', `${id}-title`);
  const desc = svg.append('desc').attr('id', `${id}-desc`);
  const plot = svg.append('g');
  const gx = plot.append('g').attr('class', 'axis axis-x');
  const gy = plot.append('g').attr('class', 'axis axis-y');
  const xTitle = plot.append('text').attr('class', 'axis-title').attr('text-anchor', 'middle');
  const yTitle = plot.append('text').attr('class', 'axis-title').attr('text-anchor', 'middle');
  const path = plot.append('path').attr('class', 'loss-line').attr('fill', 'none');
  const dots = plot.append('g').attr('class', 'loss-dots');

  function draw(points: readonly LossPoint[]) {
    const { width, height } = opts;
    const w = width - MARGIN.left - MARGIN.right;
    const h = height - MARGIN.top - MARGIN.bottom;
    svg.attr('viewBox', `0 0 ${width} ${height}`);
    title.text(opts.label);
    plot.attr('transform', `translate(${MARGIN.left},${MARGIN.top})`);
    // Non-finite or (on a log axis) non-positive losses cannot be drawn: skip them.
    const good = points.filter((p) => Number.isFinite(p.step) && Number.isFinite(p.loss) && (!opts.log || p.loss > 0));
    const [x0, x1] = opts.xDomain ?? (extent(good, (p) => p.step) as [number | undefined, number | undefined]);
    const x = scaleLinear()
      .domain([x0 ?? 0, Math.max((x1 ?? 1) as number, (x0 ?? 0) + 1)])
      .range([0, w]);
    const lo = min(good, (p) => p.loss);
    const hi = max(good, (p) => p.loss);
    const y = opts.log
      ? scaleLog()
          .domain([lo !== undefined ? lo / 1.5 : 1e-3, hi !== undefined ? hi * 1.5 : 1])
          .range([h, 0])
          .clamp(true)
      : scaleLinear()
          .domain([Math.min(0, lo ?? 0), hi !== undefined && hi > 0 ? hi * 1.1 : 1])
          .range([h, 0]);
    gx.attr('transform', `translate(0,${h})`).call(axisBottom(x).ticks(Math.min(8, Math.max(2, Math.round(w / 60)))));
    gy.call(opts.log ? axisLeft(y).ticks(4, '~g') : axisLeft(y).ticks(5));
    xTitle.attr('x', w / 2).attr('y', h + 32).text(opts.xLabel);
    yTitle.attr('transform', `translate(${-44},${h / 2}) rotate(-90)`).text(opts.yLabel);
    const mk = line<LossPoint>()
      .x((p) => x(p.step))
      .y((p) => y(p.loss));
    path.attr('d', good.length ? mk(good as LossPoint[]) : null);
    dots
      .selectAll('circle')
      .data(good.length <= 60 ? good : [])
      .join('circle')
      .attr('r', 2.5)
      .attr('cx', (p) => x(p.step))
      .attr('cy', (p) => y(p.loss));
    const summary: LossSummary = {
      count: good.length,
      first: good[0],
      lowest: good.reduce<LossPoint | undefined>((a, p) => (a && a.loss <= p.loss ? a : p), undefined),
      last: good[good.length - 1],
      xDomain: x.domain() as [number, number],
    };
    desc.text(opts.describe ? opts.describe(summary) : describeEnglish(summary, opts));
  }

  draw(data);
  return (next, more) => {
    if (more) opts = { ...opts, ...more };
    draw(next);
  };
}
