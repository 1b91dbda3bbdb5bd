import { beforeAll, describe, expect, it } from 'vitest';
import { countParameters, setBackend } from '../../src/engine';
import { fixtureFile } from '../helpers/fixture-file';
import { MODEL_IDS, formatShapeTable, smallestInputSize, summarize, zoo, type ModelId } from '../../src/models';

interface Fixture {
  model: string;
  tables: Record<string, [string, number[]][]>;
  macs: Record<string, number>;
  state_dict: Record<string, [string, number[]][]>;
  parameter_count: Record<string, number>;
  parameters: string[];
}
const fixture = (id: ModelId): Fixture => JSON.parse(fixtureFile(`models/${id}.json`, '/usr/bin/python3 scripts/models/torch-reference.py').toString('utf8'));

// The tables exactly as the notes print them (seed/cnn-notes.zh.md).
const NOTES_LENET = `Conv2d output shape:         torch.Size([1, 6, 28, 28])
Sigmoid output shape:        torch.Size([1, 6, 28, 28])
AvgPool2d output shape:      torch.Size([1, 6, 14, 14])
Conv2d output shape:         torch.Size([1, 16, 10, 10])
Sigmoid output shape:        torch.Size([1, 16, 10, 10])
AvgPool2d output shape:      torch.Size([1, 16, 5, 5])
Flatten output shape:        torch.Size([1, 400])
Linear output shape:         torch.Size([1, 120])
Sigmoid output shape:        torch.Size([1, 120])
Linear output shape:         torch.Size([1, 84])
Sigmoid output shape:        torch.Size([1, 84])
Linear output shape:         torch.Size([1, 10])`;
const NOTES_RESNET = `Sequential output shape:     torch.Size([1, 64, 56, 56])
Sequential output shape:     torch.Size([1, 64, 56, 56])
Sequential output shape:     torch.Size([1, 128, 28, 28])
Sequential output shape:     torch.Size([1, 256, 14, 14])
Sequential output shape:     torch.Size([1, 512, 7, 7])
AdaptiveAvgPool2d output shape:      torch.Size([1, 512, 1, 1])
Flatten output shape:        torch.Size([1, 512])
Linear output shape:         torch.Size([1, 10])`;
// The notes show AlexNet's table as a screenshot; this is its text (d2l 7.1).
const NOTES_ALEXNET = `Conv2d output shape:\t torch.Size([1, 96, 54, 54])
ReLU output shape:\t torch.Size([1, 96, 54, 54])
MaxPool2d output shape:\t torch.Size([1, 96, 26, 26])
Conv2d output shape:\t torch.Size([1, 256, 26, 26])
ReLU output shape:\t torch.Size([1, 256, 26, 26])
MaxPool2d output shape:\t torch.Size([1, 256, 12, 12])
Conv2d output shape:\t torch.Size([1, 384, 12, 12])
ReLU output shape:\t torch.Size([1, 384, 12, 12])
Conv2d output shape:\t torch.Size([1, 384, 12, 12])
ReLU output shape:\t torch.Size([1, 384, 12, 12])
Conv2d output shape:\t torch.Size([1, 256, 12, 12])
ReLU output shape:\t torch.Size([1, 256, 12, 12])
MaxPool2d output shape:\t torch.Size([1, 256, 5, 5])
Flatten output shape:\t torch.Size([1, 6400])
Linear output shape:\t torch.Size([1, 4096])
ReLU output shape:\t torch.Size([1, 4096])
Dropout output shape:\t torch.Size([1, 4096])
Linear output shape:\t torch.Size([1, 4096])
ReLU output shape:\t torch.Size([1, 4096])
Dropout output shape:\t torch.Size([1, 4096])
Linear output shape:\t torch.Size([1, 10])`;

/** "Conv2d output shape: torch.Size([1, 6, 28, 28])" lines -> [type, shape] pairs, whitespace-insensitive. */
function parseTable(text: string): [string, number[]][] {
  return text.split('\n').map((line) => {
    const m = /^(\w+) output shape:\s*torch\.Size\(\[([\d, ]+)\]\)$/.exec(line.trim());
    if (!m) throw new Error(`bad line ${line}`);
    return [m[1], m[2].split(',').map((v) => Number(v.trim()))];
  });
}

// Each (model, size) runs once; the notes' tables and PyTorch's share the result.
const summaries = new Map<string, ReturnType<typeof summarize>>();
function summaryOf(id: ModelId, size: number) {
  const key = `${id}@${size}`;
  if (!summaries.has(key)) {
    const net = zoo[id].create({ inputSize: size, seed: 1 });
    summaries.set(key, summarize(net, size));
    net.dispose();
  }
  return summaries.get(key)!;
}

beforeAll(async () => {
  await setBackend('cpu');
});

describe('the per-layer output shapes, computed by running the engine on one image', () => {
  it.each([
    ['lenet', 28, NOTES_LENET],
    ['alexnet', 224, NOTES_ALEXNET],
    ['resnet18', 224, NOTES_RESNET],
  ] as const)('equal the table the notes print for %s at %i pixels a side', (id, size, notes) => {
    const s = summaryOf(id, size);
    expect(parseTable(formatShapeTable(s.rows))).toEqual(parseTable(notes));
  });

  const sized = MODEL_IDS.flatMap((id) => Object.keys(fixture(id).tables).map((size) => [id, Number(size)] as const));
  it.each(sized)('equal PyTorch for %s at %i', (id, size) => {
    const f = fixture(id);
    const s = summaryOf(id, size);
    expect(s.rows.map((r) => [r.type, r.outputShape])).toEqual(f.tables[size]);
    expect(s.params).toBe(f.parameter_count[size]);
    expect(s.macs).toBe(f.macs[size]);
    expect(s.flops).toBe(2 * f.macs[size]);
  });
});

describe('parameter counts and state dicts', () => {
  it('count 61,706 parameters for LeNet, as the notes\' PyTorch model has', () => {
    const net = zoo.lenet.create();
    expect(countParameters(net)).toBe(61706);
    net.dispose();
  });

  it.each(MODEL_IDS)('name every state-dict entry of %s as PyTorch does, in the same order and shapes', (id) => {
    const f = fixture(id);
    const size = Number(Object.keys(f.state_dict)[0]);
    const net = zoo[id].create({ inputSize: size });
    const sd = net.stateDict();
    expect(Object.entries(sd).map(([k, t]) => [k, [...t.shape]])).toEqual(f.state_dict[size]);
    expect(net.namedParameters().map(([k]) => k)).toEqual(f.parameters);
    expect(zoo[id].stateDictShapes(size)).toEqual(Object.fromEntries(f.state_dict[size]));
    net.dispose();
  });

  it.each(MODEL_IDS)('gives %s a smallest input size that its layers compute', (id) => {
    const net = zoo[id].create({ inputSize: zoo[id].recipe.inputSize });
    expect(zoo[id].minInputSize).toBe(smallestInputSize(net));
    expect(zoo[id].tabInputSize).toBeGreaterThanOrEqual(zoo[id].minInputSize);
    net.dispose();
  });

  it.each(MODEL_IDS)('says whether the weights of %s change with the input size as its layers do', (id) => {
    const shapes = (inputSize: number) => {
      const net = zoo[id].create({ inputSize, init: 'default' });
      const s = Object.entries(net.stateDict()).map(([k, t]) => [k, [...t.shape]]);
      net.dispose();
      return s;
    };
    const same = JSON.stringify(shapes(zoo[id].minInputSize)) === JSON.stringify(shapes(zoo[id].recipe.inputSize));
    expect(zoo[id].sizeDependent).toBe(!same);
  });

  it('refuses an input smaller than a model accepts, saying the smallest size', () => {
    expect(() => zoo.alexnet.create({ inputSize: 64 })).toThrow(/smallest it accepts is 65/);
  });

  it('draws the same weights for the same seed and different ones for another', async () => {
    const a = zoo.lenet.create({ seed: 7 });
    const b = zoo.lenet.create({ seed: 7 });
    const c = zoo.lenet.create({ seed: 8 });
    const w = async (n: typeof a) => Array.from(await n.stateDict()['0.weight'].data());
    expect(await w(a)).toEqual(await w(b));
    expect(await w(a)).not.toEqual(await w(c));
    for (const n of [a, b, c]) n.dispose();
  });

  it('initialises conv and dense weights with Xavier uniform, as the notes do', async () => {
    const net = zoo.lenet.create({ seed: 3 });
    const w = await net.stateDict()['7.weight'].data(); // Linear(400, 120)
    const bound = Math.sqrt(6 / (400 + 120));
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(bound * 0.95);
    net.dispose();
  });
});
