import { useEffect, useState } from 'react';
import { useTraining } from '../../stores/training';
import type { ModelId, ModelSummaryData } from '../../models/index';

const cache = new Map<string, Promise<ModelSummaryData>>();

/** The model's shape table and size, computed by the engine in the training worker (cached). */
export function useSummary(model: ModelId, inputSize: number): { data: ModelSummaryData | null; error: string | null } {
  const summary = useTraining((s) => s.summary);
  const [state, setState] = useState<{ key: string; data: ModelSummaryData | null; error: string | null }>({ key: '', data: null, error: null });
  const key = `${model}@${inputSize}`;
  useEffect(() => {
    let live = true;
    let p = cache.get(key);
    if (!p) {
      p = summary(model, inputSize);
      cache.set(key, p);
      p.catch(() => cache.delete(key));
    }
    p.then(
      (data) => live && setState({ key, data, error: null }),
      (e: Error) => live && setState({ key, data: null, error: e.message }),
    );
    return () => {
      live = false;
    };
  }, [key, model, inputSize, summary]);
  return state.key === key ? { data: state.data, error: state.error } : { data: null, error: null };
}
