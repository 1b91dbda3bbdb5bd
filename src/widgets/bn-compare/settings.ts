/** Settings of the batch-norm comparison (pure). */
import { intIn } from '../common/useUrlState';
import type { BnCompareConfig } from './experiment';

/**
 * Where the images come from: Fashion-MNIST's 10,000-image test split, the smaller file
 * (7.9 MB against 47 MB for the training split). Its first FIXED.train images are the
 * training images here, its last FIXED.heldOut images are held out, so the two never meet.
 */
export const IMAGES = { dataset: 'fashion', split: 'test' } as const;

/** The fixed part of the comparison: training and held-out images, batch size. */
export const FIXED = { train: 5000, heldOut: 1000, batch: 128 } as const;

/**
 * Learning rates offered, the same for both networks (the chapter's recipes use 0.9 for LeNet
 * and 1.0 with batch norm). The default, 0.9, is plain LeNet's own recipe, so the comparison
 * does not handicap it.
 */
export const LRS = [0.1, 0.3, 0.9, 1.0] as const;
/** Steps the slider offers, in STEP_UNIT steps. */
export const STEPS_LIMITS = [20, 2000] as const;
export const STEP_UNIT = 20;
export const SEED_MAX = 999;

export interface BnCompareSettings {
  /** Steps of SGD; 0 means the default for the backend that computes (see RUNS). */
  steps: number;
  /** Index into LRS. */
  lr: number;
  seed: number;
}

export const DEFAULTS: BnCompareSettings = { steps: 0, lr: LRS.indexOf(0.9), seed: 0 };

/**
 * The default run for a backend: on a GPU, 2000 steps; on the CPU (WebAssembly or the
 * reference backend), 600 steps: 30 s to a minute of WebAssembly on a busy two-core machine
 * (in Node). Plain LeNet stays at chance for hundreds of steps at every learning rate offered
 * (with seed 0 at 0.9 it leaves the plateau near step 800), while the batch-normalised one
 * learns from the first tens of steps.
 */
export const RUNS = { gpu: { steps: 2000 }, cpu: { steps: 600 } } as const;

export function isGpu(backend: string | undefined): boolean {
  return backend === 'webgpu';
}

/** The steps a run takes: the reader's choice where there is one, else the backend's default. */
export function effectiveSteps(s: BnCompareSettings, backend: string | undefined): number {
  return s.steps > 0 ? s.steps : (isGpu(backend) ? RUNS.gpu : RUNS.cpu).steps;
}

/** A point about 25 times a run, at least every 5 steps apart. */
export function evalEvery(steps: number): number {
  return Math.max(5, Math.round(steps / 25 / 5) * 5);
}

/** Everything the comparison needs, from the settings and the effective number of steps. */
export function configOf(s: BnCompareSettings, steps: number): BnCompareConfig {
  return { ...FIXED, steps, lr: LRS[s.lr], seed: s.seed, evalEvery: evalEvery(steps) };
}

export function sanitize(raw: unknown, defaults: BnCompareSettings = DEFAULTS): BnCompareSettings {
  const o = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const steps = o.steps === 0 || o.steps === undefined ? defaults.steps : intIn(o.steps, STEPS_LIMITS[0], STEPS_LIMITS[1], defaults.steps);
  return {
    steps: steps > 0 ? Math.round(steps / STEP_UNIT) * STEP_UNIT : steps,
    lr: intIn(o.lr, 0, LRS.length - 1, defaults.lr),
    seed: intIn(o.seed, 0, SEED_MAX, defaults.seed),
  };
}
