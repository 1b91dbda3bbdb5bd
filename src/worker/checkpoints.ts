/**
 * Training checkpoints in IndexedDB, one per model: the weights and the optimizer state
 * as .safetensors bytes, plus the run's progress (config, epoch, step, chart history).
 * Used by the worker (writes and reads everything) and the page (reads `info` only, to
 * offer "resume" after a reload or a crash). Both stores are written in one transaction,
 * so a checkpoint is either complete or absent.
 */
import type { CheckpointInfo } from './protocol';
import type { ModelId } from '../models/index';

export const CHECKPOINT_DB = 'cnn-book-training';
const VERSION = 2;
const INFO = 'info';
const BLOBS = 'blobs';
/** Small settings, e.g. the WebGPU kernel tuning of this adapter (saves the autotune on later visits). */
const META = 'meta';

export interface CheckpointBlobs {
  weights: Uint8Array;
  optimizer: Uint8Array | null;
}

export class QuotaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QuotaExceededError';
  }
}

function idb(): IDBFactory | null {
  return (globalThis as { indexedDB?: IDBFactory }).indexedDB ?? null;
}

let opening: Promise<IDBDatabase> | null = null;

function open(): Promise<IDBDatabase> {
  const f = idb();
  if (!f) return Promise.reject(new Error('IndexedDB is not available'));
  if (opening) return opening;
  opening = new Promise<IDBDatabase>((resolve, reject) => {
    const req = f.open(CHECKPOINT_DB, VERSION);
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains(INFO)) db.createObjectStore(INFO);
      if (!db.objectStoreNames.contains(BLOBS)) db.createObjectStore(BLOBS);
      if (!db.objectStoreNames.contains(META)) db.createObjectStore(META);
    };
    req.onsuccess = () => {
      const db = req.result;
      db.onversionchange = () => {
        db.close();
        opening = null;
      };
      resolve(db);
    };
    req.onerror = () => {
      opening = null;
      reject(req.error ?? new Error('could not open IndexedDB'));
    };
    req.onblocked = () => {
      opening = null;
      reject(new Error('IndexedDB is blocked by another tab'));
    };
  });
  return opening;
}

function isQuota(e: unknown): boolean {
  const name = (e as { name?: string } | null)?.name ?? '';
  return name === 'QuotaExceededError' || /quota/i.test(String((e as { message?: string } | null)?.message ?? ''));
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('transaction aborted'));
  });
}

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

/** Saves a checkpoint; throws QuotaError when the browser's storage is full. */
export async function saveCheckpoint(info: CheckpointInfo, blobs: CheckpointBlobs): Promise<void> {
  const db = await open();
  try {
    const tx = db.transaction([INFO, BLOBS], 'readwrite');
    tx.objectStore(INFO).put(info, info.model);
    tx.objectStore(BLOBS).put({ weights: blobs.weights, optimizer: blobs.optimizer }, info.model);
    await done(tx);
  } catch (e) {
    if (isQuota(e)) throw new QuotaError('The browser has no storage left for the checkpoint.');
    throw e;
  }
}

/** Progress only (cheap): what the page shows to offer a resume. */
export async function readCheckpointInfo(model: ModelId): Promise<CheckpointInfo | null> {
  if (!idb()) return null;
  const db = await open();
  const tx = db.transaction(INFO, 'readonly');
  const info = await request(tx.objectStore(INFO).get(model));
  return (info as CheckpointInfo | undefined) ?? null;
}

export async function readCheckpoint(model: ModelId): Promise<{ info: CheckpointInfo; blobs: CheckpointBlobs } | null> {
  if (!idb()) return null;
  const db = await open();
  const tx = db.transaction([INFO, BLOBS], 'readonly');
  const [info, blobs] = await Promise.all([request(tx.objectStore(INFO).get(model)), request(tx.objectStore(BLOBS).get(model))]);
  if (!info || !blobs) return null;
  const b = blobs as CheckpointBlobs;
  return { info: info as CheckpointInfo, blobs: { weights: new Uint8Array(b.weights), optimizer: b.optimizer ? new Uint8Array(b.optimizer) : null } };
}

/** Updates the progress record only (e.g. marking a run paused or done). */
export async function updateCheckpointInfo(model: ModelId, patch: Partial<CheckpointInfo>): Promise<void> {
  if (!idb()) return;
  const db = await open();
  const tx = db.transaction(INFO, 'readwrite');
  const store = tx.objectStore(INFO);
  const cur = (await request(store.get(model))) as CheckpointInfo | undefined;
  if (cur) store.put({ ...cur, ...patch }, model);
  await done(tx);
}

export async function deleteCheckpoint(model: ModelId): Promise<void> {
  if (!idb()) return;
  const db = await open();
  const tx = db.transaction([INFO, BLOBS], 'readwrite');
  tx.objectStore(INFO).delete(model);
  tx.objectStore(BLOBS).delete(model);
  await done(tx);
}

export async function readMeta<T>(key: string): Promise<T | null> {
  if (!idb()) return null;
  try {
    const db = await open();
    const tx = db.transaction(META, 'readonly');
    return ((await request(tx.objectStore(META).get(key))) as T | undefined) ?? null;
  } catch {
    return null;
  }
}

export async function writeMeta(key: string, value: unknown): Promise<void> {
  if (!idb()) return;
  try {
    const db = await open();
    const tx = db.transaction(META, 'readwrite');
    tx.objectStore(META).put(value, key);
    await done(tx);
  } catch {
    // A full disk only costs the autotune next time.
  }
}
