/**
 * The twin listings agree. Every chapter's TypeScript listings run, unchanged, as the
 * page's notebook runs them (each one after the listings before it), and what each prints
 * must carry the same numbers as its PyTorch twin printed under PyTorch
 * (src/widgets/code-cell/pytorch-outputs.json, written by scripts/record-listings.py).
 *
 * Only the numbers are compared: `[1, 6, 28, 28]` and `torch.Size([1, 6, 28, 28])` agree.
 * A listing whose fence says ```ts random prints values drawn from a different generator
 * than PyTorch's; it must print as many numbers, and its integers (the shapes, the counts)
 * must still agree.
 *
 * A listing's comments may quote what it prints (`// tensor([0.1187], requires_grad=True)`):
 * every number in a comment with two or more decimals must then be one that the listing
 * printed (the engine's for TypeScript, the recorded one for Python), so a comment never
 * shows a value that no run gives. Bounds written as `±0.707` are not quotes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { listingKey } from '../../src/widgets/code-cell/cells';
import recorded from '../../src/widgets/code-cell/pytorch-outputs.json';
import { printed, run } from '../helpers/cells';
import { setBackend } from '../../src/engine';

const TABS = /<CodeTabs>([\s\S]*?)<\/CodeTabs>/g;
const FENCE = /^```(\w+)([^\n]*)\n([\s\S]*?)\n```[ \t]*$/gm;

interface Twin {
  ts: string;
  random: boolean;
  python: string;
}

function twinsOf(mdx: string): Twin[] {
  return [...mdx.matchAll(TABS)].map(([, block]) => {
    const fences = [...block.matchAll(FENCE)];
    const ts = fences.find((f) => f[1] === 'ts');
    const py = fences.find((f) => f[1] === 'python');
    if (!ts || !py) throw new Error(`a CodeTabs block without its two listings:\n${block.slice(0, 200)}`);
    return { ts: ts[3], random: /\brandom\b/.test(ts[2]), python: py[3] };
  });
}

/** A printed number, as written: `-1.5`, `1.0000e-05`, `42.`, `nan`; not the 2 of `Conv2d`. */
const NUMBER = /(?<![\w.])-?(?:\d+\.?\d*(?:e[-+]?\d+)?|nan|inf)(?![\w])|\b(?:True|False|true|false)\b/g;

/** The numbers in an output, booleans as 1 and 0, without annotations (`grad_fn=`, the length of `Float32Array(4)`). */
export function numbersIn(text: string): string[] {
  const bare = text.replace(/,?\s*(?:grad_fn=<\w+>|requires_grad=True|dtype=torch\.\w+)|(?<=\b\w+Array)\(\d+\)/g, '');
  return [...bare.matchAll(NUMBER)].map(([m]) => (/^true$/i.test(m) ? '1' : /^false$/i.test(m) ? '0' : m));
}

const close = (a: number, b: number) => (Number.isNaN(a) && Number.isNaN(b)) || a === b || Math.abs(a - b) <= 1e-4 * Math.max(1, Math.abs(a), Math.abs(b));
const isInteger = (s: string) => /^-?\d+$/.test(s);

/** Why two outputs disagree, or null when they agree. */
export function disagreement(ts: string, py: string, random: boolean): string | null {
  const a = numbersIn(ts);
  const b = numbersIn(py);
  if (a.length !== b.length) return `${a.length} numbers against PyTorch's ${b.length}`;
  for (let i = 0; i < a.length; i++) {
    if (random && !(isInteger(a[i]) && isInteger(b[i]))) continue;
    if (!close(Number(a[i]), Number(b[i]))) return `number ${i + 1} is ${a[i]}, PyTorch's is ${b[i]}`;
  }
  return null;
}

const QUOTED = /(?<![\w.±])-?\d+\.\d{2,}(?:e[-+]?\d+)?(?![\w])/g;

/** The numbers a listing's comments quote that its output does not contain. */
export function unprinted(listing: string, lang: 'ts' | 'python', output: string): string[] {
  const comments = listing.match(lang === 'ts' ? /\/\/[^\n]*|\/\*[\s\S]*?\*\//g : /#[^\n]*|"""[\s\S]*?"""/g) ?? [];
  const printedNumbers = numbersIn(output).map(Number);
  return comments.flatMap((c) => c.match(QUOTED) ?? []).filter((q) => !printedNumbers.some((p) => close(p, Number(q))));
}

describe('comparing outputs', () => {
  it('reduces shapes, tensors and booleans to the same numbers', () => {
    expect(disagreement('Conv2d output shape:\t [1, 6, 28, 28]', 'Conv2d output shape:\t torch.Size([1, 6, 28, 28])', false)).toBeNull();
    expect(disagreement('tensor([0.1000, 2.0000e-05], requires_grad=True) true', 'tensor([0.1, 2e-05], grad_fn=<AddBackward0>) True', false)).toBeNull();
    expect(disagreement('Float32Array(2) [0.5, 1]', 'tensor([0.5000, 1.0000])', false)).toBeNull();
    expect(disagreement('[1, 6]', '[1, 7]', false)).toMatch(/number 2/);
    expect(disagreement('tensor([0.3, 0.5]) [2]', 'tensor([0.9, 0.1]) [2]', true)).toBeNull();
    expect(disagreement('tensor([0.3]) [2]', 'tensor([0.9]) [3]', true)).toMatch(/number 2/);
    expect(disagreement('tensor([0.3])', 'tensor([0.3, 0.1])', true)).toMatch(/1 numbers/);
  });
  it('finds the numbers a comment quotes that the output lacks', () => {
    expect(unprinted('console.log(b);   // tensor([0.1187]), all within ±0.707', 'ts', 'tensor([0.1187], requires_grad=True)')).toEqual([]);
    expect(unprinted('b  # tensor([-0.1568]) and 0.25', 'python', 'tensor([-0.1568])')).toEqual(['0.25']);
    expect(unprinted('// Float32Array [0.11869896...]', 'ts', 'Float32Array(1) [0.11869896203279495]')).toEqual([]);
    expect(unprinted('const lr = 0.05;  // lr 0.5', 'ts', '')).toEqual([]);
  });
});

// Cells compute on the wasm backend, as in the page.
beforeAll(() => setBackend('wasm'));

const outputs = (recorded as { outputs: Record<string, string> }).outputs;
const CHAPTERS = join(__dirname, '../../chapters');

/** A listing without its comments, which are all that may differ between the languages. */
const code = (listing: string, lang: 'ts' | 'python') =>
  (lang === 'ts' ? listing.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, '') : listing.replace(/"""[\s\S]*?"""|#[^\n]*/g, ''))
    .split('\n')
    .map((l) => l.trimEnd())
    .filter(Boolean)
    .join('\n');

/** What the TypeScript listings 0..target print, run once for both languages (their code is the same). */
const runs = new Map<string, Promise<{ error?: string; text: string }>>();
function printedBy(listings: string[], target: number) {
  const key = `${target}\0${listings.slice(0, target + 1).map((l) => code(l, 'ts')).join('\0')}`;
  let r = runs.get(key);
  if (!r) {
    r = run(listings, target).then((events) => {
      const error = events.find((e) => e.type === 'error');
      return { error: error && JSON.stringify(error), text: printed(events).join('\n') };
    });
    runs.set(key, r);
  }
  return r;
}

const files = readdirSync(join(CHAPTERS, 'en')).filter((f) => f.endsWith('.mdx'));

it('records the output of every PyTorch listing and of nothing else', () => {
  const keys = files.flatMap((f) => ['en', 'zh'].flatMap((lang) => twinsOf(readFileSync(join(CHAPTERS, lang, f), 'utf8')).map((t) => listingKey(t.python))));
  expect(Object.keys(outputs).sort(), 'run /usr/bin/python3 scripts/record-listings.py').toEqual([...new Set(keys)].sort());
});
for (const file of files) {
  const en = twinsOf(readFileSync(join(CHAPTERS, 'en', file), 'utf8'));
  const zh = twinsOf(readFileSync(join(CHAPTERS, 'zh', file), 'utf8'));
  if (en.length === 0 && zh.length === 0) continue;
  describe(file, () => {
    it('has the same code in both languages, apart from the comments', () => {
      expect(zh.map((t) => [code(t.ts, 'ts'), code(t.python, 'python'), t.random])).toEqual(en.map((t) => [code(t.ts, 'ts'), code(t.python, 'python'), t.random]));
    });
    for (const [lang, twins] of [['en', en], ['zh', zh]] as const) {
      it.each(twins.map((t, i) => [i + 1, t] as const))(`${lang}: listing %i prints what its PyTorch twin prints`, { timeout: 180_000 }, async (i, twin) => {
        const py = outputs[listingKey(twin.python)];
        expect(py, 'no recorded output: run /usr/bin/python3 scripts/record-listings.py').toBeTypeOf('string');
        const { error, text } = await printedBy(twins.map((t) => t.ts), i - 1);
        expect(error, 'the TypeScript listing fails').toBeUndefined();
        expect(disagreement(text, py!, twin.random), `TypeScript printed:\n${text}\nPyTorch printed:\n${py}`).toBeNull();
        expect(unprinted(twin.ts, 'ts', text), `numbers in the TypeScript comments that it does not print:\n${text}`).toEqual([]);
        expect(unprinted(twin.python, 'python', py!), `numbers in the PyTorch comments that it did not print:\n${py}`).toEqual([]);
      });
    }
  });
}
