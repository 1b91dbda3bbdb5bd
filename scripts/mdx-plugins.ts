/**
 * Build-time helpers for the MDX chapters.
 *
 * Headings carry explicit, language-independent anchors: `## Padding {#padding}`.
 * Plain MDX would read `{#padding}` as a JavaScript expression, so `escapeHeadingIds`
 * escapes it before MDX parses the file, and `remarkHeadingIds` turns the trailing
 * `{#id}` text into the heading's id. Headings without one get a slug of their text.
 */
import type { Plugin } from 'vite';

const HEADING_ID = /^(#{1,6}\s.*?)\s*(?<!\\)\{#([A-Za-z0-9_-]+)(?<!\\)\}\s*$/gm;

export function escapeHeadingIds(source: string): string {
  return source.replace(HEADING_ID, (_m, head: string, id: string) => `${head} \\{#${id}\\}`);
}

export function headingIdsPreprocess(): Plugin {
  return {
    name: 'mdx-heading-ids',
    enforce: 'pre',
    transform(code, id) {
      if (!id.endsWith('.mdx')) return null;
      return { code: escapeHeadingIds(code), map: null };
    },
  };
}

interface MdNode {
  type: string;
  depth?: number;
  value?: string;
  children?: MdNode[];
  data?: { hProperties?: Record<string, unknown> };
}

function textOf(node: MdNode): string {
  if (node.type === 'text' || node.type === 'inlineCode' || node.type === 'inlineMath') return node.value ?? '';
  return (node.children ?? []).map(textOf).join('');
}

export function slugify(text: string): string {
  const s = text
    .toLowerCase()
    .trim()
    .replace(/[^\p{L}\p{N}\s-]/gu, '')
    .replace(/\s+/g, '-');
  return s || 'section';
}

export function remarkHeadingIds() {
  return (tree: MdNode) => {
    const seen = new Map<string, number>();
    const visit = (node: MdNode) => {
      if (node.type === 'heading') {
        let id: string | undefined;
        const last = node.children?.[node.children.length - 1];
        if (last && last.type === 'text' && last.value) {
          const m = /\s*\{#([A-Za-z0-9_-]+)\}\s*$/.exec(last.value);
          if (m) {
            id = m[1];
            last.value = last.value.slice(0, m.index);
          }
        }
        id ??= slugify(textOf(node));
        const n = seen.get(id) ?? 0;
        seen.set(id, n + 1);
        if (n > 0) id = `${id}-${n}`;
        node.data = { ...node.data, hProperties: { ...node.data?.hProperties, id } };
      }
      node.children?.forEach(visit);
    };
    visit(tree);
  };
}
