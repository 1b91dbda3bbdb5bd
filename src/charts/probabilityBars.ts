/**
 * Horizontal bars of class probabilities, the top class highlighted. role="img" with an
 * accessible name, plus a visually hidden list of every probability as text.
 */
import * as d3 from 'd3';
import { chartFrame, marksFor } from './frame';

export interface ProbabilityOptions {
  title: string;
  labels: readonly string[];
  width?: number;
}

export function probabilityBars(element: HTMLElement, probs: ArrayLike<number>, options: ProbabilityOptions): (probs: ArrayLike<number>, options?: Partial<ProbabilityOptions>) => void {
  let opts = { width: 360, ...options };
  // The numbers as text in the frame's hidden list.
  const { svg, title: titleEl, text: list } = chartFrame(element, 'pb', 'chart probability-bars', 'ul');
  // A block, so that the box holds exactly the drawing (no line gap under an inline svg).
  svg.style('display', 'block').style('width', '100%').style('height', 'auto');
  const g = svg.append('g');

  function update(p: ArrayLike<number>, patch?: Partial<ProbabilityOptions>) {
    if (patch) opts = { ...opts, ...patch };
    const values = Array.from(p);
    const row = 20;
    const left = 96;
    const right = 52;
    const height = row * opts.labels.length + 4;
    svg.attr('viewBox', `0 0 ${opts.width} ${height}`).style('max-width', `${opts.width}px`);
    const best = values.length ? values.indexOf(Math.max(...values)) : -1;
    const { colon } = marksFor(element);
    titleEl.text(best >= 0 ? `${opts.title}${colon}${opts.labels[best]} ${(values[best] * 100).toFixed(1)}%` : opts.title);
    const x = d3.scaleLinear().domain([0, 1]).range([0, opts.width - left - right]);
    const data = opts.labels.map((label, i) => ({ label, v: values[i] ?? 0, i }));
    g.selectAll<SVGGElement, (typeof data)[number]>('g.bar')
      .data(data)
      .join((enter) => {
        const b = enter.append('g').attr('class', 'bar');
        b.append('text').attr('class', 'name').attr('text-anchor', 'end').attr('dy', '0.35em').attr('fill', 'currentColor').style('font-size', '12px');
        b.append('rect').attr('height', row - 6);
        b.append('text').attr('class', 'value').attr('dy', '0.35em').attr('fill', 'currentColor').style('font-size', '12px');
        return b;
      })
      .attr('transform', (d) => `translate(0,${d.i * row + 2})`)
      .call((b) => {
        b.select('text.name').attr('x', left - 6).attr('y', (row - 6) / 2).text((d) => d.label).style('font-weight', (d) => (d.i === best ? '700' : null));
        b.select('rect')
          .attr('x', left)
          .attr('width', (d) => Math.max(0, x(d.v)))
          .attr('fill', (d) => (d.i === best ? 'var(--accent)' : 'var(--border)'));
        b.select('text.value')
          .attr('x', (d) => left + x(d.v) + 4)
          .attr('y', (row - 6) / 2)
          .text((d) => `${(d.v * 100).toFixed(1)}%`);
      });
    list
      .selectAll('li')
      .data(data)
      .join('li')
      .text((d) => `${d.label}${colon}${(d.v * 100).toFixed(1)}%`);
  }

  update(probs);
  return update;
}
