import { describe, expect, it } from 'vitest';
import { search } from '../../src/app/search';
import { buildSearchIndex } from '../../scripts/search-plugin';
import { escapeHeadingIds, remarkHeadingIds } from '../../scripts/mdx-plugins';
import { parseFrontmatter } from '../../scripts/frontmatter';

describe('the search index', () => {
  const entries = buildSearchIndex('chapters');

  it('covers every chapter in both languages', () => {
    const en = new Set(entries.filter((e) => e.lang === 'en').map((e) => e.slug));
    const zh = new Set(entries.filter((e) => e.lang === 'zh').map((e) => e.slug));
    expect(en.size).toBeGreaterThan(0);
    expect([...en].sort()).toEqual([...zh].sort());
  });

  it('ranks a title match above a text match and links to the section anchor', () => {
    const hits = search(entries, 'formula', 'en');
    expect(hits.length).toBeGreaterThan(0);
    expect(hits[0].id).toMatch(/^[\w-]+$/);
    expect(hits[0].score).toBeGreaterThanOrEqual(hits[hits.length - 1].score);
  });

  it('finds Chinese text without tokenising', () => {
    expect(search(entries, '互相关', 'zh').length).toBeGreaterThan(0);
  });

  it('needs every term to match', () => {
    expect(search(entries, 'formula zzzzqqq', 'en')).toEqual([]);
  });
});

describe('chapter heading anchors', () => {
  it('escapes {#id} so MDX does not read it as an expression', () => {
    expect(escapeHeadingIds('## Padding {#padding}\ntext {x}')).toBe('## Padding \\{#padding\\}\ntext {x}');
  });

  it('turns a trailing {#id} into the heading id and slugs the rest, unique per page', () => {
    const tree = {
      type: 'root',
      children: [
        { type: 'heading', depth: 2, children: [{ type: 'text', value: 'Padding {#padding}' }] },
        { type: 'heading', depth: 2, children: [{ type: 'text', value: 'Two Words' }] },
        { type: 'heading', depth: 2, children: [{ type: 'text', value: 'Two Words' }] },
      ],
    };
    remarkHeadingIds()(tree);
    const ids = tree.children.map((h) => (h as { data?: { hProperties?: { id?: string } } }).data?.hProperties?.id);
    expect(ids).toEqual(['padding', 'two-words', 'two-words-1']);
    expect(tree.children[0].children[0].value).toBe('Padding');
  });

  it('reads front matter with numbers and quoted strings', () => {
    expect(parseFrontmatter('---\ntitle: "A: B"\norder: 3\n---\n# x')).toMatchObject({ title: 'A: B', order: 3 });
  });
});
