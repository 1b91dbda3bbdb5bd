/**
 * The typed message protocol between the page (src/worker/client.ts) and the training
 * worker (src/worker/train.worker.ts). Every message is a plain structured-cloneable
 * object with a `type`; requests that expect one answer carry an `id` echoed back.
 */
import type { Bilingual, ModelId, ModelSummaryData } from '../models/index';
import type { BackendAbout, BackendPreference, ChoiceReason, Unavailable } from '../engine/index';

export type { BackendAbout };

export type OptimizerName = 'sgd' | 'adam';
/** Where the reader wants training to compute ('auto': chooseBackend decides; 'cpu' is for tests). */
export type BackendChoice = BackendPreference;

/** How the worker's backend was chosen (see chooseBackend in src/engine/choose.ts). */
export interface BackendReport {
  reason?: ChoiceReason;
  preference?: BackendPreference;
  /** The GPU adapter's description, when the browser offers one. */
  adapter?: string;
  /** Whether that adapter renders in software (SwiftShader, llvmpipe, ...). */
  software?: boolean;
  /** The error behind a fallback. */
  detail?: string;
  /** That error in Chinese, where the engine says it in both languages. */
  detailZh?: string;
  /** The probe's times on a software adapter (ms per step). */
  probe?: { webgpuMs: number; wasmMs: number; cached: boolean };
  /** Why WebGPU or wasm cannot be chosen in this browser. */
  unavailable?: Unavailable;
}

export interface TrainConfig {
  model: ModelId;
  epochs: number;
  lr: number;
  batchSize: number;
  /** Side of the square input the model sees; the 28x28 images are resized on the device. */
  inputSize: number;
  optimizer: OptimizerName;
  seed: number;
  /** Read the loss and accuracy back every this many steps (default 10). */
  readEvery?: number;
  /** Test images used for the end-of-epoch test accuracy (default: all 10,000). */
  testLimit?: number;
  /** Training images per epoch (default: all 60,000); smaller for quick demos and tests. */
  trainLimit?: number;
  /** Save a checkpoint mid-epoch after this many seconds of training (default 20). */
  checkpointEverySec?: number;
}

/** One point of the live charts. */
export interface ProgressPoint {
  /** Global step (batches seen since the start of the run). */
  step: number;
  /** Fractional epoch, e.g. 2.5 for the middle of the third epoch. */
  epoch: number;
  loss: number;
  trainAcc: number;
}

export interface EpochPoint {
  epoch: number;
  step: number;
  trainLoss: number;
  trainAcc: number;
  testAcc: number;
  /**
   * Training images a second over the epoch: its steps with their uploads and read-backs,
   * not the test evaluation or the checkpoints (absent in histories saved before it was kept).
   */
  imagesPerSec?: number;
}

export interface TrainHistory {
  points: ProgressPoint[];
  epochs: EpochPoint[];
}

export interface Evaluation {
  /** confusion[true][predicted] over the evaluated test images. */
  confusion: number[][];
  accuracy: number;
  count: number;
  /** A few test images with labels and predictions (pixels 0-255, 28x28). */
  samples: { index: number; label: number; pred: number; prob: number; pixels: Uint8Array }[];
}

/** How far a model's weights were trained, and when they were saved (the confirmation before an import replaces them). */
export type TrainedSoFar = Pick<CheckpointInfo, 'epoch' | 'stepInEpoch' | 'savedAt'>;

export type RunState = 'idle' | 'loading' | 'training' | 'paused' | 'evaluating' | 'done' | 'stopped' | 'error';

export interface CheckpointInfo {
  model: ModelId;
  config: TrainConfig;
  /** Completed epochs, and the next step within the current epoch. */
  epoch: number;
  stepInEpoch: number;
  globalStep: number;
  savedAt: number;
  /**
   * 'running' when the run was still in progress (crash or reload), 'paused',
   * 'stopped', 'done', or 'imported' (weights from a file, no training history).
   */
  status: 'running' | 'paused' | 'done' | 'stopped' | 'imported';
  history: TrainHistory;
}

// ---- page -> worker ------------------------------------------------------------------

export type ToWorker =
  /** `lock`: a Web Lock the worker holds while it lives (the page waits on it to notice a death). */
  | { type: 'init'; backend: BackendChoice; base: string; lock: string; /** Test builds only: the worker hides navigator.gpu, as the page did. */ hideWebGPU?: boolean }
  /** Moves the engine to the backend the reader chose, keeping the model's weights (a run goes on where it was). */
  | { type: 'set-backend'; backend: BackendChoice }
  | { type: 'start'; config: TrainConfig; resume?: boolean }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'stop' }
  | { type: 'evaluate'; id: number; model: ModelId; limit?: number }
  | { type: 'predict'; id: number; model: ModelId; images: Float32Array; count: number }
  | { type: 'export'; id: number; model: ModelId }
  /**
   * Weights from a file become the model's checkpoint, at the input size the file records
   * (`inputSize` in its metadata, as an export writes it), else at `inputSize`. Weights with
   * training progress are replaced only with `replace`: without it the answer is
   * 'import-replaces', and the page asks the reader first.
   */
  | { type: 'import'; id: number; model: ModelId; inputSize?: number; replace?: boolean; bytes: Uint8Array }
  | { type: 'checkpoint-info'; id: number; model: ModelId }
  | { type: 'discard-checkpoint'; id: number; model: ModelId }
  /** Builds the model, runs one image through it and answers its shape table and size. */
  | { type: 'summary'; id: number; model: ModelId; inputSize: number }
  | TestAidToWorker;

/**
 * The testing aids' messages. Only a test build (`__TEST_AIDS__`, see vite.config.ts)
 * sends or handles them; a production bundle contains neither side.
 */
export type TestAidToWorker =
  /** The worker closes itself at once, as if it had crashed. */
  | { type: 'crash' }
  /** The worker destroys the engine's GPUDevice itself (not through the backend), as a driver reset would. */
  | { type: 'lose-device' }
  /** Every checkpoint save fails as on a full disk (a QuotaExceededError), or works again. */
  | { type: 'simulate-storage-full'; on: boolean }
  /** The worker's thread blocks, as one waiting on a kernel thread that never finishes would, until it is ended. */
  | { type: 'hang' };

// ---- worker -> page ------------------------------------------------------------------

/** Where a run is: epoch (from 0) of epochs, step within it of stepsPerEpoch, and the step overall. */
export interface StepPosition {
  epoch: number;
  epochs: number;
  step: number;
  stepsPerEpoch: number;
  globalStep: number;
}

export type FromWorker =
  /** The worker holds its life lock. */
  | { type: 'alive' }
  /** startMs: how long the backend took to start (WebGPU device and kernel autotune). */
  | ({ type: 'ready'; backend: string; description: string; about?: BackendAbout; startMs?: number } & BackendReport)
  | { type: 'state'; state: RunState; model?: ModelId }
  | { type: 'data-progress'; loaded: number; total: number | null; from: 'network' | 'cache' }
  | ({
      type: 'progress';
      loss: number;
      trainAcc: number;
      testAcc: number | null;
      imagesPerSec: number;
      etaSec: number | null;
      point: ProgressPoint;
    } & StepPosition)
  | { type: 'epoch'; point: EpochPoint }
  /**
   * A busy run made progress (a step or an evaluation batch); at most one a second (see
   * silence.ts). A training step says where the run is, so that the page counts steps from
   * the first one, long before the first loss is read.
   */
  | { type: 'beat'; at?: StepPosition }
  | { type: 'checkpoint'; info: Omit<CheckpointInfo, 'history'> | null; ok: boolean; quota?: boolean; message?: string }
  | { type: 'resumed'; info: CheckpointInfo }
  | { type: 'evaluation'; id: number | null; result: Evaluation }
  | { type: 'prediction'; id: number; probs: Float32Array }
  | { type: 'exported'; id: number; bytes: Uint8Array; name: string }
  /** `inputSize`: the input size the weights were loaded at. */
  | { type: 'imported'; id: number; inputSize: number }
  /** Nothing imported: the file would replace weights trained this far (send it again with `replace`). */
  | { type: 'import-replaces'; id: number; trained: TrainedSoFar }
  | { type: 'checkpoint-info'; id: number; info: CheckpointInfo | null }
  | { type: 'discarded'; id: number }
  | { type: 'summary'; id: number; data: ModelSummaryData }
  | { type: 'done'; history: TrainHistory; testAcc: number | null }
  /** Before a run's first step on a hardware GPU: the kernels are being timed on the model's layer shapes. */
  | { type: 'tuning'; model: ModelId }
  /**
   * Before a run's first step on a hardware GPU: the GEMM-family kernels were timed on the
   * model's own layer shapes (`shapes` distinct ones, `tuned` of them timed now, in `ms`).
   */
  | { type: 'tuned'; model: ModelId; shapes: number; tuned: number; ms: number; wrong: number }
  /** A request failed: `message` says why in English, `zh` in Chinese (absent: only English exists, e.g. an engine failure's). */
  | { type: 'request-error'; id: number; message: string; zh?: string }
  /**
   * 'gpu-reset': the GPU device was lost during a run; the engine started again on a new
   * device (or the CPU, after a 'backend' warning) and training went on from `resumedFrom`,
   * the last checkpoint (null: from the beginning), `recoveryMs` after the loss. The
   * message says the same in words: "... resumed from the checkpoint at epoch E, step S
   * (step G overall)." (epoch counted from 1, step within the epoch).
   *
   * 'diverged': the mean loss of the steps since the last read blew up (see `lossExploded`)
   * and the run stopped there; `diverged` says where and how far, and which checkpoint the
   * model's weights are now (null: this run had saved none).
   */
  | {
      type: 'warning';
      code: 'quota' | 'storage' | 'backend' | 'gpu-reset' | 'diverged';
      message: string;
      zh?: string;
      resumedFrom?: { epoch: number; stepInEpoch: number; globalStep: number } | null;
      recoveryMs?: number;
      diverged?: Divergence;
    }
  /** A run or request failed; `code` 'out-of-memory' when the model did not fit at its batch and input size. */
  | { type: 'error'; message: string; zh?: string; code?: 'out-of-memory' };

/** A text in both languages as a message's fields: `message` the English, `zh` the Chinese. */
export function said(text: Bilingual): { message: string; zh: string } {
  return { message: text.en, zh: text.zh };
}

/** A message's text in both languages (the English in both where it has no Chinese: an engine's or browser's failure). */
export function heard(m: { message: string; zh?: string }): Bilingual {
  return { en: m.message, zh: m.zh ?? m.message };
}

/** Where and how a run's loss blew up (the 'diverged' warning). */
export interface Divergence {
  /** The mean loss of the steps since the last read (NaN or infinite when it overflowed). */
  loss: number;
  /** The loss of guessing at random among the classes, ln(classes). */
  chance: number;
  /** Epoch (from 0) and step within it, and the step overall, of the read that saw it. */
  epoch: number;
  step: number;
  globalStep: number;
  lr: number;
  /** The checkpoint of this run the model is back at, or null when it had saved none. */
  restored: { epoch: number; stepInEpoch: number; globalStep: number } | null;
}

/** How many times the loss of random guessing a mean loss may reach before a run counts as diverged. */
const DIVERGED_TIMES_CHANCE = 50;

/**
 * Whether a mean cross-entropy loss means training blew up: not a finite number, or more
 * than DIVERGED_TIMES_CHANCE times ln(classes). A run that learns starts near ln(classes)
 * (2.30 for ten) and goes down; one whose learning rate is far too large overshoots into
 * losses of hundreds or overflows, and its ReLUs may die for good.
 */
export function lossExploded(loss: number, classes: number): boolean {
  return !Number.isFinite(loss) || loss > DIVERGED_TIMES_CHANCE * Math.log(classes);
}
