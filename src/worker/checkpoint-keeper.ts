/**
 * Where a model's latest weights are: the host's storage (IndexedDB in the worker), or,
 * when storage refused them (a full disk, a private window), a copy kept in memory for as
 * long as the worker lives, which requests then take over an older stored checkpoint. A
 * run also knows where its own last checkpoint is, to resume from it after a lost device.
 */
import type { ModelId } from '../models/index';
import type { CheckpointBlobs } from './checkpoints';
import type { CheckpointInfo, FromWorker, TrainedSoFar } from './protocol';

export type Checkpoint = { info: CheckpointInfo; blobs: CheckpointBlobs };

/** The host's checkpoint storage, and its channel to the page for the warnings. */
export interface CheckpointStore {
  post(msg: FromWorker, transfer?: Transferable[]): void;
  saveCheckpoint(info: CheckpointInfo, blobs: CheckpointBlobs): Promise<void>;
  readCheckpoint(model: ModelId): Promise<Checkpoint | null>;
  readCheckpointInfo(model: ModelId): Promise<CheckpointInfo | null>;
  deleteCheckpoint(model: ModelId): Promise<void>;
}

/** Whether a checkpoint holds weights that training got somewhere with (imported ones are in their file). */
function hasProgress(info: CheckpointInfo): boolean {
  return info.status !== 'imported' && info.epoch + info.stepInEpoch > 0;
}

const isQuota = (e: unknown) => (e as Error).name === 'QuotaExceededError';

export class CheckpointKeeper {
  /** The latest weights of each model that storage refused (a run's checkpoint, or imported weights). */
  private readonly unsaved = new Map<ModelId, Checkpoint>();
  /**
   * Where the current run's last checkpoint is: 'stored' (read it back from storage), in
   * memory (storage refused it), or null (none yet: a loss starts the run over).
   */
  private resumePoint: 'stored' | Checkpoint | null = null;
  /** Whether this run has warned that storage refused a checkpoint (once a run). */
  private warned = false;

  constructor(private readonly store: CheckpointStore) {}

  /**
   * The model's latest checkpoint: the stored one, or the copy kept here when storage
   * refused a later one (or refused the only one).
   */
  async newest(id: ModelId): Promise<Checkpoint | null> {
    const kept = this.unsaved.get(id);
    if (!kept) return this.store.readCheckpoint(id);
    // Only the progress record, to compare: the stored weights are read when they are newer.
    const stored = await this.store.readCheckpointInfo(id).catch(() => null);
    return stored && stored.savedAt > kept.info.savedAt ? this.store.readCheckpoint(id) : kept;
  }

  /** A run of `model` starts, from `ck` (found by newest) or from scratch. */
  startRun(model: ModelId, ck: Checkpoint | null): void {
    this.warned = false;
    this.resumePoint = ck === null ? null : ck === this.unsaved.get(model) ? ck : 'stored';
  }

  /** The run goes on from `ck`, held in memory (it moved to another backend). */
  resumeFrom(ck: Checkpoint): void {
    this.resumePoint = ck;
  }

  /** The run's last checkpoint, from storage or memory; null when it has none yet. */
  async last(model: ModelId): Promise<Checkpoint | null> {
    const p = this.resumePoint;
    if (p === null) return null;
    if (p !== 'stored') return p;
    return this.store.readCheckpoint(model);
  }

  /**
   * Saves a run's checkpoint and tells the page. Storage refusing it is no failure: the
   * checkpoint is kept here, so that a lost device still resumes from it and requests after
   * the run (export, evaluate, predict) still find these weights; the first refusal of a run
   * warns the reader to export.
   */
  async save(info: CheckpointInfo, blobs: CheckpointBlobs): Promise<void> {
    const { history: _h, ...summary } = info;
    try {
      await this.store.saveCheckpoint(structuredClone(info), blobs);
      this.resumePoint = 'stored';
      this.unsaved.delete(info.model);
      this.store.post({ type: 'checkpoint', info: summary, ok: true });
    } catch (e) {
      this.resumePoint = { info: structuredClone(info), blobs };
      this.unsaved.set(info.model, this.resumePoint);
      const quota = isQuota(e);
      const message = (e as Error).message;
      this.store.post({ type: 'checkpoint', info: summary, ok: false, quota, message });
      if (this.warned) return;
      this.warned = true;
      this.store.post({
        type: 'warning',
        code: quota ? 'quota' : 'storage',
        message: quota ? 'The browser has no storage left for checkpoints. Training goes on; export the weights to keep them.' : `The checkpoint could not be saved (${message}). Training goes on; export the weights to keep them.`,
        zh: quota ? '浏览器已没有空间保存检查点。训练继续进行；要保留权重，请导出它们。' : `检查点未能保存（${message}）。训练继续进行；要保留权重，请导出它们。`,
      });
    }
  }

  /** Saves imported weights as the model's checkpoint, or keeps them here (with a warning) when storage refuses them. */
  async saveImported(info: CheckpointInfo, blobs: CheckpointBlobs): Promise<void> {
    try {
      await this.store.saveCheckpoint(info, blobs);
      this.unsaved.delete(info.model);
    } catch (e) {
      // Kept here, so that these weights and not an older checkpoint answer later requests.
      this.unsaved.set(info.model, { info: structuredClone(info), blobs });
      this.store.post({
        type: 'warning',
        code: isQuota(e) ? 'quota' : 'storage',
        message: 'The imported weights are loaded but could not be saved in the browser.',
        zh: '导入的权重已载入，但未能保存在浏览器中。',
      });
    }
  }

  /** How far the model's weights were trained, kept here or stored; null when they hold no training progress. */
  async trainedSoFar(id: ModelId): Promise<TrainedSoFar | null> {
    const found = [this.unsaved.get(id)?.info, await this.store.readCheckpointInfo(id).catch(() => null)].find((c) => !!c && hasProgress(c));
    return found ? { epoch: found.epoch, stepInEpoch: found.stepInEpoch, savedAt: found.savedAt } : null;
  }

  /** Forgets the model's checkpoint, stored and kept. */
  async discard(id: ModelId): Promise<void> {
    await this.store.deleteCheckpoint(id);
    this.unsaved.delete(id);
  }
}
