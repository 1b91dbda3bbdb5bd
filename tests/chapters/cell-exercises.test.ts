/**
 * Every write-code exercise of every chapter, in both languages, run as the page runs it:
 * after the chapter's listings it names (`uses`), the reader's code followed by the hidden
 * check. The starter code must not pass (the exercise asks for something), and the
 * answer key below must pass (the exercise can be solved and its check is right).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { setBackend } from '../../src/engine';
import { run } from '../helpers/cells';

/** How a reader solves each exercise, as an edit of its starter code. */
const ANSWERS: Record<string, (starter: string) => string> = {
  'ch1-do-mlp': () =>
    "import { rand, nn, F, type Tensor } from '../src/engine';\n\nclass MLP extends nn.Module {\n  layers: nn.Linear[];\n  constructor(sizes: number[]) {\n    super();\n    this.layers = sizes.slice(1).map((n, i) => new nn.Linear(sizes[i], n));\n  }\n\n  override forward(x: Tensor): Tensor {\n    this.layers.forEach((layer, i) => {\n      x = layer.forward(x);\n      if (i + 1 < this.layers.length) x = F.relu(x);\n    });\n    return x;\n  }\n}\n\nnew MLP([20, 256, 10]).forward(rand([2, 20])).shape",
  'ch2-do-init': () =>
    "import { nn } from '../src/engine';\n\nfunction init(m: nn.Module) {\n  if (m instanceof nn.Linear) {\n    nn.init.uniform_(m.weight, -0.1, 0.1);\n    nn.init.constant_(m.bias!, 1);\n  }\n}",
  'ch3-do-counts': () =>
    "function paramCounts(h: number, w: number, c: number, hidden: number, k: number, cOut: number) {\n  return { dense: h * w * c * hidden + hidden, conv: cOut * c * k * k + cOut };\n}",
  'ch6-do-multi-in-out': () =>
    "import { tensor, stack, F, type Tensor } from '../src/engine';\n\nfunction corr2dMultiInOut(X: Tensor, K: Tensor): Tensor {\n  const outs: Tensor[] = [];\n  for (let o = 0; o < K.shape[0]; o++) outs.push(F.corr2dMultiIn(X, K.narrow(0, o, 1).squeeze(0)));\n  return stack(outs);\n}",
  'ch7-do-maxpool': () =>
    "function maxPool(X: number[][], k: number, s: number): number[][] {\n  const oh = Math.floor((X.length - k) / s) + 1;\n  const ow = Math.floor((X[0].length - k) / s) + 1;\n  return Array.from({ length: oh }, (_, i) =>\n    Array.from({ length: ow }, (_, j) => Math.max(...X.slice(i * s, i * s + k).flatMap((row) => row.slice(j * s, j * s + k)))),\n  );\n}",
  'ch5-do-outsize': () =>
    "function outSize(n: number, k: number, p: number, s: number): number {\n  return Math.floor((n + 2 * p - k) / s) + 1;\n}",
  'ch4-do-diagonal': (s) => s.replace('[[0, 0], [0, 0]]', '[[1, -1], [-1, 1]]'),
  'ch8-do-modern': (s) => s.replaceAll('nn.Sigmoid', 'nn.ReLU').replaceAll('nn.AvgPool2d', 'nn.MaxPool2d'),
  'ch9-do-dropout': (s) => s.replace(/return x;.*/, 'return x.mul(rand(x.shape).ge(p)).div(1 - p);'),
  'ch10-do-params': (s) =>
    s.replace(/return 0;.*/, 'let c = inChannels, n = 0;\n  for (let k = 0; k < numConvs; k++) { n += outChannels * c * 9 + outChannels; c = outChannels; }\n  return n;'),
  'ch11-do-gap': (s) => s.replace(/return x;.*/, 'return x.mean([2, 3]);'),
  'ch12-do-normalise': (s) => s.replace(/return x\.sub\(mean\);.*/, 'const v = x.sub(mean).square().mean(0, true);\n  return x.sub(mean).div(v.add(eps).sqrt());'),
  'ch13-do-block': (s) => s.replace(/return y;/, 'return F.relu(this.bn2.forward(this.conv2.forward(y)).add(this.conv3.forward(x)));'),
};

interface Found {
  lang: string;
  file: string;
  id: string;
  starter: string;
  check: string;
  /** The chapter's listings the exercise names in `uses`. */
  before: string[];
}

function exercises(): Found[] {
  const out: Found[] = [];
  for (const lang of ['en', 'zh']) {
    for (const file of readdirSync(join('chapters', lang)).filter((f) => f.endsWith('.mdx')).sort()) {
      const src = readFileSync(join('chapters', lang, file), 'utf8');
      const cells: { at: number; code: string }[] = [...src.matchAll(/```ts[^\n]*\n([\s\S]*?)```/g)].map((m) => ({ at: m.index, code: m[1].replace(/\n$/, '') }));
      for (const m of src.matchAll(/<CellExercise id="([^"]+)"(?: uses=\{(\[[\d, ]*\])\})? starter=\{("(?:[^"\\]|\\.)*")\} check=\{("(?:[^"\\]|\\.)*")\}/g)) {
        const starter = JSON.parse(m[3]) as string;
        const uses = m[2] ? (JSON.parse(m[2]) as number[]) : [];
        out.push({ lang, file, id: m[1], starter, check: JSON.parse(m[4]) as string, before: uses.map((i) => cells[i].code) });
      }
    }
  }
  return out;
}

const found = exercises();

// Cells compute on the wasm backend, as in the page.
beforeAll(() => setBackend('wasm'));

describe('write-code exercises', () => {
  it('exist in the chapters, each with an answer in the key', () => {
    expect(found.length).toBeGreaterThan(0);
    for (const e of found) expect(ANSWERS[e.id], `${e.lang}/${e.file}: ${e.id} has an answer`).toBeDefined();
  });

  it.each(found.map((e) => [`${e.lang}/${e.file} ${e.id}`, e] as const))('%s: the starter is not yet right and the answer passes the check', async (_name, e) => {
    const attempt = async (code: string) => {
      const events = await run([...e.before, `${code}\n${e.check}`]);
      return events.at(-1)!;
    };
    const first = await attempt(e.starter);
    expect(first.type, 'the starter code does not pass').toBe('error');
    const solved = ANSWERS[e.id](e.starter);
    expect(solved, 'the answer changes the starter').not.toBe(e.starter);
    const last = await attempt(solved);
    expect(last, 'the answer passes').toEqual({ type: 'done' });
  }, 60_000);
});
