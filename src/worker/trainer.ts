/**
 * The training loop, independent of the worker's globals so that Node tests can drive
 * it: train.worker.ts wires it to `self`, tests give it a fake host.
 *
 * One step: gather a batch on the host, upload it, resize it on the device when the
 * model wants a larger input, forward, cross-entropy, backward, optimizer step, and
 * add the batch's loss and correct count to two on-device accumulators. Only those
 * two scalars are read back, every `readEvery` steps, so the loop never waits for the
 * device on each step. Between steps it yields to the event loop, so pause, stop and
 * requests (predict, export) are handled while training runs.
 *
 * Device loss (`watchDeviceLoss`): when the GPU device is lost under a run for any
 * reason but the backend's own destroy() (the engine reports only those), the engine
 * starts again on a new device (the CPU if WebGPU will not start within a few seconds),
 * the model and optimizer are rebuilt from the run's last checkpoint (read back from
 * storage, or kept in memory when storage refused it) and the loop goes on from there;
 * a 'gpu-reset' warning tells the page from which epoch and step.
 *
 * Beside it: what a model is asked outside a step (test accuracy, evaluation, prediction)
 * in inference.ts; what a run counts as it goes (the on-device tally, images per second)
 * in run-meter.ts; where each model's latest checkpoint is in checkpoint-keeper.ts; the
 * checks of an imported weights file in weights-file.ts; the optimizer's part of a
 * checkpoint in optimizer-state.ts.
 */
import {
  F, LossWatch, getBackend, globalGenerator, setConvPrecision, trimBackendMemory, nn, onBackendLost, optim, restartAfterLoss, tensor, tidy, tuneKernelShapes, zeros, type BackendAbout, type BackendLostInfo, type Tensor,
} from '../engine';
import { evaluate, inputTensor, predict, testAccuracy } from './inference';
import { yieldToEvents } from './yield';
import { loadOptimizer, optimizerBytes, type Optimizer } from './optimizer-state';
import { RunMeter, type WindowRead } from './run-meter';
import { CheckpointKeeper, type Checkpoint, type CheckpointStore } from './checkpoint-keeper';
import { loadWeightsFile, unknownModel } from './weights-file';
import { zoo, isModelId, summarize, BilingualError, bilingualOf, joinZh, type ModelId } from '../models/index';
import type { Dataset } from '../data/format';
import { batchCount, epochOrder, gatherBatch } from '../data/batches';
import { trainStep } from './step';
import { SUMMARY_MAX_INPUT, validateConfig } from '../models/train-limits';
import { lossExploded, said, type StepPosition, type CheckpointInfo, type TrainedSoFar, type Divergence, type EpochPoint, type ProgressPoint, type RunState, type ToWorker, type TrainConfig, type TrainHistory } from './protocol';

export { validateConfig };

export interface TrainerHost extends CheckpointStore {
  loadData(onProgress: (loaded: number, total: number | null, from: 'network' | 'cache') => void): Promise<{ train: Dataset; test: Dataset }>;
  /** Wall clock in ms (tests may fake it). */
  now?(): number;
  /** Starts the engine again on a new device after a loss (default: the engine's restartBackend). */
  restartBackend?(): Promise<void>;
  /** Time the kernels on the model's layer shapes before a run on a hardware GPU (default true). */
  shapeTune?: boolean;
  /** Called with the backend's tuning after a shape tuning changed it (the worker keeps it per adapter). */
  saveTuning?(tuning: unknown): void;
}

/** How long a new WebGPU device may take to start after a loss before we train on the CPU. */
const RESTART_TIMEOUT_MS = 4000;
/** How long a failed step waits to hear whether the device was lost under it. */
const LOSS_GRACE_MS = 500;
/** Recoveries one run may make before a device that keeps failing ends it with an error. */
const MAX_RECOVERIES = 5;
/** A busy run tells the page it still makes progress, at most once every BEAT_MS (the page's silence watch, silence.ts). */
const BEAT_MS = 1000;

/**
 * One forward and backward pass of a throwaway `config.model` on a zero batch of the run's
 * size, for the shape tuning to record its layers' shapes. The run's model, optimizer,
 * batch-norm statistics and the global random stream are left as they were.
 */
function throwawayStep(config: TrainConfig): void {
  const rng = globalGenerator.getState();
  let net: nn.Sequential | null = null;
  try {
    net = zoo[config.model].create({ inputSize: config.inputSize, init: 'default' });
    net.train();
    const model = net;
    tidy(() => {
      const x = zeros([config.batchSize, 1, config.inputSize, config.inputSize]);
      const y = zeros([config.batchSize]);
      F.crossEntropy(model.call(x) as Tensor, y).backward();
    });
  } finally {
    net?.zeroGrad();
    net?.dispose();
    globalGenerator.setState(rng);
  }
}

/** Thrown out of the training loop at a step boundary when the reader moved training to another backend. */
class BackendSwitch {
  constructor(
    readonly checkpoint: Checkpoint,
    /** The run was paused, and pauses again on the new backend. */
    readonly paused: boolean,
  ) {}
}

/** Thrown out of the training loop when a read of the loss shows that training blew up. */
class Diverged {
  constructor(readonly at: Omit<Divergence, 'restored'>) {}
}

/** Whether every value is a finite number. */
function allFinite(a: Float32Array): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return false;
  return true;
}

interface SwitchRequest {
  change: () => Promise<void>;
  resolve: () => void;
  reject: (e: unknown) => void;
}

interface Live {
  id: ModelId;
  inputSize: number;
  net: nn.Sequential;
  opt: Optimizer | null;
  config: TrainConfig | null;
}

/** What the backends say when a tensor does not fit: wasm's memory, a GPU buffer's limit, the device's memory. */
const OUT_OF_MEMORY = /out of memory|exceeds this device's limit|GPUOutOfMemoryError|out-of-memory/i;

export class Trainer {
  private live: Live | null = null;
  private data: { train: Dataset; test: Dataset } | null = null;
  private loading: Promise<{ train: Dataset; test: Dataset }> | null = null;
  private state: RunState = 'idle';
  private pauseRequested = false;
  private stopRequested = false;
  private resumeWaiter: (() => void) | null = null;
  private running: Promise<void> | null = null;
  private history: TrainHistory = { points: [], epochs: [] };
  private readonly host: TrainerHost;
  /** Device losses heard so far, and the restart in progress. */
  private losses = new LossWatch();
  private lostAt = 0;
  private restarting: Promise<void> | null = null;
  /** A move to another backend that the running loop makes at its next step boundary. */
  private switchRequest: SwitchRequest | null = null;
  /**
   * Each model's latest checkpoint, stored or (where storage refused it) kept in memory, so
   * that it outlives the loaded model (a lost device, another model trained or loaded) for
   * as long as the worker; and where the current run's last one is.
   */
  private readonly checkpoints: CheckpointKeeper;

  constructor(host: TrainerHost) {
    this.host = host;
    this.checkpoints = new CheckpointKeeper(host);
    // Training takes the faster convolutions that round a little more (precision.ts); the
    // worker's engine runs nothing else, and scripts/train.mjs trains through this class too.
    setConvPrecision('high');
  }

  private now(): number {
    return this.host.now ? this.host.now() : performance.now();
  }

  private lastBeat = -Infinity;
  /** After a step (where the run is) or an evaluation batch: a 'beat' when the last one is BEAT_MS old. */
  private beat(at?: StepPosition): void {
    const t = this.now();
    if (t - this.lastBeat < BEAT_MS) return;
    this.lastBeat = t;
    this.host.post(at ? { type: 'beat', at } : { type: 'beat' });
  }

  private setState(state: RunState) {
    this.state = state;
    this.host.post({ type: 'state', state, model: this.live?.id });
  }

  get currentState(): RunState {
    return this.state;
  }

  /**
   * Recovers from device losses from now on (the worker calls it once); returns a
   * function that stops listening. A loss from the backend's own destroy() is not
   * reported by the engine, so it restarts nothing.
   */
  watchDeviceLoss(): () => void {
    return onBackendLost((info) => this.deviceLost(info));
  }

  private deviceLost(_info: BackendLostInfo): void {
    this.losses.heard();
    this.lostAt = this.now();
    this.restarting ??= this.restartEngine().finally(() => {
      this.restarting = null;
    });
    // Outside a run the loaded model is gone too; requests load it again from its latest
    // checkpoint, stored or kept here (newestCheckpoint).
    if (!this.running) this.disposeLive();
  }

  /** A new device for the engine: WebGPU again if it starts in time, else the CPU. */
  private async restartEngine(): Promise<void> {
    const host = this.host;
    const failed = await restartAfterLoss(RESTART_TIMEOUT_MS, host.restartBackend ? () => host.restartBackend!() : undefined);
    if (failed) {
      this.host.post({
        type: 'warning',
        code: 'backend',
        message: `WebGPU could not start again after the GPU was reset (${failed.message}); training on the CPU instead.`,
        zh: `GPU 重置后 WebGPU 未能再次启动（${failed.message}），改用 CPU 训练。`,
      });
      this.host.post({ type: 'ready', ...Trainer.backendInfo(), reason: 'webgpu-failed', detail: failed.message });
      return;
    }
    this.host.post({ type: 'ready', ...Trainer.backendInfo() });
  }

  /** Handles one message from the page. */
  async handle(msg: ToWorker): Promise<void> {
    // Requests wait for a device restart in progress rather than fail on the lost one.
    if (this.restarting && 'id' in msg) await this.restarting;
    switch (msg.type) {
      case 'start':
        if (this.running) {
          this.host.post({ type: 'error', message: 'A training run is already in progress: stop it first.', zh: '已有一次训练在进行：请先停止它。' });
          return;
        }
        this.running = this.run(msg.config, msg.resume ?? false).finally(async () => {
          this.running = null;
          // The run's working set, kept between its steps, goes back to the system.
          trimBackendMemory();
          // A move asked for as the run ended (stopped, done, failed) happens now.
          await this.pendingSwitch();
        });
        return;
      case 'pause':
        if (this.state === 'training' || this.state === 'loading') this.pauseRequested = true;
        return;
      case 'resume':
        this.pauseRequested = false;
        this.resumeWaiter?.();
        return;
      case 'stop':
        this.stopRequested = true;
        this.pauseRequested = false;
        this.resumeWaiter?.();
        return;
      case 'evaluate':
        return this.answer(msg.id, async () => {
          const live = await this.liveFor(msg.model);
          const result = await evaluate(live, (await this.ensureData()).test, msg.limit ?? 10000, live.config?.batchSize ?? zoo[live.id].recipe.batchSize, () => this.beat());
          this.host.post({ type: 'evaluation', id: msg.id, result });
        });
      case 'predict':
        return this.answer(msg.id, async () => {
          const live = await this.liveFor(msg.model);
          const probs = await predict(live, msg.images, msg.count);
          this.host.post({ type: 'prediction', id: msg.id, probs }, [probs.buffer]);
        });
      case 'export':
        return this.answer(msg.id, async () => {
          const live = await this.liveFor(msg.model);
          const bytes = await zoo[live.id].toSafetensors(live.net.stateDict(), { inputSize: String(live.inputSize) });
          this.host.post({ type: 'exported', id: msg.id, bytes, name: `${live.id}-${live.inputSize}px.safetensors` }, [bytes.buffer]);
        });
      case 'import':
        return this.answer(msg.id, async () => {
          if (this.running) throw new BilingualError({ en: 'Stop or finish the training run before importing weights.', zh: '导入权重之前，请先停止或等训练结束。' });
          const r = await this.importWeights(msg.model, msg.inputSize, msg.bytes, msg.replace ?? false);
          this.host.post('trained' in r ? { type: 'import-replaces', id: msg.id, trained: r.trained } : { type: 'imported', id: msg.id, inputSize: r.inputSize });
        });
      case 'checkpoint-info':
        return this.answer(msg.id, async () => {
          this.host.post({ type: 'checkpoint-info', id: msg.id, info: await this.host.readCheckpointInfo(msg.model) });
        });
      case 'discard-checkpoint':
        return this.answer(msg.id, async () => {
          if (this.running && this.live?.id === msg.model) throw new BilingualError({ en: 'Stop the run before discarding its checkpoint.', zh: '丢弃检查点之前，请先停止训练。' });
          await this.checkpoints.discard(msg.model);
          if (this.live?.id === msg.model && !this.running) this.disposeLive();
          this.host.post({ type: 'discarded', id: msg.id });
        });
      case 'summary':
        return this.answer(msg.id, async () => {
          if (!isModelId(msg.model)) throw unknownModel(msg.model);
          const { name, minInputSize } = zoo[msg.model];
          if (!(Number.isInteger(msg.inputSize) && msg.inputSize >= minInputSize && msg.inputSize <= SUMMARY_MAX_INPUT)) {
            throw new BilingualError({
              en: `The summary of ${name.en} takes an input size from ${minInputSize} to ${SUMMARY_MAX_INPUT}, not ${msg.inputSize}.`,
              zh: joinZh`${name.zh} 的概要接受 ${minInputSize} 到 ${SUMMARY_MAX_INPUT} 的输入尺寸，不接受 ${msg.inputSize}。`,
            });
          }
          const net = zoo[msg.model].create({ inputSize: msg.inputSize, init: 'default' });
          try {
            this.host.post({ type: 'summary', id: msg.id, data: summarize(net, msg.inputSize) });
          } finally {
            net.dispose();
          }
        });
      default:
        return;
    }
  }

  /**
   * Moves the engine to another backend (`change` starts it: see chooseBackend) and the
   * model with it. A running (or paused) run moves at its next step boundary: its weights,
   * optimizer state and history are serialised, the engine changes, and the run goes on
   * from that exact step (announced as 'resumed', like a recovery, and still paused if it
   * was). Outside a run the loaded model's weights move. Resolves once the engine has
   * changed.
   */
  async switchBackend(change: () => Promise<void>): Promise<void> {
    if (this.restarting) await this.restarting;
    if (this.running) {
      this.switchRequest?.reject(new Error('superseded by a newer backend choice'));
      return new Promise<void>((resolve, reject) => {
        this.switchRequest = { change, resolve, reject };
        // A paused run wakes up to move (and pauses again afterwards).
        this.resumeWaiter?.();
      });
    }
    await this.moveLoaded(change);
  }

  private async pendingSwitch(): Promise<void> {
    const req = this.switchRequest;
    if (!req) return;
    this.switchRequest = null;
    try {
      await this.moveLoaded(req.change);
      req.resolve();
    } catch (e) {
      req.reject(e);
    }
  }

  /** Outside a run: the loaded model's weights, read back, change, and loaded again on the new backend. */
  private async moveLoaded(change: () => Promise<void>): Promise<void> {
    const live = this.live;
    const weights = live ? await zoo[live.id].toSafetensors(live.net.stateDict(), { inputSize: String(live.inputSize) }) : null;
    await change();
    if (!live || !weights) return;
    this.disposeLive();
    const net = zoo[live.id].create({ inputSize: live.inputSize, init: 'default' });
    try {
      net.loadStateDict(zoo[live.id].fromSafetensors(weights, { model: net }));
    } catch (e) {
      net.dispose();
      throw e;
    }
    this.live = { id: live.id, inputSize: live.inputSize, net, opt: null, config: live.config };
  }

  /** The live run's state in memory (weights, optimizer, history), for a move to another backend. */
  private async snapshot(info: CheckpointInfo, classes: number): Promise<Checkpoint> {
    const live = this.live!;
    const state = await live.net.stateDictData();
    // A last update can overflow the weights after a sound read of the loss: such weights
    // are no checkpoint (loading refuses them), and the run stops as one that blew up.
    if (!Object.values(state).every((t) => allFinite(t.data))) {
      throw new Diverged({ loss: NaN, chance: Math.log(classes), epoch: info.epoch, step: info.stepInEpoch, globalStep: info.globalStep, lr: info.config.lr });
    }
    const weights = await zoo[live.id].toSafetensors(state, { inputSize: String(live.inputSize) });
    const optimizer = live.opt ? await optimizerBytes(live.opt) : null;
    return { info: structuredClone(info), blobs: { weights, optimizer } };
  }

  /** Resolves when the current run (if any) has ended. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async answer(id: number, fn: () => Promise<void>) {
    try {
      await fn();
    } catch (e) {
      this.host.post({ type: 'request-error', id, ...said(bilingualOf(e)) });
    }
  }

  /** The live model if it is `id`, else the model restored from its checkpoint. */
  private async liveFor(id: ModelId): Promise<Live> {
    if (this.live?.id === id) return this.live;
    if (this.running) {
      const { name } = zoo[this.live!.id];
      throw new BilingualError({ en: `${name.en} is training; its weights are the only ones loaded.`, zh: joinZh`${name.zh} 正在训练，此时只载入了它的权重。` });
    }
    const ck = await this.checkpoints.newest(id);
    if (!ck) throw new BilingualError({ en: `${zoo[id].name.en} has not been trained or imported yet.`, zh: joinZh`${zoo[id].name.zh} 还没有训练过，也没有导入过权重。` });
    const inputSize = ck.info.config.inputSize;
    const net = zoo[id].create({ inputSize, seed: ck.info.config.seed });
    try {
      net.loadStateDict(zoo[id].fromSafetensors(ck.blobs.weights, { model: net }));
    } catch (e) {
      net.dispose();
      throw e;
    }
    this.disposeLive();
    this.live = { id, inputSize, net, opt: null, config: ck.info.config };
    return this.live;
  }

  private disposeLive() {
    if (!this.live) return;
    this.live.opt?.dispose();
    this.live.net.dispose();
    this.live = null;
  }

  private async ensureData(): Promise<{ train: Dataset; test: Dataset }> {
    if (this.data) return this.data;
    this.loading ??= this.host.loadData((loaded, total, from) => this.host.post({ type: 'data-progress', loaded, total, from }));
    try {
      this.data = await this.loading;
    } finally {
      this.loading = null;
    }
    return this.data;
  }

  private async run(requested: TrainConfig, resume: boolean): Promise<void> {
    this.stopRequested = false;
    this.pauseRequested = false;
    try {
      let config = requested;
      let ck: Checkpoint | null = null;
      if (resume) {
        ck = await this.checkpoints.newest(requested.model);
        if (!ck) {
          const { name } = zoo[requested.model];
          throw new BilingualError({ en: `There is no checkpoint of ${name.en} to resume from.`, zh: joinZh`${name.zh} 没有可以从中继续的检查点。` });
        }
        config = ck.info.config;
      }
      const problem = validateConfig(config);
      if (problem) throw new BilingualError({ en: `Cannot train: ${problem.en}.`, zh: `无法训练：${problem.zh}。` });
      this.setState('loading');
      const data = await this.ensureData();
      if (this.stopRequested) {
        this.setState('stopped');
        return;
      }
      this.checkpoints.startRun(config.model, ck);
      let recovered = false;
      for (let recoveries = 0; ; recoveries++) {
        const seen = this.losses.count;
        try {
          if (this.restarting) await this.restarting;
          await this.tuneShapes(config);
          const at = this.build(config, ck, recovered);
          if (recovered) {
            const from = ck ? { epoch: ck.info.epoch, stepInEpoch: ck.info.stepInEpoch, globalStep: ck.info.globalStep } : null;
            const where = from ? `the checkpoint at epoch ${from.epoch + 1}, step ${from.stepInEpoch} (step ${from.globalStep} overall)` : 'the beginning (there was no checkpoint yet)';
            this.host.post({ type: 'warning', code: 'gpu-reset', message: `The GPU was reset; training resumed from ${where}.`, resumedFrom: from, recoveryMs: Math.round(this.now() - this.lostAt) });
          }
          await this.loop(config, data, at.epoch, at.stepInEpoch, at.globalStep);
          return;
        } catch (e) {
          if (e instanceof BackendSwitch) {
            // The reader moved training to another backend: change it, go on from the snapshot.
            const req = this.switchRequest!;
            this.switchRequest = null;
            try {
              await req.change();
              req.resolve();
            } catch (err) {
              req.reject(err);
            }
            ck = e.checkpoint;
            this.checkpoints.resumeFrom(e.checkpoint);
            this.pauseRequested = e.paused;
            recovered = false;
            recoveries--;
            continue;
          }
          if (e instanceof Diverged) {
            await this.diverged(e.at, config.model);
            return;
          }
          if (recoveries >= MAX_RECOVERIES || !(await this.losses.since(seen, LOSS_GRACE_MS))) throw e;
        }
        // The device was lost under the run: go on from its last checkpoint on a new one.
        if (this.restarting) await this.restarting;
        if (this.stopRequested) {
          this.setState('stopped');
          return;
        }
        ck = await this.checkpoints.last(config.model);
        recovered = true;
      }
    } catch (e) {
      this.setState('error');
      const text = bilingualOf(e);
      this.host.post({ type: 'error', ...said(text), ...(OUT_OF_MEMORY.test(text.en) ? { code: 'out-of-memory' as const } : {}) });
    }
  }

  /**
   * On WebGPU on a hardware adapter, once per (model, input size, batch) and backend: times
   * the GEMM-family kernels on the model's own layer shapes (recorded from a throwaway
   * step), so that each layer runs its fastest variant. A failure only costs the speed-up.
   */
  private async tuneShapes(config: TrainConfig): Promise<void> {
    if (this.host.shapeTune === false) return;
    try {
      const key = `${config.model}:${config.inputSize}:${config.batchSize}`;
      const r = await tuneKernelShapes(key, () => throwawayStep(config), () => this.host.post({ type: 'tuning', model: config.model }));
      if (!r) return;
      const wrong = Object.values(r.wrong).reduce((n, variants) => n + Object.keys(variants).length, 0);
      if (wrong > 0) console.warn('shape tuning left out variants this adapter computes wrongly', r.wrong);
      this.host.post({ type: 'tuned', model: config.model, shapes: r.shapes, tuned: r.tuned, ms: Math.round(r.ms), wrong });
      if (r.tuned > 0) this.host.saveTuning?.(getBackend().tuning);
    } catch (e) {
      console.warn('shape tuning failed; the op-wide kernel choices stay', e);
    }
  }

  /**
   * A run whose loss blew up stops there. Its weights are past saving, so the model in
   * memory goes and the next request loads the model's stored checkpoint: this run's last,
   * saved while the loss was still sound, or, when this run saved none, an earlier run's.
   */
  private async diverged(at: Omit<Divergence, 'restored'>, model: ModelId): Promise<void> {
    this.disposeLive();
    const ck = await this.checkpoints.last(model);
    const restored = ck ? { epoch: ck.info.epoch, stepInEpoch: ck.info.stepInEpoch, globalStep: ck.info.globalStep } : null;
    const loss = Number.isFinite(at.loss) ? at.loss.toPrecision(3) : String(at.loss);
    const where = restored ? `its weights are back at the checkpoint of epoch ${restored.epoch + 1}, step ${restored.stepInEpoch}` : 'this run had saved no checkpoint yet';
    this.host.post({
      type: 'warning',
      code: 'diverged',
      message: `The loss blew up to ${loss} at epoch ${at.epoch + 1}, step ${at.step} (guessing at random gives ${at.chance.toFixed(2)}): a learning rate of ${at.lr} is too large for this model. Training stopped; ${where}.`,
      diverged: { ...at, restored },
    });
    this.setState('stopped');
  }

  /**
   * The model and optimizer of a run on the current backend, from `ck` when given
   * (announced as 'resumed'; a fresh start too when it replaces a run the page has charted).
   */
  private build(config: TrainConfig, ck: Checkpoint | null, restarted: boolean): { epoch: number; stepInEpoch: number; globalStep: number } {
    const id = config.model;
    this.disposeLive();
    const net = zoo[id].create({ inputSize: config.inputSize, seed: config.seed });
    const opt: Optimizer = config.optimizer === 'adam' ? new optim.Adam(net.parameters(), { lr: config.lr }) : new optim.SGD(net.parameters(), { lr: config.lr });
    this.live = { id, inputSize: config.inputSize, net, opt, config };
    this.history = { points: [], epochs: [] };
    if (!ck) {
      if (restarted) this.host.post({ type: 'resumed', info: { model: id, config, epoch: 0, stepInEpoch: 0, globalStep: 0, savedAt: Date.now(), status: 'running', history: { points: [], epochs: [] } } });
      return { epoch: 0, stepInEpoch: 0, globalStep: 0 };
    }
    net.loadStateDict(zoo[id].fromSafetensors(ck.blobs.weights, { model: net }));
    if (ck.blobs.optimizer) loadOptimizer(opt, ck.blobs.optimizer);
    this.history = structuredClone(ck.info.history);
    this.host.post({ type: 'resumed', info: ck.info });
    return { epoch: ck.info.epoch, stepInEpoch: ck.info.stepInEpoch, globalStep: ck.info.globalStep };
  }

  private async loop(config: TrainConfig, data: { train: Dataset; test: Dataset }, epoch: number, stepInEpoch: number, globalStep: number) {
    const live = this.live!;
    const { net, opt } = live;
    const trainN = Math.min(config.trainLimit ?? data.train.count, data.train.count);
    const steps = batchCount(trainN, config.batchSize);
    const readEvery = Math.max(1, config.readEvery ?? 10);
    const checkpointEvery = (config.checkpointEverySec ?? 20) * 1000;
    const totalSteps = steps * config.epochs;
    let lastCheckpoint = this.now();
    // A run that moved backends while paused pauses again at once, without showing 'training'.
    if (!this.pauseRequested) this.setState('training');
    const meter = new RunMeter(() => this.now());

    /** The window's loss and accuracy; stops the run where the loss blew up, before the point reaches the charts or a checkpoint. */
    const read = async (): Promise<WindowRead | null> => {
      const r = await meter.read();
      if (r && lossExploded(r.loss, data.train.classes)) {
        throw new Diverged({ loss: r.loss, chance: Math.log(data.train.classes), epoch, step: stepInEpoch, globalStep, lr: config.lr });
      }
      return r;
    };

    const report = (r: WindowRead, testAcc: number | null) => {
      const point: ProgressPoint = { step: globalStep, epoch: epoch + stepInEpoch / steps, loss: r.loss, trainAcc: r.acc };
      this.history.points.push(point);
      const remaining = totalSteps - (epoch * steps + stepInEpoch);
      const ips = meter.imagesPerSec;
      const eta = ips > 0 ? (remaining * config.batchSize) / ips : null;
      this.host.post({
        type: 'progress',
        epoch,
        epochs: config.epochs,
        step: stepInEpoch,
        stepsPerEpoch: steps,
        globalStep,
        loss: r.loss,
        trainAcc: r.acc,
        testAcc,
        imagesPerSec: ips,
        etaSec: eta,
        point,
      });
    };

    const info = (status: CheckpointInfo['status']): CheckpointInfo => ({
      model: live.id,
      config,
      epoch,
      stepInEpoch,
      globalStep,
      savedAt: Date.now(),
      status,
      history: this.history,
    });

    try {
      while (epoch < config.epochs) {
        const order = epochOrder(data.train.count, config.seed, epoch);
        net.train();
        while (stepInEpoch < steps) {
          if (this.stopRequested) break;
          if (this.switchRequest) {
            const r = await read();
            if (r) report(r, null);
            throw new BackendSwitch(await this.snapshot(info('running'), data.train.classes), false);
          }
          if (this.pauseRequested) {
            const r = await read();
            if (r) report(r, null);
            await this.checkpoint(info('paused'), data.train.classes);
            this.setState('paused');
            await new Promise<void>((resolve) => (this.resumeWaiter = resolve));
            this.resumeWaiter = null;
            if (this.stopRequested) break;
            if (this.switchRequest) throw new BackendSwitch(await this.snapshot(info('paused'), data.train.classes), true);
            this.pauseRequested = false;
            net.train();
            this.setState('training');
            meter.restartWindow();
          }
          const start = stepInEpoch * config.batchSize;
          const b = gatherBatch(data.train, order, start, Math.min(config.batchSize, trainN - start));
          tidy(() => {
            const x = inputTensor(b.x, b.size, b.rows, b.cols, config.inputSize);
            const y = tensor(Float32Array.from(b.y), [b.size]);
            trainStep(net, opt!, x, y, meter.tally);
          });
          meter.counted(b.size);
          stepInEpoch++;
          globalStep++;
          this.beat({ epoch, epochs: config.epochs, step: stepInEpoch, stepsPerEpoch: steps, globalStep });
          if (stepInEpoch % readEvery === 0 || stepInEpoch === steps) {
            const r = await read();
            if (r) report(r, null);
            if (stepInEpoch < steps && this.now() - lastCheckpoint > checkpointEvery) {
              await this.checkpoint(info('running'), data.train.classes);
              lastCheckpoint = this.now();
              meter.restartWindow();
            }
          } else {
            await yieldToEvents();
          }
        }
        if (this.stopRequested) break;
        // End of epoch: test accuracy, a point on the epoch chart, a checkpoint.
        const r = await read();
        const { trainLoss, trainAcc, imagesPerSec } = meter.endEpoch();
        this.setState('evaluating');
        const testAcc = await testAccuracy(live, data.test, config.testLimit ?? data.test.count, config.batchSize, () => this.beat());
        epoch++;
        stepInEpoch = 0;
        const ep: EpochPoint = { epoch, step: globalStep, trainLoss, trainAcc, testAcc, ...(imagesPerSec !== undefined ? { imagesPerSec } : {}) };
        this.history.epochs.push(ep);
        if (r) report(r, testAcc);
        this.host.post({ type: 'epoch', point: ep });
        await this.checkpoint(info(epoch >= config.epochs ? 'done' : 'running'), data.train.classes);
        // The next window starts here: the evaluation and the checkpoint are not training time.
        lastCheckpoint = this.now();
        meter.restartWindow();
        if (epoch < config.epochs) this.setState('training');
      }
      if (this.stopRequested) {
        const r = await read();
        if (r) report(r, null);
        await this.checkpoint(info('stopped'), data.train.classes);
        this.setState('stopped');
        return;
      }
      const result = await evaluate(live, data.test, config.testLimit ?? data.test.count, config.batchSize, () => this.beat());
      this.host.post({ type: 'evaluation', id: null, result });
      this.host.post({ type: 'done', history: this.history, testAcc: this.history.epochs.at(-1)?.testAcc ?? null });
      this.setState('done');
    } finally {
      meter.dispose();
    }
  }

  /**
   * Saves a checkpoint (kept in memory where storage refuses it: see CheckpointKeeper).
   * Weights that are no longer finite are not saved: the run stops as diverged (see snapshot).
   */
  private async checkpoint(info: CheckpointInfo, classes: number): Promise<void> {
    if (!this.live) return;
    let ck: Checkpoint;
    try {
      ck = await this.snapshot(info, classes);
    } catch (e) {
      if (e instanceof Diverged) throw e;
      this.host.post({ type: 'checkpoint', info: null, ok: false, message: (e as Error).message });
      return;
    }
    await this.checkpoints.save(info, ck.blobs);
  }

  /**
   * Loads weights from a file as the model's checkpoint, at the input size the file records,
   * else at `fallback` (the page's); returns that size. When the model has weights with
   * training progress (stored, or kept here when storage refused them), a file that would
   * load changes nothing unless `replace`: the answer says how far they were trained, for
   * the page to ask the reader.
   */
  private async importWeights(id: ModelId, fallback: number | undefined, bytes: Uint8Array, replace: boolean): Promise<{ inputSize: number } | { trained: TrainedSoFar }> {
    // Everything is checked before anything changes; a bad file leaves the model as it was.
    const { net, inputSize, config } = loadWeightsFile(id, fallback, bytes);
    if (!replace) {
      const trained = await this.checkpoints.trainedSoFar(id);
      if (trained) {
        net.dispose();
        return { trained };
      }
    }
    this.disposeLive();
    this.live = { id, inputSize, net, opt: null, config };
    this.history = { points: [], epochs: [] };
    const info: CheckpointInfo = { model: id, config, epoch: config.epochs, stepInEpoch: 0, globalStep: 0, savedAt: Date.now(), status: 'imported', history: this.history };
    await this.checkpoints.saveImported(info, { weights: bytes.slice(), optimizer: null });
    return { inputSize };
  }

  /** Describes the backend for the 'ready' message. */
  static backendInfo(): { backend: string; description: string; about?: BackendAbout } {
    const b = getBackend();
    return { backend: b.name, description: b.description, ...(b.about ? { about: b.about } : {}) };
  }
}
