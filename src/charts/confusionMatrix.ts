/**
 * A confusion matrix as a heat map: rows are true classes, columns predicted classes.
 * The SVG has role="img" with an accessible name; a visually hidden table holds every
 * count as text.
 */
import * as d3 from 'd3';
import { chartFrame, marksFor } from './frame';

export interface ConfusionOptions {
  title: string;
  labels: readonly string[];
  trueLabel: string;
  predLabel: string;
  size?: number;
}

export function confusionMatrix(element: HTMLElement, matrix: number[][], options: ConfusionOptions): (matrix: number[][], options?: Partial<ConfusionOptions>) => void {
  let opts = { size: 420, ...options };
  const margin = { top: 20, right: 10, bottom: 10, left: 96 };
  // Every count as text in the frame's hidden table.
  const { svg, title: titleEl, text: table } = chartFrame(element, 'cm', 'chart confusion-matrix', 'table');
  svg.style('width', '100%').style('height', 'auto');
  const g = svg.append('g');

  function update(m: number[][], patch?: Partial<ConfusionOptions>) {
    if (patch) opts = { ...opts, ...patch };
    const n = opts.labels.length;
    const cell = Math.floor((opts.size - margin.left - margin.right) / n);
    const top = margin.top + 70;
    const width = margin.left + cell * n + margin.right;
    const height = top + cell * n + margin.bottom;
    svg.attr('viewBox', `0 0 ${width} ${height}`).style('max-width', `${width}px`);
    titleEl.text(opts.title);
    const max = d3.max(m.flat()) ?? 1;
    const color = d3.scaleSequential(d3.interpolateBlues).domain([0, Math.max(1, max)]);
    g.attr('transform', `translate(${margin.left},${top})`);
    const cells = m.flatMap((row, i) => row.map((v, j) => ({ i, j, v })));
    g.selectAll<SVGGElement, (typeof cells)[number]>('g.cell')
      .data(cells)
      .join((enter) => {
        const c = enter.append('g').attr('class', 'cell');
        c.append('rect');
        c.append('text').attr('text-anchor', 'middle').attr('dy', '0.35em').style('font-size', '10px');
        return c;
      })
      .attr('transform', (d) => `translate(${d.j * cell},${d.i * cell})`)
      .call((c) => {
        c.select('rect')
          .attr('width', cell - 1)
          .attr('height', cell - 1)
          .attr('fill', (d) => color(d.v))
          .attr('stroke', (d) => (d.i === d.j ? 'currentColor' : 'none'));
        c.select('text')
          .attr('x', cell / 2)
          .attr('y', cell / 2)
          .attr('fill', (d) => (d.v > max * 0.55 ? '#fff' : '#111'))
          .text((d) => (d.v ? String(d.v) : ''));
      });
    g.selectAll<SVGTextElement, string>('text.row')
      .data(opts.labels)
      .join('text')
      .attr('class', 'row')
      .attr('x', -6)
      .attr('y', (_, i) => i * cell + cell / 2)
      .attr('dy', '0.35em')
      .attr('text-anchor', 'end')
      .attr('fill', 'currentColor')
      .style('font-size', '11px')
      .text((d) => d);
    g.selectAll<SVGTextElement, string>('text.col')
      .data(opts.labels)
      .join('text')
      .attr('class', 'col')
      .attr('transform', (_, j) => `translate(${j * cell + cell / 2},-6) rotate(-50)`)
      .attr('fill', 'currentColor')
      .style('font-size', '11px')
      .text((d) => d);
    svg
      .selectAll<SVGTextElement, string>('text.axis-title')
      .data([`${opts.trueLabel} ↓  ${opts.predLabel} →`])
      .join('text')
      .attr('class', 'axis-title')
      .attr('x', 4)
      .attr('y', 14)
      .attr('fill', 'currentColor')
      .style('font-size', '12px')
      .text((d) => d);

    table.selectAll('*').remove();
    table.append('caption').text(`${opts.title}${marksFor(element).aside(`${opts.trueLabel} × ${opts.predLabel}`)}`);
    const hr = table.append('thead').append('tr');
    hr.append('th').attr('scope', 'col').text(opts.trueLabel);
    opts.labels.forEach((l) => hr.append('th').attr('scope', 'col').text(l));
    const tb = table.append('tbody');
    m.forEach((row, i) => {
      const tr = tb.append('tr');
      tr.append('th').attr('scope', 'row').text(opts.labels[i]);
      row.forEach((v) => tr.append('td').text(String(v)));
    });
  }

  update(matrix);
  return update;
}
