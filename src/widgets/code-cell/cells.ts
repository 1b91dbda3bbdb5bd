/**
 * The cells of the page, in reading order, and the reader's edits of them.
 *
 * A cell registers its element with a getter of its current code; a run takes the code
 * of every cell of the same chapter up to and including its own, in document order.
 * Edits live in localStorage under a hash of the original listing, so an edit survives
 * a reload and is dropped only by Reset (or when the book's listing itself changes).
 */
const registry = new Map<Element, () => string>();

export function registerCell(el: Element, code: () => string): () => void {
  registry.set(el, code);
  return () => void registry.delete(el);
}

/**
 * What runs when `el` runs: the code of the listings of its chapter before it, in reading
 * order, then its own. With `uses` (an exercise), only those listings (by index among the
 * chapter's listings), then its own.
 */
export function cellsBefore(el: Element, uses?: readonly number[]): string[] {
  const scope = el.closest('article') ?? document.body;
  const listings: string[] = [];
  for (const c of scope.querySelectorAll('[data-code-cell="listing"]')) {
    if (c === el) break;
    const code = registry.get(c);
    if (code) listings.push(code());
  }
  const own = registry.get(el)?.() ?? '';
  return [...(uses ? uses.flatMap((i) => (i < listings.length ? [listings[i]] : [])) : listings), own];
}

/**
 * A listing's key: FNV-1a (32 bits) of its text, in hex. It names a reader's edit of the
 * listing, and its recorded PyTorch output (scripts/record-listings.py computes the same
 * over the same UTF-16 units).
 */
export function listingKey(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16);
}

const keyOf = (original: string) => `cnn-book:cell:${listingKey(original)}`;

export function loadEdit(original: string): string | null {
  try {
    return localStorage.getItem(keyOf(original));
  } catch {
    return null;
  }
}

/** Keeps an edit; returns false when storage refused it (full or blocked). */
export function saveEdit(original: string, code: string): boolean {
  try {
    localStorage.setItem(keyOf(original), code);
    return true;
  } catch {
    return false;
  }
}

export function forgetEdit(original: string): void {
  try {
    localStorage.removeItem(keyOf(original));
  } catch {
    /* nothing kept, nothing to forget */
  }
}
