/**
 * `virtual:search-index`: the plain text of every chapter section in both languages,
 * built from the MDX sources at build time and loaded only when the reader searches.
 */
import type { Plugin } from 'vite';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseFrontmatter } from './frontmatter.ts';
import { slugify } from './mdx-plugins.ts';
import type { SearchEntry } from '../src/app/search.ts';

function plain(md: string): string {
  return md
    .replace(/```[\s\S]*?```/g, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/\$\$[\s\S]*?\$\$/g, ' ')
    .replace(/\$([^$\n]+)\$/g, '$1')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[*_`>#|\\]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export function buildSearchIndex(dir: string): SearchEntry[] {
  const entries: SearchEntry[] = [];
  for (const lang of readdirSync(dir)) {
    let files: string[];
    try {
      files = readdirSync(join(dir, lang)).filter((f) => f.endsWith('.mdx'));
    } catch {
      continue;
    }
    for (const file of files) {
      const source = readFileSync(join(dir, lang, file), 'utf8');
      const meta = parseFrontmatter(source);
      const slug = file.replace(/\.mdx$/, '').replace(/^\d+-/, '');
      const body = source.replace(/^---[\s\S]*?\n---/, '');
      let current: SearchEntry = { lang, slug, chapter: meta.title, id: '', title: meta.title, text: '' };
      const flush = () => {
        current.text = plain(current.text).slice(0, 4000);
        if (current.text || current.id) entries.push(current);
      };
      let inFence = false;
      for (const line of body.split('\n')) {
        if (/^```/.test(line)) inFence = !inFence;
        const h = !inFence && /^(#{1,3})\s+(.*?)\s*(?:\\?\{#([A-Za-z0-9_-]+)\\?\})?\s*$/.exec(line);
        if (h) {
          flush();
          const title = plain(h[2]);
          current = { lang, slug, chapter: meta.title, id: h[3] ?? slugify(title), title, text: '' };
        } else {
          current.text += `${line}\n`;
        }
      }
      flush();
    }
  }
  return entries;
}

export function searchIndex(chaptersDir = 'chapters'): Plugin {
  const id = 'virtual:search-index';
  return {
    name: 'search-index',
    resolveId: (source) => (source === id ? `\0${id}` : null),
    load(resolved) {
      if (resolved !== `\0${id}`) return null;
      return `export default ${JSON.stringify(buildSearchIndex(chaptersDir))};`;
    },
  };
}
