import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/**
 * A committed fixture under tests/fixtures, or an error that says which script makes it
 * (a new model, op or case needs its fixture recorded with PyTorch first).
 */
export function fixtureFile(path: string, madeBy: string): Buffer {
  const file = join(ROOT, 'tests', 'fixtures', path);
  if (!existsSync(file)) throw new Error(`${relative(ROOT, file)} is missing: \`${madeBy}\` records it (with Debian's python3-torch), and it is committed, since CI has no PyTorch`);
  return readFileSync(file);
}
