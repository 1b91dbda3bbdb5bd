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

/** The code of the cells of `el`'s chapter up to and including `el`, in reading order. */
export function cellsBefore(el: Element): string[] {
  const scope = el.closest('article') ?? document.body;
  const out: string[] = [];
  for (const c of scope.querySelectorAll('[data-code-cell]')) {
    const code = registry.get(c);
    if (code) out.push(code());
    if (c === el) break;
  }
  return out;
}

/** FNV-1a of the original listing, as the key of its edit. */
function keyOf(original: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < original.length; i++) h = Math.imul(h ^ original.charCodeAt(i), 0x01000193);
  return `cnn-book:cell:${(h >>> 0).toString(16)}`;
}

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
