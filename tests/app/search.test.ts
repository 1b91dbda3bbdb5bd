import { describe, expect, it } from 'vitest';
import { search } from '../../src/app/search';
import { buildSearchIndex, plain, stripTags } from '../../scripts/search-plugin';
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

  it('holds the prose readers see and none of the source behind it: hidden checks, props, TeX commands', () => {
    const text = entries.map((e) => e.text).join('\n');
    expect(text).toContain('Modern versions of LeNet replace the sigmoid with ReLU');
    expect(text).toContain('⌈ p h / 2 ⌉');
    for (const source of ['throw new Error', 'randOf', 'countOf', 'check=', 'starter=', 'answer=', 'tolerance=', '=>']) expect(text, source).not.toContain(source);
    expect(text).not.toMatch(/\b(lfloor|rfloor|operatorname|mathbf|frac|Delta|bmatrix)\b/);
    expect(text).toContain('whenever ∣a∣ > Δ or ∣b∣ > Δ');
    expect(search(entries, 'randOf', 'en')).toEqual([]);
  });

  it('drops a tag whole when its attributes hold quotes, braces and arrows, and keeps a < that opens none', () => {
    expect(stripTags('a <X check={"if (a => b) throw new Error(\\"x>y\\")"} n={1}>kept</X> b').replace(/\s+/g, ' ')).toBe('a kept b');
    expect(stripTags("<Y s='>' t={{ a: '}' }} />z").trim()).toBe('z');
    expect(plain('$i<j$ and $k > 2$')).toBe('i<j and k > 2');
    expect(plain('a $224 \\times 224$ input, $\\lfloor n/2 \\rfloor$')).toBe('a 224 × 224 input, ⌊ n/2 ⌋');
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
