/** What an unknown address is matched against: a chapter's slug, title and place in the book. */
export interface Named {
  slug: string;
  title: string;
  order: number;
}

/** A slug or title as a reader might type it: lower case, letters and digits only, no leading chapter number. */
function key(text: string): string {
  return text
    .toLowerCase()
    .replace(/^\s*\d+[-_.\s]+/, '')
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}

/**
 * The chapters an unknown `?c=` most likely meant, best first: `exact` when the address
 * names one chapter in another spelling (`13-resnet`, `ResNet`, `batch_norm`), otherwise
 * up to `limit` near misses by slug or title (a typo, a part of the name).
 */
export function closestChapters<C extends Named>(query: string, chapters: readonly C[], limit = 3): { exact?: C; near: C[] } {
  const q = key(query);
  if (!q) return { near: [] };
  const scored: { c: C; d: number }[] = [];
  for (const c of chapters) {
    const names = [key(c.slug), key(c.title)];
    if (names.includes(q)) return { exact: c, near: [c] };
    let d = Infinity;
    for (const n of names) {
      if (!n) continue;
      // Part of a name (three letters at least), or a name inside the query (four at least, so
      // that `training` does not point at NiN).
      if ((q.length >= 3 && n.includes(q)) || (n.length >= 4 && q.includes(n))) d = Math.min(d, 0.1);
      else d = Math.min(d, editDistance(q, n) / Math.max(q.length, n.length));
    }
    if (d <= 0.4) scored.push({ c, d });
  }
  return { near: scored.sort((a, b) => a.d - b.d || a.c.order - b.c.order).slice(0, limit).map((s) => s.c) };
}
