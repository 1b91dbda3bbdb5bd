/**
 * The machinery under the kernels: buffer pool reuse, batched submits, uniforms and
 * bind groups kept by content, dispatch grids beyond 65,535 workgroups, size limits and device loss.
 */
import { describe, it, expect, beforeAll, afterAll, vi } from 'vitest';
import { createWebGPUBackend, WebGPUBackend } from '../../src/engine/webgpu';
import { createCpuBackend } from '../../src/engine/cpu';
import { sizeClass } from '../../src/engine/webgpu/runtime';
import { formatProfile } from '../../src/engine/webgpu/profile';
import { pick } from '../../src/engine/webgpu/autotune';
import { VARIANT_SET, tuningIsCurrent } from '../../src/engine/webgpu/variants';
import { both, expectClose, randn, rng } from './helpers';
import { eventLoopTurns } from '../helpers/event-loop';

let gpu: WebGPUBackend;
const cpu = createCpuBackend();
beforeAll(async () => {
  gpu = await createWebGPUBackend({ autotune: false });
});
afterAll(() => gpu?.destroy());

describe('what the backend says of itself', () => {
  it('reports its adapter as fields, and SwiftShader as a software adapter', () => {
    expect(gpu.about.kind).toBe('webgpu');
    if (gpu.about.kind !== 'webgpu') return;
    expect(gpu.description).toBe(`WebGPU: ${gpu.about.adapter}`);
    expect(gpu.about.adapter.toLowerCase()).toContain('swiftshader');
    expect(gpu.about.software).toBe(true);
  });
});

describe('buffer pool', () => {
  it('size classes round up by at most a quarter and never shrink a request', () => {
    for (const b of [1, 4, 255, 256, 257, 1000, 4096, 4097, 123457, 1 << 24]) {
      const c = sizeClass(b);
      expect(c).toBeGreaterThanOrEqual(b);
      if (b > 256) expect(c).toBeLessThanOrEqual(b * 1.25 + 4);
    }
  });

  it('a freed buffer is reused for the next storage of the same size class', async () => {
    const a = gpu.fromData(new Float32Array(1000).fill(1));
    const buffer = (a as unknown as { buffer: GPUBuffer }).buffer;
    gpu.free(a);
    const b = gpu.fill(1000, 2);
    expect((b as unknown as { buffer: GPUBuffer }).buffer).toBe(buffer);
    expectClose(await gpu.read(b), new Float32Array(1000).fill(2), 'reused fill');
    gpu.free(b);
  });

  it('an upload into a reused buffer does not overtake queued kernels that still read its old contents', async () => {
    const r = rng(3);
    const x = randn(r, 5000);
    const y = randn(r, 5000);
    const a = gpu.fromData(x);
    const neg = gpu.unary('neg', a); // recorded, not yet submitted
    gpu.free(a);
    const b = gpu.fromData(y); // takes a's buffer while `neg` still has to read it
    expect((b as unknown as { buffer: GPUBuffer }).buffer).toBe((a as unknown as { buffer: GPUBuffer }).buffer);
    const twice = gpu.binary('add', b, [5000], b, [5000], [5000]);
    expectClose(await gpu.read(neg), x.map((v) => -v), 'neg of the old contents');
    expectClose(await gpu.read(twice), y.map((v) => 2 * v), 'sum of the new contents');
    for (const s of [neg, b, twice]) gpu.free(s);
  });

  it('chains of kernels that free and reuse intermediates keep every result correct', async () => {
    const r = rng(4);
    const n = 777;
    const x = randn(r, n);
    const gx = gpu.fromData(x);
    const cx = cpu.fromData(x);
    let g = gpu.unary('tanh', gx);
    let c = cpu.unary('tanh', cx);
    for (let i = 0; i < 50; i++) {
      const g2 = gpu.binary('add', g, [n], gx, [n], [n]);
      const c2 = cpu.binary('add', c, [n], cx, [n], [n]);
      gpu.free(g);
      cpu.free(c);
      const g3 = gpu.unary('sigmoid', g2);
      const c3 = cpu.unary('sigmoid', c2);
      gpu.free(g2);
      cpu.free(c2);
      g = g3;
      c = c3;
    }
    expectClose(await gpu.read(g), await cpu.read(c), 'chain');
    gpu.free(g);
    gpu.free(gx);
  });

  it('memoryBytes counts live storages and returns to its start when all are freed', () => {
    const start = gpu.memoryBytes();
    const a = gpu.zeros(1000);
    const b = gpu.fill(10, 1);
    expect(gpu.memoryBytes()).toBe(start + 4040);
    gpu.free(a);
    gpu.free(b);
    gpu.free(b); // a second free is harmless
    expect(gpu.memoryBytes()).toBe(start);
  });

  it('a step that frees what it made and makes it again creates no buffers the second time, however little the pool keeps beyond it, and trimMemory gives the pool back', async () => {
    const keep = gpu.rt.buffers.keepBytes;
    // Nothing kept beyond the high-water mark: the working set itself must be enough.
    gpu.rt.buffers.keepBytes = 0;
    try {
      gpu.trimMemory();
      // A forward pass that makes its activations in turn, then a backward pass that frees them.
      const sizes = [300_000, 70_000, 300_000, 1000, 120_000, 70_000, 4096, 300_000];
      const step = () => {
        const made = sizes.map((n) => gpu.fill(n, 1));
        for (const s of made.reverse()) gpu.free(s);
      };
      step();
      const held = () => gpu.memoryBytes() + gpu.rt.buffers.pooledBytes();
      const first = held();
      const before = gpu.rt.buffers.created;
      step();
      step();
      expect(gpu.rt.buffers.created - before).toBe(0);
      // Nothing more is held than after the first step.
      expect(held()).toBe(first);
      gpu.trimMemory();
      expect(gpu.rt.buffers.pooledBytes()).toBe(0);
      await gpu.read(gpu.fill(4, 2));
    } finally {
      gpu.rt.buffers.keepBytes = keep;
    }
  });

  it('work in many different sizes does not pile up in the pool: what is held stays within twice the most ever live', () => {
    const keep = gpu.rt.buffers.keepBytes;
    gpu.rt.buffers.keepBytes = 0;
    try {
      gpu.trimMemory();
      const base = gpu.memoryBytes();
      // Twenty sizes in twenty size classes, one storage at a time.
      const sizes = Array.from({ length: 20 }, (_, i) => Math.round(100_000 * 1.15 ** i));
      let largest = 0;
      for (const n of sizes) {
        const s = gpu.fill(n, 1);
        largest = Math.max(largest, sizeClass(n * 4));
        gpu.free(s);
      }
      const all = sizes.reduce((a, n) => a + sizeClass(n * 4), 0);
      expect(gpu.rt.buffers.pooledBytes()).toBeLessThan(all);
      expect(gpu.memoryBytes() + gpu.rt.buffers.pooledBytes()).toBeLessThanOrEqual(2 * (base + largest));
    } finally {
      gpu.rt.buffers.keepBytes = keep;
      gpu.trimMemory();
    }
  });

  it('using a freed storage is a clear error', () => {
    const a = gpu.zeros(4);
    gpu.free(a);
    expect(() => gpu.unary('neg', a)).toThrow(/used after free/);
  });
});

describe('batching and uniforms', () => {
  it('a chain of kernels is submitted once, when it is read', async () => {
    gpu.flush();
    const before = gpu.rt.submits;
    const x = gpu.fill(100, 1);
    let y = x;
    for (let i = 0; i < 40; i++) {
      const z = gpu.binary('add', y, [100], x, [100], [100]);
      if (y !== x) gpu.free(y);
      y = z;
    }
    expect(gpu.rt.submits).toBe(before);
    const out = await gpu.read(y);
    expect(gpu.rt.submits).toBe(before + 1);
    expectClose(out, new Float32Array(100).fill(41), 'sum');
    gpu.free(x);
    gpu.free(y);
  });

  it('every dispatch of one batch sees its own parameters, across several uniform chunks', async () => {
    const outs = Array.from({ length: 700 }, (_, i) => gpu.fill(3 + (i % 5), i * 0.5));
    const got = await Promise.all(outs.map((s) => gpu.read(s)));
    got.forEach((g, i) => expectClose(g, new Float32Array(3 + (i % 5)).fill(i * 0.5), `fill ${i}`));
    outs.forEach((s) => gpu.free(s));
  });

  it('a recorded dispatch whose uniform slot was kept from long ago keeps its parameters when the slots are written anew', async () => {
    const be = await createWebGPUBackend({ autotune: false });
    try {
      const early = be.fill(2, -1); // among the first slots
      await be.read(early);
      const filler = Array.from({ length: 4090 }, (_, i) => be.fill(2, i + 0.5));
      await be.read(filler[filler.length - 1]);
      const submits = be.rt.submits;
      const kept = be.fill(2, -1); // the early slot again, recorded and not yet submitted
      const fresh = Array.from({ length: 20 }, (_, i) => be.fill(2, 10000 + i)); // the slots run out: written anew from the first
      expect(be.rt.submits).toBeGreaterThan(submits);
      expectClose(await be.read(kept), Float32Array.from([-1, -1]), 'the kept slot');
      expectClose(await be.read(fresh[19]), Float32Array.from([10019, 10019]), 'a new slot');
    } finally {
      be.destroy();
    }
  });

  it('a repeated dispatch over the same buffers reuses its bind group; other buffers get their own', async () => {
    const x = gpu.fromData(Float32Array.from([1, 2, 3]));
    const first = gpu.unary('exp', x);
    const made = gpu.rt.bind.made;
    const again = gpu.unary('exp', x); // the same input, a new output buffer: a new group
    expect(gpu.rt.bind.made).toBe(made + 1);
    gpu.free(again);
    const third = gpu.unary('exp', x); // takes `again`'s buffer back from the pool: the same group
    expect(gpu.rt.bind.made).toBe(made + 1);
    const y = gpu.fromData(Float32Array.from([0, 1, 2]));
    const other = gpu.unary('exp', y);
    expect(gpu.rt.bind.made).toBe(made + 2);
    expectClose(await gpu.read(first), Float32Array.from([1, 2, 3].map(Math.exp)), 'first');
    expectClose(await gpu.read(third), Float32Array.from([1, 2, 3].map(Math.exp)), 'third');
    expectClose(await gpu.read(other), Float32Array.from([0, 1, 2].map(Math.exp)), 'other');
    for (const s of [x, y, first, third, other]) gpu.free(s);
  });

  it('reads do not block: several reads can be in flight while more work is recorded', async () => {
    const a = gpu.fill(10, 1);
    const p1 = gpu.read(a);
    const b = gpu.unary('exp', a);
    const p2 = gpu.read(b);
    const [x, y] = await Promise.all([p1, p2]);
    expectClose(x, new Float32Array(10).fill(1), 'first');
    expectClose(y, new Float32Array(10).fill(Math.E), 'second');
    gpu.free(a);
    gpu.free(b);
  });
});

describe('large dispatches', () => {
  it('an element-wise kernel over more than 65,535 x 256 elements folds its grid and covers every element', async () => {
    const n = 65535 * 256 + 1000;
    const x = new Float32Array(n);
    for (let i = 0; i < n; i += 1) x[i] = (i % 1013) - 500;
    const { got, want } = await both(gpu, cpu, [x], (b, [s]) => b.unary('abs', s));
    expectClose(got, want, 'abs over a folded grid');
  });

  it('a batched matmul with more than 65,535 tiles folds its grid', async () => {
    const r = rng(5);
    const p = { batch: 70000, m: 2, n: 3, k: 2, transA: false, transB: true, aBatch: 70000, bBatch: 1 };
    const { got, want } = await both(gpu, cpu, [randn(r, 70000 * 4), randn(r, 6)], (b, [x, y]) => b.matmul(x, y, p));
    expectClose(got, want, 'batched matmul');
  });

  it('an invocation-per-output reduction with more than 65,535 x 64 outputs folds its grid', async () => {
    const r = rng(7);
    const shape = [65535 * 64 + 100, 2];
    const { got, want } = await both(gpu, cpu, [randn(r, shape[0] * 2)], (b, [x]) =>
      b === gpu ? gpu.reduceWith('thread', 'max', x, shape, [1]) : b.reduce('max', x, shape, [1]),
    );
    expectClose(got, want, 'pair maxima');
  });
});

/**
 * Dispatches a kernel that binds nine storage buffers, one more than a device with the
 * default limits allows, so the device refuses it; returns the storage it would write.
 */
function refusedKernel(b: WebGPUBackend) {
  const x = b.fill(4, 1);
  const out = b.zeros(4);
  const decl = Array.from({ length: 9 }, (_, i) => `@group(0) @binding(${i}) var<storage, read_write> b${i}: array<f32>;`).join('\n');
  const sum = Array.from({ length: 9 }, (_, i) => `b${i}[0]`).join(' + ');
  const code = `${decl}\n@group(0) @binding(9) var<uniform> u: vec4<u32>;\n@compute @workgroup_size(1) fn main() { b8[0] = ${sum} + f32(u.x); }`;
  const buf = (s: unknown) => (s as { buffer: GPUBuffer }).buffer;
  b.rt.dispatch({ key: 'nine-buffers', code, buffers: [...Array.from({ length: 8 }, () => buf(x)), buf(out)], uniforms: new Uint32Array(4).buffer, workgroups: 1 });
  b.free(x);
  return out;
}

describe('limits and device loss', () => {
  it('a tensor beyond the device buffer limit is a clear Error, not a validation error', () => {
    const limit = gpu.rt.maxBufferBytes;
    const n = Math.floor(limit / 4) + 1;
    expect(() => gpu.zeros(n)).toThrow(/exceeds this device's limit/);
    expect(() => gpu.fill(n, 1)).toThrow(/maxStorageBufferBindingSize/);
    expect(gpu.rt.errors).toEqual([]);
  });

  it('a read after work the device refused throws instead of returning stale values, once', async () => {
    const b = await createWebGPUBackend({ autotune: false, limits: 'default' });
    try {
      expect(b.rt.maxStorageBuffers).toBe(8);
      const out = refusedKernel(b);
      await expect(b.read(out)).rejects.toThrow(/GPU refused work before this read.*storage buffers \(9\)/);
      // Reported once: the next read, of work the device accepts, returns its values.
      const y = b.fill(4, 3);
      expectClose(await b.read(y), new Float32Array(4).fill(3), 'after the refusal');
    } finally {
      b.destroy();
    }
  });

  it('invalid element counts are rejected clearly', () => {
    expect(() => gpu.zeros(-1)).toThrow(/invalid element count/);
    expect(() => gpu.zeros(1.5)).toThrow(/invalid element count/);
  });

  it('a device destroyed from outside is reported with reason "destroyed", and later kernels fail clearly', async () => {
    const seen: { reason: string; message: string }[] = [];
    const b = await createWebGPUBackend({ autotune: false, onDeviceLost: (i) => seen.push(i) });
    const x = b.fill(10, 1);
    b.device.destroy();
    await b.device.lost;
    await vi.waitFor(() => expect(seen.length).toBe(1));
    expect(seen[0].reason).toBe('destroyed');
    expect(() => b.unary('neg', x)).toThrow(/device was lost/);
    await expect(b.read(x)).rejects.toThrow(/device was lost/);
  });

  it('the backend\'s own destroy() reports no device loss', async () => {
    const seen: unknown[] = [];
    const b = await createWebGPUBackend({ autotune: false, onDeviceLost: (i) => seen.push(i) });
    const x = b.fill(10, 1);
    b.destroy();
    expect(() => b.unary('neg', x)).toThrow(/destroyed/);
    await b.device.lost;
    await eventLoopTurns(2);
    expect(seen).toEqual([]);
  });

  it('creating the backend without WebGPU is a clear Error', async () => {
    const noAdapter = { requestAdapter: async () => null } as unknown as GPU;
    await expect(createWebGPUBackend({ gpu: noAdapter })).rejects.toThrow(/no GPU adapter/);
    const g = globalThis as unknown as { navigator: { gpu?: GPU } };
    const saved = g.navigator.gpu;
    Object.defineProperty(g.navigator, 'gpu', { value: undefined, configurable: true });
    try {
      await expect(createWebGPUBackend()).rejects.toThrow(/WebGPU is not available/);
    } finally {
      Object.defineProperty(g.navigator, 'gpu', { value: saved, configurable: true });
    }
  });

  it('the description names the adapter', () => {
    expect(gpu.description).toMatch(/^WebGPU: \S/);
    expect(gpu.name).toBe('webgpu');
  });
});

describe('tuning', () => {
  it('leaves out a variant the device refuses, whose dropped commands would time as the fastest', async () => {
    const b = await createWebGPUBackend({ autotune: false, limits: 'default' });
    try {
      const chosen = await pick(b, 'probe', ['refused', 'accepted'], (v) => (v === 'refused' ? refusedKernel(b) : b.fill(1 << 20, 2)), { rounds: 2, log: {} });
      expect(chosen).toBe('accepted');
      const y = b.fill(4, 3);
      expectClose(await b.read(y), new Float32Array(4).fill(3), 'a read after the tuning');
    } finally {
      b.destroy();
    }
  });

  it('does not start on an adapter where no variant of an op computes correctly, and gives its device back', async () => {
    // Every matmul variant answers at once with the same wrong product.
    const wrong = vi.spyOn(WebGPUBackend.prototype, 'matmulWith').mockImplementation(function (this: WebGPUBackend, _v, _a, _b, p) {
      return this.fill(p.batch * p.m * p.n, 0.5);
    });
    const destroyed = vi.spyOn(WebGPUBackend.prototype, 'destroy');
    try {
      await expect(createWebGPUBackend()).rejects.toThrow(/no variant of matmul runs correctly on this adapter \(.*element \d+ is 0\.5, not/);
      expect(destroyed).toHaveBeenCalledTimes(1);
    } finally {
      wrong.mockRestore();
      destroyed.mockRestore();
    }
    // With the products sound again, it starts.
    const b = await createWebGPUBackend();
    expect(typeof b.tuning.matmul).toBe('string');
    b.destroy();
  });

  it('the autotune picks a known variant per op and a saved tuning is restored without tuning again', async () => {
    const b = await createWebGPUBackend();
    const t = b.tuning;
    expect(t.adapter).toBe(b.adapterKey);
    for (const k of ['matmul', 'conv2d', 'conv2dBackwardInput', 'conv2dBackwardWeight'] as const) expect(typeof t[k]).toBe('string');
    b.destroy();
    const saved = { ...t, matmul: 'tiled-64' };
    const c = await createWebGPUBackend({ tuning: saved });
    expect(c.tuning.matmul).toBe('tiled-64');
    c.tuning = { ...saved, matmul: 'no-such-variant' };
    expect(c.tuning.matmul).not.toBe('no-such-variant');
    c.destroy();
    // One measured among other variants (an older build's, or none named) is measured again.
    for (const variants of ['0badc0de', undefined]) {
      const d = await createWebGPUBackend({ tuning: { ...saved, variants, shapes: { 'conv2d:2,3,8,8,4,3,3,1,1,1,1': 'reg-32x2' } } });
      expect(d.tuning.variants).toBe(VARIANT_SET);
      expect(d.tuning.shapes, String(variants)).toBeUndefined();
      expect(tuningIsCurrent(d.tuning)).toBe(true);
      d.destroy();
    }
  });
});

describe('GPU profile', () => {
  it('times each dispatch per kernel key where the device has timestamp queries, and leaves the results alone', async () => {
    expect(gpu.rt.startProfile()).toBe(false);
    const timed = await createWebGPUBackend({ autotune: false, timestamps: true });
    try {
      expect(timed.rt.startProfile()).toBe(true);
      const r = rng(11);
      const a = randn(r, 64 * 48), b = randn(r, 48 * 40);
      const p = { batch: 1, m: 64, n: 40, k: 48, transA: false, transB: false, aBatch: 1, bBatch: 1 };
      const want = await cpu.read(cpu.matmul(cpu.fromData(a), cpu.fromData(b), p));
      const A = timed.fromData(a), B = timed.fromData(b);
      const outs = [0, 1, 2].map(() => timed.matmul(A, B, p));
      const abs = timed.unary('abs', outs[0]);
      for (const o of outs) expectClose(await timed.read(o), want, 'matmul while profiling');
      expectClose(await timed.read(abs), want.map(Math.abs), 'abs while profiling');
      const times = await timed.rt.stopProfile();
      const byKey = new Map(times.map((t) => [t.key, t]));
      const matmuls = times.filter((t) => t.key.startsWith('matmul'));
      expect(matmuls.reduce((n, t) => n + t.calls, 0)).toBe(3);
      expect([...byKey.keys()].some((k) => k.includes('abs'))).toBe(true);
      expect(times.reduce((n, t) => n + t.calls, 0)).toBe(timed.rt.dispatches);
      for (const t of times) expect(t.ms).toBeGreaterThanOrEqual(0);
      expect(times.reduce((n, t) => n + t.ms, 0)).toBeGreaterThan(0);
      for (let i = 1; i < times.length; i++) expect(times[i - 1].ms).toBeGreaterThanOrEqual(times[i].ms);
      // Stopped: nothing more is timed, and a stopped profile is empty.
      timed.free(timed.unary('abs', A));
      expect(await timed.rt.stopProfile()).toEqual([]);
      expect(timed.rt.errors).toEqual([]);
    } finally {
      timed.destroy();
    }
  });

  it('prints a profile per step, longest kernel first, the tail on one line, beside the wall clock', () => {
    const times = Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, calls: 2 * (i + 1), ms: 30 - i }));
    const lines = formatProfile(times.slice().reverse(), 2, 300);
    expect(lines[0]).toContain('over 2 steps');
    expect(lines[2]).toMatch(/^ {2}k0 +1\.0 +15\.000 +6\.5%$/);
    expect(lines[3]).toMatch(/^ {2}k1 /);
    expect(lines.some((l) => /^ {2}6 other kernels +\S+ +\S+ +\S+%$/.test(l))).toBe(true);
    // 465 ms in 930 calls over 2 steps: 232.5 ms and 465 calls a step, 77.5% of 300 ms.
    expect(lines.find((l) => l.includes('all kernels'))).toMatch(/465\.0 +232\.500 +100\.0%$/);
    expect(lines[lines.length - 1]).toBe('  wall clock per step: 300.000 ms; the GPU ran kernels 78% of it');
  });
});
