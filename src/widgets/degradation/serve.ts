/**
 * The degradation experiment's side of the experiments worker (../experiments.worker.ts):
 * trains the plain and the residual stack off the page's main thread, on the backend the page
 * computes on, and posts the two training losses every `evalEvery` steps (the loop, with its
 * chunks and Stop, is common/experiment-worker's).
 */
import { serveExperiments } from '../common/experiment-worker';
import { DegradationExperiment } from './experiment';
import type { FromDegradationWorker, ToDegradationWorker } from './protocol';

interface WorkerScope {
  postMessage(msg: FromDegradationWorker): void;
  onmessage: ((ev: MessageEvent<ToDegradationWorker>) => void) | null;
}

/** Serves the degradation experiment in this worker. */
export function serveDegradation(): void {
  serveExperiments(self as unknown as WorkerScope, {
    prepare: () => Promise.resolve(null),
    create: (msg: Extract<ToDegradationWorker, { type: 'start' }>) => new DegradationExperiment(msg.config),
    read: (ex) => ex.evaluate(),
  });
}
