/**
 * Conformance of the WebGPU backend against the CPU reference backend: every kernel
 * of the contract, over seeded random shapes (odd sizes, non-square kernels, strides,
 * padding, several channels, batches, broadcasting), within 1e-4 abs/rel.
 */
import { describe, it, expect, beforeAll, afterAll, afterEach } from 'vitest';
import { createWebGPUBackend, type WebGPUBackend } from '../../src/engine/webgpu';
import { createCpuBackend } from '../../src/engine/cpu';
import type { BinaryOp, Conv2dParams, FusedDerivativeOp, Pool2dParams, ReduceOp, Storage, UnaryOp } from '../../src/engine/backend';
import { BINARY_OPS, UNARY_OPS, unaryDef } from '../../src/engine/ops/elementwise';
import { outSize } from '../../src/engine/backend';
import { MATMUL_VARIANTS, CONV_VARIANTS, CONV_BWD_INPUT_VARIANTS, CONV_BWD_WEIGHT_VARIANTS, CHANNEL_REDUCE_VARIANTS } from '../../src/engine/webgpu/variants';
import { matmulWith, splitsFor } from '../../src/engine/webgpu/gemm';
import { winogradLimit } from '../../src/engine/webgpu/winograd';
import { setConvPrecision } from '../../src/engine/precision';
import { both, expectClose, prod, randInt, randn, rng } from './helpers';

let gpu: WebGPUBackend;
const cpu = createCpuBackend();

beforeAll(async () => {
  gpu = await createWebGPUBackend({ autotune: false });
});
afterAll(() => gpu?.destroy());
afterEach(() => {
  // No kernel may trip WebGPU validation.
  expect(gpu.rt.errors).toEqual([]);
});

/** Runs `body` and returns the keys of the kernels it dispatched, in order. */
async function keysOf(body: () => Promise<void>): Promise<string[]> {
  const keys: string[] = [];
  const dispatch = gpu.rt.dispatch.bind(gpu.rt);
  gpu.rt.dispatch = (spec) => {
    keys.push(spec.key);
    dispatch(spec);
  };
  try {
    await body();
  } finally {
    gpu.rt.dispatch = dispatch;
  }
  return keys;
}

/**
 * Runs `body` with split-K on as on a GPU (SwiftShader's target is 0: no product is
 * split there) and returns the keys of the kernels it dispatched.
 */
async function splittingAsOnGpu(body: () => Promise<void>): Promise<string[]> {
  const saved = gpu.splitKTarget;
  gpu.splitKTarget = 64;
  try {
    return await keysOf(body);
  } finally {
    gpu.splitKTarget = saved;
  }
}

describe('element-wise kernels', () => {
  it('fill writes the value into every element, including reused pooled buffers', async () => {
    for (const [n, v] of [[1, 3.5], [1000, -2], [70001, 0.25]] as const) {
      const s = gpu.fill(n, v);
      const got = await gpu.read(s);
      gpu.free(s);
      expectClose(got, new Float32Array(n).fill(v), `fill ${n}`);
    }
    const z = gpu.zeros(1000);
    expectClose(await gpu.read(z), new Float32Array(1000), 'zeros after reuse');
    gpu.free(z);
  });

  // Every op of the registry, with inputs drawn from where it is defined.
  for (const op of Object.keys(UNARY_OPS) as UnaryOp[]) {
    const f = UNARY_OPS[op].cpu as (x: number) => number;
    const positiveOnly = Number.isNaN(f(-1));
    const zeroOk = Number.isFinite(f(0));
    it(`unary ${op} matches the CPU backend`, async () => {
      const r = rng(op.length * 17);
      const data = positiveOnly ? randn(r, 1237, 0.05, 20) : randn(r, 1237, -12, 12);
      for (let i = 0; i < data.length; i++) if (Math.abs(data[i]) < 0.05) data[i] = 0.5;
      if (zeroOk) data[3] = 0;
      const { got, want } = await both(gpu, cpu, [data], (b, [x]) => b.unary(op, x));
      expectClose(got, want, op);
    });
  }

  for (const op of (Object.keys(UNARY_OPS) as UnaryOp[]).filter((k) => 'derivative' in UNARY_OPS[k])) {
    const def = unaryDef(op);
    const d = def.derivative!;
    it(`unaryBackward ${op} matches the CPU backend and the op's finite differences`, async () => {
      const r = rng(op.length * 29);
      const x = randn(r, 1531, Number.isNaN(def.cpu(-1)) ? 0.1 : -6, 6);
      x[5] = 0.5;
      const v = d.of === 'x' ? x : Float32Array.from(x, def.cpu);
      const g = randn(r, 1531, -3, 3);
      const { got, want } = await both(gpu, cpu, [v, g], (b, [vs, gs]) => b.unaryBackward(op as FusedDerivativeOp, vs, gs));
      expectClose(got, want, `unaryBackward ${op}`);
      // The fused derivative agrees with the op itself: g (f(x + h) - f(x - h)) / 2h, away from kinks.
      const h = 1e-4;
      for (let i = 0; i < x.length; i++) {
        if (Math.abs(x[i]) < 1e-2) continue;
        const numeric = (g[i] * (def.cpu(x[i] + h) - def.cpu(x[i] - h))) / (2 * h);
        expect(want[i]).toBeCloseTo(numeric, 2);
      }
    });
  }

  const binaryOps = Object.keys(BINARY_OPS) as BinaryOp[];
  const shapePairs: [number[], number[], number[]][] = [
    [[37, 5], [37, 5], [37, 5]],
    [[3, 1, 5], [4, 1], [3, 4, 5]],
    [[2, 3, 4, 5], [1, 3, 1, 1], [2, 3, 4, 5]],
    [[7], [], [7]],
    [[1], [6, 7], [6, 7]],
    [[2, 1, 3, 1, 2, 3], [1, 2, 1, 4, 1, 3], [2, 2, 3, 4, 2, 3]],
    [[5, 1, 1, 2], [5, 6, 3, 1], [5, 6, 3, 2]],
  ];
  for (const op of binaryOps) {
    it(`binary ${op} matches the CPU backend with and without broadcasting`, async () => {
      const r = rng(op.length * 31 + 5);
      for (const [as, bs, os] of shapePairs) {
        let a = randn(r, prod(as), -3, 3);
        let b = randn(r, prod(bs), -3, 3);
        if (op === 'pow' || Number.isNaN(BINARY_OPS[op].cpu(-1.5, 0.5))) {
          a = randn(r, prod(as), 0.1, 3);
          b = randn(r, prod(bs), -2, 2);
        }
        if (op === 'div') for (let i = 0; i < b.length; i++) if (Math.abs(b[i]) < 0.1) b[i] = 1;
        if (op === 'eq' || op === 'ge' || op === 'le') {
          // Make equal values likely.
          a = a.map((v) => Math.round(v));
          b = b.map((v) => Math.round(v));
        }
        const { got, want } = await both(gpu, cpu, [a, b], (be, [x, y]) => be.binary(op, x, as, y, bs, os));
        expectClose(got, want, `${op} [${as}] x [${bs}]`);
      }
    });
  }

  it('pow handles negative bases with integer exponents like Math.pow', async () => {
    const a = new Float32Array([-2, -2, -3, 0, 0, 4, -1.5]);
    const b = new Float32Array([2, 3, 0, 0, 2, 0.5, 2]);
    const { got, want } = await both(gpu, cpu, [a, b], (be, [x, y]) => be.binary('pow', x, [7], y, [7], [7]));
    expectClose(got, want, 'pow');
  });

  it('where picks a where the condition is non-zero and b elsewhere', async () => {
    const r = rng(9);
    const n = 4099;
    const c = randn(r, n).map((v) => (v > 0 ? 1 : 0));
    const { got, want } = await both(gpu, cpu, [c, randn(r, n), randn(r, n)], (b, [x, y, z]) => b.where(x, y, z));
    expectClose(got, want, 'where');
  });
});

describe('layout kernels', () => {
  it('transpose matches the CPU backend for random permutations of up to 6 axes', async () => {
    const r = rng(21);
    for (let t = 0; t < 24; t++) {
      const nd = randInt(r, 1, 6);
      const shape = Array.from({ length: nd }, () => randInt(r, 1, nd > 4 ? 4 : 7));
      const perm = Array.from({ length: nd }, (_, i) => i);
      for (let i = nd - 1; i > 0; i--) {
        const j = randInt(r, 0, i);
        [perm[i], perm[j]] = [perm[j], perm[i]];
      }
      const { got, want } = await both(gpu, cpu, [randn(r, prod(shape))], (b, [x]) => b.transpose(x, shape, perm));
      expectClose(got, want, `transpose [${shape}] by [${perm}]`);
    }
  });

  it('slice copies narrowed and strided windows like the CPU backend', async () => {
    const r = rng(22);
    // x is [5, 6, 7]; narrow axis 1 to [2, 5), step 2 along axis 2, offset by one plane.
    const x = randn(r, 5 * 6 * 7);
    const cases: [number[], number[], number][] = [
      [[5, 3, 7], [42, 7, 1], 14],
      [[4, 6, 4], [42, 7, 2], 42],
      [[2, 2, 2, 3], [84, 42, 7, 2], 1],
      [[210], [1], 0],
    ];
    for (const [os, st, off] of cases) {
      const { got, want } = await both(gpu, cpu, [x], (b, [s]) => b.slice(s, os, st, off));
      expectClose(got, want, `slice [${os}]`);
    }
  });

  it('concat joins inputs along the first, a middle and the last axis', async () => {
    const r = rng(23);
    for (const axis of [0, 1, 2]) {
      const shapes = [3, 1, 4].map((d) => {
        const s = [2, 3, 5];
        s[axis] = d;
        return s;
      });
      const data = shapes.map((s) => randn(r, prod(s)));
      const { got, want } = await both(gpu, cpu, data, (b, xs) => b.concat(xs, shapes, axis));
      expectClose(got, want, `concat axis ${axis}`);
    }
  });
});

describe('reductions', () => {
  const ops: ReduceOp[] = ['sum', 'max', 'min'];
  it('reduce matches the CPU backend over random shapes and axis sets', async () => {
    const r = rng(31);
    for (let t = 0; t < 30; t++) {
      const nd = randInt(r, 1, 5);
      const shape = Array.from({ length: nd }, () => randInt(r, 1, 9));
      const axes = shape.map((_, i) => i).filter(() => r() < 0.5);
      if (axes.length === 0) axes.push(randInt(r, 0, nd - 1));
      const op = ops[t % 3];
      const { got, want } = await both(gpu, cpu, [randn(r, prod(shape))], (b, [x]) => b.reduce(op, x, shape, axes));
      expectClose(got, want, `${op} [${shape}] over [${axes}]`);
    }
  });

  it('reduce handles long axes with workgroup reductions (rows, columns, BatchNorm-style)', async () => {
    const r = rng(32);
    const cases: [number[], number[]][] = [
      [[3, 10007], [1]],
      [[200000], [0]],
      [[513, 7], [0]],
      [[16, 6, 28, 28], [0, 2, 3]],
      [[4, 300, 5], [1]],
    ];
    for (const [shape, axes] of cases) {
      for (const op of ops) {
        const { got, want } = await both(gpu, cpu, [randn(r, prod(shape))], (b, [x]) => b.reduce(op, x, shape, axes));
        expectClose(got, want, `${op} [${shape}] over [${axes}]`, 1e-3, 1e-4);
      }
    }
  });

  it('the workgroup-per-output and split reduction strategies agree with the CPU backend', async () => {
    const r = rng(35);
    for (const [shape, axes] of [[[5, 3000], [1]], [[6, 40, 7], [0, 2]], [[3, 9], [1]]] as [number[], number[]][]) {
      for (const s of ['workgroup', 'thread', 'auto'] as const) {
        const { got, want } = await both(gpu, cpu, [randn(r, prod(shape))], (b, [x]) =>
          b === gpu ? gpu.reduceWith(s, 'sum', x, shape, axes) : b.reduce('sum', x, shape, axes),
        );
        expectClose(got, want, `${s} sum [${shape}] over [${axes}]`, 1e-3, 1e-4);
      }
    }
  });

  it('reduce over negative axes and size-1 axes matches the CPU backend', async () => {
    const r = rng(33);
    const shape = [2, 1, 3, 1];
    const { got, want } = await both(gpu, cpu, [randn(r, 6)], (b, [x]) => b.reduce('sum', x, shape, [-1, 1]));
    expectClose(got, want, 'sum over size-1 axes');
    const { got: g2, want: w2 } = await both(gpu, cpu, [randn(r, 6)], (b, [x]) => b.reduce('max', x, shape, [-2]));
    expectClose(g2, w2, 'max over axis -2');
  });

  it('argmax finds the first maximum along any axis', async () => {
    const r = rng(34);
    for (const [shape, axis] of [[[7, 13], 1], [[7, 13], 0], [[3, 4, 5], 1], [[2, 9, 1], -2]] as [number[], number][]) {
      // Rounded values make ties, which must resolve to the first index.
      const x = randn(r, prod(shape), -3, 3).map((v) => Math.round(v));
      const { got, want } = await both(gpu, cpu, [x], (b, [s]) => b.argmax(s, shape, axis));
      expectClose(got, want, `argmax [${shape}] axis ${axis}`, 0, 0);
    }
  });
});

/**
 * A convolution's product through variant `v`: W [m, k] @ cols [k, nb * P] with a bias per
 * row and relu, stored as [nb, m, P] (NCHW), against the CPU backend's product, add,
 * relu and transpose.
 */
async function expectPlaneProduct(v: string, r: () => number, c: { m: number; nb: number; P: number; k: number }, what: string, tol?: number) {
  const n = c.nb * c.P;
  const p = { batch: 1, m: c.m, n, k: c.k, transA: false, transB: false, aBatch: 1, bBatch: 1 };
  const { got, want } = await both(gpu, cpu, [randn(r, c.m * c.k), randn(r, c.k * n), randn(r, c.m)], (be, [x, y, bs]) => {
    if (be === gpu) return matmulWith(gpu, v, x, y, p, { bias: bs, act: 'relu', biasRows: true, outPlane: c.P });
    const z = be.unary('relu', be.binary('add', be.matmul(x, y, p), [c.m, n], bs, [c.m, 1], [c.m, n]));
    return be.transpose(z, [c.m, c.nb, c.P], [1, 0, 2]);
  });
  expectClose(got, want, what, tol, tol);
}

describe('matmul', () => {
  const variants = Object.keys(MATMUL_VARIANTS);
  for (const v of variants) {
    it(`matmul variant ${v} matches the CPU backend for transposes, odd sizes and batch broadcasting`, async () => {
      const r = rng(41 + v.length);
      const cases = [
        { batch: 1, m: 1, n: 1, k: 1, aBatch: 1, bBatch: 1 },
        { batch: 1, m: 37, n: 53, k: 29, aBatch: 1, bBatch: 1 },
        { batch: 3, m: 17, n: 70, k: 65, aBatch: 3, bBatch: 1 },
        { batch: 2, m: 65, n: 9, k: 33, aBatch: 1, bBatch: 2 },
        { batch: 2, m: 130, n: 67, k: 3, aBatch: 2, bBatch: 2 },
        // Multiples of 4 (the vec4 kernels' fast path) that still leave partial tiles.
        { batch: 1, m: 68, n: 36, k: 20, aBatch: 1, bBatch: 1 },
        { batch: 3, m: 132, n: 140, k: 12, aBatch: 1, bBatch: 3 },
        { batch: 2, m: 37, n: 12, k: 8, aBatch: 2, bBatch: 1 },
        { batch: 1, m: 4, n: 4, k: 4, aBatch: 1, bBatch: 1 },
        { batch: 1, m: 37, n: 12, k: 8, aBatch: 1, bBatch: 1 },
        // One matrix large enough to be packed into textures, rows not a multiple of the
        // 8-row block (the texture kernel's path).
        { batch: 1, m: 259, n: 256, k: 256, aBatch: 1, bBatch: 1 },
      ];
      for (const c of cases) {
        for (const transA of [false, true]) {
          for (const transB of [false, true]) {
            const p = { ...c, transA, transB };
            const a = randn(r, c.aBatch * c.m * c.k);
            const b = randn(r, c.bBatch * c.k * c.n);
            const { got, want } = await both(gpu, cpu, [a, b], (be, [x, y]) =>
              be === gpu ? gpu.matmulWith(v, x, y, p) : be.matmul(x, y, p),
            );
            expectClose(got, want, `matmul ${v} ${JSON.stringify(p)}`);
          }
        }
      }
    });
  }

  // The epilogue of a fused Linear layer: bias per column and an activation, as stored.
  for (const v of variants) {
    it(`matmul variant ${v} with a bias and activation epilogue matches the product, add and activation of the CPU backend`, async () => {
      const r = rng(47 + v.length);
      const cases = [
        { m: 37, n: 53, k: 29 }, // odd: the scalar fallback of the vec4 kernels
        { m: 68, n: 36, k: 20 }, // multiples of 4: the vec4 path
        { m: 256, n: 120, k: 400 }, // LeNet's first dense layer at batch 256
        { m: 259, n: 256, k: 256 }, // large enough for the texture kernel (untransposed B)
      ];
      for (const c of cases) {
        // The large case is there for the texture kernel only.
        if (c.m === 259 && !MATMUL_VARIANTS[v].texture) continue;
        for (const transB of [true, false]) {
          const p = { batch: 1, ...c, transA: false, transB, aBatch: 1, bBatch: 1 };
          const a = randn(r, c.m * c.k);
          const b = randn(r, c.k * c.n);
          const bias = randn(r, c.n);
          for (const [act, withBias] of [[null, true], [null, false], ['relu', true], ['sigmoid', false], ['tanh', true]] as const) {
            {
              const { got, want } = await both(gpu, cpu, [a, b, bias], (be, [x, y, bs]) => {
                if (be === gpu) return matmulWith(gpu, v, x, y, p, { bias: withBias ? bs : null, act });
                let z = be.matmul(x, y, p);
                if (withBias) z = be.binary('add', z, [c.m, c.n], bs, [c.n], [c.m, c.n]);
                return act ? be.unary(act, z) : z;
              });
              expectClose(got, want, `matmul ${v} + ${withBias ? 'bias' : 'no bias'} + ${act} ${JSON.stringify(p)}`);
            }
          }
        }
      }
    });
  }

  for (const v of variants) {
    it(`matmul variant ${v} stores [m, nb * P] as [nb, m, P] when asked (a convolution's NCHW output)`, async () => {
      const r = rng(49 + v.length);
      for (const c of [{ m: 37, nb: 3, P: 16, k: 20 }, { m: 64, nb: 5, P: 4, k: 36 }, { m: 256, nb: 16, P: 64, k: 1152 }]) {
        if (c.m === 256 && !MATMUL_VARIANTS[v].texture) continue;
        await expectPlaneProduct(v, r, c, `matmul ${v} outPlane ${JSON.stringify(c)}`);
      }
    });
  }

  it('split-K plans slices that divide k, are long enough, and only when the tiles leave a GPU idle', () => {
    expect(splitsFor(0, 1, 1 << 20)).toBe(1); // CPU-backed adapters never split
    expect(splitsFor(256, 300, 1 << 20)).toBe(1); // enough tiles already
    expect(splitsFor(256, 5, 400)).toBe(1); // k too short for two slices of 256
    expect(splitsFor(256, 5, 147456)).toBe(48); // ResNet-18 layer 1's weight gradient at 96x96, batch 256: 5 tiles
    expect(splitsFor(256, 72, 4608)).toBe(4); // layer 4's forward product: 72 tiles of 128
    expect(splitsFor(256, 1, 1031)).toBe(1); // a prime k cannot be cut evenly
    for (const [t, k] of [[5, 147456], [72, 4608], [3, 777], [1, 2048]]) {
      const s = splitsFor(256, t, k);
      expect(k % s).toBe(0);
      expect(k / s).toBeGreaterThanOrEqual(256);
    }
  });

  // The strided kernels split a long k over slices when the output has few tiles (on GPUs:
  // SwiftShader's target is 0, raised here), the slices' sum taking the epilogue.
  for (const v of variants.filter((name) => !MATMUL_VARIANTS[name].vec4 && !MATMUL_VARIANTS[name].texture)) {
    it(`matmul variant ${v} split over k matches the CPU backend, with each epilogue`, async () => {
      const r = rng(53 + v.length);
      const keys = await splittingAsOnGpu(async () => {
        for (const c of [{ m: 37, n: 53, k: 1024 }, { m: 9, n: 130, k: 777 }, { m: 16, n: 36, k: 2304 }]) {
          for (const [transA, transB] of [[false, false], [false, true], [true, false], [true, true]]) {
            const p = { batch: 1, ...c, transA, transB, aBatch: 1, bBatch: 1 };
            const { got, want } = await both(gpu, cpu, [randn(r, c.m * c.k), randn(r, c.k * c.n)], (be, [x, y]) =>
              be === gpu ? matmulWith(gpu, v, x, y, p) : be.matmul(x, y, p),
            );
            expectClose(got, want, `split matmul ${v} ${JSON.stringify(p)}`, 1e-4, 1e-4);
          }
        }
        // A convolution's product: bias per row, relu, stored NCHW (planes of 12 pixels).
        await expectPlaneProduct(v, r, { m: 20, nb: 3, P: 12, k: 1536 }, `split matmul ${v} with bias rows, relu and NCHW store`, 1e-4);
      });
      expect(keys.filter((k) => k.startsWith('matmul-split-sum')).length, 'every product was split').toBe(13);
    }, 180_000);
  }

  it('matmul of 512x512 matrices matches the CPU backend', async () => {
    const r = rng(45);
    const p = { batch: 1, m: 512, n: 512, k: 512, transA: false, transB: false, aBatch: 1, bBatch: 1 };
    const { got, want } = await both(gpu, cpu, [randn(r, 512 * 512), randn(r, 512 * 512)], (b, [x, y]) => b.matmul(x, y, p));
    expectClose(got, want, 'matmul 512', 1e-4, 1e-4);
  });

  it('matmul with a zero-length inner dimension gives zeros', async () => {
    const p = { batch: 1, m: 3, n: 4, k: 0, transA: false, transB: false, aBatch: 1, bBatch: 1 };
    const { got, want } = await both(gpu, cpu, [new Float32Array(0), new Float32Array(0)], (b, [x, y]) => b.matmul(x, y, p));
    expectClose(got, want, 'k = 0');
  });
});

function convParams(n: number, cIn: number, h: number, w: number, cOut: number, kH: number, kW: number, sH: number, sW: number, pH: number, pW: number): Conv2dParams {
  return { n, cIn, h, w, cOut, kH, kW, strideH: sH, strideW: sW, padH: pH, padW: pW, outH: outSize(h, kH, pH, sH), outW: outSize(w, kW, pW, sW) };
}

const convCases: Conv2dParams[] = [
  convParams(1, 1, 5, 5, 1, 3, 3, 1, 1, 0, 0),
  convParams(2, 3, 9, 7, 5, 3, 2, 1, 1, 1, 0),
  convParams(3, 2, 11, 13, 7, 5, 3, 2, 1, 2, 1),
  convParams(2, 4, 8, 8, 6, 1, 1, 2, 2, 0, 0),
  convParams(1, 5, 10, 9, 3, 4, 4, 3, 2, 1, 2),
  convParams(4, 1, 28, 28, 6, 5, 5, 1, 1, 2, 2),
  convParams(3, 6, 14, 14, 16, 5, 5, 1, 1, 0, 0),
  convParams(2, 3, 12, 12, 9, 3, 3, 2, 2, 1, 1),
  convParams(2, 4, 7, 19, 10, 3, 3, 1, 1, 1, 1),
  convParams(1, 2, 6, 9, 17, 2, 5, 1, 1, 0, 3),
  // Narrow outputs (ResNet-18's last stages): the row kernels with 4 and 2 pixels an invocation.
  convParams(3, 16, 4, 4, 9, 3, 3, 1, 1, 1, 1),
  convParams(2, 8, 2, 2, 12, 3, 3, 1, 1, 1, 1),
  convParams(2, 5, 3, 1, 7, 3, 1, 1, 1, 1, 0),
];

describe('convolution', () => {
  for (const v of Object.keys(CONV_VARIANTS)) {
    it(`conv2d variant ${v} matches the CPU backend with and without bias`, async () => {
      const r = rng(51);
      for (const p of convCases) {
        const x = randn(r, p.n * p.cIn * p.h * p.w);
        const w = randn(r, p.cOut * p.cIn * p.kH * p.kW);
        const bias = randn(r, p.cOut);
        const { got, want } = await both(gpu, cpu, [x, w, bias], (b, [xs, ws, bs]) =>
          b === gpu ? gpu.conv2dWith(v, xs, ws, bs, p) : b.conv2d(xs, ws, bs, p),
        );
        expectClose(got, want, `conv2d ${v} ${JSON.stringify(p)}`);
        const nb = await both(gpu, cpu, [x, w], (b, [xs, ws]) => (b === gpu ? gpu.conv2dWith(v, xs, ws, null, p) : b.conv2d(xs, ws, null, p)));
        expectClose(nb.got, nb.want, `conv2d ${v} without bias`);
      }
    });
  }

  for (const v of Object.keys(CONV_VARIANTS)) {
    it(`conv2d variant ${v} with a fused activation matches the convolution and activation of the CPU backend`, async () => {
      const r = rng(57);
      for (const p of convCases) {
        const x = randn(r, p.n * p.cIn * p.h * p.w);
        const w = randn(r, p.cOut * p.cIn * p.kH * p.kW);
        const bias = randn(r, p.cOut);
        for (const act of ['relu', 'sigmoid', 'tanh'] as const) {
          const { got, want } = await both(gpu, cpu, [x, w, bias], (b, [xs, ws, bs]) =>
            b === gpu ? gpu.conv2dWith(v, xs, ws, bs, p, act) : b.unary(act, b.conv2d(xs, ws, bs, p)),
          );
          expectClose(got, want, `conv2d ${v} + ${act} ${JSON.stringify(p)}`);
        }
      }
    });
  }

  it('the generic (sliding-window) row convolution matches the CPU backend for kernel widths 3 and 5 too', async () => {
    const r = rng(54);
    gpu.unrolledConv = false;
    try {
      for (const p of convCases.filter((c) => c.strideH === 1 && c.strideW === 1)) {
        const x = randn(r, p.n * p.cIn * p.h * p.w);
        const w = randn(r, p.cOut * p.cIn * p.kH * p.kW);
        const f = await both(gpu, cpu, [x, w], (b, [xs, ws]) => (b === gpu ? gpu.conv2dWith('rows-8x8', xs, ws, null, p) : b.conv2d(xs, ws, null, p)));
        expectClose(f.got, f.want, `generic rows conv2d ${JSON.stringify(p)}`);
        const gy = randn(r, p.n * p.cOut * p.outH * p.outW);
        const g = await both(gpu, cpu, [gy, w], (b, [gs, ws]) =>
          b === gpu ? gpu.conv2dBackwardInputWith('rows-8x8', gs, ws, p) : b.conv2dBackwardInput(gs, ws, p),
        );
        expectClose(g.got, g.want, `generic rows conv2dBackwardInput ${JSON.stringify(p)}`);
      }
    } finally {
      gpu.unrolledConv = true;
    }
  });

  for (const v of Object.keys(CONV_BWD_INPUT_VARIANTS)) {
    it(`conv2dBackwardInput variant ${v} matches the CPU backend`, async () => {
      const r = rng(52);
      for (const p of convCases) {
        const gy = randn(r, p.n * p.cOut * p.outH * p.outW);
        const w = randn(r, p.cOut * p.cIn * p.kH * p.kW);
        const { got, want } = await both(gpu, cpu, [gy, w], (b, [g, ws]) =>
          b === gpu ? gpu.conv2dBackwardInputWith(v, g, ws, p) : b.conv2dBackwardInput(g, ws, p),
        );
        expectClose(got, want, `conv2dBackwardInput ${v} ${JSON.stringify(p)}`);
      }
    });
  }

  it('the fused weight-and-bias gradient matches the CPU backend where it runs, and declines where it does not', async () => {
    const r = rng(54);
    let fused = 0;
    for (const p of [...convCases, convParams(32, 1, 28, 28, 6, 5, 5, 1, 1, 2, 2), convParams(3, 20, 6, 6, 40, 3, 3, 1, 1, 1, 1)]) {
      const x = randn(r, p.n * p.cIn * p.h * p.w);
      const gy = randn(r, p.n * p.cOut * p.outH * p.outW);
      // The row kernel's cases: stride 1, kW <= 8, outputs wider than 4 (narrower ones run as im2col products).
      const covered = p.strideH === 1 && p.strideW === 1 && p.kW <= 8 && 2 * p.padH < p.kH && p.outW > 4;
      for (const part of ['dW', 'dBias'] as const) {
        const { got, want } = await both(gpu, cpu, [x, gy], (b, [xs, g]) => {
          if (b === gpu) {
            const res = gpu.conv2dBackwardWeightBias(xs, g, p);
            expect(res !== null, `fused kernel offered for ${JSON.stringify(p)}`).toBe(covered);
            if (!res) return part === 'dW' ? gpu.conv2dBackwardWeight(xs, g, p) : gpu.reduce('sum', g, [p.n, p.cOut, p.outH * p.outW], [0, 2]);
            gpu.free(part === 'dW' ? res.dBias : res.dW);
            return part === 'dW' ? res.dW : res.dBias;
          }
          return part === 'dW' ? b.conv2dBackwardWeight(xs, g, p) : b.reduce('sum', g, [p.n, p.cOut, p.outH * p.outW], [0, 2]);
        });
        expectClose(got, want, `fused conv2d ${part} ${JSON.stringify(p)}`, 1e-3, 1e-4);
      }
      if (covered) fused++;
    }
    expect(fused).toBeGreaterThanOrEqual(5);
  });

  for (const v of Object.keys(CONV_BWD_WEIGHT_VARIANTS)) {
    it(`conv2dBackwardWeight variant ${v} matches the CPU backend`, async () => {
      const r = rng(53);
      for (const p of [...convCases, convParams(32, 1, 28, 28, 6, 5, 5, 1, 1, 2, 2)]) {
        const x = randn(r, p.n * p.cIn * p.h * p.w);
        const gy = randn(r, p.n * p.cOut * p.outH * p.outW);
        const { got, want } = await both(gpu, cpu, [x, gy], (b, [xs, g]) =>
          b === gpu ? gpu.conv2dBackwardWeightWith(v, xs, g, p) : b.conv2dBackwardWeight(xs, g, p),
        );
        expectClose(got, want, `conv2dBackwardWeight ${v} ${JSON.stringify(p)}`, 1e-3, 1e-4);
      }
    });
  }

  /**
   * The three passes of one convolution in a variant that takes every shape (the forward
   * one with a bias and a fused ReLU) against the CPU backend, on random data from `r`.
   */
  /**
   * Every pass of `variant` against the CPU backend (forward with a bias and ReLU); `scaled`:
   * within 3e-5 of each output's largest value (the 'high' precision's Winograd tilings),
   * else the contract's tolerances.
   */
  async function allPasses(variant: string, p: Conv2dParams, r: () => number, label: string, scaled = false): Promise<void> {
    const x = randn(r, p.n * p.cIn * p.h * p.w);
    const w = randn(r, p.cOut * p.cIn * p.kH * p.kW);
    const bias = randn(r, p.cOut);
    const gy = randn(r, p.n * p.cOut * p.outH * p.outW);
    const tol = (want: Float32Array, contract: number) => (scaled ? Math.max(1e-4, 3e-5 * want.reduce((a, v) => Math.max(a, Math.abs(v)), 0)) : contract);
    const f = await both(gpu, cpu, [x, w, bias], (b, [xs, ws, bs]) =>
      b === gpu ? gpu.conv2dWith(variant, xs, ws, bs, p, 'relu') : b.unary('relu', b.conv2d(xs, ws, bs, p)),
    );
    expectClose(f.got, f.want, `${label} conv2d ${JSON.stringify(p)}`, tol(f.want, 1e-4));
    const gi = await both(gpu, cpu, [gy, w], (b, [g, ws]) =>
      b === gpu ? gpu.conv2dBackwardInputWith(variant, g, ws, p) : b.conv2dBackwardInput(g, ws, p),
    );
    expectClose(gi.got, gi.want, `${label} conv2dBackwardInput ${JSON.stringify(p)}`, tol(gi.want, 1e-4));
    const gw = await both(gpu, cpu, [x, gy], (b, [xs, g]) =>
      b === gpu ? gpu.conv2dBackwardWeightWith(variant, xs, g, p) : b.conv2dBackwardWeight(xs, g, p),
    );
    expectClose(gw.got, gw.want, `${label} conv2dBackwardWeight ${JSON.stringify(p)}`, tol(gw.want, 1e-3), scaled ? undefined : 1e-4);
  }

  // The implicit-GEMM variants on shapes that cross their 128 x 128 and 64 x 128 tiles: over
  // 64 and 128 output channels (forward, weight gradient) and input channels (input
  // gradient, and the weight gradient's columns), ragged edges, strides 2 and 3 and a
  // stride in one axis only (whose input gradient skips the taps that fall between
  // outputs), a 1x1 strided shortcut, a weight gradient's reduction cut into slices, and a
  // layer without input channels.
  for (const variant of ['igemm-128', 'igemm-64x128']) {
    it(`the implicit-GEMM convolutions (${variant}) cross their tiles, strides and slices like the CPU backend`, async () => {
      const r = rng(57);
      const cases = [
        convParams(2, 3, 23, 23, 130, 3, 3, 2, 2, 1, 1),
        convParams(2, 130, 6, 7, 9, 3, 3, 1, 1, 1, 1),
        convParams(3, 20, 9, 9, 12, 1, 1, 2, 2, 0, 0),
        convParams(2, 8, 10, 11, 6, 4, 4, 3, 3, 2, 2),
        convParams(2, 5, 9, 10, 70, 3, 3, 1, 2, 1, 1),
        convParams(24, 2, 20, 20, 5, 3, 3, 1, 1, 1, 1),
        // No input channels: the output is the activated bias.
        convParams(2, 0, 5, 5, 3, 3, 3, 1, 1, 1, 1),
      ];
      for (const p of cases) await allPasses(variant, p, r, variant);
    }, 120_000);

    // On a GPU, a pass with few tiles and a long reduction cuts it into slices whose partial
    // products a second kernel adds up (with the forward pass's bias, activation and NCHW
    // store): 2 and 4 slices, a stride, planes of 9, 16 and 49 pixels.
    it(`the implicit-GEMM convolutions (${variant}) split over k match the CPU backend`, async () => {
      const r = rng(59);
      const keys = await splittingAsOnGpu(async () => {
        for (const p of [convParams(2, 64, 7, 7, 70, 3, 3, 1, 1, 1, 1), convParams(1, 128, 4, 4, 120, 3, 3, 1, 1, 1, 1), convParams(2, 60, 6, 6, 20, 3, 3, 2, 2, 1, 1)]) {
          await allPasses(variant, p, r, `${variant} split`);
        }
      });
      // Forward: 2, 4 and 2 slices (k = 576, 1152, 540); input gradient: 2 and 4 (k = 630, 1080; 180 is too short).
      expect(keys.filter((k) => k.startsWith('matmul-split-sum')).length, 'the split passes').toBe(5);
    }, 120_000);
  }

  // The im2col variants run their products in the tuned matmul variant: each of them, with
  // the per-row bias and NCHW (outPlane) store forward, transposed A (input gradient) and
  // transposed B (weight gradient), over several row and column tiles of the largest kernels.
  for (const mv of Object.keys(MATMUL_VARIANTS)) {
    it(`the im2col convolutions match the CPU backend with matmul variant ${mv}`, async () => {
      const r = rng(58);
      const saved = gpu.tuning;
      gpu.tuning = { ...saved, matmul: mv };
      try {
        // (Both NCHW cases have 144-pixel planes, which cross the 128-column tiles: one pipeline.)
        for (const p of [convCases[2], convParams(4, 8, 12, 12, 20, 3, 3, 1, 1, 1, 1), convParams(2, 3, 23, 23, 130, 3, 3, 2, 2, 1, 1)]) {
          await allPasses('im2col', p, r, `im2col (${mv})`);
        }
      } finally {
        gpu.tuning = saved;
      }
      // (A generous limit: SwiftShader compiles the larger tiled kernels slowly.)
    }, 180_000);
  }

  describe('Winograd convolutions', () => {
    // F(2x2, 3x3) for 3x3 stride-1 layers: every pass by its transforms (the dispatches say
    // so), paddings 0 to 2, odd and one-pixel planes (tiles cut at the edges), channel counts
    // across the products' tiles, a batch run in chunks of one image, and every matmul
    // variant for the 16 products; other shapes fall back.
    const cases = [
      convParams(2, 3, 9, 7, 5, 3, 3, 1, 1, 0, 0),
      convParams(2, 4, 7, 10, 6, 3, 3, 1, 1, 2, 2),
      convParams(3, 70, 8, 8, 66, 3, 3, 1, 1, 1, 1),
      convParams(2, 8, 1, 1, 5, 3, 3, 1, 1, 1, 1),
      convParams(3, 5, 5, 6, 4, 3, 3, 1, 1, 1, 1),
    ];
    const count = (keys: string[], key: string) => keys.filter((k) => k.startsWith(key)).length;

    for (const mv of Object.keys(MATMUL_VARIANTS)) {
      it(`every pass matches the CPU backend with matmul variant ${mv}`, async () => {
        const r = rng(61);
        const saved = gpu.tuning;
        gpu.tuning = { ...saved, matmul: mv };
        try {
          for (const p of cases) {
            const keys = await keysOf(() => allPasses('winograd', p, r, `winograd (${mv})`));
            // Forward and input gradient: one dispatch of the filter and data transforms, an output transform; the weight gradient: one of dL/dy's and the data's, and the filter's.
            expect([count(keys, 'winograd-filter-input:'), count(keys, 'winograd-output:'), count(keys, 'winograd-dy-input:'), count(keys, 'winograd-filter-grad:')], JSON.stringify(p)).toEqual([2, 2, 1, 1]);
            expect(keys.filter((k) => k.startsWith('winograd')).length, JSON.stringify(p)).toBe(6);
          }
        } finally {
          gpu.tuning = saved;
        }
      }, 120_000);
    }

    /**
     * F(4x4, 3x3) and F(2x2, 5x5) (six points, at the 'high' precision only) round more: every
     * pass of each case within 3e-5 of its output's largest value (allPasses, scaled), in one
     * chunk and in chunks of as few images as hold the larger plane's tiles, by the tiling
     * named `tiling` only.
     */
    async function sixPointPasses(variant: string, m: number, k: number, tiling: string, list: Conv2dParams[], r: () => number): Promise<void> {
      const saved = winogradLimit.floats;
      const tiles = (h: number, w: number) => Math.ceil(h / m) * Math.ceil(w / m);
      setConvPrecision('high');
      try {
        for (const p of list) {
          const perTile = 36 * Math.max(p.cIn, p.cOut);
          for (const chunked of [false, true]) {
            winogradLimit.floats = chunked ? perTile * Math.max(tiles(p.outH, p.outW), tiles(p.h, p.w)) : saved;
            const label = `${variant}${chunked ? ' in chunks' : ''}`;
            const keys = await keysOf(() => allPasses(variant, p, r, label, true));
            const ours = keys.filter((key) => key.startsWith('winograd'));
            expect(ours.length > 0 && ours.every((key) => key.endsWith(`:${tiling}`)), label).toBe(true);
            // The weight gradient's chunks: as many images as the limit holds tiles of dL/dy.
            const perChunk = Math.min(p.n, Math.floor(winogradLimit.floats / (perTile * tiles(p.outH, p.outW))));
            expect(count(keys, 'winograd-filter-grad'), label).toBe(Math.ceil(p.n / perChunk));
          }
        }
      } finally {
        setConvPrecision('highest');
        winogradLimit.floats = saved;
      }
    }

    it('F(4x4, 3x3) tiles give every pass within 3e-5 of the output scale, edge tiles and chunks included', async () => {
      await sixPointPasses('winograd-4x4', 4, 3, 'F4', [...cases, convParams(2, 6, 13, 11, 5, 3, 3, 1, 1, 1, 1), convParams(2, 64, 16, 16, 64, 3, 3, 1, 1, 1, 1)], rng(63));
    }, 180_000);

    // F(2x2, 5x5): AlexNet's and NiN's layer (padding 2), paddings 0, 1, 3 and 4, odd planes
    // and edge tiles, a plane smaller than the kernel, channels across the products' tiles.
    it('F(2x2, 5x5) tiles give every pass within 3e-5 of the output scale, at the high precision only', async () => {
      const r = rng(65);
      const five = [
        convParams(2, 6, 13, 13, 16, 5, 5, 1, 1, 2, 2),
        convParams(2, 3, 9, 7, 5, 5, 5, 1, 1, 0, 0),
        convParams(3, 4, 6, 8, 3, 5, 5, 1, 1, 4, 4),
        convParams(2, 5, 3, 3, 4, 5, 5, 1, 1, 1, 1),
        convParams(2, 70, 8, 8, 66, 5, 5, 1, 1, 3, 3),
      ];
      await sixPointPasses('winograd-5x5', 2, 5, 'F2r5', five, r);
      // Padding 5 and stride 2 are not Winograd's: they run the fallback.
      setConvPrecision('high');
      try {
        for (const p of [convParams(2, 3, 9, 9, 4, 5, 5, 1, 1, 5, 5), convParams(2, 3, 9, 9, 4, 5, 5, 2, 2, 2, 2)]) {
          expect(count(await keysOf(() => allPasses('winograd-5x5', p, r, 'winograd-5x5 fallback')), 'winograd'), JSON.stringify(p)).toBe(0);
        }
      } finally {
        setConvPrecision('highest');
      }
      // At the highest precision it is the fallback's (rows) convolution, to the contract's tolerance.
      const keys = await keysOf(() => allPasses('winograd-5x5', five[0], r, 'winograd-5x5 at the highest precision'));
      expect(count(keys, 'winograd'), 'highest').toBe(0);
    }, 180_000);

    // The bias gradient comes with Winograd's weight gradient: each tile's dL/dy sum is its
    // transform's entry at the point 1, summed over the tiles in the last dispatch.
    it('Winograd weight gradients give the bias gradient in the same dispatches, in chunks too', async () => {
      const r = rng(67);
      const saved = { tuning: gpu.tuning, floats: winogradLimit.floats };
      const runs = [
        { v: 'winograd', precision: 'highest', tiling: 'F2', m: 2, a: 4, p: convParams(3, 5, 9, 7, 6, 3, 3, 1, 1, 1, 1) },
        { v: 'winograd-4x4', precision: 'high', tiling: 'F4', m: 4, a: 6, p: convParams(3, 16, 13, 11, 20, 3, 3, 1, 1, 0, 0) },
        { v: 'winograd-5x5', precision: 'high', tiling: 'F2r5', m: 2, a: 6, p: convParams(2, 6, 10, 10, 16, 5, 5, 1, 1, 2, 2) },
      ] as const;
      try {
        for (const { v, precision, tiling, m, a, p } of runs) {
          setConvPrecision(precision);
          gpu.tuning = { ...saved.tuning, conv2dBackwardWeight: v };
          for (const chunked of [false, true]) {
            // One image's transformed tiles of dL/dy (or of the input: the larger).
            winogradLimit.floats = chunked ? a * a * Math.max(p.cIn, p.cOut) * Math.ceil(p.outH / m) * Math.ceil(p.outW / m) : saved.floats;
            const x = randn(r, p.n * p.cIn * p.h * p.w);
            const gy = randn(r, p.n * p.cOut * p.outH * p.outW);
            const label = `${v}${chunked ? ' in chunks' : ''} ${JSON.stringify(p)}`;
            const xs = gpu.fromData(x), gs = gpu.fromData(gy);
            const keys = await keysOf(async () => {
              const res = gpu.conv2dBackwardWeightBias(xs, gs, p);
              expect(res, label).not.toBeNull();
              const [dW, dBias] = [await gpu.read(res!.dW), await gpu.read(res!.dBias)];
              gpu.free(res!.dW);
              gpu.free(res!.dBias);
              const want = await both(gpu, cpu, [x, gy], (b, [a, g]) => (b === gpu ? gpu.conv2dBackwardWeightWith(v, a, g, p) : b.conv2dBackwardWeight(a, g, p)));
              expectClose(dW, want.got, `${label} dW as the variant's own`, 0, 0);
              const sums = await both(gpu, cpu, [gy], (b, [g]) => b.reduce('sum', g, [p.n, p.cOut, p.outH * p.outW], [0, 2]));
              expectClose(dBias, sums.want, `${label} dBias`, 1e-4, 1e-5);
            });
            expect(keys.filter((k) => k.startsWith('winograd-filter-grad')).every((k) => k.endsWith(`:${tiling}`)), label).toBe(true);
            expect(keys.filter((k) => k.startsWith('reduce')).length, label).toBe(1);
            // One image a chunk, in the fused call and in the variant's own.
            if (chunked) expect(keys.filter((k) => k.startsWith('winograd-filter-grad:1')).length, label).toBe(2 * (p.n - 1));
            gpu.free(xs);
            gpu.free(gs);
          }
        }
      } finally {
        setConvPrecision('highest');
        gpu.tuning = saved.tuning;
        winogradLimit.floats = saved.floats;
      }
    }, 120_000);

    // The rule of CPU-backed adapters (cpuConvChoice, variants.ts): Winograd on 3x3 and 5x5
    // stride-1 layers of 16 channels or more on maps of 8x8 or more (4x4 for the forward and
    // input-gradient passes), rows-8x8 elsewhere.
    it('cpu-mix runs Winograd where it pays on a CPU and rows-8x8 elsewhere, every pass like the CPU backend', async () => {
      const r = rng(66);
      const wino = (keys: string[]) => keys.filter((k) => k.startsWith('winograd')).length;
      setConvPrecision('high');
      try {
        for (const p of [convParams(2, 16, 8, 8, 24, 3, 3, 1, 1, 1, 1), convParams(2, 16, 8, 9, 16, 5, 5, 1, 1, 2, 2)]) {
          const keys = await keysOf(() => allPasses('cpu-mix', p, r, 'cpu-mix (Winograd)', true));
          expect(keys.filter((k) => k.startsWith('winograd')).every((k) => k.endsWith(p.kH === 3 ? ':F4' : ':F2r5')), JSON.stringify(p)).toBe(true);
          expect([wino(keys), keys.some((k) => k.startsWith('conv2d'))], JSON.stringify(p)).toEqual([6, false]);
        }
        for (const p of [convParams(2, 6, 14, 14, 16, 5, 5, 1, 1, 0, 0), convParams(2, 32, 3, 3, 32, 3, 3, 1, 1, 1, 1), convParams(2, 16, 9, 9, 16, 3, 3, 2, 2, 1, 1)]) {
          // The very kernels of rows-8x8.
          const keys = await keysOf(() => allPasses('cpu-mix', p, r, 'cpu-mix (rows)'));
          expect(keys, JSON.stringify(p)).toEqual(await keysOf(() => allPasses('rows-8x8', p, r, 'rows-8x8')));
          expect(wino(keys), JSON.stringify(p)).toBe(0);
        }
      } finally {
        setConvPrecision('highest');
      }
    }, 120_000);

    it('winograd-4x4 runs F(4x4, 3x3) at the high precision only, and F(2x2, 3x3) at the highest', async () => {
      const r = rng(64);
      const p = convParams(2, 4, 8, 8, 4, 3, 3, 1, 1, 1, 1);
      for (const precision of ['highest', 'high'] as const) {
        setConvPrecision(precision);
        try {
          const keys = await keysOf(() => allPasses(precision === 'high' ? 'winograd' : 'winograd-4x4', p, r, `winograd at ${precision}`));
          expect(keys.filter((k) => k.startsWith('winograd')).every((k) => k.endsWith(':F2')), precision).toBe(true);
          const [xs, ws] = [gpu.fromData(randn(r, 2 * 4 * 64)), gpu.fromData(randn(r, 4 * 4 * 9))];
          const four = await keysOf(async () => gpu.free(gpu.conv2dWith('winograd-4x4', xs, ws, null, p)));
          gpu.free(xs);
          gpu.free(ws);
          expect(four.filter((k) => k.startsWith('winograd')).every((k) => k.endsWith(precision === 'high' ? ':F4' : ':F2')), precision).toBe(true);
        } finally {
          setConvPrecision('highest');
        }
      }
    });

    it('a batch too large for one buffer runs in chunks of images, and shapes it does not cover fall back', async () => {
      const r = rng(62);
      const saved = winogradLimit.floats;
      try {
        for (const p of [convParams(3, 6, 6, 5, 7, 3, 3, 1, 1, 1, 1), convParams(4, 3, 9, 9, 4, 3, 3, 1, 1, 0, 0)]) {
          // Room for one image's transformed tiles (the larger of the passes' planes).
          winogradLimit.floats = 16 * Math.max(p.cIn, p.cOut) * Math.max(Math.ceil(p.outH / 2) * Math.ceil(p.outW / 2), Math.ceil(p.h / 2) * Math.ceil(p.w / 2));
          const keys = await keysOf(() => allPasses('winograd', p, r, 'winograd in chunks'));
          expect(count(keys, 'winograd-filter-grad'), `one weight-gradient step per image ${JSON.stringify(p)}`).toBe(p.n);
          expect(count(keys, 'winograd-filter-grad:1')).toBe(p.n - 1);
        }
        winogradLimit.floats = saved;
        for (const p of [convParams(2, 3, 9, 9, 4, 3, 3, 2, 2, 1, 1), convParams(2, 3, 9, 9, 4, 5, 5, 1, 1, 2, 2), convParams(2, 3, 9, 9, 4, 3, 3, 1, 1, 1, 0), convParams(2, 3, 9, 9, 4, 3, 3, 1, 1, 3, 3)]) {
          const keys = await keysOf(() => allPasses('winograd', p, r, 'winograd fallback'));
          expect(count(keys, 'winograd'), JSON.stringify(p)).toBe(0);
        }
      } finally {
        winogradLimit.floats = saved;
      }
    }, 120_000);
  });
});

describe('batch normalisation', () => {
  // Channel counts below, at and above the few-channel switch and the channels per workgroup;
  // channels long enough to be cut into chunks (split-256: 26,000 values, three chunks, the
  // last one shorter), with a mean far from zero and chunks of different means, where a
  // fold that cancels or forgets the spread between chunks would show.
  const cases = [
    { n: 3, c: 5, hw: 49, eps: 1e-5 },
    { n: 2, c: 37, hw: 9, eps: 1e-5 },
    { n: 4, c: 70, hw: 1, eps: 1e-3 },
    { n: 16, c: 6, hw: 784, eps: 1e-5 },
    { n: 13, c: 3, hw: 2000, eps: 1e-5 },
  ];
  for (const v of Object.keys(CHANNEL_REDUCE_VARIANTS)) {
    it(`the ${v} per-channel reductions (statistics, backward sums) match the CPU backend`, async () => {
      const saved = gpu.tuning;
      gpu.tuning = { ...saved, channelReduce: v };
      try {
        const r = rng(61);
        for (const p of cases) {
          const x = randn(r, p.n * p.c * p.hw, -2, 3);
          // Images that differ in brightness, so that the chunks of a channel differ in mean.
          if (p.hw === 2000) x.forEach((v, i) => (x[i] = 40 + Math.floor(i / (p.c * p.hw)) + v));
          const g = randn(r, p.n * p.c * p.hw);
          const w = randn(r, p.c);
          // The statistics with the running averages updated in the same kernel.
          const rm = randn(r, p.c);
          const rv = randn(r, p.c, 0.5, 2);
          for (const which of ['mean', 'variance'] as const) {
            const { got, want } = await both(gpu, cpu, [x, rm, rv], (b, [xs, ms, vs]) => {
              const st = b.batchNormStats(xs, p, { mean: ms, variance: vs, momentum: 0.1 });
              b.free(st.mean);
              b.free(st.variance);
              return which === 'mean' ? ms : vs;
            });
            expectClose(got, want, `batch norm running ${which} (${v}, ${JSON.stringify(p)})`, 1e-4, 1e-3);
          }
          for (const part of ['mean', 'variance', 'dx', 'dWeight', 'dBias'] as const) {
            const { got, want } = await both(gpu, cpu, [x, g, w], (b, [xs, gs, ws]) => {
              const st = b.batchNormStats(xs, p);
              const back = b.batchNormBackward(gs, xs, st.mean, st.variance, ws, { ...p, batchStats: true });
              const all: Record<string, Storage> = { ...st, ...back };
              for (const [k, s] of Object.entries(all)) if (k !== part) b.free(s);
              return all[part];
            });
            expectClose(got, want, `batch norm ${part} (${v}, ${JSON.stringify(p)})`, 1e-4, 1e-3);
          }
          // The epilogue: + residual, then an activation; its backward through the
          // activation's derivative, with the gradient at the sum kept or not.
          const res = randn(r, p.n * p.c * p.hw);
          for (const [act, residual, keepG] of [['relu', true, true], ['relu', false, false], ['sigmoid', true, false], ['tanh', false, true]] as const) {
            const label = `batch norm + ${residual ? 'residual + ' : ''}${act} (${v}, ${JSON.stringify(p)}, keepG ${keepG})`;
            for (const part of ['y', 'dx', 'dWeight', 'dBias', ...(keepG ? ['g'] : [])]) {
              const { got, want } = await both(gpu, cpu, [x, g, w, res], (b, [xs, gs, ws, rs]) => {
                const st = b.batchNormStats(xs, p);
                const y = b.batchNormApply(xs, st.mean, st.variance, ws, null, p, { act, residual: residual ? rs : null });
                const back = b.batchNormBackward(gs, xs, st.mean, st.variance, ws, { ...p, batchStats: true }, { op: act, y, keepG });
                const all: Record<string, Storage> = { ...st, y, ...back };
                for (const [k, s] of Object.entries(all)) if (k !== part) b.free(s);
                return all[part];
              });
              expectClose(got, want, `${label} ${part}`, 1e-4, 1e-3);
            }
          }
        }
      } finally {
        gpu.tuning = saved;
      }
    });
  }
});

function poolParams(mode: 'max' | 'avg', n: number, c: number, h: number, w: number, kH: number, kW: number, sH: number, sW: number, pH: number, pW: number): Pool2dParams {
  return { mode, n, c, h, w, kH, kW, strideH: sH, strideW: sW, padH: pH, padW: pW, outH: outSize(h, kH, pH, sH), outW: outSize(w, kW, pW, sW) };
}

describe('pooling and resizing', () => {
  const shapes = [
    [2, 3, 8, 8, 2, 2, 2, 2, 0, 0],
    [1, 2, 9, 7, 3, 3, 2, 2, 1, 1],
    [2, 1, 6, 11, 3, 2, 1, 3, 1, 0],
    [3, 4, 13, 13, 3, 3, 2, 2, 0, 0],
    // Windows that tile the input exactly (the LeNet pools; a fast path for average pooling).
    [3, 5, 28, 28, 2, 2, 2, 2, 0, 0],
    [2, 3, 9, 8, 3, 2, 3, 2, 0, 0],
  ];
  for (const mode of ['max', 'avg'] as const) {
    it(`${mode} pool2d forward and backward match the CPU backend (overlaps, padding, ties)`, async () => {
      const r = rng(mode === 'max' ? 61 : 62);
      for (const s of shapes) {
        const p = poolParams(mode, ...(s as [number, number, number, number, number, number, number, number, number, number]));
        // Coarse values make ties inside windows; the first maximum must win.
        const x = randn(r, p.n * p.c * p.h * p.w, -2, 2).map((v) => Math.round(v * 2) / 2);
        const f = await both(gpu, cpu, [x], (b, [xs]) => b.pool2d(xs, p));
        expectClose(f.got, f.want, `${mode} pool ${JSON.stringify(p)}`);
        const gy = randn(r, p.n * p.c * p.outH * p.outW);
        const g = await both(gpu, cpu, [x, gy], (b, [xs, gs]) => b.pool2dBackward(xs, gs, p));
        expectClose(g.got, g.want, `${mode} pool backward ${JSON.stringify(p)}`);
      }
    });
  }

  it('resizeBilinear matches the CPU backend when upsampling and downsampling', async () => {
    const r = rng(63);
    for (const [n, c, h, w, oh, ow] of [[1, 1, 4, 4, 8, 8], [2, 3, 28, 28, 32, 32], [1, 2, 9, 7, 4, 5], [1, 1, 5, 3, 5, 3], [2, 1, 1, 1, 3, 2]]) {
      const { got, want } = await both(gpu, cpu, [randn(r, n * c * h * w)], (b, [x]) => b.resizeBilinear(x, n, c, h, w, oh, ow));
      expectClose(got, want, `resize ${[n, c, h, w, oh, ow]}`);
    }
  });
});

describe('randomness and optimizers', () => {
  it('dropoutMask gives exactly the CPU backend mask for the same seed', async () => {
    for (const [n, p, seed] of [[10007, 0.5, 1], [5000, 0.1, 12345], [333, 0, 7], [333, 1, 7], [4096, 0.9, 0xffffffff]]) {
      const gs = gpu.dropoutMask(n, p, seed);
      const cs = cpu.dropoutMask(n, p, seed);
      expectClose(await gpu.read(gs), await cpu.read(cs), `dropout p=${p}`, 0, 1e-7);
      gpu.free(gs);
      cpu.free(cs);
    }
  });

  it('dropoutMask keeps about 1 - p of the elements and differs between seeds', async () => {
    const a = await gpu.read(gpu.dropoutMask(100000, 0.3, 1));
    const b = await gpu.read(gpu.dropoutMask(100000, 0.3, 2));
    const kept = a.filter((v) => v !== 0).length / a.length;
    expect(Math.abs(kept - 0.7)).toBeLessThan(0.01);
    expect(a.some((v, i) => v !== b[i])).toBe(true);
  });

  const sgdCases = [
    { lr: 0.1, momentum: 0, weightDecay: 0, dampening: 0, nesterov: false, firstStep: true },
    { lr: 0.05, momentum: 0.9, weightDecay: 1e-3, dampening: 0, nesterov: false, firstStep: true },
    { lr: 0.05, momentum: 0.9, weightDecay: 1e-3, dampening: 0.1, nesterov: false, firstStep: false },
    { lr: 0.01, momentum: 0.8, weightDecay: 0, dampening: 0, nesterov: true, firstStep: false },
  ];
  for (const p of sgdCases) {
    it(`sgdStep updates 19 parameters, their momentum buffers in place like PyTorch, in few dispatches (${JSON.stringify(p)})`, async () => {
      const r = rng(71);
      // Sizes that split into several dispatches and include an empty parameter.
      const sizes = Array.from({ length: 19 }, (_, i) => (i === 5 ? 0 : 1 + ((i * 613) % 1031)));
      const host = sizes.map((n) => [randn(r, n), randn(r, n), randn(r, n)]);
      const g = host.map((t) => t.map((d) => gpu.fromData(d)));
      const c = host.map((t) => t.map((d) => cpu.fromData(d)));
      const items = (s: Storage[][]) => s.map(([param, grad, m]) => ({ param, grad, momentumBuf: p.momentum ? m : null }));
      const before = gpu.rt.dispatches;
      gpu.sgdStep(items(g), p);
      expect(gpu.rt.dispatches - before).toBeLessThanOrEqual(Math.ceil(19 / Math.floor(gpu.rt.maxStorageBuffers / (p.momentum ? 3 : 2))));
      cpu.sgdStep(items(c), p);
      for (let k = 0; k < sizes.length; k++) {
        expectClose(await gpu.read(g[k][0]), await cpu.read(c[k][0]), `param ${k}`);
        expectClose(await gpu.read(g[k][2]), await cpu.read(c[k][2]), `momentum buffer ${k}`);
      }
      g.flat().forEach((s) => gpu.free(s));
    });
  }

  it('adamStep updates param, m and v in place like PyTorch over several steps', async () => {
    const r = rng(72);
    const n = 2049;
    const host = [randn(r, n), randn(r, n), new Float32Array(n), new Float32Array(n)];
    const g = host.map((d) => gpu.fromData(d));
    const c = host.map((d) => cpu.fromData(d));
    for (let step = 1; step <= 3; step++) {
      const p = { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: step === 2 ? 1e-2 : 0, step };
      gpu.adamStep(g[0], g[1], g[2], g[3], p);
      cpu.adamStep(c[0], c[1], c[2], c[3], p);
    }
    for (let i = 0; i < 4; i++) expectClose(await gpu.read(g[i]), await cpu.read(c[i]), `adam operand ${i}`);
    g.forEach((s) => gpu.free(s));
  });
});
