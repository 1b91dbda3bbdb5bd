import type { ComponentType } from 'react';
import type { Lang } from '../stores/settings';

export interface ChapterMeta {
  title: string;
  order: number;
  summary?: string;
}

export interface Chapter extends ChapterMeta {
  slug: string;
  lang: Lang;
  load: () => Promise<{ default: ComponentType<{ components?: Record<string, unknown> }> }>;
}

// Front matter of every chapter (small), and each chapter's body as its own lazy chunk.
const metas = import.meta.glob<ChapterMeta>('../../chapters/*/*.mdx', { query: '?meta', import: 'default', eager: true });
const bodies = import.meta.glob<{ default: ComponentType }>('../../chapters/*/*.mdx');

function parsePath(path: string): { lang: Lang; slug: string } | null {
  const m = /chapters\/(en|zh)\/(?:\d+-)?([^/]+)\.mdx$/.exec(path);
  return m ? { lang: m[1] as Lang, slug: m[2] } : null;
}

const all: Chapter[] = Object.entries(metas).flatMap(([path, meta]) => {
  const where = parsePath(path);
  const load = bodies[path];
  if (!where || !load) return [];
  return [{ ...meta, ...where, load: load as Chapter['load'] }];
});

/** The chapters of one language in reading order; a chapter missing in `lang` falls back to English. */
export function chaptersFor(lang: Lang): Chapter[] {
  const bySlug = new Map<string, Chapter>();
  for (const c of all) if (c.lang === 'en') bySlug.set(c.slug, c);
  for (const c of all) if (c.lang === lang) bySlug.set(c.slug, c);
  return [...bySlug.values()].sort((a, b) => a.order - b.order || a.slug.localeCompare(b.slug));
}

export function allChapters(): readonly Chapter[] {
  return all;
}
