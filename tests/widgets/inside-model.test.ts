import { describe, expect, it } from 'vitest';
import { nn, withBackend } from '../../src/engine';
import { zoo } from '../../src/models';
import type { Dataset } from '../../src/data/format';
import { inside, layerRef, mapLabel, MAX_CHANNELS, modelInput, stageCaption, stageOption } from '../../src/widgets/inside-model/compute';
import { trIn } from '../../src/widgets/common/i18n';
import { INSIDE_DEFAULTS, sanitizeInside } from '../../src/widgets/inside-model/settings';

/**
 * The widget's readout of a zoo model, checked against LeNet computed by hand with plain
 * loops from the same weights (no engine op involved in the reference).
 */

type Maps = Float32Array[]; // [channel] -> H*W

function conv(x: Maps, h: number, w: number, weight: Float32Array, bias: Float32Array, out: number, k: number, pad: number): { maps: Maps; h: number; w: number } {
  const inC = x.length;
  const oh = h + 2 * pad - k + 1;
  const ow = w + 2 * pad - k + 1;
  const maps = Array.from({ length: out }, (_, o) => {
    const m = new Float32Array(oh * ow);
    for (let r = 0; r < oh; r++)
      for (let c = 0; c < ow; c++) {
        let s = bias[o];
        for (let i = 0; i < inC; i++)
          for (let a = 0; a < k; a++)
            for (let b = 0; b < k; b++) {
              const y = r + a - pad;
              const z = c + b - pad;
              if (y < 0 || z < 0 || y >= h || z >= w) continue;
              s += x[i][y * w + z] * weight[((o * inC + i) * k + a) * k + b];
            }
        m[r * ow + c] = s;
      }
    return m;
  });
  return { maps, h: oh, w: ow };
}

const sigmoid = (x: Maps): Maps => x.map((m) => m.map((v) => 1 / (1 + Math.exp(-v))));

function avgPool(x: Maps, h: number, w: number): Maps {
  return x.map((m) => {
    const out = new Float32Array((h / 2) * (w / 2));
    for (let r = 0; r < h / 2; r++) for (let c = 0; c < w / 2; c++) out[r * (w / 2) + c] = (m[2 * r * w + 2 * c] + m[2 * r * w + 2 * c + 1] + m[(2 * r + 1) * w + 2 * c] + m[(2 * r + 1) * w + 2 * c + 1]) / 4;
    return out;
  });
}

function linear(x: Float32Array, weight: Float32Array, bias: Float32Array): Float32Array {
  const out = new Float32Array(bias.length);
  for (let o = 0; o < bias.length; o++) {
    let s = bias[o];
    for (let i = 0; i < x.length; i++) s += weight[o * x.length + i] * x[i];
    out[o] = s;
  }
  return out;
}

const sig1 = (x: Float32Array) => x.map((v) => 1 / (1 + Math.exp(-v)));
const concat = (x: Maps) => Float32Array.from(x.flatMap((m) => Array.from(m)));

/** LeNet by hand: the six image-shaped stages and the softmax of the logits. */
function lenetByHand(sd: Record<string, Float32Array>, image: Float32Array) {
  const c1 = conv([image], 28, 28, sd['0.weight'], sd['0.bias'], 6, 5, 2);
  const s1 = sigmoid(c1.maps);
  const p1 = avgPool(s1, 28, 28);
  const c2 = conv(p1, 14, 14, sd['3.weight'], sd['3.bias'], 16, 5, 0);
  const s2 = sigmoid(c2.maps);
  const p2 = avgPool(s2, 10, 10);
  const h1 = sig1(linear(concat(p2), sd['7.weight'], sd['7.bias']));
  const h2 = sig1(linear(h1, sd['9.weight'], sd['9.bias']));
  const logits = linear(h2, sd['11.weight'], sd['11.bias']);
  const mx = Math.max(...logits);
  const e = logits.map((v) => Math.exp(v - mx));
  const sum = e.reduce((a, b) => a + b, 0);
  return { stages: [c1.maps, s1, p1, c2.maps, s2, p2], probs: e.map((v) => v / sum) };
}

/** A smooth, deterministic picture in 0..1 (not a blank image, so every stage varies). */
function picture(size: number): Float32Array {
  return Float32Array.from({ length: size * size }, (_, i) => 0.5 + 0.5 * Math.sin(i * 0.37) * Math.cos((i % size) * 0.21));
}

function hostState(net: nn.Module): Record<string, Float32Array> {
  return Object.fromEntries(Object.entries(net.stateDict()).map(([k, t]) => [k, t.dataSync()]));
}

function closeTo(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number) {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
  expect(worst).toBeLessThanOrEqual(tol);
}

describe('the readout of a model, layer by layer', () => {
  it('gives LeNet’s feature maps, kernels and probabilities as a hand computation does', async () => {
    const net = withBackend('cpu', () => zoo.lenet.create({ seed: 3 }));
    const image = picture(28);
    const ref = lenetByHand(hostState(net), image);
    const r = await inside(net, image, 28, { onCpu: true });

    expect(r.stages.map((s) => s.type)).toEqual(['Conv2d', 'Sigmoid', 'AvgPool2d', 'Conv2d', 'Sigmoid', 'AvgPool2d']);
    expect(r.stages.map((s) => s.shape)).toEqual([
      [6, 28, 28],
      [6, 28, 28],
      [6, 14, 14],
      [16, 10, 10],
      [16, 10, 10],
      [16, 5, 5],
    ]);
    for (const s of r.stages) expect(s.shape).toEqual(s.expected);
    r.stages.forEach((s, i) => {
      expect(s.maps).toHaveLength(ref.stages[i].length);
      s.maps.forEach((m, c) => closeTo(m, ref.stages[i][c], 1e-4));
    });
    closeTo(r.probs, ref.probs, 1e-5);
    expect(r.probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);

    const w = hostState(net)['0.weight'];
    expect(r.kernels).toMatchObject({ count: 6, inChannels: 1, kh: 5, kw: 5 });
    r.kernels!.data.forEach((k, o) => closeTo(k, w.subarray(o * 25, (o + 1) * 25), 0));
    net.dispose();
  });

  it('follows new weights: a trained checkpoint’s state dict loaded into the same net changes the answer', async () => {
    const net = withBackend('cpu', () => zoo.lenet.create({ seed: 3 }));
    const other = withBackend('cpu', () => zoo.lenet.create({ seed: 4 }));
    const image = picture(28);
    const before = await inside(net, image, 28, { onCpu: true });
    const bytes = await zoo.lenet.toSafetensors(other.stateDict());
    withBackend('cpu', () => net.loadStateDict(zoo.lenet.fromSafetensors(bytes, { inputSize: 28 })));
    const after = await inside(net, image, 28, { onCpu: true });
    expect(Array.from(after.probs)).not.toEqual(Array.from(before.probs));
    closeTo(after.probs, lenetByHand(hostState(other), image).probs, 1e-5);
    net.dispose();
    other.dispose();
  });

  it('caps the channels it reads at 16 and walks into blocks and residual units (ResNet-18)', async () => {
    const net = withBackend('cpu', () => zoo.resnet18.create({ seed: 0, inputSize: 32 }));
    const r = await inside(net, picture(32), 32, { onCpu: true });
    expect(r.stages.length).toBeGreaterThan(8);
    for (const s of r.stages) {
      expect(s.shape).toEqual(s.expected);
      expect(s.maps).toHaveLength(Math.min(s.shape[0], MAX_CHANNELS));
      for (const m of s.maps) expect(m).toHaveLength(s.shape[1] * s.shape[2]);
    }
    expect(r.stages.some((s) => s.type === 'Residual')).toBe(true);
    expect(r.stages[0]).toMatchObject({ name: '0.0', type: 'Conv2d', shape: [64, 16, 16] });
    expect(r.kernels).toMatchObject({ count: 64, inChannels: 1, kh: 7, kw: 7 });
    expect(r.probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    net.dispose();
  });

  it('scales a test image to 0..1 and resizes it for a model with a larger input', () => {
    const ds: Dataset = { count: 2, rows: 28, cols: 28, classes: 10, pixels: Uint8Array.from({ length: 2 * 784 }, (_, i) => i % 256), labels: Uint8Array.from([3, 7]) };
    const x = modelInput(ds, 1, 28);
    expect(x[0]).toBeCloseTo((784 % 256) / 255, 6);
    const big = modelInput(ds, 1, 56);
    expect(big).toHaveLength(56 * 56);
    expect(Math.max(...big)).toBeLessThanOrEqual(1);
  });
});

describe('the names of the layers', () => {
  it('name each layer once, by its 0-based index as the model summary and the code do (net[3]), in both languages', async () => {
    const net = withBackend('cpu', () => zoo.lenet.create({ seed: 3 }));
    const r = await inside(net, picture(28), 28, { onCpu: true });
    net.dispose();
    const conv2 = r.stages[3];
    expect(stageOption(trIn('en'), conv2)).toBe('net[3]: Conv2d → 16 × 10 × 10');
    expect(stageOption(trIn('zh'), conv2)).toBe('net[3]：Conv2d → 16 × 10 × 10');
    expect(stageCaption(trIn('en'), conv2)).toBe('net[3]: Conv2d, output 16 × 10 × 10');
    expect(stageCaption(trIn('zh'), conv2)).toBe('net[3]：Conv2d，输出 16 × 10 × 10');
    expect(mapLabel(trIn('en'), conv2, 0)).toBe('net[3]: Conv2d, channel 0 (of 16)');
    expect(mapLabel(trIn('zh'), conv2, 0)).toBe('net[3]：Conv2d，通道 0（共 16 个）');
    expect(r.stages.map((s) => layerRef(s.name))).toEqual(['net[0]', 'net[1]', 'net[2]', 'net[3]', 'net[4]', 'net[5]']);
    // A layer inside a block: indexed as PyTorch indexes nested Sequentials.
    expect(layerRef('1.0')).toBe('net[1][0]');
  });
});

describe('the widget’s URL settings', () => {
  it('keep valid values and replace anything else with the defaults', () => {
    expect(sanitizeInside({ img: 42, layer: 3 }, INSIDE_DEFAULTS)).toEqual({ img: 42, layer: 3 });
    expect(sanitizeInside({ img: -1, layer: 1.5 }, INSIDE_DEFAULTS)).toEqual(INSIDE_DEFAULTS);
    expect(sanitizeInside({ img: 10_000 }, INSIDE_DEFAULTS)).toEqual(INSIDE_DEFAULTS);
    expect(sanitizeInside('junk', INSIDE_DEFAULTS)).toEqual(INSIDE_DEFAULTS);
  });
});
