export interface SearchEntry {
  lang: string;
  slug: string;
  chapter: string;
  id: string;
  title: string;
  text: string;
}

export interface SearchHit extends SearchEntry {
  score: number;
  snippet: string;
}

/** Case-insensitive search over section titles and text; works for Chinese without tokenising. */
export function search(entries: readonly SearchEntry[], query: string, lang: string, limit = 12): SearchHit[] {
  const terms = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (terms.length === 0) return [];
  const hits: SearchHit[] = [];
  for (const e of entries) {
    if (e.lang !== lang) continue;
    const title = e.title.toLowerCase();
    const text = e.text.toLowerCase();
    let score = 0;
    let first = -1;
    let all = true;
    for (const t of terms) {
      const inTitle = title.includes(t);
      const at = text.indexOf(t);
      if (!inTitle && at < 0) {
        all = false;
        break;
      }
      score += (inTitle ? 10 : 0) + (at >= 0 ? 1 + Math.min(5, text.split(t).length - 2) : 0);
      if (at >= 0 && (first < 0 || at < first)) first = at;
    }
    if (!all) continue;
    const start = Math.max(0, first - 60);
    const snippet = first < 0 ? e.text.slice(0, 140) : `${start > 0 ? '…' : ''}${e.text.slice(start, start + 160)}…`;
    hits.push({ ...e, score, snippet });
  }
  return hits.sort((a, b) => b.score - a.score).slice(0, limit);
}
