/**
 * The autotune's spot check (src/engine/webgpu/spot-check.ts): its exact sums agree with
 * the CPU backend on every kind of layer in the zoo, every variant of every tuned op passes
 * it on those shapes (so no sound kernel is ever left out), and a variant that computes
 * wrongly, however slightly or quickly, is left out, with the reason kept.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebGPUBackend, type WebGPUBackend } from '../../src/engine/webgpu';
import { createCpuBackend } from '../../src/engine/cpu';
import { outSize, type Conv2dParams, type Storage } from '../../src/engine/backend';
import { pick, pickOn, spotChecks } from '../../src/engine/webgpu/autotune';
import { SHAPE_OP_VARIANTS, type ChannelShape, type ConvShape, type MatmulShape, type OpShape, type ShapeOp } from '../../src/engine/webgpu/variants';
import { SPOT_TOLERANCE, batchNormWeightGradCheck, convCheck, matmulCheck, spotRuns, spotVerdict, type SpotCheck } from '../../src/engine/webgpu/spot-check';
import { setConvPrecision } from '../../src/engine/precision';
import { randn, rng } from './helpers';

const cpu = createCpuBackend();
let gpu: WebGPUBackend;

beforeAll(async () => {
  gpu = await createWebGPUBackend({ autotune: false });
});
afterAll(() => {
  gpu?.destroy();
  setConvPrecision('highest');
});

const conv = (n: number, cIn: number, hw: number, cOut: number, k: number, stride: number, pad: number): ConvShape =>
  ({ n, cIn, h: hw, w: hw, cOut, kH: k, kW: k, strideH: stride, strideW: stride, padH: pad, padW: pad });
const withOut = (c: ConvShape): Conv2dParams => ({ ...c, outH: outSize(c.h, c.kH, c.padH, c.strideH), outW: outSize(c.w, c.kW, c.padW, c.strideW) });

/** Every kind of layer in the zoo, small: the stems, strided and padded 3x3, Winograd's 3x3 and 5x5, 1x1 with and without stride, a 2x2 map, a non-square window. */
const CONVS: Record<string, ConvShape> = {
  'ResNet stem 7x7 s2 p3': conv(2, 1, 20, 16, 7, 2, 3),
  'AlexNet stem 11x11 s4': conv(2, 1, 35, 8, 11, 4, 1),
  '3x3 p1 (Winograd)': conv(2, 16, 9, 16, 3, 1, 1),
  '3x3 s2 p1': conv(2, 16, 9, 32, 3, 2, 1),
  '5x5 p2 (Winograd)': conv(2, 16, 10, 24, 5, 1, 2),
  '1x1 s2 shortcut': conv(2, 16, 8, 32, 1, 2, 0),
  '1x1 (NiN)': conv(3, 24, 6, 24, 1, 1, 0),
  '3x3 on a 2x2 map': conv(4, 32, 2, 32, 3, 1, 1),
  'LeNet 5x5 unpadded': conv(3, 6, 14, 16, 5, 1, 0),
  '3x2 window, strides 2 and 1': { n: 2, cIn: 3, h: 7, w: 6, cOut: 5, kH: 3, kW: 2, strideH: 2, strideW: 1, padH: 1, padW: 0 },
};
const MATMULS: Record<string, MatmulShape> = {
  'linear forward (B transposed)': { batch: 1, m: 5, n: 37, k: 70, transA: false, transB: true, aBatch: 1, bBatch: 1 },
  'linear weight gradient (A transposed)': { batch: 1, m: 37, n: 70, k: 5, transA: true, transB: false, aBatch: 1, bBatch: 1 },
  'batched, B broadcast': { batch: 3, m: 9, n: 130, k: 17, transA: false, transB: false, aBatch: 3, bBatch: 1 },
};
const CHANNELS: Record<string, ChannelShape> = {
  'ResNet-like': { n: 4, c: 16, hw: 64 },
  'few channels, long rows (split)': { n: 64, c: 2, hw: 1024 },
  'dense features': { n: 32, c: 10, hw: 1 },
};

function host(seed: number, n: number): Float32Array {
  return randn(rng(seed), n, -1, 1);
}

/** The CPU backend's output for one op on host inputs a, b. */
function onCpu(op: Exclude<ShapeOp, 'channelReduce'>, a: Float32Array, b: Float32Array, shape: OpShape): Float32Array {
  const [A, B] = [cpu.fromData(a), cpu.fromData(b)];
  let out: Storage;
  if (op === 'matmul') out = cpu.matmul(A, B, shape as MatmulShape);
  else {
    const p = withOut(shape as ConvShape);
    out = op === 'conv2d' ? cpu.conv2d(A, B, null, p) : op === 'conv2dBackwardInput' ? cpu.conv2dBackwardInput(A, B, p) : cpu.conv2dBackwardWeight(A, B, p);
  }
  return Float32Array.from(cpu.readSync(out));
}

/** Operand sizes of a conv op's two inputs. */
function convOperands(op: Exclude<ShapeOp, 'channelReduce' | 'matmul'>, c: ConvShape): [number, number] {
  const p = withOut(c);
  const x = p.n * p.cIn * p.h * p.w;
  const w = p.cOut * p.cIn * p.kH * p.kW;
  const y = p.n * p.cOut * p.outH * p.outW;
  return op === 'conv2d' ? [x, w] : op === 'conv2dBackwardInput' ? [y, w] : [x, y];
}

function checkOf(op: Exclude<ShapeOp, 'channelReduce'>, a: Float32Array, b: Float32Array, shape: OpShape): SpotCheck {
  return op === 'matmul' ? matmulCheck(a, b, shape as MatmulShape) : convCheck(op, a, b, withOut(shape as ConvShape));
}

/** Reads the runs of `out` that the check reads, as the autotune does. */
function runsOf(check: SpotCheck, out: Float32Array): Float32Array {
  return Float32Array.from(spotRuns(check).flatMap(([s, n]) => [...out.subarray(s, s + n)]));
}

describe('the spot check', () => {
  const cases: Array<[string, Exclude<ShapeOp, 'channelReduce'>, OpShape, [number, number]]> = [
    ...Object.entries(CONVS).flatMap(([name, c]) =>
      (['conv2d', 'conv2dBackwardInput', 'conv2dBackwardWeight'] as const).map((op): [string, typeof op, OpShape, [number, number]] => [`${op} ${name}`, op, c, convOperands(op, c)]),
    ),
    ...Object.entries(MATMULS).map(([name, m]): [string, 'matmul', OpShape, [number, number]] => [`matmul ${name}`, 'matmul', m, [m.aBatch * m.m * m.k, m.bBatch * m.k * m.n]]),
  ];

  it.each(cases)('agrees with the CPU backend on every element: %s', (_, op, shape, [na, nb]) => {
    const [a, b] = [host(1, na), host(2, nb)];
    const want = onCpu(op, a, b, shape);
    const check = checkOf(op, a, b, shape);
    expect(check.size).toBe(want.length);
    for (let i = 0; i < want.length; i++) {
      const { value, scale } = check.at(i);
      expect(Math.abs(value - want[i]), `element ${i}`).toBeLessThanOrEqual(1e-5 * scale + 1e-6);
    }
    // The runs it reads: the first and last elements, within the output, in order.
    const runs = spotRuns(check);
    expect(runs[0][0]).toBe(0);
    expect(runs.at(-1)![0] + runs.at(-1)![1]).toBe(want.length);
    expect(spotVerdict(check, runs, runsOf(check, want))).toBeNull();
  });

  it('fails an output with one term too many or too few in one element, a NaN, or zeros', () => {
    for (const [name, op, shape, [na, nb]] of cases) {
      const [a, b] = [host(3, na), host(4, nb)];
      const want = onCpu(op, a, b, shape);
      const check = checkOf(op, a, b, shape);
      const runs = spotRuns(check);
      const read = runsOf(check, want);
      // A term of the last element read, of its terms' mean size, added once more.
      const last = runs.at(-1)![0] + runs.at(-1)![1] - 1;
      const oneTerm = check.at(last).scale / check.at(last).terms;
      for (const [what, change] of [
        ['one term more', (v: Float32Array) => (v[v.length - 1] += oneTerm)],
        ['NaN', (v: Float32Array) => (v[0] = NaN)],
        ['zeros', (v: Float32Array) => v.fill(0)],
      ] as const) {
        const bad = read.slice();
        change(bad);
        expect(spotVerdict(check, runs, bad), `${name}: ${what}`).not.toBeNull();
      }
    }
  });

  it("batch norm's weight gradient agrees with the CPU backend's statistics and sums", () => {
    for (const p of Object.values(CHANNELS)) {
      const bn = { ...p, eps: 1e-5 };
      const [x, g] = [host(5, p.n * p.c * p.hw), host(6, p.n * p.c * p.hw)];
      const X = cpu.fromData(x);
      const { mean, variance } = cpu.batchNormStats(X, bn);
      const { dWeight } = cpu.batchNormBackward(cpu.fromData(g), X, mean, variance, null, { ...bn, batchStats: true });
      const want = cpu.readSync(dWeight);
      const check = batchNormWeightGradCheck(g, x, bn);
      for (let ch = 0; ch < p.c; ch++) {
        const { value, scale } = check.at(ch);
        expect(Math.abs(value - want[ch]), `channel ${ch}`).toBeLessThanOrEqual(1e-4 * scale + 1e-6);
      }
    }
  });
});

describe('the autotune checks what it times', () => {
  /** Every variant of `op` that runs `shape` (GPU-only and im2col ones too: a real GPU times them). */
  const allVariants = (op: ShapeOp, shape: OpShape) =>
    Object.entries(SHAPE_OP_VARIANTS[op]).filter(([, v]) => !v.covers || v.covers(shape)).map(([k]) => k);

  const shapes: Array<[ShapeOp, string, OpShape]> = [
    ...(['conv2d', 'conv2dBackwardInput', 'conv2dBackwardWeight'] as const).flatMap((op) => Object.entries(CONVS).map(([name, c]): [ShapeOp, string, OpShape] => [op, name, c])),
    ...Object.entries(MATMULS).map(([name, m]): [ShapeOp, string, OpShape] => ['matmul', name, m]),
    ...Object.entries(CHANNELS).map(([name, c]): [ShapeOp, string, OpShape] => ['channelReduce', name, c]),
  ];

  for (const precision of ['highest', 'high'] as const) {
    it(`every variant of every tuned op passes on the zoo's kinds of layer (convolution precision '${precision}')`, async () => {
      setConvPrecision(precision);
      let checked = 0;
      for (const [op, name, shape] of shapes) {
        const key = `${precision} ${op} ${name}`;
        const names = allVariants(op, shape);
        await pickOn(gpu, key, op, shape, names, undefined, {}, 0);
        expect(Object.keys(spotChecks[key] ?? {}), key).toEqual(names);
        for (const [v, verdict] of Object.entries(spotChecks[key])) expect(verdict, `${key}: ${v}`).toBeNull();
        checked += names.length;
      }
      expect(checked).toBeGreaterThan(100);
      expect(gpu.rt.errors).toEqual([]);
    }, 120_000);
  }

  it('leaves every sound variant far within its tolerance on wide layers at training precision (worst below 1e-5 of the terms)', async () => {
    setConvPrecision('high');
    const wide: Record<string, ConvShape> = { '3x3 256 channels': conv(2, 256, 8, 256, 3, 1, 1), '3x3 64 channels': conv(2, 64, 16, 64, 3, 1, 1), '5x5 96 -> 128': conv(2, 96, 10, 128, 5, 1, 2) };
    let worst = 0;
    for (const c of Object.values(wide)) {
      const p = withOut(c);
      for (const op of ['conv2d', 'conv2dBackwardInput', 'conv2dBackwardWeight'] as const) {
        const [na, nb] = convOperands(op, c);
        const [a, b] = [host(9, na), host(10, nb)];
        const check = convCheck(op, a, b, p);
        const [A, B] = [gpu.fromData(a), gpu.fromData(b)];
        for (const v of allVariants(op, c)) {
          const o = op === 'conv2d' ? gpu.conv2dWith(v, A, B, null, p) : op === 'conv2dBackwardInput' ? gpu.conv2dBackwardInputWith(v, A, B, p) : gpu.conv2dBackwardWeightWith(v, A, B, p);
          const got = await gpu.read(o);
          gpu.free(o);
          for (let i = 0; i < got.length; i += Math.ceil(got.length / 64)) {
            const e = check.at(i);
            worst = Math.max(worst, Math.abs(got[i] - e.value) / e.scale);
          }
        }
        gpu.free(A);
        gpu.free(B);
      }
    }
    expect(worst).toBeGreaterThan(0);
    expect(worst).toBeLessThan(SPOT_TOLERANCE / 10);
  }, 120_000);

  it('leaves out a variant whose output is slightly wrong, keeps why, and never picks it however fast', async () => {
    const p = withOut(CONVS['3x3 p1 (Winograd)']);
    const [x, w] = [host(7, p.n * p.cIn * p.h * p.w), host(8, p.cOut * p.cIn * p.kH * p.kW)];
    const [X, W] = [gpu.fromData(x), gpu.fromData(w)];
    // 'fast' answers at once with the right output scaled by 1.01 (a wrong but plausible result).
    const right = await gpu.read(gpu.conv2dWith('reg-32x2', X, W, null, p));
    const wrong = right.map((v) => v * 1.01);
    const run = (v: string) => (v === 'fast' ? gpu.fromData(wrong) : gpu.conv2dWith(v, X, W, null, p));
    const check = convCheck('conv2d', x, w, p);
    const chosen = await pick(gpu, 'wrong-but-fast', ['fast', 'reg-32x2'], run, { rounds: 2, log: {}, check });
    expect(chosen).toBe('reg-32x2');
    expect(spotChecks['wrong-but-fast'].fast).toMatch(/^element \d+ is /);
    expect(spotChecks['wrong-but-fast']['reg-32x2']).toBeNull();
    // Alone, it is refused outright: a run on it would train on wrong numbers.
    await expect(pick(gpu, 'only-wrong', ['fast'], run, { rounds: 1, log: {}, check })).rejects.toThrow(/no variant of only-wrong runs correctly on this adapter \(fast: element/);
    gpu.free(X);
    gpu.free(W);
  });
});
