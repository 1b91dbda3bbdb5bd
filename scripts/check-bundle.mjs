#!/usr/bin/env node
// Fails when the production bundle calls eval or the Function constructor, which the
// Content-Security-Policy (no 'unsafe-eval') would block. Method calls such as
// `module.eval()` are fine.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = join(process.argv[2] ?? 'dist', 'assets');
const patterns = [/(?<![.\w$])eval\s*\((?![^)]*\)\s*\{)/, /\bnew\s+Function\s*\(/, /(?<![.\w$])Function\s*\(\s*["'`]/];
const hits = [];
let files = 0;
for (const f of readdirSync(dir).filter((n) => n.endsWith('.js'))) {
  files++;
  const src = readFileSync(join(dir, f), 'utf8');
  for (const p of patterns) {
    const m = p.exec(src);
    if (m) hits.push(`${f}: …${src.slice(Math.max(0, m.index - 40), m.index + 40)}…`);
  }
}
if (hits.length) {
  console.error(`✗ eval or new Function in the bundle:\n${hits.join('\n')}`);
  process.exit(1);
}
console.log(`bundle check: no eval or new Function in ${files} scripts`);
