/**
 * The training run, as the page sees it: one worker per page (one run at a time, so
 * runs do not fight over the GPU), its latest progress, chart history, evaluation,
 * checkpoints, warnings and whether the worker is alive. Every TrainModel widget on the
 * page reads this store; the worker itself is reached only through here.
 */
import { create } from 'zustand';
import { TrainingClient, heard, testingAids, type ClientEvent, type ImportOutcome } from '../worker/client';
import type { BackendAbout, BackendReport, CheckpointInfo, Divergence, Evaluation, FromWorker, RunState, StepPosition, TrainConfig, TrainHistory } from '../worker/protocol';
import { computeOnSetting, useSettings, type ComputeOn } from './settings';
import { SilenceWatch } from '../worker/silence';
import type { Bilingual, ModelId, ModelSummaryData } from '../models/index';

/** The latest progress message from the worker, without its chart point. */
export type LiveProgress = Omit<Extract<FromWorker, { type: 'progress' }>, 'type' | 'point'>;

export interface TrainingState {
  /** The worker's backend and why it was chosen (see chooseBackend). */
  backend: ({ name: string; description: string; about?: BackendAbout; startMs?: number } & BackendReport) | null;
  /** The worker is moving to the backend the reader chose. */
  switching: boolean;
  state: RunState;
  /** The model of the current (or last) run. */
  model: ModelId | null;
  config: TrainConfig | null;
  progress: LiveProgress | null;
  /** Where the run is: from every step's beat (at most one a second) and every progress report. */
  position: StepPosition | null;
  history: TrainHistory;
  evaluation: Evaluation | null;
  dataProgress: { loaded: number; total: number | null; from: 'network' | 'cache' } | null;
  /** Kernel timing before a run on a hardware GPU: under way, or what it did (null: none this run). */
  kernelTuning: { model: ModelId; done: false } | { model: ModelId; done: true; shapes: number; tuned: number; ms: number } | null;
  checkpoints: Partial<Record<ModelId, CheckpointInfo | null>>;
  lastSaved: { epoch: number; step: number; at: number } | null;
  /** The worker's latest warning, its text in both languages. */
  warning: { code: string; text: Bilingual; resumedFrom?: { epoch: number; stepInEpoch: number; globalStep: number } | null } | null;
  /** Where the last run's loss blew up, when it stopped for that (kept after the warning is dismissed). */
  diverged: Divergence | null;
  /** Whether the latest checkpoint save failed (storage full or refused). */
  saveFailed: boolean;
  /** The worker's report of a failed run; `code` where the view words it itself. */
  error: { text: Bilingual; code?: 'out-of-memory' } | null;
  /** Set when the worker died; the page offers to resume from the checkpoint. */
  died: string | null;
  /**
   * Set while a busy worker has said nothing for longer than its silence limit (see
   * silence.ts): how long it had been silent when noticed. Cleared when it speaks again.
   */
  stalled: { silentMs: number } | null;
  /** Bumped whenever a model's weights change outside training (import), so predictions refresh. */
  weightsVersion: number;

  start(config: TrainConfig): void;
  pause(): void;
  resume(): void;
  stop(): void;
  resumeFromCheckpoint(model: ModelId): void;
  refreshCheckpoint(model: ModelId): Promise<CheckpointInfo | null>;
  discardCheckpoint(model: ModelId): Promise<void>;
  exportWeights(model: ModelId): Promise<{ bytes: Uint8Array; name: string }>;
  /**
   * Imports a weights file at the input size it records, else at `inputSize`. Weights with
   * training progress are replaced only with `replace`; without it such an import changes
   * nothing and says how far they were trained, for the page to ask the reader.
   */
  importWeights(model: ModelId, bytes: Uint8Array, opts?: { inputSize?: number; replace?: boolean }): Promise<ImportOutcome>;
  predict(model: ModelId, images: Float32Array, count: number): Promise<Float32Array>;
  evaluate(model: ModelId, limit?: number): Promise<Evaluation>;
  summary(model: ModelId, inputSize: number): Promise<ModelSummaryData>;
  dismissWarning(): void;
  /** The reader waits on for a silent worker: the banner goes, and comes back after another limit. */
  keepWaiting(): void;
  /** Ends a silent worker and starts a new one, which resumes the run from its last checkpoint (or starts it again). */
  restartWorker(): Promise<void>;
  /** The reader's "Compute on" choice: remembered, and the worker moves to it (keeping the weights). */
  computeOn(choice: ComputeOn): void;
}

let client: TrainingClient | null = null;

/** The states in which the worker owes the page progress reports. */
const BUSY = new Set<RunState>(['loading', 'training', 'evaluating']);
const watch = new SilenceWatch(() => performance.now());
let silenceTimer: ReturnType<typeof setInterval> | null = null;

const emptyHistory = (): TrainHistory => ({ points: [], epochs: [] });

export const useTraining = create<TrainingState>()((set, get) => {
  function c(): TrainingClient {
    if (!client) {
      client = new TrainingClient({ backend: computeOnSetting() });
      client.on(onEvent);
    }
    return client;
  }

  function onEvent(e: ClientEvent) {
    handle(e);
    if (e.type === 'died') watch.idle();
    else watch.heard(BUSY.has(get().state));
    if (get().stalled && !watch.stalled) set({ stalled: null });
    listenForSilence();
  }

  /** The page made the worker busy (a start, a resume): its silence counts from now. */
  function busyFromNow() {
    watch.begin();
    listenForSilence();
  }

  /** While the worker is busy, checks its silence every second. */
  function listenForSilence() {
    if (!BUSY.has(get().state)) {
      if (silenceTimer !== null) clearInterval(silenceTimer);
      silenceTimer = null;
      return;
    }
    silenceTimer ??= setInterval(() => {
      if (__TEST_AIDS__) {
        const aids = testingAids();
        if (typeof aids?.silenceFloorMs === 'number') watch.floorMs = aids.silenceFloorMs;
        if (aids) aids.silenceLimitMs = watch.limitMs;
      }
      if (!BUSY.has(get().state)) listenForSilence();
      else if (watch.stalled && !get().stalled) set({ stalled: { silentMs: watch.silentMs } });
    }, 1000);
  }

  function handle(e: ClientEvent) {
    switch (e.type) {
      case 'ready': {
        const { type: _type, backend: name, ...rest } = e;
        // A restart after a device loss says only where it runs: the reason it was chosen stays.
        set((s) => ({ backend: { ...(rest.reason === undefined && s.backend?.name === name ? s.backend : {}), ...rest, name }, switching: false }));
        break;
      }
      case 'state':
        set((s) => ({ state: e.state, model: e.model ?? s.model, ...(e.state === 'training' ? { died: null, error: null } : {}) }));
        if (e.state === 'paused' || e.state === 'stopped' || e.state === 'done') {
          const m = e.model ?? get().model;
          if (m) void get().refreshCheckpoint(m);
        }
        break;
      case 'data-progress':
        set({ dataProgress: { loaded: e.loaded, total: e.total, from: e.from } });
        break;
      case 'beat':
        if (e.at) set({ position: e.at });
        break;
      case 'progress': {
        const { type: _type, point, ...progress } = e;
        set((s) => ({
          position: { epoch: e.epoch, epochs: e.epochs, step: e.step, stepsPerEpoch: e.stepsPerEpoch, globalStep: e.globalStep },
          progress: { ...progress, testAcc: e.testAcc ?? s.progress?.testAcc ?? null },
          history: { points: [...s.history.points, point], epochs: s.history.epochs },
        }));
        break;
      }
      case 'epoch':
        set((s) => ({
          history: { points: s.history.points, epochs: [...s.history.epochs, e.point] },
          progress: s.progress ? { ...s.progress, testAcc: e.point.testAcc } : s.progress,
        }));
        break;
      case 'resumed':
        set({ history: structuredClone(e.info.history), config: e.info.config, model: e.info.model });
        break;
      case 'checkpoint':
        if (e.ok && e.info) set({ lastSaved: { epoch: e.info.epoch, step: e.info.stepInEpoch, at: e.info.savedAt }, saveFailed: false });
        else if (!e.ok) set({ saveFailed: true });
        break;
      case 'evaluation':
        if (e.id === null) set({ evaluation: e.result });
        break;
      case 'warning':
        set({ warning: { code: e.code, text: heard(e), resumedFrom: e.resumedFrom ?? null }, ...(e.diverged ? { diverged: e.diverged } : {}) });
        break;
      case 'error':
        set({ error: { text: heard(e), code: e.code } });
        break;
      case 'tuning':
        set({ kernelTuning: { model: e.model, done: false } });
        break;
      case 'tuned':
        // Before a run on a hardware GPU the kernels were timed on the model's own layer shapes.
        set({ kernelTuning: { model: e.model, done: true, shapes: e.shapes, tuned: e.tuned, ms: e.ms } });
        break;
      case 'died': {
        const model = get().model;
        // A run the worker held (a paused one too) is gone with it: the page offers to resume
        // from its checkpoint or to start again, and no control waits on the dead worker.
        set((s) => ({ died: e.message, state: s.state === 'training' || s.state === 'loading' || s.state === 'evaluating' || s.state === 'paused' ? 'error' : s.state }));
        if (model) void get().refreshCheckpoint(model);
        break;
      }
      default:
        break;
    }
  }

  return {
    backend: null,
    switching: false,
    state: 'idle',
    model: null,
    config: null,
    progress: null,
    position: null,
    history: emptyHistory(),
    evaluation: null,
    dataProgress: null,
    kernelTuning: null,
    checkpoints: {},
    lastSaved: null,
    saveFailed: false,
    warning: null,
    diverged: null,
    error: null,
    died: null,
    stalled: null,
    weightsVersion: 0,

    start(config) {
      set({ model: config.model, config, progress: null, position: null, history: emptyHistory(), evaluation: null, error: null, died: null, stalled: null, warning: null, diverged: null, lastSaved: null, saveFailed: false, kernelTuning: null, state: 'loading' });
      busyFromNow();
      c().start(config, false);
    },
    pause() {
      client?.pause();
    },
    resume() {
      client?.resume();
    },
    stop() {
      client?.stop();
    },
    resumeFromCheckpoint(model) {
      const info = get().checkpoints[model];
      set({ model, config: info?.config ?? null, progress: null, position: null, evaluation: null, error: null, died: null, stalled: null, warning: null, diverged: null, state: 'loading', history: info ? structuredClone(info.history) : emptyHistory() });
      busyFromNow();
      c().start(info?.config ?? ({ model } as TrainConfig), true);
    },
    async refreshCheckpoint(model) {
      try {
        const info = await c().checkpointInfo(model);
        set((s) => ({ checkpoints: { ...s.checkpoints, [model]: info } }));
        return info;
      } catch {
        return null;
      }
    },
    async discardCheckpoint(model) {
      await c().discardCheckpoint(model);
      set((s) => ({ checkpoints: { ...s.checkpoints, [model]: null }, ...(s.model === model ? { history: emptyHistory(), progress: null, position: null, evaluation: null, state: 'idle' as RunState } : {}) }));
    },
    exportWeights(model) {
      return c().exportWeights(model);
    },
    async importWeights(model, bytes, opts) {
      const outcome = await c().importWeights(model, bytes, opts);
      if (!outcome.imported) return outcome;
      set((s) => ({ weightsVersion: s.weightsVersion + 1, evaluation: s.model === model ? null : s.evaluation }));
      await get().refreshCheckpoint(model);
      return outcome;
    },
    predict(model, images, count) {
      return c().predict(model, images, count);
    },
    async evaluate(model, limit) {
      const result = await c().evaluate(model, limit);
      set((s) => ({ evaluation: result, model: s.state === 'idle' || s.model === null ? model : s.model }));
      return result;
    },
    summary(model, inputSize) {
      return c().summary(model, inputSize);
    },
    dismissWarning() {
      set({ warning: null });
    },
    keepWaiting() {
      watch.snooze();
      set({ stalled: null });
    },
    async restartWorker() {
      const { model, config } = get();
      client?.terminate();
      set({ stalled: null, switching: false, state: 'loading' });
      busyFromNow();
      const info = model ? await get().refreshCheckpoint(model) : null;
      // A finished run's weights are saved: nothing to resume. A run without a checkpoint of its own starts again.
      if (info?.status === 'done') set({ state: 'done' });
      else if (info && info.status !== 'imported') get().resumeFromCheckpoint(info.model);
      else if (config) get().start(config);
      else set({ state: 'idle' });
    },
    computeOn(choice) {
      if (choice === computeOnSetting()) return;
      useSettings.getState().setComputeOn(choice);
      if (!client) return; // the worker starts on the remembered choice
      if (client.isAlive) set({ switching: true });
      client.setBackend(choice);
    },
  };
});

// Test builds only: end-to-end tests read the store through `__cnnTraining.getState()`;
// the client adds the aids that crash its worker, lose its device or fill the disk.
if (__TEST_AIDS__) {
  const aids = testingAids();
  if (aids) aids.getState = () => useTraining.getState();
}
