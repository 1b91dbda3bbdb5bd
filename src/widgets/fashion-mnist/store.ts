/**
 * The Fashion-MNIST splits as the dataset widget sees them, shared by every copy of the
 * widget on a page: each split's header (a 32-byte read: count, image size, classes) and,
 * once asked for, its images (kept for offline reading by the service worker, like every
 * dataset file).
 */
import { useSyncExternalStore } from 'react';
import type { Dataset, DatasetHeader } from '../../data/format';
import { loadDataset, loadDatasetHeader, type Split } from '../../data/load';
import { indicesByClass } from './samples';
import { bilingualOf, type Bilingual } from '../../models/bilingual';

export interface LoadedSplit extends Dataset {
  /** Each class's image indices, in file order. */
  byClass: Uint32Array[];
}

export interface SplitState {
  header: DatasetHeader | null;
  headerError: Bilingual | null;
  data: LoadedSplit | null;
  loading: boolean;
  /** Bytes read so far, and the file's size when the server says it. */
  loaded: number;
  total: number | null;
  /** Why the images could not be loaded, in both languages. */
  error: Bilingual | null;
}

const EMPTY: SplitState = { header: null, headerError: null, data: null, loading: false, loaded: 0, total: null, error: null };

let splits: Record<Split, SplitState> = { train: EMPTY, test: EMPTY };
const listeners = new Set<() => void>();
const headerAsked = new Set<Split>();

function patch(split: Split, p: Partial<SplitState>) {
  splits = { ...splits, [split]: { ...splits[split], ...p } };
  for (const l of listeners) l();
}

function subscribe(l: () => void) {
  listeners.add(l);
  return () => listeners.delete(l);
}

export function useSplits(): Record<Split, SplitState> {
  return useSyncExternalStore(
    subscribe,
    () => splits,
    () => splits,
  );
}

/** Reads a split's header once (a failure can be retried by asking again). */
export function ensureHeader(split: Split): void {
  if (headerAsked.has(split) || splits[split].header) return;
  headerAsked.add(split);
  loadDatasetHeader('fashion', split).then(
    (header) => patch(split, { header, headerError: null }),
    (e: unknown) => {
      headerAsked.delete(split);
      patch(split, { headerError: bilingualOf(e) });
    },
  );
}

/** Loads a split's images once; a failure can be retried by asking again. */
export function ensureData(split: Split): void {
  const s = splits[split];
  if (s.data || s.loading) return;
  patch(split, { loading: true, error: null, loaded: 0, total: null });
  let shown = 0;
  loadDataset('fashion', split, {
    onProgress: (loaded, total) => {
      // A repaint every 5% is plenty.
      if (total && loaded < total && loaded - shown < total / 20) return;
      shown = loaded;
      patch(split, { loaded, total });
    },
  }).then(
    (d) => {
      const { count, rows, cols, classes, pixels, labels } = d;
      patch(split, { data: { count, rows, cols, classes, pixels, labels, byClass: indicesByClass(labels, classes) }, loading: false });
    },
    (e: unknown) => patch(split, { loading: false, error: bilingualOf(e) }),
  );
}
