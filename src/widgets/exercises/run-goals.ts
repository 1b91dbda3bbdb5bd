/**
 * Goals a reader reaches by training: judged from what the training view or an experiment
 * widget measured on the reader's own runs (the trainer's history, the page's experiment
 * log), never from numbers typed into the book. Pure: the component (RunExercise) hands
 * each goal the runs it asks for.
 */
import type { Bilingual } from '../common/i18n';
import type { EpochPoint, TrainConfig } from '../../worker/protocol';
import type { LoggedRun } from '../../stores/experiment-log';
import type { ModelId } from '../../models/index';
import type { BnCompareConfig, ComparePoint } from '../bn-compare/experiment';
import type { ExperimentConfig, LossPoint } from '../degradation/experiment';
import { DEPTHS } from '../degradation/settings';

export interface Judgement {
  met: boolean;
  now: Bilingual;
}

/** The training view's run of one model (the one in progress or done, else its checkpoint): its settings and the points of its finished epochs. */
export interface TrainerRun {
  config: TrainConfig | null;
  epochs: readonly EpochPoint[];
}

export type RunGoal =
  | { source: 'trainer'; model: ModelId; judge: (run: TrainerRun) => Judgement }
  | { source: 'log'; widget: string; judge: (runs: readonly LoggedRun[]) => Judgement };

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

/** LeNet's first epoch (over all 60,000 training images) ends at 70% test accuracy or more. */
export const LENET_FIRST_EPOCH = 0.7;

export const lenetFirstEpoch: RunGoal = {
  source: 'trainer',
  model: 'lenet',
  judge({ config, epochs }) {
    const first = epochs[0];
    if (!config || config.model !== 'lenet' || !first) {
      return { met: false, now: { en: 'Now: LeNet has not finished an epoch in the training view yet.', zh: '当前：LeNet 还没有在训练视图中完成一轮。' } };
    }
    const whole = config.trainLimit === undefined;
    const how = `${config.optimizer === 'adam' ? 'Adam' : 'SGD'}, lr ${config.lr}, batch ${config.batchSize}`;
    return {
      met: whole && first.testAcc >= LENET_FIRST_EPOCH,
      now: {
        en: `Now: LeNet's first epoch (${how}) ended at ${pct(first.testAcc)} test accuracy${whole ? '' : ', on part of the training set'}.`,
        zh: `当前：LeNet 的第一轮（${how}）结束时测试精度为 ${pct(first.testAcc)}${whole ? '' : '，只用了部分训练集'}。`,
      },
    };
  },
};

/** The batch-norm comparison: three seeds, at most 200 steps, all with BN at 60% or more and plain LeNet at 20% or less. */
export const BN_SEEDS = { seeds: 3, maxSteps: 200, bnAtLeast: 0.6, plainAtMost: 0.2 } as const;

export const bnThreeSeeds: RunGoal = {
  source: 'log',
  widget: 'bn-compare',
  judge(runs) {
    const done = runs
      .map((r) => ({ config: r.config as BnCompareConfig, last: (r.points as ComparePoint[]).at(-1) }))
      .filter((r): r is { config: BnCompareConfig; last: ComparePoint } => !!r.last && r.last.step === r.config.steps && r.config.steps <= BN_SEEDS.maxSteps);
    const holds = (r: { last: ComparePoint }) => r.last.bn.acc >= BN_SEEDS.bnAtLeast && r.last.plain.acc <= BN_SEEDS.plainAtMost;
    // Runs that differ only in their seed: grouped by learning rate and steps.
    const groups = new Map<string, Map<number, boolean>>();
    for (const r of done) {
      const key = `${r.config.lr}/${r.config.steps}`;
      const seeds = groups.get(key) ?? new Map<number, boolean>();
      seeds.set(r.config.seed, holds(r));
      groups.set(key, seeds);
    }
    const met = [...groups.values()].some((seeds) => seeds.size >= BN_SEEDS.seeds && [...seeds.values()].every(Boolean));
    if (done.length === 0) {
      return { met: false, now: { en: `Now: no finished run of ${BN_SEEDS.maxSteps} steps or fewer yet.`, zh: `当前：还没有完成的、不超过 ${BN_SEEDS.maxSteps} 步的运行。` } };
    }
    const list = done.slice(-6).map((r) => `seed ${r.config.seed}, lr ${r.config.lr}, ${r.config.steps}: ${pct(r.last.plain.acc)} / ${pct(r.last.bn.acc)}`);
    return {
      met,
      now: {
        en: `Now, finished runs (seed, learning rate, steps: plain / with batch norm, held-out accuracy): ${list.join('; ')}.`,
        zh: `当前已完成的运行（种子、学习率、步数：普通 / 批量规范化，留出精度）：${list.join('；')}。`,
      },
    };
  },
};

/** The degradation experiment: the first depth at which the plain stack ends 3 times as high as the residual one, at 400 steps. */
export const DEGRADATION = { steps: 400, ratio: 3 } as const;

export const degradationThreshold: RunGoal = {
  source: 'log',
  widget: 'degradation',
  judge(runs) {
    const done = runs
      .map((r) => ({ config: r.config as ExperimentConfig, last: (r.points as LossPoint[]).at(-1) }))
      .filter((r): r is { config: ExperimentConfig; last: LossPoint } => !!r.last && r.last.step === r.config.steps && r.config.steps === DEGRADATION.steps);
    const ratio = (l: LossPoint) => l.plain / l.residual;
    // The latest run at each depth, per learning rate and seed.
    const at = new Map<string, number>();
    for (const r of done) at.set(`${r.config.lr}/${r.config.seed}/${r.config.depth}`, ratio(r.last));
    const met = done.some((r) => {
      const i = DEPTHS.indexOf(r.config.depth as (typeof DEPTHS)[number]);
      if (i <= 0) return false;
      const here = at.get(`${r.config.lr}/${r.config.seed}/${r.config.depth}`)!;
      const below = at.get(`${r.config.lr}/${r.config.seed}/${DEPTHS[i - 1]}`);
      return here >= DEGRADATION.ratio && below !== undefined && below < DEGRADATION.ratio;
    });
    if (done.length === 0) {
      return { met: false, now: { en: `Now: no finished run of ${DEGRADATION.steps} steps yet.`, zh: `当前：还没有完成的 ${DEGRADATION.steps} 步运行。` } };
    }
    const list = done.slice(-6).map((r) => `${r.config.depth}: ${r.last.plain.toFixed(3)} / ${r.last.residual.toFixed(3)} (×${ratio(r.last).toFixed(1)})`);
    return {
      met,
      now: {
        en: `Now, finished runs of ${DEGRADATION.steps} steps (depth: plain / residual final loss): ${list.join('; ')}.`,
        zh: `当前已完成的 ${DEGRADATION.steps} 步运行（深度：普通 / 残差 最终损失）：${list.join('；')}。`,
      },
    };
  },
};

export const RUN_GOALS = {
  'lenet-first-epoch': lenetFirstEpoch,
  'bn-three-seeds': bnThreeSeeds,
  'degradation-threshold': degradationThreshold,
} as const;
export type RunGoalId = keyof typeof RUN_GOALS;
