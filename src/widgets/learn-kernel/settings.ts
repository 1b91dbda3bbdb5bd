/** Settings of the learn-kernel widget (pure). */
import { intFields, type Limits } from '../common/grid';

/** Learning rates offered. The summed loss has curvature 60 along (1, 1), so lr ≥ 2/60 ≈ 0.033 diverges: 0.04 shows it. */
export const LRS = [0.001, 0.003, 0.01, 0.02, 0.03, 0.04] as const;

export interface LearnKernelSettings {
  /** Index into LRS. */
  lr: number;
  /** Epochs that Train runs to. */
  epochs: number;
  /** Seed of the initial kernel (manualSeed before nn.Conv2d). */
  seed: number;
}

const FIELDS = ['lr', 'epochs', 'seed'] as const;

/** Inclusive [min, max] of each setting. */
const LIMITS: Limits<keyof LearnKernelSettings> = { lr: [0, LRS.length - 1], epochs: [1, 60], seed: [0, 999] };
export const EPOCHS_MAX = LIMITS.epochs[1];
export const SEED_MAX = LIMITS.seed[1];

/** As the chapter's training loop: lr = 3e-2, 10 epochs (one full-batch step each). */
export const DEFAULTS: LearnKernelSettings = { lr: LRS.indexOf(0.03), epochs: 10, seed: 0 };

export function sanitize(raw: unknown, defaults: LearnKernelSettings = DEFAULTS): LearnKernelSettings {
  const o = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  return intFields(o, FIELDS, LIMITS, defaults);
}

/** The update rule as TeX, K ← K − lr ∇_K ℓ, with the learning rate filled in. */
export function updateRuleTex(lr: number): string {
  return `K \\leftarrow K - ${String(lr)}\\, \\nabla_K \\ell`;
}
