// The one function that picks the reader's backend (src/engine/choose.ts), driven through
// fake adapters and a fake engine whose starts fail or whose probe times are given, so every
// branch is reached without a GPU; then the real probe step and a real choice on the CPU.
import { describe, expect, it, vi } from 'vitest';
import { chooseBackend, describeAdapter, getBackend, globalGenerator, memory, setBackend, tensor, timeProbeStep, WEBGPU_MARGIN, type AdapterLike, type ChoiceEngine, type GpuLike, type WebGPUOptions } from '../../src/engine';
import type { BackendName } from '../../src/engine/backend';
import { checkStepOnDevice } from '../../src/engine/probe-step';
import { WebGPUBackend } from '../../src/engine/webgpu';

const hardware: AdapterLike = { info: { vendor: 'nvidia', architecture: 'ada', device: '', description: 'NVIDIA GeForce RTX 4070' } };
const swiftshader: AdapterLike = { info: { vendor: 'google', architecture: 'swiftshader', device: '', description: '', isFallbackAdapter: true } };
const llvmpipe: AdapterLike = { info: { vendor: 'mesa', architecture: '', device: '', description: 'llvmpipe (LLVM 15.0.6, 256 bits)' } };

function gpuWith(adapter: AdapterLike | null | Error): GpuLike & { requests: number } {
  return {
    requests: 0,
    async requestAdapter() {
      this.requests++;
      if (adapter instanceof Error) throw adapter;
      return adapter;
    },
  };
}

interface FakeOptions {
  fail?: Partial<Record<BackendName, string>>;
  /** Fails WebGPU only when started with a saved tuning. */
  failTuned?: boolean;
  times?: { webgpu: number; wasm: number };
  /** The instance current before the choice. */
  before?: { name: BackendName };
}

/** An engine that records what the choice asks of it. */
function fakeEngine(o: FakeOptions = {}) {
  const log = { started: [] as string[], webgpuOptions: [] as WebGPUOptions[], timed: [] as string[], released: [] as unknown[] };
  let current: { name: BackendName; n: number } | { name: BackendName } | null = o.before ?? null;
  let made = 0;
  const engine: ChoiceEngine = {
    async start(name, opts) {
      log.started.push(name);
      if (name === 'webgpu') log.webgpuOptions.push(opts ?? {});
      if (o.fail?.[name]) throw new Error(o.fail[name]);
      if (name === 'webgpu' && o.failTuned && opts?.tuning !== undefined) throw new Error('tuning from another adapter');
      current = { name, n: made++ };
    },
    async time(name) {
      log.timed.push(name);
      return o.times![name];
    },
    current: () => current,
    release: (be) => log.released.push(be),
  };
  return { engine, log, current: () => current };
}

describe('describing an adapter', () => {
  it('tells software adapters from hardware ones by the fallback flag or by name', () => {
    expect(describeAdapter(hardware)).toEqual({ key: 'nvidia|ada||NVIDIA GeForce RTX 4070', description: 'nvidia / ada / NVIDIA GeForce RTX 4070', software: false });
    expect(describeAdapter(swiftshader).software).toBe(true);
    expect(describeAdapter({ info: { vendor: 'google', architecture: 'swiftshader' } }).software).toBe(true);
    expect(describeAdapter({ isFallbackAdapter: true, info: { vendor: 'x' } }).software).toBe(true);
    expect(describeAdapter(llvmpipe).software).toBe(true);
    expect(describeAdapter({ info: { description: 'Microsoft Basic Render Driver' } }).software).toBe(true);
    expect(describeAdapter({}).description).toBe('WebGPU adapter');
  });
});

describe('choosing the backend', () => {
  it('trains on wasm when the browser has no WebGPU, and says so', async () => {
    const f = fakeEngine();
    const c = await chooseBackend({ gpu: null, engine: f.engine });
    expect(c).toMatchObject({ backend: 'wasm', reason: 'no-webgpu', preference: 'auto', unavailable: { webgpu: 'no-webgpu' } });
    expect(f.log.started).toEqual(['wasm']);
  });

  it('trains on wasm when WebGPU offers no adapter or the request throws', async () => {
    const none = await chooseBackend({ gpu: gpuWith(null), engine: fakeEngine().engine });
    expect(none).toMatchObject({ backend: 'wasm', reason: 'no-adapter', detail: 'requestAdapter() returned null', unavailable: { webgpu: 'no-adapter' } });
    const thrown = await chooseBackend({ gpu: gpuWith(new Error('GPU process crashed')), engine: fakeEngine().engine });
    expect(thrown).toMatchObject({ backend: 'wasm', reason: 'no-adapter', detail: 'GPU process crashed' });
  });

  it('uses WebGPU on a hardware adapter without probing, with the tuning the caller saved', async () => {
    const f = fakeEngine({ times: { webgpu: 1, wasm: 1 } });
    const c = await chooseBackend({ gpu: gpuWith(hardware), engine: f.engine, webgpuOptions: () => ({ tuning: { adapter: 'x' } }) });
    expect(c).toMatchObject({ backend: 'webgpu', reason: 'gpu', adapter: 'nvidia / ada / NVIDIA GeForce RTX 4070', software: false, unavailable: {} });
    expect(f.log.timed).toEqual([]);
    expect(f.log.webgpuOptions).toEqual([{ tuning: { adapter: 'x' } }]);
  });

  it('starts WebGPU again without a saved tuning that no longer fits', async () => {
    const f = fakeEngine({ failTuned: true });
    const c = await chooseBackend({ gpu: gpuWith(hardware), engine: f.engine, webgpuOptions: () => ({ tuning: { adapter: 'old' } }) });
    expect(c.backend).toBe('webgpu');
    expect(f.log.webgpuOptions).toEqual([{ tuning: { adapter: 'old' } }, { autotune: undefined }]);
  });

  it('falls back to wasm when the WebGPU device will not start or is lost at once', async () => {
    const f = fakeEngine({ fail: { webgpu: 'device lost: unknown' } });
    const c = await chooseBackend({ gpu: gpuWith(hardware), engine: f.engine });
    expect(c).toMatchObject({ backend: 'wasm', reason: 'webgpu-failed', detail: 'device lost: unknown', unavailable: { webgpu: 'webgpu-failed' } });
    expect(f.log.started).toEqual(['webgpu', 'wasm']);
  });

  it('probes a software adapter against wasm, keeps wasm when it is faster, frees the probe device and remembers the verdict', async () => {
    const cache = new Map<string, unknown>();
    const f = fakeEngine({ times: { webgpu: 400, wasm: 40 } });
    const c = await chooseBackend({ gpu: gpuWith(swiftshader), engine: f.engine, cache });
    expect(c).toMatchObject({ backend: 'wasm', reason: 'software-slower', software: true, probe: { webgpuMs: 400, wasmMs: 40, cached: false }, unavailable: {} });
    expect(f.log.timed).toEqual(['wasm', 'webgpu']);
    // Kernel timing on a software adapter measures little: no autotune.
    expect(f.log.webgpuOptions).toEqual([{ autotune: false }]);
    expect(f.log.released).toEqual([{ name: 'webgpu', n: 1 }]);
    expect([...cache.values()]).toEqual([{ backend: 'wasm', webgpuMs: 400, wasmMs: 40 }]);
    expect([...cache.keys()][0]).toContain('google|swiftshader||');

    // The next choice on the same adapter reads the verdict and starts WebGPU not at all.
    const again = fakeEngine({ times: { webgpu: 1, wasm: 1000 } });
    const d = await chooseBackend({ gpu: gpuWith(swiftshader), engine: again.engine, cache });
    expect(d).toMatchObject({ backend: 'wasm', reason: 'software-slower', probe: { webgpuMs: 400, wasmMs: 40, cached: true } });
    expect(again.log.started).toEqual(['wasm']);
    expect(again.log.timed).toEqual([]);
  });

  it('keeps WebGPU on a software adapter only when the probe finds it clearly faster', async () => {
    const faster = await chooseBackend({ gpu: gpuWith(llvmpipe), engine: fakeEngine({ times: { webgpu: 50, wasm: 100 } }).engine });
    expect(faster).toMatchObject({ backend: 'webgpu', reason: 'software-faster', probe: { webgpuMs: 50, wasmMs: 100 } });
    const barely = await chooseBackend({ gpu: gpuWith(llvmpipe), engine: fakeEngine({ times: { webgpu: 95, wasm: 100 } }).engine });
    expect(barely).toMatchObject({ backend: 'wasm', reason: 'software-slower' });
    // A cached verdict for WebGPU starts it without timing anything.
    const cache = new Map<string, unknown>();
    await chooseBackend({ gpu: gpuWith(llvmpipe), engine: fakeEngine({ times: { webgpu: 50, wasm: 100 } }).engine, cache });
    const f = fakeEngine({ times: { webgpu: 1000, wasm: 1 } });
    const c = await chooseBackend({ gpu: gpuWith(llvmpipe), engine: f.engine, cache });
    expect(c).toMatchObject({ backend: 'webgpu', reason: 'software-faster', probe: { cached: true } });
    expect(f.log.timed).toEqual([]);
  });

  it('takes wasm when WebGPU fails during the probe, and WebGPU when wasm does', async () => {
    const gpuFails = fakeEngine({ fail: { webgpu: 'out of memory' }, times: { webgpu: 1, wasm: 100 } });
    expect(await chooseBackend({ gpu: gpuWith(swiftshader), engine: gpuFails.engine })).toMatchObject({ backend: 'wasm', reason: 'webgpu-failed', detail: 'out of memory' });
    const wasmFails = fakeEngine({ fail: { wasm: 'no WebAssembly SIMD' }, times: { webgpu: 500, wasm: 1 } });
    expect(await chooseBackend({ gpu: gpuWith(swiftshader), engine: wasmFails.engine })).toMatchObject({ backend: 'webgpu', reason: 'wasm-failed', unavailable: { wasm: 'wasm-failed' } });
    const bothFail = fakeEngine({ fail: { wasm: 'no SIMD', webgpu: 'lost' }, times: { webgpu: 1, wasm: 1 } });
    expect(await chooseBackend({ gpu: gpuWith(swiftshader), engine: bothFail.engine })).toMatchObject({ backend: 'cpu', reason: 'wasm-failed' });
  });

  it('follows the reader’s override without probing, and falls back with the reason when it cannot', async () => {
    const wasm = fakeEngine();
    expect(await chooseBackend({ preference: 'wasm', gpu: gpuWith(hardware), engine: wasm.engine })).toMatchObject({ backend: 'wasm', reason: 'chosen', adapter: 'nvidia / ada / NVIDIA GeForce RTX 4070', unavailable: {} });
    expect(wasm.log.started).toEqual(['wasm']);
    const webgpu = fakeEngine({ times: { webgpu: 1000, wasm: 1 } });
    expect(await chooseBackend({ preference: 'webgpu', gpu: gpuWith(swiftshader), engine: webgpu.engine })).toMatchObject({ backend: 'webgpu', reason: 'chosen', software: true });
    expect(webgpu.log.timed).toEqual([]);
    expect(await chooseBackend({ preference: 'webgpu', gpu: null, engine: fakeEngine().engine })).toMatchObject({ backend: 'wasm', reason: 'no-webgpu' });
    expect(await chooseBackend({ preference: 'cpu', gpu: gpuWith(hardware), engine: fakeEngine().engine })).toMatchObject({ backend: 'cpu', reason: 'chosen' });
  });

  it('keeps the CPU reference for readers only when wasm will not load', async () => {
    const f = fakeEngine({ fail: { wasm: 'CompileError' } });
    const c = await chooseBackend({ gpu: null, engine: f.engine });
    expect(c).toMatchObject({ backend: 'cpu', reason: 'wasm-failed', detail: 'CompileError', unavailable: { webgpu: 'no-webgpu', wasm: 'wasm-failed' } });
    expect(f.log.started).toEqual(['wasm', 'cpu']);
  });

  it('frees the WebGPU backend that was current before when the choice moves elsewhere', async () => {
    const old = { name: 'webgpu' as const };
    const f = fakeEngine({ before: old });
    await chooseBackend({ preference: 'wasm', gpu: gpuWith(hardware), engine: f.engine });
    expect(f.log.released).toEqual([old]);
  });

  it('survives a cache that throws', async () => {
    const cache = {
      get() {
        throw new Error('storage disabled');
      },
      set() {
        throw new Error('storage disabled');
      },
    };
    const c = await chooseBackend({ gpu: gpuWith(swiftshader), engine: fakeEngine({ times: { webgpu: 10, wasm: 100 } }).engine, cache });
    expect(c).toMatchObject({ backend: 'webgpu', reason: 'software-faster' });
  });
});

describe('on the real engine', () => {
  it('times the probe step on the CPU and leaves no tensor behind', async () => {
    await setBackend('cpu');
    const before = memory().numTensors;
    const ms = await timeProbeStep(1);
    expect(ms).toBeGreaterThan(0);
    expect(Number.isFinite(ms)).toBe(true);
    expect(memory().numTensors).toBe(before);
  });

  it('probes the software adapter Node has (Dawn on SwiftShader) against wasm and computes on the faster', async () => {
    await setBackend('cpu');
    const cache = new Map<string, unknown>();
    const c = await chooseBackend({ cache });
    expect(c.software).toBe(true);
    expect(c.probe?.cached).toBe(false);
    expect(c.backend === 'webgpu').toBe(c.probe!.webgpuMs < c.probe!.wasmMs * WEBGPU_MARGIN);
    expect(c.reason).toBe(c.backend === 'webgpu' ? 'software-faster' : 'software-slower');
    expect(getBackend().name).toBe(c.backend);
    const t = tensor([1, 2]);
    expect(Array.from(await t.add(t).data())).toEqual([2, 4]);
    t.dispose();
    expect(cache.size).toBe(1);
    await setBackend('cpu');
  });

  // Nine device checks on SwiftShader: about 45 s on two quiet cores, more on a busy machine.
  it('checks a new WebGPU device against the CPU on a training step, and computes on wasm where the device gets it wrong', async () => {
    // Dawn's adapter, passed off as a hardware GPU: chosen without a probe, after the check.
    const asHardware: GpuLike = { requestAdapter: async () => hardware };
    await setBackend('cpu');
    const before = memory().numTensors;
    const sound = await chooseBackend({ gpu: asHardware, webgpuOptions: () => ({ autotune: false }) });
    expect(sound).toMatchObject({ backend: 'webgpu', reason: 'gpu' });
    // The check's dropout draws from the global generator and leaves the reader's stream as it was.
    globalGenerator.seed(7);
    const stream = globalGenerator.getState();
    await expect(checkStepOnDevice()).resolves.toBeUndefined();
    expect(globalGenerator.getState()).toEqual(stream);
    expect(memory().numTensors).toBe(before);

    // Kernels the autotune never times, each made wrong in turn: max pooling's backward sends
    // every gradient to zero; batch norm's forward passes its input through unnormalised, or
    // leaves out the residual its kernel adds; the convolution forgets its fused bias and
    // activation; dropout keeps everything; the SGD update changes nothing; Adam's too; the
    // running statistics stay where they started.
    const proto = WebGPUBackend.prototype;
    const orig = { batchNormApply: proto.batchNormApply, batchNormStats: proto.batchNormStats };
    const faults: Array<[string, () => { mockRestore(): void }, RegExp]> = [
      ['max pooling backward', () => vi.spyOn(proto, 'pool2dBackward').mockImplementation(function (this: WebGPUBackend, x) { return this.fill(x.size, 0); }), /^the sum of layer 1's gradient in step 1 is 0, not -?\d/],
      ['batch norm forward', () => vi.spyOn(proto, 'batchNormApply').mockImplementation(function (this: WebGPUBackend, x) { return this.fill(x.size, 0.5); }), /^(step 1's loss|the (sum|magnitude) of .* in step 1) is /],
      ['batch norm residual', () => vi.spyOn(proto, 'batchNormApply').mockImplementation(function (this: WebGPUBackend, x, m, v, w, b, p, epi) { return orig.batchNormApply.call(this, x, m, v, w, b, p, epi && { ...epi, residual: null }); }), /^(step 1's loss|the (sum|magnitude) of .* in step 1) is /],
      ['convolution epilogue', () => vi.spyOn(proto, 'conv2dAct').mockImplementation(function (this: WebGPUBackend, x, w, _bias, p) { return this.conv2d(x, w, null, p); }), /^(step 1's loss|the (sum|magnitude) of .* in step 1) is /],
      ['dropout', () => vi.spyOn(proto, 'dropoutMask').mockImplementation(function (this: WebGPUBackend, n) { return this.fill(n, 1); }), /^(step 1's loss|the (sum|magnitude) of .* in step 1) is /],
      ['SGD update', () => vi.spyOn(proto, 'sgdStep').mockImplementation(() => undefined), /^the (sum|magnitude) of layer 1's update in step 1 is 0, not/],
      ['Adam update', () => vi.spyOn(proto, 'adamStep').mockImplementation(() => undefined), /^the (sum|magnitude) of layer 3's update in step 1 is 0, not/],
      ['running statistics', () => vi.spyOn(proto, 'batchNormStats').mockImplementation(function (this: WebGPUBackend, x, p) { return orig.batchNormStats.call(this, x, p); }), /^the (sum|magnitude) of batch norm's running mean is 0, not/],
    ];
    for (const [what, fault, says] of faults) {
      const broken = fault();
      try {
        await setBackend('cpu');
        const c = await chooseBackend({ gpu: asHardware, webgpuOptions: () => ({ autotune: false }) });
        expect(c, what).toMatchObject({ backend: 'wasm', reason: 'webgpu-failed' });
        expect(c.detail?.replace('the device computed a training step wrongly: ', ''), what).toMatch(says);
        // The same in Chinese, for the badge on the Chinese pages.
        expect(c.detailZh, what).toMatch(/^设备把一步训练算错了：.+为 -?[\d.]+(e-?\d+)?，应为 -?[\d.]+/);
        expect(getBackend().name).toBe('wasm');
        expect(memory().numTensors, what).toBe(before);
      } finally {
        broken.mockRestore();
        await setBackend('cpu');
      }
    }
  }, 180_000);

  it('starts wasm when there is no WebGPU', async () => {
    await setBackend('cpu');
    const c = await chooseBackend({ gpu: null });
    expect(c).toMatchObject({ backend: 'wasm', reason: 'no-webgpu' });
    expect(getBackend().name).toBe('wasm');
    await setBackend('cpu');
  });
});
