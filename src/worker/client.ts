/**
 * The page's side of the training worker: starts it, sends typed commands, turns
 * request/answer pairs into promises, and notices at once when the worker dies.
 *
 * Death detection: the worker holds a Web Lock for as long as it lives; the page queues
 * a request for the same lock, which the browser grants the moment the worker is gone
 * (closed, crashed, killed), however busy it was. A worker that lives but is stuck, or
 * one that died where Web Locks are missing, is noticed by its silence (silence.ts).
 */
import { heard, said, type BackendChoice, type CheckpointInfo, type Evaluation, type FromWorker, type TestAidToWorker, type ToWorker, type TrainConfig, type TrainedSoFar } from './protocol';
import type { ModelId, ModelSummaryData } from '../models/index';
import { BilingualError, type Bilingual } from '../models/bilingual';

/** How the page reads a message's text in both languages (see protocol.ts). */
export { heard };

export type ClientEvent = FromWorker | { type: 'died'; message: string };

/** What an import did: loaded the weights at `inputSize`, or nothing, as they would replace weights trained this far. */
export type ImportOutcome = { imported: true; inputSize: number } | { imported: false; trained: TrainedSoFar };

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };

type Distributive<T> = T extends unknown ? Omit<T, 'id'> : never;
type Request = Distributive<Extract<ToWorker, { id: number }>>;

export interface ClientOptions {
  backend?: BackendChoice;
  /** Creates the worker (tests pass their own). */
  createWorker?: () => Worker;
}

function defaultWorker(): Worker {
  return new Worker(new URL('./train.worker.ts', import.meta.url), { type: 'module', name: 'train' });
}

interface LockManagerLike {
  request(name: string, cb: () => Promise<unknown> | unknown): Promise<unknown>;
}

/**
 * `window.__cnnTraining`, the handle end-to-end tests drive the training view with. It
 * exists only in a test build: every use sits behind `__TEST_AIDS__` (false in a
 * production build, see vite.config.ts), so the minifier drops it from what readers get.
 * A test that removes the page's `navigator.gpu` sets `hideWebGPU: true` on it too (in an
 * init script): the worker, which has a navigator of its own, then hides its WebGPU as well.
 */
export function testingAids(): Record<string, unknown> | null {
  if (typeof window === 'undefined') return null;
  const w = window as unknown as { __cnnTraining?: Record<string, unknown> };
  return (w.__cnnTraining ??= {});
}

/**
 * The testing aids that act on the newest client's worker: `crashWorker()` (the worker
 * closes itself, like a crash), `loseDevice()` (it destroys its GPUDevice, like a driver
 * reset), `hangWorker()` (its thread blocks, like a kernel that never returns) and
 * `simulateStorageFull(on = true)` (checkpoint saves fail as on a full disk). The store
 * reads `silenceFloorMs`, when a test sets it, as the shortest silence it calls a stall,
 * and keeps the silence it would call a stall now in `silenceLimitMs`.
 * `send` posts to the worker; with `start` it starts one first.
 */
function exposeTestingAids(send: (msg: TestAidToWorker, start?: boolean) => void): void {
  const aids = testingAids();
  if (!aids) return;
  aids.crashWorker = () => send({ type: 'crash' });
  aids.loseDevice = () => send({ type: 'lose-device' });
  aids.simulateStorageFull = (on = true) => send({ type: 'simulate-storage-full', on }, true);
  aids.hangWorker = () => send({ type: 'hang' });
}

export class TrainingClient {
  private worker: Worker | null = null;
  private listeners = new Set<(e: ClientEvent) => void>();
  private pending = new Map<number, Pending>();
  private nextId = 1;
  private generation = 0;
  private alive = false;
  private opts: ClientOptions;

  constructor(opts: ClientOptions = {}) {
    this.opts = { ...opts };
    if (__TEST_AIDS__) exposeTestingAids((msg, start) => (start ? this.post(msg) : this.worker?.postMessage(msg)));
  }

  /** Subscribes to every message (and to 'died'); returns an unsubscribe function. */
  on(listener: (e: ClientEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get isAlive(): boolean {
    return this.alive;
  }

  private emit(e: ClientEvent) {
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch (err) {
        console.error('training listener failed', err);
      }
    }
  }

  /** Starts the worker if it is not running. */
  ensure(): void {
    if (this.worker) return;
    const gen = ++this.generation;
    const lock = `cnn-book-train-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
    const w = (this.opts.createWorker ?? defaultWorker)();
    this.worker = w;
    this.alive = true;
    w.onmessage = (ev: MessageEvent<FromWorker>) => {
      if (gen !== this.generation) return;
      const msg = ev.data;
      if (msg.type === 'alive') {
        this.watch(lock, gen);
        return;
      }
      if ('id' in msg && typeof msg.id === 'number' && this.pending.has(msg.id) && msg.type !== 'evaluation') {
        const p = this.pending.get(msg.id)!;
        this.pending.delete(msg.id);
        if (msg.type === 'request-error') p.reject(new BilingualError(heard(msg)));
        else p.resolve(msg);
      } else if (msg.type === 'evaluation' && msg.id !== null && this.pending.has(msg.id)) {
        const p = this.pending.get(msg.id)!;
        this.pending.delete(msg.id);
        p.resolve(msg);
      }
      this.emit(msg);
    };
    w.onerror = (ev: ErrorEvent) => {
      if (gen !== this.generation) return;
      ev.preventDefault?.();
      this.emit({ type: 'error', ...(ev.message ? { message: ev.message } : said({ en: 'The training worker failed to start.', zh: '训练线程未能启动。' })) });
    };
    w.onmessageerror = () => {
      if (gen === this.generation) this.emit({ type: 'error', ...said({ en: 'A message from the training worker could not be read.', zh: '无法读取训练线程发来的一条消息。' }) });
    };
    const hideWebGPU = __TEST_AIDS__ && testingAids()?.hideWebGPU === true;
    this.post({ type: 'init', backend: this.opts.backend ?? 'auto', base: new URL('./', document.baseURI).href, lock, ...(hideWebGPU ? { hideWebGPU } : {}) });
  }

  /** Waits on the worker's life lock: granted only when the worker is gone. */
  private watch(lock: string, gen: number) {
    const locks = (navigator as { locks?: LockManagerLike }).locks;
    if (!locks) return;
    void locks.request(lock, () => {
      if (gen === this.generation && this.alive) this.died({ en: 'The training worker stopped unexpectedly.', zh: '训练线程意外停止了。' });
    });
  }

  private died(why: Bilingual) {
    this.alive = false;
    this.worker = null;
    this.generation++;
    for (const p of this.pending.values()) p.reject(new BilingualError(why));
    this.pending.clear();
    this.emit({ type: 'died', message: why.en });
  }

  private post(msg: ToWorker, transfer: Transferable[] = []) {
    this.ensure();
    this.worker!.postMessage(msg, transfer);
  }

  private request<T>(msg: Request, transfer: Transferable[] = []): Promise<T> {
    this.ensure();
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.post({ ...msg, id } as ToWorker, transfer);
    });
  }

  /**
   * Moves the worker's engine to the backend the reader chose (keeping the model and a
   * run's progress); a worker started later (or again after a crash) starts on it.
   */
  setBackend(backend: BackendChoice): void {
    this.opts.backend = backend;
    if (this.worker) this.post({ type: 'set-backend', backend });
  }

  start(config: TrainConfig, resume = false): void {
    this.post({ type: 'start', config, resume });
  }
  pause(): void {
    if (this.worker) this.post({ type: 'pause' });
  }
  resume(): void {
    // A new worker has no paused run to resume.
    if (this.worker) this.post({ type: 'resume' });
  }
  stop(): void {
    if (this.worker) this.post({ type: 'stop' });
  }

  async evaluate(model: ModelId, limit?: number): Promise<Evaluation> {
    const r = await this.request<Extract<FromWorker, { type: 'evaluation' }>>({ type: 'evaluate', model, limit });
    return r.result;
  }

  /** Class probabilities for `count` images of 28x28 pixels in [0, 1]. */
  async predict(model: ModelId, images: Float32Array, count: number): Promise<Float32Array> {
    const copy = images.slice();
    const r = await this.request<Extract<FromWorker, { type: 'prediction' }>>({ type: 'predict', model, images: copy, count }, [copy.buffer]);
    return r.probs;
  }

  async exportWeights(model: ModelId): Promise<{ bytes: Uint8Array; name: string }> {
    const r = await this.request<Extract<FromWorker, { type: 'exported' }>>({ type: 'export', model });
    return { bytes: r.bytes, name: r.name };
  }

  /**
   * Imports a weights file (see the 'import' message): the input size it was loaded at, or,
   * with nothing imported, how far the weights it would replace were trained.
   */
  async importWeights(model: ModelId, bytes: Uint8Array, opts: { inputSize?: number; replace?: boolean } = {}): Promise<ImportOutcome> {
    const copy = bytes.slice();
    const r = await this.request<Extract<FromWorker, { type: 'imported' | 'import-replaces' }>>({ type: 'import', model, bytes: copy, ...opts }, [copy.buffer]);
    return r.type === 'imported' ? { imported: true, inputSize: r.inputSize } : { imported: false, trained: r.trained };
  }

  async checkpointInfo(model: ModelId): Promise<CheckpointInfo | null> {
    const r = await this.request<Extract<FromWorker, { type: 'checkpoint-info' }>>({ type: 'checkpoint-info', model });
    return r.info;
  }

  async discardCheckpoint(model: ModelId): Promise<void> {
    await this.request({ type: 'discard-checkpoint', model });
  }

  /** The model's per-layer output shapes, parameter count and FLOPs, computed in the worker. */
  async summary(model: ModelId, inputSize: number): Promise<ModelSummaryData> {
    const r = await this.request<Extract<FromWorker, { type: 'summary' }>>({ type: 'summary', model, inputSize });
    return r.data;
  }

  /** Ends the worker on purpose (no 'died' event). */
  terminate(): void {
    if (!this.worker) return;
    this.generation++;
    this.alive = false;
    this.worker.terminate();
    this.worker = null;
    for (const p of this.pending.values()) p.reject(new BilingualError({ en: 'The training worker was stopped.', zh: '训练线程已停止。' }));
    this.pending.clear();
  }
}
