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

/**
 * Drops every JSX or HTML tag, attributes included. Attribute values may hold any text, an
 * exercise's hidden check among them (`check={"... => ..."}`), so a tag ends at the first
 * `>` outside quotes and braces, not at the first `>`. A `<` that opens no tag stays.
 */
export function stripTags(md: string): string {
  let out = '';
  let i = 0;
  while (i < md.length) {
    const name = md[i] === '<' ? TAG_START.exec(md.slice(i, i + 64)) : null;
    if (name) {
      const end = tagEnd(md, i + name[0].length);
      if (end > 0) {
        out += ' ';
        i = end + 1;
        continue;
      }
    }
    out += md[i++];
  }
  return out;
}

/** A tag's start: `<` or `</`, its name, then a space, `/` or `>` (so `$i<j$` opens none). */
const TAG_START = /^<\/?[A-Za-z][\w.:-]*(?=[\s/>])/;

/** The index of the `>` that closes a tag begun before `from`, or -1. */
function tagEnd(md: string, from: number): number {
  let quote: string | null = null;
  let depth = 0;
  for (let j = from; j < md.length; j++) {
    const ch = md[j];
    if (quote) {
      if (ch === '\\') j++;
      else if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'" || ch === '`') quote = ch;
    else if (ch === '{') depth++;
    else if (ch === '}') depth = Math.max(0, depth - 1);
    else if (ch === '>' && depth === 0) return j;
  }
  return -1;
}

const TEX_SYMBOLS: Record<string, string> = {
  times: '×', cdot: '·', le: '≤', leq: '≤', ge: '≥', geq: '≥', ne: '≠', neq: '≠', approx: '≈', to: '→', rightarrow: '→',
  lfloor: '⌊', rfloor: '⌋', lceil: '⌈', rceil: '⌉', sum: 'Σ', prod: 'Π', pm: '±', infty: '∞', in: '∈', star: '⋆', ldots: '…', dots: '…',
  alpha: 'α', beta: 'β', gamma: 'γ', delta: 'δ', Delta: 'Δ', epsilon: 'ε', eta: 'η', lambda: 'λ', mu: 'μ', sigma: 'σ', theta: 'θ',
};

/** Inline TeX as a reader reads it: symbols as characters, other commands and markup dropped. */
export function texText(tex: string): string {
  return tex
    .replace(/\\(begin|end)\{[^}]*\}/g, ' ')
    .replace(/\\(text|mathrm|operatorname)\{([^}]*)\}/g, ' $2 ')
    .replace(/\\([A-Za-z]+)/g, (_m, name: string) => ` ${TEX_SYMBOLS[name] ?? ''} `)
    .replace(/\\./g, ' ')
    .replace(/[{}^_&]/g, ' ')
    .replace(/\|/g, '∣');
}

/** The text of a stretch of MDX that readers see: no code, tags, display math or markup. */
export function plain(md: string): string {
  return stripTags(md.replace(/```[\s\S]*?```/g, ' '))
    .replace(/\$\$[\s\S]*?\$\$/g, ' ')
    .replace(/\$([^$\n]+)\$/g, (_m, tex: string) => texText(tex))
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/^\s*>/gm, ' ')
    .replace(/[*_`#|\\]/g, ' ')
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
