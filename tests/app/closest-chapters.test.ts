import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { closestChapters } from '../../src/app/closest';
import { parseFrontmatter } from '../../scripts/frontmatter';

// The book's chapters as the app lists them: slug from the file name, title from the front matter.
function chapters(lang: 'en' | 'zh') {
  const dir = join('chapters', lang);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.mdx'))
    .map((f) => {
      const meta = parseFrontmatter(readFileSync(join(dir, f), 'utf8'));
      return { slug: f.replace(/^\d+-/, '').replace(/\.mdx$/, ''), title: meta.title, order: meta.order };
    });
}
const en = chapters('en');
const zh = chapters('zh');
const slugs = (cs: readonly { slug: string }[]) => cs.map((c) => c.slug);

describe('closestChapters', () => {
  it('takes a file name, a title or another spelling of a slug as that chapter', () => {
    expect(closestChapters('13-resnet', en).exact?.slug).toBe('resnet');
    expect(closestChapters('ResNet', en).exact?.slug).toBe('resnet');
    expect(closestChapters('batch_norm', en).exact?.slug).toBe('batch-norm');
    expect(closestChapters('Pooling', en).exact?.slug).toBe('pooling');
    expect(closestChapters('汇聚层', zh).exact?.slug).toBe('pooling');
  });

  it('offers near misses for a typo or part of a name, and nothing exact', () => {
    const typo = closestChapters('alexnte', en);
    expect(typo.exact).toBeUndefined();
    expect(slugs(typo.near)[0]).toBe('alexnet');
    const part = closestChapters('batch', en);
    expect(part.exact).toBeUndefined();
    expect(slugs(part.near)).toContain('batch-norm');
    expect(part.near.length).toBeLessThanOrEqual(3);
  });

  it('matches a name inside the query only when the name is four letters or more', () => {
    const pages = [...en, { slug: 'train', title: 'Train the model zoo', order: Infinity }];
    expect(slugs(closestChapters('training', pages).near)).toEqual(['train']);
  });

  it('offers nothing for a name like none of them', () => {
    expect(closestChapters('no-such-page', en)).toEqual({ near: [] });
    expect(closestChapters('', en)).toEqual({ near: [] });
    expect(closestChapters('---', en)).toEqual({ near: [] });
  });
});
