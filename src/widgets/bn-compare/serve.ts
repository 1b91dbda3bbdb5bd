/**
 * The batch-norm comparison's side of the experiments worker (../experiments.worker.ts): loads
 * the Fashion-MNIST images (through the book's cached loader) while the backend the page
 * computes on starts, then trains LeNet and LeNet with batch normalisation off the page's main
 * thread and posts both networks' losses and held-out accuracy every `evalEvery` steps (the
 * loop is common/experiment-worker's).
 */
import { loadDatasetCached } from '../../data/cache';
import type { Dataset } from '../../data/format';
import { serveExperiments } from '../common/experiment-worker';
import { BnCompareExperiment } from './experiment';
import { IMAGES } from './settings';
import type { FromBnCompareWorker, ToBnCompareWorker } from './protocol';

interface WorkerScope {
  postMessage(msg: FromBnCompareWorker): void;
  onmessage: ((ev: MessageEvent<ToBnCompareWorker>) => void) | null;
}

/** Serves the batch-norm comparison in this worker. */
export function serveBnCompare(): void {
  const scope = self as unknown as WorkerScope;
  /** The images, loaded once for the worker's life. */
  let images: Promise<Dataset> | null = null;

  serveExperiments(scope, {
    prepare(msg: Extract<ToBnCompareWorker, { type: 'start' }>) {
      scope.postMessage({ type: 'loading', run: msg.run, loaded: 0, total: null });
      images ??= loadDatasetCached(IMAGES.dataset, IMAGES.split, {
        base: msg.base,
        onProgress: (loaded, total) => scope.postMessage({ type: 'loading', run: msg.run, loaded, total }),
      }).catch((e: unknown) => {
        images = null;
        throw e;
      });
      return images;
    },
    create: (msg, data) => new BnCompareExperiment(data, msg.config),
    read: (ex) => ex.point(),
  });
}
