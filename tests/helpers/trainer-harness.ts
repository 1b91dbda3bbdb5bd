// A Trainer (src/worker/trainer.ts) wired to an in-memory "IndexedDB" and a message
// log, for the worker's unit tests.
import type { Dataset } from '../../src/data/format';
import type { ModelId } from '../../src/models';
import { QuotaError, type CheckpointBlobs } from '../../src/worker/checkpoints';
import type { CheckpointInfo, FromWorker, ToWorker } from '../../src/worker/protocol';
import { Trainer, type TrainerHost } from '../../src/worker/trainer';

export type CheckpointStore = Map<ModelId, { info: CheckpointInfo; blobs: CheckpointBlobs }>;

export interface HarnessOptions {
  /** The checkpoints already stored. */
  store?: CheckpointStore;
  /** Every save throws QuotaError, as a full disk does. */
  quota?: boolean;
  /** Replaces the engine's restart after a device loss. */
  restartBackend?: TrainerHost['restartBackend'];
  /** Replaces the clock (milliseconds) the Trainer times things with. */
  now?: TrainerHost['now'];
}

/** `data` stands in for both splits (small and quick). */
export function trainerHarness(data: () => Dataset, opts: HarnessOptions = {}) {
  const store: CheckpointStore = opts.store ?? new Map();
  const messages: FromWorker[] = [];
  const waiters: { pred: (m: FromWorker) => boolean; resolve: (m: FromWorker) => void }[] = [];
  const counts = { reads: 0 };
  const trainer = new Trainer({
    post(m) {
      messages.push(m);
      for (const w of [...waiters]) {
        if (w.pred(m)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(m);
        }
      }
    },
    loadData: async (onProgress) => {
      onProgress(1, 1, 'cache');
      return { train: data(), test: data() };
    },
    saveCheckpoint: async (info, blobs) => {
      if (opts.quota) throw new QuotaError('full');
      store.set(info.model, { info: structuredClone(info), blobs: { weights: blobs.weights.slice(), optimizer: blobs.optimizer?.slice() ?? null } });
    },
    readCheckpoint: async (m) => {
      counts.reads++;
      return store.get(m) ?? null;
    },
    readCheckpointInfo: async (m) => store.get(m)?.info ?? null,
    deleteCheckpoint: async (m) => void store.delete(m),
    ...(opts.restartBackend ? { restartBackend: opts.restartBackend } : {}),
    ...(opts.now ? { now: opts.now } : {}),
  });
  /** The first message of `type` (matching `pred`) posted so far or from now on. */
  const next = <T extends FromWorker['type']>(type: T, pred: (m: Extract<FromWorker, { type: T }>) => boolean = () => true) =>
    new Promise<Extract<FromWorker, { type: T }>>((resolve) => {
      const found = messages.find((m) => m.type === type && pred(m as Extract<FromWorker, { type: T }>));
      if (found) return resolve(found as Extract<FromWorker, { type: T }>);
      waiters.push({ pred: (m) => m.type === type && pred(m as Extract<FromWorker, { type: T }>), resolve: resolve as (m: FromWorker) => void });
    });
  const send = (m: ToWorker) => trainer.handle(m);
  return { trainer, messages, next, send, store, counts };
}
