/**
 * What every chart starts from: the element emptied, an SVG with role="img" named by its
 * <title>, and a visually hidden element after it that holds the chart's numbers as text,
 * tied to the SVG by data-text-alternative-for (the book's convention).
 */
import * as d3 from 'd3';

/** `prefix` starts the title's id (the SVG's is the same with '-svg'); `textTag` is the text alternative's element. */
export function chartFrame<K extends 'table' | 'ul'>(element: HTMLElement, prefix: string, className: string, textTag: K) {
  const root = d3.select(element);
  root.selectAll('*').remove();
  const id = `${prefix}-${Math.random().toString(36).slice(2)}`;
  const svg = root.append('svg').attr('id', `${id}-svg`).attr('role', 'img').attr('aria-labelledby', id).attr('class', className);
  const title = svg.append('title').attr('id', id);
  const text = root.append(textTag).attr('class', 'visually-hidden').attr('data-text-alternative-for', `${id}-svg`);
  return { root, svg, title, id, text };
}

/** The punctuation a chart's generated text uses, in the language of the page around it. */
export interface Marks {
  /** Between a name and its value: ': ' in English, full-width '：' in Chinese. */
  colon: string;
  /** `s` in parentheses after what precedes it: ' (s)' in English, '（s）' in Chinese. */
  aside(s: string): string;
}

const ENGLISH_MARKS: Marks = { colon: ': ', aside: (s) => ` (${s})` };
const CHINESE_MARKS: Marks = { colon: '：', aside: (s) => `（${s}）` };

/** The marks for the text of a chart drawn in `element`, from the nearest `lang` attribute around it. */
export function marksFor(element: Element): Marks {
  return /^zh\b/i.test(element.closest('[lang]')?.getAttribute('lang') ?? '') ? CHINESE_MARKS : ENGLISH_MARKS;
}
