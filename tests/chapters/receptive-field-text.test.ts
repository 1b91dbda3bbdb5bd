/**
 * Chapter 4's receptive-field numbers, in both languages, are the ones the widget's
 * geometry code computes: the worked table of the recurrence r_l = r_{l-1} + (k_l - 1) j_{l-1},
 * j_l = j_{l-1} s_l on LeNet's conv/pool stack (the widget's "LeNet" example), and the
 * answers of the receptive-field exercises.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { layer, PRESETS, stackGeometry } from '../../src/widgets/receptive-field/geometry';

const chapter = (lang: string) => readFileSync(join('chapters', lang, '04-image-convolution.mdx'), 'utf8');

/** The rows of the first Markdown table after the {#rf-stride} heading, as cells. */
function workedTable(src: string): string[][] {
  const section = src.slice(src.indexOf('{#rf-stride}'));
  const lines = section.split('\n');
  const first = lines.findIndex((l) => l.startsWith('|'));
  const rows: string[][] = [];
  for (let i = first; i < lines.length && lines[i].startsWith('|'); i++) rows.push(lines[i].split('|').slice(1, -1).map((c) => c.trim()));
  return rows.slice(2); // header and delimiter row
}

/** The number a cell ends with: "$6 + 4 \cdot 2 = 14$" -> 14; an empty cell -> null. */
const lastNumber = (cell: string) => {
  const m = cell.match(/(\d+)\$?$/);
  return m ? Number(m[1]) : null;
};

const answer = (src: string, id: string) => Number(new RegExp(`<Exercise id="${id}" answer=\\{(\\d+)\\}`).exec(src)?.[1]);

describe.each(['en', 'zh'])('chapter 4 (%s)', (lang) => {
  const src = chapter(lang);

  it('states the recurrence for r and j with r_0 = j_0 = 1', () => {
    expect(src).toContain('r_l = r_{l-1} + (k_l - 1)\\, j_{l-1}');
    expect(src).toContain('j_l = j_{l-1}\\, s_l');
    expect(src).toContain('r_0 = j_0 = 1');
  });

  it('works the recurrence on LeNet’s conv/pool stack with the numbers the widget computes', () => {
    const rows = workedTable(src);
    const { stack, inputSize } = PRESETS.lenet;
    const geo = stackGeometry(inputSize, stack);
    expect(rows).toHaveLength(stack.length + 1);
    expect(rows.map((r) => [lastNumber(r[3]), lastNumber(r[4])])).toEqual([[1, 1], ...geo.layers.map((l) => [l.rf, l.jump])]);
    expect(rows.slice(1).map((r) => [lastNumber(r[1]), lastNumber(r[2])])).toEqual(stack.map((l) => [l.k, l.stride]));
  });

  it('has exercise answers that the geometry agrees with', () => {
    const three3x3 = stackGeometry(16, [layer('conv', 3), layer('conv', 3), layer('conv', 3)]);
    expect(answer(src, 'ch4-ex4')).toBe(three3x3.layers[2].rf);
    const poolThenConv = stackGeometry(16, [layer('max', 2, 2), layer('conv', 3)]);
    expect(answer(src, 'ch4-ex6')).toBe(poolThenConv.layers[1].rf);
  });
});
