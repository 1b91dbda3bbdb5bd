/**
 * No stray spaces between Chinese characters on the page.
 *
 * A line break inside a Markdown paragraph is a soft break: the page renders it as a
 * space, which between two CJK characters shows as a gap in the middle of a sentence
 * (Chinese has no spaces between words). A Chinese paragraph must therefore keep each
 * sentence on one source line, and must not have a literal space between two CJK
 * characters either.
 *
 * The chapters are parsed with the same MDX parser and syntax extensions the build uses
 * (front matter, GFM, math), so code blocks, math, JSX and inline code are exactly what
 * the page treats as such. The text a reader sees of each paragraph, heading and table
 * cell is rebuilt from its inline nodes (emphasis and links included) and searched for
 * whitespace between two CJK characters.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createProcessor } from '@mdx-js/mdx';
import remarkFrontmatter from 'remark-frontmatter';
import remarkGfm from 'remark-gfm';
import remarkMath from 'remark-math';
import { escapeHeadingIds } from '../../scripts/mdx-plugins';

/** CJK ideographs, CJK and full-width punctuation, and the dash, ellipsis and quotes Chinese text uses. */
const CJK = '\\u2014\\u2026\\u201c\\u201d\\u2018\\u2019\\u3000-\\u303f\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff\\uff00-\\uffef';
const GAP = new RegExp(`[${CJK}][ \\t\\r\\n]+[${CJK}]`, 'gu');

interface Node {
  type: string;
  value?: string;
  children?: Node[];
  position?: { start: { line: number } };
}

const parser = createProcessor({ remarkPlugins: [remarkFrontmatter, remarkGfm, remarkMath] });

/** What the page shows of an inline subtree; code and math stand in as one Latin letter. */
function shown(node: Node): string {
  switch (node.type) {
    case 'text':
      return node.value ?? '';
    case 'inlineCode':
    case 'inlineMath':
    case 'mdxTextExpression':
      return 'x';
    case 'break': // a hard break is a <br>, not a space
      return '';
    default:
      return (node.children ?? []).map(shown).join('');
  }
}

/** The MDX tree; heading anchors escaped line by line, so that positions stay those of the source. */
const parse = (source: string) => parser.parse(source.split('\n').map(escapeHeadingIds).join('\n')) as Node;

const BLOCKS_WITH_TEXT = new Set(['paragraph', 'heading', 'tableCell']);

/** Every place in an MDX source where the rendered text has whitespace between two CJK characters. */
export function strayCjkSpaces(source: string): { line: number; excerpt: string }[] {
  const found: { line: number; excerpt: string }[] = [];
  const visit = (node: Node) => {
    if (BLOCKS_WITH_TEXT.has(node.type)) {
      const text = shown(node);
      for (const m of text.matchAll(GAP)) {
        const at = m.index ?? 0;
        // The line of the gap itself: the block's first line plus the line breaks before it.
        const line = (node.position?.start.line ?? 0) + (text.slice(0, at + 1).match(/\n/g)?.length ?? 0);
        found.push({ line, excerpt: text.slice(Math.max(0, at - 10), at + m[0].length + 10) });
      }
      return;
    }
    node.children?.forEach(visit);
  };
  visit(parse(source));
  return found;
}

/** The text of every paragraph, heading or table cell that shows a literal asterisk. */
export function unclosedEmphasis(source: string): string[] {
  const found: string[] = [];
  const visit = (node: Node) => {
    if (BLOCKS_WITH_TEXT.has(node.type)) {
      const text = shown(node);
      if (text.includes('*')) found.push(`line ${node.position?.start.line}: ${text.slice(0, 60)}`);
      return;
    }
    node.children?.forEach(visit);
  };
  visit(parse(source));
  return found;
}

describe('the detector', () => {
  it('finds a sentence wrapped between two CJK characters, through emphasis, and a literal space', () => {
    expect(strayCjkSpaces('这是一本关于卷积神经网络的书。每个概念都配有\n可以动手操作的东西。\n').map((f) => f.line)).toEqual([1]);
    expect(strayCjkSpaces('设置为：\n**学习率 0.05**。\n')).toHaveLength(1);
    expect(strayCjkSpaces('卷积 核\n')).toHaveLength(1);
    expect(strayCjkSpaces('第一段。\n\n第二段。\n')).toEqual([]);
  });

  it('sees bold that CommonMark leaves open before a CJK character', () => {
    expect(unclosedEmphasis('1. **计算。**它的输出。\n')).toHaveLength(1);
    expect(unclosedEmphasis('1. **计算**。它的输出。\n')).toEqual([]);
  });

  it('leaves spaces beside Latin words, math, code, code blocks and display math alone', () => {
    const ok = [
      '输入 $\\mathbf{X}$ 与大小为\n$k_h \\times k_w$ 的卷积核。',
      '使用 `nn.Conv2d` 和 LeNet 训练。',
      '```ts\n// 中文 注释\n```',
      '$$\n\\text{若} \\quad \\text{则}\n$$',
    ];
    for (const s of ok) expect(strayCjkSpaces(s), s).toEqual([]);
  });
});

const dir = join('chapters', 'zh');
describe.each(readdirSync(dir).filter((f) => f.endsWith('.mdx')))('chapters/zh/%s', (file) => {
  it('has no whitespace between two CJK characters in the text the page shows', () => {
    const found = strayCjkSpaces(readFileSync(join(dir, file), 'utf8'));
    expect(found.map((f) => `line ${f.line}: …${f.excerpt.replace(/\n/g, '⏎')}…`)).toEqual([]);
  });

  it('closes every emphasis (no literal asterisks on the page)', () => {
    // CommonMark does not close `**` between CJK punctuation and a CJK character
    // (`**计算。**它的`): the bold falls apart into asterisks. Write `**计算**。它的`.
    expect(unclosedEmphasis(readFileSync(join(dir, file), 'utf8'))).toEqual([]);
  });
});
