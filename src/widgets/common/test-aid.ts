/**
 * A number a test set on the page (`window[name]`) in a test build, else `fallback`: how
 * a test shortens a limit or a run whose length is not what it tests. Callers pass the name
 * as `__TEST_AIDS__ && '__cnn…'`, so that in the site build (where `__TEST_AIDS__` is false)
 * the name itself folds away; scripts/check-bundle.mjs fails a site build that holds one.
 */
export function testAidNumber(name: string | false, fallback: number): number {
  if (!name || typeof window === 'undefined') return fallback;
  const set = (window as unknown as Record<string, unknown>)[name];
  return typeof set === 'number' && set > 0 ? set : fallback;
}
