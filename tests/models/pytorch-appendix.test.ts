/**
 * The PyTorch appendix's promise: what the scripts under scripts/pytorch/ save loads into
 * the book, and what the book exports loads into PyTorch. CI has no PyTorch, so this
 * checks what scripts/pytorch/record-appendix.py recorded when it ran them: for every
 * model the saved file's state-dict names, shapes and dtypes, and for LeNet and LeNet-BN
 * the weights themselves and PyTorch's logits for the first 64 test images.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { noGrad, setBackend, tensor, tidy, type Tensor } from '../../src/engine';
import { parseDataset } from '../../src/data/format';
import { gatherBatch, resizeBilinearHost } from '../../src/data/batches';
import { MODEL_IDS, decodeSafetensors, zoo, type ModelId } from '../../src/models';
import { fixtureFile } from '../helpers/fixture-file';
import { LISTINGS, PyTorchAppendix, RUNS, definitionOf } from '../../src/widgets/pytorch-appendix';

interface Fixture {
  model: ModelId;
  input_size: number;
  test_acc: number;
  state_dict: [string, number[], string][];
  logits?: number[][];
}

const RECORD = '/usr/bin/python3 scripts/pytorch/record-appendix.py --only <model>';
const fixture = (id: ModelId): Fixture => JSON.parse(fixtureFile(`pytorch-appendix/${id}.json`, RECORD.replace('<model>', id)).toString('utf8'));
const weights = (id: ModelId) => new Uint8Array(fixtureFile(`pytorch-appendix/${id}.safetensors`, RECORD.replace('<model>', id)));
const WITH_WEIGHTS: ModelId[] = ['lenet', 'lenet-bn'];
const CHECKED = 64;

beforeAll(async () => {
  await setBackend('cpu');
});

describe('the recorded PyTorch runs', () => {
  it('cover every model of the zoo once, under its name in the zoo', () => {
    expect(RUNS.map((r) => r.model).sort(), `scripts/pytorch/appendix-results.json: ${RECORD} records a model's run`).toEqual([...MODEL_IDS].sort());
  });

  it.each(MODEL_IDS)("carry the book's recipe for %s and say exactly what ran instead", (id) => {
    const run = RUNS.find((r) => r.model === id);
    if (!run) throw new Error(`no recorded PyTorch run of ${id} in scripts/pytorch/appendix-results.json: \`${RECORD.replace('<model>', id)}\` records it`);
    const { recipe, tabInputSize } = zoo[id];
    expect(run.recipe).toEqual({ lr: recipe.lr, epochs: recipe.epochs, batch_size: recipe.batchSize, input_size: recipe.inputSize });
    expect(run.tab_input_size).toBe(tabInputSize);
    expect(run.history.map((h) => h.epoch)).toEqual(Array.from({ length: run.epochs }, (_, i) => i + 1));
    for (const h of run.history) for (const acc of [h.train_acc, h.test_acc]) expect(acc >= 0 && acc <= 1, `${id} epoch ${h.epoch}`).toBe(true);
    // The command shown is the one that ran: every option in it matches the recorded run.
    const opt = (name: string) => new RegExp(`--${name} (\\S+)`).exec(run.command)?.[1];
    expect(run.command).toContain(`--model ${id}`);
    expect(Number(opt('input-size') ?? recipe.inputSize)).toBe(run.input_size);
    expect(Number(opt('epochs') ?? recipe.epochs)).toBe(run.epochs);
    expect(run.full_recipe).toBe(run.input_size === recipe.inputSize && run.epochs === recipe.epochs && run.train_images === 60000 && run.test_images === 10000);
    if (opt('limit')) expect(run.train_images).toBe(Number(opt('limit')));
    if (opt('test-limit')) expect(run.test_images).toBe(Number(opt('test-limit')));
    expect(run.lr).toBe(recipe.lr);
    expect(run.batch_size).toBe(recipe.batchSize);
  });

  it('run LeNet and LeNet-BN with the full recipe, and get well past chance with it', () => {
    for (const id of WITH_WEIGHTS) {
      const run = RUNS.find((r) => r.model === id);
    if (!run) throw new Error(`no recorded PyTorch run of ${id} in scripts/pytorch/appendix-results.json: \`${RECORD.replace('<model>', id)}\` records it`);
      expect(run.full_recipe).toBe(true);
      expect(run.history.at(-1)!.test_acc).toBeGreaterThan(0.7);
    }
  });
});

describe.each(MODEL_IDS)('%s saved by PyTorch', (id) => {
  let fx: Fixture;
  beforeAll(() => {
    fx = fixture(id);
  });

  it("has the book's state-dict names, in the book's order, with the book's shapes", () => {
    expect(fx.state_dict.map(([name, shape]) => [name, shape])).toEqual(Object.entries(zoo[id].stateDictShapes(fx.input_size)));
  });

  it('stores every tensor as F32 but BatchNorm counters as I64, which the book reads', () => {
    for (const [name, , dtype] of fx.state_dict) expect(dtype, name).toBe(name.endsWith('num_batches_tracked') ? 'I64' : 'F32');
  });

  it('passes the book\'s import check at the input size it ran at', () => {
    // A file with the recorded header (zeros for values) goes through the same validation as the real one.
    const header: Record<string, unknown> = {};
    let offset = 0;
    for (const [name, shape, dtype] of fx.state_dict) {
      const bytes = shape.reduce((a, b) => a * b, 1) * (dtype === 'I64' ? 8 : 4);
      header[name] = { dtype, shape, data_offsets: [offset, offset + bytes] };
      offset += bytes;
    }
    const json = new TextEncoder().encode(JSON.stringify(header).padEnd(Math.ceil(JSON.stringify(header).length / 8) * 8));
    const file = new Uint8Array(8 + json.length + offset);
    new DataView(file.buffer).setUint32(0, json.length, true);
    file.set(json, 8);
    expect(Object.keys(zoo[id].fromSafetensors(file, { inputSize: fx.input_size }))).toEqual(fx.state_dict.map(([n]) => n));
  });
});

function firstTestImages(size: number): { x: Tensor; labels: number[] } {
  const data = parseDataset(new Uint8Array(readFileSync(join(__dirname, '..', '..', 'public', 'data', 'fashion-test.bin'))));
  const b = gatherBatch(data, null, 0, CHECKED);
  const pixels = size === b.rows ? b.x : resizeBilinearHost(b.x, b.size, b.rows, b.cols, size, size);
  return { x: tensor(pixels, [b.size, 1, size, size]), labels: Array.from(b.y) };
}

const argmax = (row: ArrayLike<number>) => Array.from(row).reduce((best, v, i, a) => (v > a[best] ? i : best), 0);

describe.each(WITH_WEIGHTS)('%s trained in PyTorch', (id) => {
  let fx: Fixture;
  beforeAll(() => {
    fx = fixture(id);
  });

  it('loads into the book through fromSafetensors and computes the logits PyTorch recorded for the first 64 test images', async () => {
    const net = zoo[id].create({ inputSize: fx.input_size });
    net.loadStateDict(zoo[id].fromSafetensors(weights(id), { inputSize: fx.input_size }));
    net.eval();
    const { x, labels } = firstTestImages(fx.input_size);
    const out = noGrad(() => tidy(() => net.call(x) as Tensor));
    const got = await out.data();
    out.dispose();
    x.dispose();
    net.dispose();
    const want = fx.logits!;
    expect(want).toHaveLength(CHECKED);
    let maxDiff = 0;
    for (let i = 0; i < CHECKED; i++) for (let c = 0; c < 10; c++) maxDiff = Math.max(maxDiff, Math.abs(got[i * 10 + c] - want[i][c]));
    expect(maxDiff).toBeLessThan(1e-4); // the recorded logits have five decimals
    // And so the same accuracy on those images as PyTorch.
    const rows = Array.from({ length: CHECKED }, (_, i) => got.subarray(i * 10, i * 10 + 10));
    const bookCorrect = rows.filter((r, i) => argmax(r) === labels[i]).length;
    const torchCorrect = want.filter((r, i) => argmax(r) === labels[i]).length;
    expect(bookCorrect).toBe(torchCorrect);
    expect(torchCorrect / CHECKED).toBeGreaterThan(0.6);
  });

  it('exports from the book what PyTorch saved: the way back to load_state_dict', async () => {
    const fromTorch = zoo[id].fromSafetensors(weights(id), { inputSize: fx.input_size });
    const net = zoo[id].create({ inputSize: fx.input_size });
    net.loadStateDict(fromTorch);
    const exported = decodeSafetensors(await zoo[id].toSafetensors(net.stateDict(), { inputSize: String(fx.input_size) }));
    net.dispose();
    expect(exported.metadata).toMatchObject({ format: 'pt', model: id, inputSize: String(fx.input_size) });
    expect(Object.keys(exported.tensors)).toEqual(Object.keys(fromTorch));
    for (const [name, t] of Object.entries(fromTorch)) {
      expect(exported.tensors[name].shape, name).toEqual(t.shape);
      expect(Array.from(exported.tensors[name].data), name).toEqual(Array.from(t.data));
    }
  });
});

describe('the listings on the page', () => {
  it('are the committed scripts, with no word of where the book came from', () => {
    for (const [file, l] of Object.entries(LISTINGS)) {
      const text = l.text();
      expect(text.length, file).toBeGreaterThan(100);
      expect(text, file).not.toMatch(/\bnotes\b|笔记|Dive into Deep Learning|d2l/i);
    }
    expect(LISTINGS['book.py'].text()).toBe(readFileSync('scripts/pytorch/book.py', 'utf8'));
  });

  it("show PyTorch's LeNet exactly as the reference file defines it", () => {
    expect(definitionOf('lenet')).toMatch(/^def lenet\(\):\n[\s\S]*nn\.Linear\(84, 10\)\)$/);
    expect(() => definitionOf('nothing')).toThrow(/no definition/);
  });
});

describe('the results table on the page', () => {
  it('shows every accuracy and every command the recorder wrote, and nothing typed in', () => {
    const html = renderToStaticMarkup(createElement(PyTorchAppendix, { show: 'results' }));
    expect((html.match(/<tr data-model=/g) ?? []).length).toBe(RUNS.length);
    for (const r of RUNS) {
      expect(html).toContain(r.history.map((h) => h.test_acc.toFixed(3)).join(', '));
      // The commands are coloured, token by token: their text, tags aside, is the command.
      const text = html.replace(/<[^>]+>/g, '').replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
      expect(text).toContain(r.command);
      expect(html).toContain(`${r.input_size} × ${r.input_size}`);
    }
  });
});
