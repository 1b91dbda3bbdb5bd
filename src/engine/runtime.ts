/**
 * Which backend new tensors are created on, and what happens when a WebGPU device is
 * lost. Operations run on the backend their inputs live on; `setBackend` only changes
 * where new tensors (tensor(), zeros(), parameters, ...) are created.
 *
 * Device loss: when the WebGPU device is lost every tensor whose storage lives on it is
 * INVALID. Using one (an op, data(), item()) throws an error that says so; disposing
 * one is allowed and harmless. After `restartBackend()` the engine creates tensors on a
 * fresh device; modules must be rebuilt or reloaded from a host-side state dict (for
 * example one read with `await t.data()` for every entry of `stateDict()` beforehand).
 */
import type { Backend, BackendAbout, BackendName } from './backend';
import { CpuBackend } from './cpu/index';

export interface BackendLostInfo {
  /** The backend that was lost ('webgpu'). */
  backend: BackendName;
  /** GPUDeviceLostReason ('destroyed' or 'unknown'). */
  reason: string;
  message: string;
}

let currentName: BackendName = 'cpu';
let current: Backend | null = null;
let pending: Promise<Backend> | null = null;
let cpuInstance: CpuBackend | null = null;
const lostBackends = new WeakSet<Backend>();
const lostListeners = new Set<(info: BackendLostInfo) => void>();

function cpu(): CpuBackend {
  if (!cpuInstance) cpuInstance = new CpuBackend();
  return cpuInstance;
}

/** Options passed through to the WebGPU backend when it is created. */
export interface WebGPUOptions {
  /** Run the kernel autotune at start (default true). */
  autotune?: boolean;
  /** A tuning saved earlier from `getBackend().tuning` on the same adapter; skips the autotune. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  tuning?: any;
  /** Ask for GPU timestamps, so kernels can be profiled (`rt.startProfile()`; benchmarks only). */
  timestamps?: boolean;
  /** 'default': a device with WebGPU's default limits, as the smallest adapters give (tests). */
  limits?: 'adapter' | 'default';
}

let lastWebGPUOptions: WebGPUOptions = {};

async function createWebGPU(opts: WebGPUOptions): Promise<Backend> {
  const mod = await import('./webgpu/index');
  let made: Backend | null = null;
  const be = await mod.createWebGPUBackend({
    ...opts,
    onDeviceLost: (info: { reason: string; message: string }) => {
      if (made) lostBackends.add(made);
      if (current === made) current = null;
      for (const cb of [...lostListeners]) {
        try {
          cb({ backend: 'webgpu', reason: info.reason, message: info.message });
        } catch (e) {
          console.error('onBackendLost listener failed', e);
        }
      }
    },
  });
  made = be;
  return be;
}

let wasmInstance: Promise<Backend> | null = null;

/** The wasm backend, made once per engine (its module and worker threads are kept). */
function createWasm(): Promise<Backend> {
  wasmInstance ??= import('./wasm/index').then((m) => m.createWasmBackend());
  wasmInstance.catch(() => (wasmInstance = null));
  return wasmInstance;
}

/**
 * Chooses the backend new tensors are created on. Resolves once it is ready; for
 * 'webgpu' and 'wasm' it rejects when they cannot start (the previous backend stays current).
 */
export function setBackend(name: BackendName, opts: WebGPUOptions = {}): Promise<void> {
  if (name === 'cpu') {
    pending = null;
    currentName = 'cpu';
    current = cpu();
    return Promise.resolve();
  }
  if (name !== 'webgpu' && name !== 'wasm') return Promise.reject(new Error(`Unknown backend '${name as string}' (use 'cpu', 'wasm' or 'webgpu')`));
  const previous = { name: currentName, be: current };
  currentName = name;
  current = null;
  if (name === 'webgpu') lastWebGPUOptions = opts;
  const p = name === 'webgpu' ? createWebGPU(opts) : createWasm();
  pending = p;
  return p.then(
    (be) => {
      if (pending === p) {
        current = be;
        pending = null;
      }
    },
    (err) => {
      if (pending === p) {
        pending = null;
        currentName = previous.name;
        current = previous.be;
      }
      throw err;
    },
  );
}

/** Resolves when the backend chosen by the last `setBackend` is ready. */
export async function ready(): Promise<void> {
  while (pending) {
    const p = pending;
    await p;
    if (pending === p) break;
  }
}

/** The backend new tensors are created on (throws while it is still starting). */
export function activeBackend(): Backend {
  if (current) return current;
  if (pending) throw new Error(`The '${currentName}' backend is still starting: await ready() before creating tensors`);
  if (currentName === 'webgpu') throw new Error('The WebGPU device was lost: call restartBackend() (tensors on the old device are invalid)');
  current = cpu();
  return current;
}

/**
 * Runs a synchronous `fn` with new tensors created on `name` ('cpu' only), then
 * restores the current backend. For small tensors (a widget's 6x8 grid) the CPU
 * answers in microseconds where a GPU round trip costs milliseconds; ops keep running
 * on the backend of their inputs, so the returned tensors stay on the CPU.
 */
export function withBackend<T>(name: 'cpu', fn: () => T): T {
  if (name !== 'cpu') throw new Error(`withBackend supports 'cpu' only, not '${name as string}'`);
  const saved = { current, currentName, pending };
  current = cpu();
  currentName = 'cpu';
  pending = null;
  try {
    const out = fn();
    if (out instanceof Promise) throw new Error('withBackend takes a synchronous function');
    return out;
  } finally {
    current = saved.current;
    currentName = saved.currentName;
    // A setBackend started inside fn would be lost here; keep the one that was pending.
    pending = saved.pending;
  }
}

/** Name and description of the current backend (`about`: the same as fields, once it is ready). */
export function getBackend(): { name: BackendName; description: string; about?: BackendAbout; ready: boolean; tuning?: unknown } {
  const be = current;
  const info: { name: BackendName; description: string; about?: BackendAbout; ready: boolean; tuning?: unknown } = {
    name: currentName,
    description: be ? be.description : currentName === 'webgpu' ? 'WebGPU (not ready)' : '',
    ready: !!be,
  };
  if (be) info.about = be.about;
  // The WebGPU backend's chosen kernel variants, to cache and pass back to setBackend.
  const tuning = be ? (be as unknown as { tuning?: unknown }).tuning : undefined;
  if (tuning !== undefined) info.tuning = tuning;
  return info;
}

/** Registers a callback for device loss; returns a function that unregisters it. */
export function onBackendLost(cb: (info: BackendLostInfo) => void): () => void {
  lostListeners.add(cb);
  return () => lostListeners.delete(cb);
}

/** Gives back the active backend's memory kept for reuse (its buffer pool), as after a training run. */
export function trimBackendMemory(): void {
  current?.trimMemory?.();
}

/**
 * Starts the current backend again on a fresh device (after a device loss, or to
 * drop everything). Tensors created before are invalid afterwards on 'webgpu'.
 */
export function restartBackend(): Promise<void> {
  if (current && currentName === 'webgpu') lostBackends.add(current);
  if (currentName === 'cpu' && current && lostBackends.has(current)) cpuInstance = null;
  if (currentName === 'wasm' && current && lostBackends.has(current)) wasmInstance = null;
  current = null;
  return setBackend(currentName, currentName === 'webgpu' ? lastWebGPUOptions : {});
}

export function isLost(be: Backend): boolean {
  return lostBackends.has(be);
}

/** For tests: marks a backend as lost exactly as a device-loss callback would. */
export function markLostForTesting(be: Backend, info: { reason: string; message: string } = { reason: 'destroyed', message: 'test' }): void {
  lostBackends.add(be);
  if (current === be) current = null;
  if (cpuInstance === be) cpuInstance = null;
  for (const cb of [...lostListeners]) cb({ backend: be.name, ...info });
}

/**
 * Makes a specific backend instance current (for tests, e.g. the float64 CPU
 * reference used by finite-difference gradient checks). Not part of the public API.
 */
export function setBackendInstance(be: Backend): void {
  pending = null;
  currentName = be.name;
  current = be;
}
