/**
 * The benchmark sections outside the browser: the same code on Dawn (the `webgpu`
 * package) in Node, so it can run on a machine with a real GPU and no browser.
 * Built by scripts/bench/node/build.mjs into one file; run with
 *   node bench-node/main.mjs [--only=matmul,lenet]
 */
import { create, globals } from 'webgpu';
import type { BenchSection } from '../sections/types';
import { printSection } from '../table.mjs';

Object.assign(globalThis, globals);
const g = globalThis as unknown as { navigator?: { gpu?: GPU } };
if (!g.navigator) Object.defineProperty(globalThis, 'navigator', { value: {}, configurable: true, writable: true });
if (!g.navigator!.gpu) Object.defineProperty(g.navigator!, 'gpu', { value: create([]), configurable: true });

const modules = import.meta.glob<{ default: BenchSection }>('../sections/*.ts', { eager: false });

async function main(): Promise<void> {
  const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7);
  const adapter = await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' });
  console.log(`adapter: ${adapter ? [adapter.info.vendor, adapter.info.architecture, adapter.info.description].filter(Boolean).join(' / ') : 'none'}`);
  const names = Object.keys(modules)
    .filter((n) => !n.endsWith('/types.ts') && !n.includes('/_') && !n.includes('widgets'))
    .filter((n) => !only || only.split(',').some((o) => n.includes(o)))
    .sort();
  for (const name of names) {
    const mod = await modules[name]();
    try {
      printSection(await mod.default.run());
    } catch (e) {
      console.log(`\n== ${mod.default.title} ==\n  failed: ${(e as Error).stack ?? e}`);
    }
  }
  process.exit(0);
}

main();
