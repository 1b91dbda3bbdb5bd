// The page's engine (src/widgets/common/engine.ts) when things go wrong: a device lost
// under it (the engine's markLostForTesting, and a real WebGPU device destroyed on Dawn),
// a restart that fails, a start that fails. Each test loads the module afresh, with the
// engine it starts, so one test's state never leaks into the next.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Backend } from '../../src/engine/backend';

/** What the tests change: the reader's "Compute on" setting, and the engine's restart and choice. */
const hooks = vi.hoisted(() => ({
  computeOn: 'cpu' as string,
  restart: null as null | ((real: () => Promise<void>) => Promise<void>),
  choose: null as null | ((real: (o: unknown) => Promise<unknown>, o: unknown) => Promise<unknown>),
}));

vi.mock('../../src/stores/settings', () => ({ computeOnSetting: () => hooks.computeOn }));
/** The page's engine module and the engine it starts, both loaded afresh. */
async function fresh() {
  vi.resetModules();
  // Mocked anew each time, so that the engine (and its runtime) is loaded afresh too. The
  // choice is hooked where the engine's own modules (the restart after a loss) import it.
  vi.doMock('../../src/engine/choose', async (importOriginal) => {
    const real = await importOriginal<typeof import('../../src/engine/choose')>();
    return { ...real, chooseBackend: (o: Parameters<typeof real.chooseBackend>[0]) => (hooks.choose ? hooks.choose(real.chooseBackend as (o: unknown) => Promise<unknown>, o) : real.chooseBackend(o)) };
  });
  vi.doMock('../../src/engine', async (importOriginal) => {
    const real = await importOriginal<typeof import('../../src/engine')>();
    return {
      ...real,
      // The runtime of this very engine, for its markLostForTesting.
      testRuntime: await import('../../src/engine/runtime'),
      restartBackend: () => (hooks.restart ? hooks.restart(real.restartBackend) : real.restartBackend()),
    };
  });
  const page = await import('../../src/widgets/common/engine');
  const engine = await import('../../src/engine');
  const runtime = (engine as unknown as { testRuntime: typeof import('../../src/engine/runtime') }).testRuntime;
  return { page, engine, runtime };
}

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

afterEach(() => {
  hooks.computeOn = 'cpu';
  hooks.restart = null;
  hooks.choose = null;
});

describe('a device lost under the page', () => {
  it('is replaced by a fresh one at the next generation: tensors made before are invalid, new ones compute', async () => {
    const { page, engine, runtime } = await fresh();
    expect(page.engineStatus()).toMatchObject({ state: 'idle', generation: 0 });
    const first = await page.startEngine();
    expect(first).toMatchObject({ state: 'ready', name: 'cpu', reason: 'chosen', generation: 1 });
    expect(first.lost).toBeUndefined();
    const restarts: number[] = [];
    page.onEngineRestart((s) => restarts.push(s.generation ?? 0));

    const old = engine.tensor([1, 2, 3]);
    runtime.markLostForTesting(old.backend, { reason: 'unknown', message: 'the GPU process crashed' });
    expect(page.deviceLosses()).toBe(1);
    expect(await page.lostSince(0)).toBe(true);
    // Whoever asks for the engine now gets the new device.
    const next = await page.startEngine();
    expect(next).toMatchObject({ state: 'ready', name: 'cpu', reason: 'chosen', generation: 2, lost: { reason: 'unknown', message: 'the GPU process crashed' } });
    expect(page.engineStatus()).toBe(next);
    expect(page.engineGeneration()).toBe(2);
    expect(restarts).toEqual([2]);
    expect(() => old.add(old)).toThrow(/device that was lost/);
    old.dispose();
    const t = engine.tensor([1, 2, 3]);
    expect(t.backend).not.toBe(old.backend);
    expect(Array.from(await t.add(t).data())).toEqual([2, 4, 6]);
    t.dispose();
    // No loss since: a computation that fails now failed for another reason.
    expect(await page.lostSince(page.deviceLosses())).toBe(false);
  });

  it('says "starting" while the new device starts, and computations asking for the engine wait for it', async () => {
    const { page, engine, runtime } = await fresh();
    await page.startEngine();
    const gate = deferred();
    let restarts = 0;
    hooks.restart = async (real) => {
      restarts++;
      await gate.promise;
      await real();
    };
    const old = engine.tensor([0]);
    runtime.markLostForTesting(old.backend);
    old.dispose();
    await vi.waitFor(() => expect(page.engineStatus().state).toBe('starting'));
    expect(page.engineStatus().generation).toBe(1);
    let waited: unknown = null;
    const asked = page.startEngine().then((s) => (waited = s));
    await new Promise((r) => setTimeout(r, 20));
    expect(waited).toBeNull();
    gate.resolve();
    await asked;
    expect(waited).toMatchObject({ state: 'ready', generation: 2 });
    expect(restarts).toBe(1);
  });

  it('when WebGPU will not start again, moves the page to WebAssembly and says why', async () => {
    const { page, engine, runtime } = await fresh();
    await page.startEngine();
    // The current backend stands in for a WebGPU device (the restart is refused before it would start one).
    const cpu = engine.tensor([0]);
    const gpuLike = Object.create(cpu.backend, { name: { value: 'webgpu' } }) as Backend;
    cpu.dispose();
    runtime.setBackendInstance(gpuLike);
    hooks.restart = () => Promise.reject(new Error('requestAdapter() returned null'));
    runtime.markLostForTesting(gpuLike, { reason: 'unknown', message: 'driver reset' });
    const next = await page.startEngine();
    expect(next).toMatchObject({ state: 'ready', name: 'wasm', reason: 'webgpu-failed', generation: 2, lost: { reason: 'unknown', message: 'driver reset' } });
    expect(next.detail).toBe('WebGPU did not start again after its device was lost: requestAdapter() returned null');
    expect(next.about?.kind).toBe('wasm');
    const t = engine.tensor([1, 2]);
    expect(t.backend.name).toBe('wasm');
    expect(Array.from(await t.mul(3).data())).toEqual([3, 6]);
    t.dispose();
  });
});

describe('a start that fails', () => {
  it('is forgotten: the status goes back to idle with the error, and the next call starts the engine', async () => {
    const { page } = await fresh();
    let calls = 0;
    hooks.choose = (real, o) => (++calls === 1 ? Promise.reject(new Error('the engine failed to load')) : real(o));
    await expect(page.startEngine()).rejects.toThrow('the engine failed to load');
    expect(page.engineStatus()).toMatchObject({ state: 'idle', generation: 0, error: 'the engine failed to load' });
    const again = await page.startEngine();
    expect(again).toMatchObject({ state: 'ready', name: 'cpu', generation: 1 });
    expect(again.error).toBeUndefined();
    expect(calls).toBe(2);
    // Started now: later calls share the start.
    expect(page.startEngine()).toBe(page.startEngine());
    await page.startEngine();
    expect(calls).toBe(2);
  });

  it('after a device loss is forgotten too, and the next call starts the engine afresh', async () => {
    const { page, engine, runtime } = await fresh();
    await page.startEngine();
    hooks.restart = () => Promise.reject(new Error('no new device'));
    hooks.choose = () => Promise.reject(new Error('WebAssembly failed to load'));
    const t = engine.tensor([0]);
    runtime.markLostForTesting(t.backend);
    t.dispose();
    await expect(page.startEngine()).rejects.toThrow('WebAssembly failed to load');
    expect(page.engineStatus()).toMatchObject({ state: 'idle', generation: 1, error: 'WebAssembly failed to load' });
    hooks.restart = null;
    hooks.choose = null;
    expect(await page.startEngine()).toMatchObject({ state: 'ready', name: 'cpu', generation: 2 });
  });
});

describe('a real WebGPU device lost under the page (Dawn)', () => {
  it('is replaced by a new WebGPU device, on which the engine computes', async () => {
    hooks.computeOn = 'webgpu';
    const { page, engine } = await fresh();
    const first = await page.startEngine();
    expect(first).toMatchObject({ state: 'ready', name: 'webgpu', generation: 1 });
    const old = engine.tensor([1, 2, 3]);
    const device = (old.backend as unknown as { device: GPUDevice }).device;
    // Destroyed directly, not through the backend's destroy(): a loss the engine reports.
    device.destroy();
    await vi.waitFor(() => expect(page.engineStatus()).toMatchObject({ state: 'ready', generation: 2 }), { timeout: 30_000 });
    const next = page.engineStatus();
    expect(next).toMatchObject({ name: 'webgpu', reason: 'chosen', lost: { reason: 'destroyed' } });
    expect(next.about?.kind).toBe('webgpu');
    expect(() => old.add(old)).toThrow(/device that was lost/);
    old.dispose();
    const t = engine.tensor([1, 2, 3]);
    expect((t.backend as unknown as { device: GPUDevice }).device).not.toBe(device);
    expect(Array.from(await t.add(t).data())).toEqual([2, 4, 6]);
    t.dispose();
    (t.backend as unknown as { destroy(): void }).destroy();
  });
});
