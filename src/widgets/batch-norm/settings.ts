/**
 * Settings of the batch-normalisation widget and their repair (pure: tested in Node).
 *
 * The data: a fixed "dataset" of POPULATION examples, each C = 3 channels of 4 × 4, drawn
 * from the engine's seeded generator as standard normal numbers and then shifted and
 * scaled per channel (x = shift_c + scale_c · z). Batch t of size n is examples
 * [t·n, (t + 1)·n), so the 16 training batches of size 64 use the whole dataset once.
 */
import { intIn, oneOf } from '../common/useUrlState';

export const CHANNELS = 3;
export const SIDE = 4;
/** Training steps the widget can take (and batches whose means are sampled per batch size). */
export const STEPS = 16;
export const MAX_BATCH = 64;
/** Examples in the dataset: 16 batches of the largest size. */
export const POPULATION = STEPS * MAX_BATCH;

export type Mode = 'train' | 'eval';

export interface BatchNormSettings {
  /** Batch size n. */
  n: number;
  /** Per channel: the mean and the standard deviation the data are drawn with. */
  shift: number[];
  scale: number[];
  /** Per channel: BatchNorm2d's weight γ and bias β. */
  gamma: number[];
  beta: number[];
  /** The channel whose controls are shown (0-based). */
  channel: number;
  /** The example of the batch whose feature maps are drawn (0-based). */
  example: number;
  /** Training steps taken (1..STEPS): the batch shown in the train/eval part is batch `step`. */
  step: number;
  mode: Mode;
  /** Seed of the dataset. */
  seed: number;
}

/** Inclusive range and step of each per-channel setting. */
export const RANGES = {
  shift: { min: -3, max: 3, step: 0.5 },
  scale: { min: 0.5, max: 4, step: 0.5 },
  gamma: { min: 0, max: 3, step: 0.25 },
  beta: { min: -2, max: 2, step: 0.25 },
} as const;
export type ChannelField = keyof typeof RANGES;
export const CHANNEL_FIELDS = Object.keys(RANGES) as ChannelField[];

export const SEED_MAX = 9999;

export const DEFAULTS: BatchNormSettings = {
  n: 4,
  shift: [2, -1, 0],
  scale: [1, 3, 0.5],
  gamma: [1, 1, 1],
  beta: [0, 0, 0],
  channel: 0,
  example: 0,
  step: 1,
  mode: 'train',
  seed: 1,
};

/** A value on the slider's grid within its range, or the fallback when it is not a number. */
export function onGrid(raw: unknown, field: ChannelField, fallback: number): number {
  const { min, max, step } = RANGES[field];
  const v = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : NaN;
  if (!Number.isFinite(v)) return fallback;
  const snapped = min + Math.round((Math.min(max, Math.max(min, v)) - min) / step) * step;
  return Number(snapped.toFixed(6));
}

function perChannel(raw: unknown, field: ChannelField, fallback: readonly number[]): number[] {
  const arr = Array.isArray(raw) ? raw : [];
  return Array.from({ length: CHANNELS }, (_, c) => onGrid(arr[c], field, fallback[c]));
}

/** Valid settings from whatever the URL holds; never throws. */
export function sanitize(raw: unknown, defaults: BatchNormSettings = DEFAULTS): BatchNormSettings {
  const o = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const n = intIn(o.n, 1, MAX_BATCH, defaults.n);
  return {
    n,
    shift: perChannel(o.shift, 'shift', defaults.shift),
    scale: perChannel(o.scale, 'scale', defaults.scale),
    gamma: perChannel(o.gamma, 'gamma', defaults.gamma),
    beta: perChannel(o.beta, 'beta', defaults.beta),
    channel: intIn(o.channel, 0, CHANNELS - 1, defaults.channel),
    example: intIn(o.example, 0, n - 1, Math.min(defaults.example, n - 1)),
    step: intIn(o.step, 1, STEPS, defaults.step),
    mode: oneOf(o.mode, ['train', 'eval'] as const, defaults.mode),
    seed: intIn(o.seed, 1, SEED_MAX, defaults.seed),
  };
}

/** The settings with one channel's value changed (snapped to its slider's grid). */
export function withChannelValue(s: BatchNormSettings, field: ChannelField, channel: number, value: number): BatchNormSettings {
  const next = s[field].slice();
  next[channel] = onGrid(value, field, next[channel]);
  return { ...s, [field]: next };
}

/** The settings with a new batch size; the example shown stays inside the batch. */
export function withBatchSize(s: BatchNormSettings, n: number): BatchNormSettings {
  const size = intIn(n, 1, MAX_BATCH, s.n);
  return { ...s, n: size, example: Math.min(s.example, size - 1) };
}

/** Batch sizes the presenter steps through: 1, 2, 4, …, 64. */
export const PRESENTER_SIZES = [1, 2, 4, 8, 16, 32, 64];

/** The next batch size in presenter steps from n (null past either end). */
export function presenterSize(n: number, dir: 1 | -1): number | null {
  if (dir > 0) return PRESENTER_SIZES.find((b) => b > n) ?? null;
  const smaller = PRESENTER_SIZES.filter((b) => b < n);
  return smaller.length ? smaller[smaller.length - 1] : null;
}
