/** Settings of the degradation experiment (pure). */
import { intIn } from '../common/useUrlState';
import type { ExperimentConfig } from './experiment';

/** Dense layers between the first and the last layer: two shallow stacks to compare with, and 8, 16, 32. */
export const DEPTHS = [2, 4, 8, 16, 32] as const;
/** Learning rates offered; 0.05 trains every residual depth here without blowing up. */
export const LRS = [0.01, 0.03, 0.05, 0.1, 0.2] as const;
/** Steps the slider offers, in STEP_UNIT steps. */
export const STEPS_LIMITS = [50, 5000] as const;
export const STEP_UNIT = 50;
export const SEED_MAX = 999;

/** The fixed part of the experiment: width of every layer, points of the spirals, batch size, how often the loss is measured. */
export const FIXED = { width: 32, points: 256, batch: 64 } as const;

export interface DegradationSettings {
  /** One of DEPTHS; 0 means the default for the backend that computes (see RUNS). */
  depth: number;
  /** Steps of SGD; 0 means the default for the backend that computes (see defaultSteps). */
  steps: number;
  /** Index into LRS. */
  lr: number;
  seed: number;
}

export const DEFAULTS: DegradationSettings = { depth: 0, steps: 0, lr: LRS.indexOf(0.05), seed: 0 };

/**
 * The default run for a backend: on a GPU, 32 layers and 3000 steps (about a minute on a
 * laptop GPU); on the CPU (WebAssembly or the reference backend), 16 layers and 400 steps,
 * a few seconds. Either way the residual stack ends far below the plain one.
 */
export const RUNS = {
  gpu: { depth: 32, steps: 3000 },
  cpu: { depth: 16, steps: 400 },
} as const;

export function isGpu(backend: string | undefined): boolean {
  return backend === 'webgpu';
}

/** The depth and steps a run uses: the reader's choice where there is one, else the backend's default. */
export function effective(s: DegradationSettings, backend: string | undefined): { depth: number; steps: number } {
  const run = isGpu(backend) ? RUNS.gpu : RUNS.cpu;
  return { depth: s.depth > 0 ? s.depth : run.depth, steps: s.steps > 0 ? s.steps : run.steps };
}

/** The losses are measured on all points about 40 times a run, at least every 10 steps apart. */
export function evalEvery(steps: number): number {
  return Math.max(10, Math.round(steps / 40 / 10) * 10);
}

/** Everything the experiment needs, from the settings and the effective depth and steps. */
export function configOf(s: DegradationSettings, run: { depth: number; steps: number }): ExperimentConfig {
  return { ...FIXED, depth: run.depth, steps: run.steps, lr: LRS[s.lr], seed: s.seed, evalEvery: evalEvery(run.steps) };
}

export function sanitize(raw: unknown, defaults: DegradationSettings = DEFAULTS): DegradationSettings {
  const o = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const depth = (DEPTHS as readonly number[]).includes(Number(o.depth)) ? Number(o.depth) : defaults.depth;
  const steps = o.steps === 0 || o.steps === undefined ? defaults.steps : intIn(o.steps, STEPS_LIMITS[0], STEPS_LIMITS[1], defaults.steps);
  return {
    depth,
    steps: steps > 0 ? Math.round(steps / STEP_UNIT) * STEP_UNIT : steps,
    lr: intIn(o.lr, 0, LRS.length - 1, defaults.lr),
    seed: intIn(o.seed, 0, SEED_MAX, defaults.seed),
  };
}
