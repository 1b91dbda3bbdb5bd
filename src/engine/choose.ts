/**
 * Which backend computes for the reader, decided in ONE place (the training worker and
 * the page's engine both call `chooseBackend`):
 *
 * - WebGPU on a real GPU adapter;
 * - `wasm` when WebGPU is missing (no `navigator.gpu`), fails (no adapter, the device
 *   will not start, is lost at once, or computes a training step otherwise than the CPU
 *   reference: probe-step.ts), or is a software adapter (SwiftShader,
 *   llvmpipe, WARP, `isFallbackAdapter`) that a short probe shows to be slower than wasm;
 * - `cpu` (the readable reference) only when wasm cannot load.
 *
 * The probe times one LeNet-sized training step (two convolutions with pooling, three
 * dense layers, forward and backward, batch 16) on both backends after a warm-up, keeps
 * the faster (WebGPU must take under WEBGPU_MARGIN of wasm's time to win: wasm is the
 * steadier of two CPU paths), and remembers the outcome in the caller's cache, keyed by
 * the adapter and the browser, so it runs once per adapter and browser version.
 *
 * A reader's override (`preference` 'webgpu' or 'wasm') skips the probe; an override that
 * cannot be honoured falls back as above and says why. The chosen backend is started and
 * current when `chooseBackend` resolves; a WebGPU device the choice no longer uses (the
 * probe's, or the one current before) is destroyed, which the engine does not report as
 * a device loss.
 *
 * Runs unchanged in a worker, the page and Node: it touches `navigator.gpu` only through
 * `opts.gpu`'s default, and storage only through the caller's `cache`.
 */
import type { Backend, BackendName } from './backend';
import { checkStepOnDevice, probeNet, probeStep } from './probe-step';
import { activeBackend, ready, setBackend, type WebGPUOptions } from './runtime';

/** What the reader asked for ('auto' unless overridden; 'cpu' is for tests). */
export type BackendPreference = 'auto' | 'webgpu' | 'wasm' | 'cpu';

/**
 * Why the backend computes: 'gpu' (WebGPU on a hardware adapter), 'software-faster' /
 * 'software-slower' (a software adapter, and the probe's verdict), 'no-webgpu' (no
 * navigator.gpu), 'no-adapter' (requestAdapter gave none), 'webgpu-failed' (the device
 * would not start, was lost at once, or computed the probe step wrongly), 'chosen' (the
 * reader's override), 'wasm-failed'
 * (the WebAssembly module would not load).
 */
export type ChoiceReason = 'gpu' | 'software-faster' | 'software-slower' | 'no-webgpu' | 'no-adapter' | 'webgpu-failed' | 'chosen' | 'wasm-failed';

/** Why WebGPU or wasm cannot be chosen here. */
export interface Unavailable {
  webgpu?: 'no-webgpu' | 'no-adapter' | 'webgpu-failed';
  wasm?: 'wasm-failed';
}

export interface BackendDecision {
  backend: BackendName;
  reason: ChoiceReason;
  preference: BackendPreference;
  /** The GPU adapter's description, when the browser offers one. */
  adapter?: string;
  /** Whether that adapter renders in software. */
  software?: boolean;
  /** The error behind 'no-adapter', 'webgpu-failed' or 'wasm-failed'. */
  detail?: string;
  /** That error in Chinese, where the engine says it in both languages (a device that computed wrongly). */
  detailZh?: string;
  /** The probe's times (ms per step, fastest of PROBE_REPS) and whether they came from the cache. */
  probe?: { webgpuMs: number; wasmMs: number; cached: boolean };
  unavailable: Unavailable;
}

/** The parts of GPUAdapterInfo the choice reads (structural, so tests can fake them). */
export interface AdapterInfoLike {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}
export interface AdapterLike {
  info?: AdapterInfoLike;
  isFallbackAdapter?: boolean;
}
export interface GpuLike {
  requestAdapter(opts?: { powerPreference?: 'high-performance' | 'low-power' }): Promise<AdapterLike | null>;
}

/** A GPU adapter as the choice sees it. */
export interface AdapterSummary {
  /** vendor|architecture|device|description: what a tuning or a probe result belongs to. */
  key: string;
  /** For readers: the non-empty parts of the adapter info, once each. */
  description: string;
  software: boolean;
}

/** Where probe outcomes are remembered (the worker: IndexedDB; the page: localStorage). */
export interface ChoiceCache {
  get(key: string): unknown;
  set(key: string, value: unknown): unknown;
}

/** How the choice drives the engine; tests replace it to cover every branch without a GPU. */
export interface ChoiceEngine {
  /** Makes `name` current and ready; for WebGPU also checks that the device computes a training step as the CPU does. Rejects if it cannot. */
  start(name: BackendName, opts?: WebGPUOptions): Promise<void>;
  /** Milliseconds of one probe step on the current backend (fastest of a few, after a warm-up). */
  time(name: 'webgpu' | 'wasm'): Promise<number>;
  /** The current backend instance (null while none is usable). */
  current(): unknown;
  /** Frees a WebGPU backend instance that is no longer current. */
  release(be: unknown): void;
}

export interface ChooseOptions {
  preference?: BackendPreference;
  /** `navigator.gpu`, or null for a browser without it (default: the global navigator's). */
  gpu?: GpuLike | null;
  cache?: ChoiceCache;
  /** Options for starting WebGPU on this adapter (a tuning saved for it). */
  webgpuOptions?: (adapter: AdapterSummary) => WebGPUOptions | Promise<WebGPUOptions>;
  engine?: ChoiceEngine;
}

/** WebGPU on a software adapter wins the probe only when it takes under this share of wasm's time. */
export const WEBGPU_MARGIN = 0.9;
/** Timed probe steps per backend (after the warm-up); the fastest counts. */
export const PROBE_REPS = 3;
/**
 * The probe's warm-up: at least this many steps, for at least this long. The first step
 * compiles a GPU's pipelines; and V8 runs a wasm function's first calls in its baseline
 * tier, swapping in the optimised code once it is compiled in the background, where the
 * engine's own threads leave it little room. On 2 cores with 2 threads, wasm's probe step
 * read 1.5-3x its steady time after one warm-up step, 1.3-1.8x after 300 ms, and within
 * the noise of it after 600 ms. It runs once per adapter and browser version.
 */
const PROBE_WARM_STEPS = 2;
const PROBE_WARM_MS = 600;
/** Bumped when the probe's workload or timing changes, so old verdicts are not reused. */
const PROBE_VERSION = 2;

const SOFTWARE = /swiftshader|llvmpipe|lavapipe|softpipe|software|microsoft basic render/i;

/** The adapter's key, reader-facing description, and whether it renders in software. */
export function describeAdapter(a: AdapterLike): AdapterSummary {
  const i = a.info ?? {};
  const fields = [i.vendor, i.architecture, i.device, i.description];
  const parts = fields.filter((s): s is string => !!s && s.length > 0);
  const fallback = a.isFallbackAdapter === true || i.isFallbackAdapter === true;
  return {
    key: fields.map((s) => s ?? '').join('|'),
    description: parts.length ? [...new Set(parts)].join(' / ') : 'WebGPU adapter',
    software: fallback || SOFTWARE.test(parts.join(' ')),
  };
}

/** How every probe verdict's cache key begins. */
export const PROBE_KEY_PREFIX = 'backend-probe:';

/** The cache key of a probe verdict: the adapter, the browser (its version changes both sides), the probe. */
export function probeCacheKey(adapter: AdapterSummary): string {
  const ua = (globalThis as { navigator?: { userAgent?: string } }).navigator?.userAgent ?? '';
  return `${PROBE_KEY_PREFIX}v${PROBE_VERSION}:${adapter.key}:${ua}`;
}

interface ProbeVerdict {
  backend: 'webgpu' | 'wasm';
  webgpuMs: number;
  wasmMs: number;
}

function isVerdict(v: unknown): v is ProbeVerdict {
  const o = v as ProbeVerdict | null;
  return !!o && (o.backend === 'webgpu' || o.backend === 'wasm') && Number.isFinite(o.webgpuMs) && Number.isFinite(o.wasmMs);
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** A failure's detail, with its Chinese where the error carries one (a `zh` string). */
function failure(e: unknown): Pick<BackendDecision, 'detail' | 'detailZh'> {
  const zh = (e as { zh?: unknown } | null)?.zh;
  return typeof zh === 'string' ? { detail: message(e), detailZh: zh } : { detail: message(e) };
}

/**
 * Decides and starts the backend that computes for the reader; see the file's header.
 * Never rejects while the CPU reference can start.
 */
export async function chooseBackend(opts: ChooseOptions = {}): Promise<BackendDecision> {
  const engine = opts.engine ?? defaultEngine;
  const preference = opts.preference ?? 'auto';
  const before = engine.current();
  const unavailable: Unavailable = {};
  const base = { preference, unavailable };

  // What the browser offers: no WebGPU, no adapter, or an adapter (inspected, not yet started).
  const gpu = opts.gpu === undefined ? (globalThis as { navigator?: { gpu?: GpuLike } }).navigator?.gpu ?? null : opts.gpu;
  let adapter: AdapterSummary | null = null;
  let detail: string | undefined;
  if (!gpu) unavailable.webgpu = 'no-webgpu';
  else {
    try {
      const a = await gpu.requestAdapter({ powerPreference: 'high-performance' });
      if (a) adapter = describeAdapter(a);
      else detail = 'requestAdapter() returned null';
    } catch (e) {
      detail = message(e);
    }
    if (!adapter) unavailable.webgpu = 'no-adapter';
  }
  const about = adapter ? { adapter: adapter.description, software: adapter.software } : {};

  const finish = (c: BackendDecision): BackendDecision => {
    const now = engine.current();
    if (before && before !== now) engine.release(before);
    return c;
  };

  /** wasm, or the CPU reference when wasm will not load. */
  const onCpu = async (reason: ChoiceReason, extra: Partial<BackendDecision> = {}): Promise<BackendDecision> => {
    try {
      await engine.start('wasm');
      return finish({ ...base, ...about, ...extra, backend: 'wasm', reason });
    } catch (e) {
      unavailable.wasm = 'wasm-failed';
      await engine.start('cpu');
      return finish({ ...base, ...about, ...extra, backend: 'cpu', reason: 'wasm-failed', detail: message(e) });
    }
  };

  const webgpuOptions = async (): Promise<WebGPUOptions> => {
    const o = { ...((await opts.webgpuOptions?.(adapter!)) ?? {}) };
    // On a software adapter timing kernel variants measures little and costs half a minute.
    if (adapter!.software && o.tuning === undefined && o.autotune === undefined) o.autotune = false;
    return o;
  };

  /** Starts WebGPU (retrying without a saved tuning that no longer fits); rejects if it will not. */
  const startWebGPU = async () => {
    const o = await webgpuOptions();
    try {
      await engine.start('webgpu', o);
    } catch (e) {
      if (o.tuning === undefined) throw e;
      await engine.start('webgpu', { autotune: o.autotune });
    }
  };

  if (preference === 'cpu') {
    await engine.start('cpu');
    return finish({ ...base, ...about, backend: 'cpu', reason: 'chosen' });
  }
  if (preference === 'wasm') return onCpu('chosen');
  if (!adapter) return onCpu(unavailable.webgpu!, detail ? { detail } : {});

  if (preference === 'auto' && adapter.software) {
    const key = probeCacheKey(adapter);
    let saved: unknown;
    try {
      saved = await opts.cache?.get(key);
    } catch {
      saved = undefined;
    }
    if (isVerdict(saved)) {
      const probe = { webgpuMs: saved.webgpuMs, wasmMs: saved.wasmMs, cached: true };
      if (saved.backend === 'wasm') return onCpu('software-slower', { probe });
      try {
        await startWebGPU();
        return finish({ ...base, ...about, backend: 'webgpu', reason: 'software-faster', probe });
      } catch (e) {
        unavailable.webgpu = 'webgpu-failed';
        return onCpu('webgpu-failed', failure(e));
      }
    }
    // The probe: wasm first (it cannot fail the way a device can), then WebGPU.
    let wasmMs = Infinity;
    try {
      await engine.start('wasm');
      wasmMs = await engine.time('wasm');
    } catch (e) {
      unavailable.wasm = 'wasm-failed';
      detail = message(e);
    }
    let webgpuMs: number;
    let probeDevice: unknown = null;
    try {
      await startWebGPU();
      probeDevice = engine.current();
      webgpuMs = await engine.time('webgpu');
    } catch (e) {
      unavailable.webgpu = 'webgpu-failed';
      if (probeDevice) engine.release(probeDevice);
      if (unavailable.wasm) {
        await engine.start('cpu');
        return finish({ ...base, ...about, backend: 'cpu', reason: 'wasm-failed', detail });
      }
      return onCpu('webgpu-failed', failure(e));
    }
    if (unavailable.wasm) return finish({ ...base, ...about, backend: 'webgpu', reason: 'wasm-failed', detail });
    const winner: 'webgpu' | 'wasm' = webgpuMs < wasmMs * WEBGPU_MARGIN ? 'webgpu' : 'wasm';
    try {
      await opts.cache?.set(key, { backend: winner, webgpuMs, wasmMs } satisfies ProbeVerdict);
    } catch {
      // Storage full or refused: the probe runs again next time.
    }
    const probe = { webgpuMs, wasmMs, cached: false };
    if (winner === 'webgpu') return finish({ ...base, ...about, backend: 'webgpu', reason: 'software-faster', probe });
    const choice = await onCpu('software-slower', { probe });
    engine.release(probeDevice);
    return choice;
  }

  // A hardware adapter (or the reader asked for WebGPU): WebGPU unless it will not start.
  try {
    await startWebGPU();
    return finish({ ...base, ...about, backend: 'webgpu', reason: preference === 'webgpu' ? 'chosen' : 'gpu' });
  } catch (e) {
    unavailable.webgpu = 'webgpu-failed';
    return onCpu('webgpu-failed', failure(e));
  }
}

/**
 * The probe: one LeNet-sized training step (probe-step.ts) on the current backend, timed
 * to the read of a scalar that depends on the gradients. A warm-up (pipelines compile,
 * buffers are made, wasm reaches its optimised code; see PROBE_WARM_MS), then the fastest
 * of `reps`.
 */
export async function timeProbeStep(reps = PROBE_REPS): Promise<number> {
  const net = probeNet();
  const step = async () => {
    const probe = probeStep(net);
    try {
      await probe.data();
    } finally {
      probe.dispose();
    }
  };
  try {
    const warmStart = performance.now();
    for (let i = 0; i < PROBE_WARM_STEPS || performance.now() - warmStart < PROBE_WARM_MS; i++) await step();
    let best = Infinity;
    for (let i = 0; i < reps; i++) {
      const t0 = performance.now();
      await step();
      best = Math.min(best, performance.now() - t0);
    }
    return best;
  } finally {
    net.dispose();
  }
}

function currentInstance(): Backend | null {
  try {
    return activeBackend();
  } catch {
    return null; // still starting, or its device was lost
  }
}

/** The engine itself: setBackend, a first computation on a new device, the probe step, destroy(). */
const defaultEngine: ChoiceEngine = {
  async start(name, opts) {
    await setBackend(name, opts);
    await ready();
    if (name !== 'webgpu') return;
    // A device lost at start, or one that computes a training step wrongly (probe-step.ts),
    // fails here rather than under the first training step.
    await checkStepOnDevice();
  },
  time: () => timeProbeStep(),
  current: currentInstance,
  release(be) {
    const b = be as (Backend & { destroy?: () => void }) | null;
    if (b && b.name === 'webgpu' && b !== currentInstance()) b.destroy?.();
  },
};
