import { useEffect, useState } from 'react';
import { useTraining } from '../../stores/training';
import { bilingualOf, type Bilingual, type ModelId, type ModelSummaryData } from '../../models/index';

const cache = new Map<string, Promise<ModelSummaryData>>();
/** How long a new size waits before the worker computes it. */
const SETTLE_MS = 250;

/** The summary of `model` at `inputSize`, computed once by the training worker. */
function load(summary: (model: ModelId, inputSize: number) => Promise<ModelSummaryData>, model: ModelId, inputSize: number): Promise<ModelSummaryData> {
  const key = `${model}@${inputSize}`;
  let p = cache.get(key);
  if (!p) {
    p = summary(model, inputSize);
    cache.set(key, p);
    p.catch(() => cache.delete(key));
  }
  return p;
}

/** The model's shape tables at several input sizes, computed by the engine in the training worker (cached). */
export function useSummaries(model: ModelId, inputSizes: readonly number[]): { data: ModelSummaryData[] | null; error: Bilingual | null } {
  const summary = useTraining((s) => s.summary);
  const [state, setState] = useState<{ key: string; data: ModelSummaryData[] | null; error: Bilingual | null }>({ key: '', data: null, error: null });
  const key = `${model}@${inputSizes.join(',')}`;
  useEffect(() => {
    let live = true;
    const sizes = key.slice(key.indexOf('@') + 1).split(',').map(Number);
    const run = () =>
      Promise.all(sizes.map((s) => load(summary, model, s))).then(
        (data) => live && setState({ key, data, error: null }),
        (e: unknown) => live && setState({ key, data: null, error: bilingualOf(e) }),
      );
    // A size not computed yet waits until a slider settles, so that dragging through fifty
    // sizes does not build the model fifty times in the worker.
    const cached = sizes.every((s) => cache.has(`${model}@${s}`));
    const timer = cached ? null : setTimeout(() => void run(), SETTLE_MS);
    if (cached) void run();
    return () => {
      live = false;
      if (timer !== null) clearTimeout(timer);
    };
  }, [key, model, summary]);
  return state.key === key ? { data: state.data, error: state.error } : { data: null, error: null };
}

/** The model's shape table and size, computed by the engine in the training worker (cached). */
export function useSummary(model: ModelId, inputSize: number): { data: ModelSummaryData | null; error: Bilingual | null } {
  const { data, error } = useSummaries(model, [inputSize]);
  return { data: data ? data[0] : null, error };
}
