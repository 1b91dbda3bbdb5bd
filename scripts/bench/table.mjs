// Prints a benchmark section's results as an aligned table: used by the browser run
// (run.mjs) and the Node run (node/main.ts). Types: table.d.mts.

/** A figure as the tables show it: three significant digits or so, '–' for none. */
export function fmt(v) {
  if (v === null || v === undefined) return '–';
  if (typeof v === 'string') return v;
  if (Math.abs(v) >= 100) return v.toFixed(0);
  if (Math.abs(v) >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

export function printSection(s) {
  console.log(`\n== ${s.title} ==`);
  const cols = [...new Set(s.rows.flatMap((r) => Object.keys(r.values)))];
  const table = [['', ...cols], ...s.rows.map((r) => [r.label, ...cols.map((c) => fmt(r.values[c]))])];
  const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
  for (const row of table) console.log(row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  '));
  for (const n of s.notes ?? []) console.log(`  ${n}`);
}
