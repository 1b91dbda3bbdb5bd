/**
 * The loop of a widget's own training worker (the degradation experiment, the batch-norm
 * comparison): start the backend the page computes on, build the experiment, post a point
 * before the first step and every `evalEvery` steps, and between chunks of steps let the
 * event loop run so that a Stop arrives. Runs one after another: a new start waits until the
 * previous run has stopped and freed its tensors. Runs in a worker; no React, no DOM.
 */
import { getBackend, setBackend } from '../../engine';
import { yieldToEvents } from '../../worker/yield';

export type WorkerBackend = 'webgpu' | 'wasm' | 'cpu';

/** What the page sends: train `config` on `backend` (the page's), or stop run `run` at its next chunk. */
export type StartMessage<C> = { type: 'start'; run: number; backend: WorkerBackend; tuning?: unknown; config: C };
export type StopMessage = { type: 'stop'; run: number };

/** What the loop posts back (a widget's worker may post more, e.g. loading progress). */
export type LoopMessage<P> = { type: 'point'; run: number; point: P } | { type: 'end'; run: number; state: 'done' | 'stopped' } | { type: 'error'; run: number; message: string };

export interface SteppedExperiment {
  stepCount: number;
  step(): void;
  dispose(): void;
}

interface WorkerScope<In, Out> {
  postMessage(msg: Out): void;
  onmessage: ((ev: MessageEvent<In>) => void) | null;
}

/** Longest a chunk of steps runs before the worker reads its messages, in ms. */
const CHUNK_MS = 50;

let backendStarted: Promise<void> | null = null;
let backendName: WorkerBackend | null = null;

function startBackend(name: WorkerBackend, tuning: unknown): Promise<void> {
  if (backendStarted && backendName === name) return backendStarted;
  backendName = name;
  backendStarted = setBackend(name, name === 'webgpu' && tuning !== undefined ? { tuning: tuning as never } : {}).catch((e: unknown) => {
    backendStarted = null;
    throw e;
  });
  return backendStarted;
}

export interface ExperimentServer<M, D, E extends SteppedExperiment, P> {
  /** What a run needs besides the backend (e.g. its images), fetched while the backend starts. */
  prepare(msg: M): Promise<D>;
  /** Builds the run's experiment on the started backend. */
  create(msg: M, prepared: D): E;
  /** The experiment's point at its current step. */
  read(ex: E): Promise<P>;
}

/** Serves start and stop messages on `scope` (the worker's `self`). */
export function serveExperiments<C extends { steps: number; evalEvery: number }, M extends StartMessage<C>, D, E extends SteppedExperiment, P>(
  scope: WorkerScope<M | StopMessage, LoopMessage<P>>,
  { prepare, create, read }: ExperimentServer<M, D, E, P>,
): void {
  /** Runs asked to stop (removed when they end). */
  const stopped = new Set<number>();
  let latest = -1;

  async function train(msg: M): Promise<void> {
    const { run, config } = msg;
    let ex: E | null = null;
    try {
      const [prepared] = await Promise.all([prepare(msg), startBackend(msg.backend, msg.tuning)]);
      if (getBackend().name !== msg.backend) throw new Error(`the ${msg.backend} backend did not start`);
      ex = create(msg, prepared);
      scope.postMessage({ type: 'point', run, point: await read(ex) });
      let state: 'done' | 'stopped' = 'done';
      while (ex.stepCount < config.steps) {
        await yieldToEvents();
        if (stopped.has(run) || run !== latest) {
          state = 'stopped';
          break;
        }
        const t0 = performance.now();
        do ex.step();
        while (ex.stepCount % config.evalEvery !== 0 && ex.stepCount < config.steps && performance.now() - t0 < CHUNK_MS);
        if (ex.stepCount % config.evalEvery === 0 || ex.stepCount === config.steps) scope.postMessage({ type: 'point', run, point: await read(ex) });
      }
      scope.postMessage({ type: 'end', run, state });
    } catch (e) {
      scope.postMessage({ type: 'error', run, message: e instanceof Error ? e.message : String(e) });
    } finally {
      ex?.dispose();
      stopped.delete(run);
    }
  }

  let queue: Promise<void> = Promise.resolve();
  scope.onmessage = (ev) => {
    const msg = ev.data;
    if (msg.type === 'stop') {
      stopped.add(msg.run);
      return;
    }
    latest = msg.run;
    queue = queue.then(() => (msg.run === latest ? train(msg) : scope.postMessage({ type: 'end', run: msg.run, state: 'stopped' })));
  };
}
