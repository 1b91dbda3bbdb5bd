/** Messages between the batch-norm comparison widget and its side of the experiments worker (serve.ts, in ../experiments.worker.ts). */
import type { LoopMessage, StartMessage, StopMessage, WorkerBackend } from '../common/experiment-worker';
import type { BnCompareConfig, ComparePoint } from './experiment';

export type BnCompareBackend = WorkerBackend;

export type ToBnCompareWorker =
  /**
   * Load the images (from `base`, the page's base URL) and train both networks with `config`
   * on `backend` (the page's), posting a point every `evalEvery` steps.
   */
  | (StartMessage<BnCompareConfig> & { base: string })
  /** Stop run `run` at its next chunk. */
  | StopMessage;

export type FromBnCompareWorker =
  /** Bytes of the image file loaded so far (`total` null while unknown). */
  | { type: 'loading'; run: number; loaded: number; total: number | null }
  | LoopMessage<ComparePoint>;
