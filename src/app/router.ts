import { useSyncExternalStore } from 'react';

/**
 * Routing lives in the query string (`?c=<slug>`), so every route is the same
 * index.html: it works from any static host and under any base path, and `#anchor`
 * stays free for in-page section links.
 */
export interface Route {
  /** Chapter slug, or a special page: '' (contents), 'lab', 'train'. */
  page: string;
  params: URLSearchParams;
  hash: string;
}

const listeners = new Set<() => void>();
let snapshot = read();

function read(): Route {
  const url = new URL(window.location.href);
  return { page: url.searchParams.get('c') ?? '', params: url.searchParams, hash: url.hash.slice(1) };
}

function emit() {
  snapshot = read();
  listeners.forEach((l) => l());
}

window.addEventListener('popstate', emit);

export function useRoute(): Route {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => snapshot,
  );
}

export function hrefFor(page: string, hash = ''): string {
  const url = new URL(window.location.href);
  url.search = '';
  if (page) url.searchParams.set('c', page);
  url.hash = hash;
  return `${url.pathname}${url.search}${url.hash}`;
}

export function navigate(href: string, replace = false): void {
  if (replace) window.history.replaceState(null, '', href);
  else window.history.pushState(null, '', href);
  emit();
}

/** Updates query parameters of the current route without a new history entry (widget state). */
export function setParams(update: Record<string, string | null>): void {
  const url = new URL(window.location.href);
  for (const [k, v] of Object.entries(update)) {
    if (v === null) url.searchParams.delete(k);
    else url.searchParams.set(k, v);
  }
  window.history.replaceState(null, '', url);
  emit();
}

/** Click handler for in-app links: keeps modifier-clicks (new tab) working. */
export function onLinkClick(e: React.MouseEvent<HTMLAnchorElement>): void {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const a = e.currentTarget;
  if (a.origin !== window.location.origin) return;
  e.preventDefault();
  navigate(a.pathname + a.search + a.hash);
}
