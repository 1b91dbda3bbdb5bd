/**
 * The benchmark page: runs every section under ../sections in name order and leaves
 * the results on `window.__bench` for scripts/bench/run.mjs to print.
 */
import type { BenchSection, SectionResult } from '../sections/types';

declare global {
  interface Window {
    __bench?: { done: boolean; results: SectionResult[]; error?: string };
  }
}

const modules = import.meta.glob<{ default: BenchSection }>('../sections/*.ts', { eager: false });

async function main(): Promise<void> {
  const state = { done: false, results: [] as SectionResult[] } as NonNullable<Window['__bench']>;
  window.__bench = state;
  const log = document.getElementById('log')!;
  const only = new URLSearchParams(location.search).get('only');
  const names = Object.keys(modules)
    .filter((n) => !n.endsWith('/types.ts') && !n.includes('/_'))
    .filter((n) => !only || only.split(',').some((o) => n.includes(o)))
    .sort();
  for (const name of names) {
    try {
      const mod = await modules[name]();
      try {
        state.results.push(await mod.default.run());
      } catch (e) {
        state.results.push({ title: mod.default.title, rows: [], notes: [`failed: ${(e as Error).message}`] });
      }
    } catch (e) {
      state.results.push({ title: name, rows: [], notes: [`could not load: ${(e as Error).message}`] });
    }
    log.textContent = JSON.stringify(state.results, null, 2);
  }
  state.done = true;
}

main().catch((e) => {
  window.__bench = { done: true, results: [], error: String((e as Error)?.stack ?? e) };
});
