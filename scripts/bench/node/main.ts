/**
 * The benchmark sections outside the browser: the same code on Dawn (the `webgpu`
 * package) in Node, so it can run on a machine with a real GPU and no browser.
 * Built by scripts/bench/node/build.mjs into one file; run with
 *   node bench-node/main.mjs [--only=matmul,lenet]
 */
import { create, globals } from 'webgpu';
import type { BenchSection, SectionResult } from '../sections/types';

Object.assign(globalThis, globals);
const g = globalThis as unknown as { navigator?: { gpu?: GPU } };
if (!g.navigator) Object.defineProperty(globalThis, 'navigator', { value: {}, configurable: true, writable: true });
if (!g.navigator!.gpu) Object.defineProperty(g.navigator!, 'gpu', { value: create([]), configurable: true });

const modules = import.meta.glob<{ default: BenchSection }>('../sections/*.ts', { eager: false });

function fmt(v: number | string | null | undefined): string {
  if (v === null || v === undefined) return '–';
  if (typeof v === 'string') return v;
  if (Math.abs(v) >= 100) return v.toFixed(0);
  if (Math.abs(v) >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

function print(s: SectionResult): void {
  console.log(`\n== ${s.title} ==`);
  const cols = [...new Set(s.rows.flatMap((r) => Object.keys(r.values)))];
  const table = [['', ...cols], ...s.rows.map((r) => [r.label, ...cols.map((c) => fmt(r.values[c]))])];
  const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
  for (const row of table) console.log(row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  '));
  for (const n of s.notes ?? []) console.log(`  ${n}`);
}

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
      print(await mod.default.run());
    } catch (e) {
      console.log(`\n== ${mod.default.title} ==\n  failed: ${(e as Error).stack ?? e}`);
    }
  }
  process.exit(0);
}

main();
