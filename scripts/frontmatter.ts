/** Front matter of a chapter: `---` fenced `key: value` lines at the very top. */
export interface ChapterMeta {
  title: string;
  order: number;
  [key: string]: string | number;
}

export function parseFrontmatter(source: string): ChapterMeta {
  const match = /^---\r?\n([\s\S]*?)\r?\n---/.exec(source);
  const meta: Record<string, string | number> = {};
  if (match) {
    for (const line of match[1].split(/\r?\n/)) {
      const m = /^([A-Za-z_][\w-]*):\s*(.*)$/.exec(line);
      if (!m) continue;
      let value: string | number = m[2].trim().replace(/^(['"])(.*)\1$/, '$2');
      if (/^-?\d+(\.\d+)?$/.test(value)) value = Number(value);
      meta[m[1]] = value;
    }
  }
  return { title: String(meta.title ?? 'Untitled'), order: Number(meta.order ?? 999), ...meta } as ChapterMeta;
}
