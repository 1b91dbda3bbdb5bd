/** Messages between the degradation widget and its side of the experiments worker (serve.ts, in ../experiments.worker.ts). */
import type { ExperimentConfig, LossPoint } from './experiment';

export type DegradationBackend = 'webgpu' | 'wasm' | 'cpu';

export type ToDegradationWorker =
  /** Train both stacks with `config` on `backend` (the page's), posting a point every `evalEvery` steps. */
  | { type: 'start'; run: number; backend: DegradationBackend; tuning?: unknown; config: ExperimentConfig }
  /** Stop run `run` at its next chunk. */
  | { type: 'stop'; run: number };

export type FromDegradationWorker =
  | { type: 'point'; run: number; point: LossPoint }
  | { type: 'end'; run: number; state: 'done' | 'stopped' }
  | { type: 'error'; run: number; message: string };
