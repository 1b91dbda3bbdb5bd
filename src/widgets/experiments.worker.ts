/**
 * The worker of the widgets that train small networks side by side (the batch-norm comparison,
 * the degradation experiment). Vite bundles each worker entry with its own copy of the engine,
 * so both run from this one entry, and the Worker's name says which it serves.
 */
import { serveBnCompare } from './bn-compare/serve';
import { serveDegradation } from './degradation/serve';

/** The names the widgets give this worker: each serves its own experiment. */
export type ExperimentWorkerName = 'bn-compare' | 'degradation';

const name = (self as unknown as { name: string }).name as ExperimentWorkerName;
if (name === 'bn-compare') serveBnCompare();
else if (name === 'degradation') serveDegradation();
else throw new Error(`the experiments worker serves 'bn-compare' or 'degradation', not '${name}'`);
