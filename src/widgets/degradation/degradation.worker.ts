/**
 * The degradation experiment's worker: trains the plain and the residual stack off the page's
 * main thread, on the backend the page computes on, and posts the two training losses every
 * `evalEvery` steps. Between chunks of steps it lets its event loop run, so a Stop arrives.
 */
import { getBackend, setBackend } from '../../engine';
import { DegradationExperiment } from './experiment';
import type { DegradationBackend, FromDegradationWorker, ToDegradationWorker } from './protocol';

interface WorkerScope {
  postMessage(msg: FromDegradationWorker): void;
  onmessage: ((ev: MessageEvent<ToDegradationWorker>) => void) | null;
}
const scope = self as unknown as WorkerScope;

/** Longest a chunk of steps runs before the worker reads its messages, in ms. */
const CHUNK_MS = 50;

let backendStarted: Promise<void> | null = null;
let backendName: DegradationBackend | null = null;
/** Runs asked to stop (removed when they end). */
const stopped = new Set<number>();
let latest = -1;

function startBackend(name: DegradationBackend, tuning: unknown): Promise<void> {
  if (backendStarted && backendName === name) return backendStarted;
  backendName = name;
  backendStarted = setBackend(name, name === 'webgpu' && tuning !== undefined ? { tuning: tuning as never } : {}).catch((e: unknown) => {
    backendStarted = null;
    throw e;
  });
  return backendStarted;
}

/** Lets the worker's event loop take messages (a macrotask, not a timer). */
function yieldToMessages(): Promise<void> {
  return new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => {
      ch.port1.close();
      resolve();
    };
    ch.port2.postMessage(null);
  });
}

async function train(msg: Extract<ToDegradationWorker, { type: 'start' }>): Promise<void> {
  const { run, config } = msg;
  let ex: DegradationExperiment | null = null;
  try {
    await startBackend(msg.backend, msg.tuning);
    if (getBackend().name !== msg.backend) throw new Error(`the ${msg.backend} backend did not start`);
    ex = new DegradationExperiment(config);
    scope.postMessage({ type: 'point', run, point: await ex.evaluate() });
    let state: 'done' | 'stopped' = 'done';
    while (ex.stepCount < config.steps) {
      await yieldToMessages();
      if (stopped.has(run) || run !== latest) {
        state = 'stopped';
        break;
      }
      const t0 = performance.now();
      do ex.step();
      while (ex.stepCount % config.evalEvery !== 0 && ex.stepCount < config.steps && performance.now() - t0 < CHUNK_MS);
      if (ex.stepCount % config.evalEvery === 0 || ex.stepCount === config.steps) scope.postMessage({ type: 'point', run, point: await ex.evaluate() });
    }
    scope.postMessage({ type: 'end', run, state });
  } catch (e) {
    scope.postMessage({ type: 'error', run, message: e instanceof Error ? e.message : String(e) });
  } finally {
    ex?.dispose();
    stopped.delete(run);
  }
}

/** Runs one after another: a new start waits until the previous run has stopped and freed its tensors. */
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
