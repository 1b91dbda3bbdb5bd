import type { ReactNode } from 'react';
import { ExerciseShell, JUDGED_NOW_LINES, TRAIN, USE_WIDGET } from './shell';
import { useUrlState } from '../common/useUrlState';
import { GOALS, type Goal, type GoalId } from './goals';
import { RUN_GOALS, type Judgement, type RunGoal, type RunGoalId, type TrainerRun } from './run-goals';
import { SUMMARY_GOALS, type SummaryGoalId } from './summary-goals';
import { useTraining } from '../../stores/training';
import { useExperimentLog, type LoggedRun } from '../../stores/experiment-log';
import { zoo } from '../../models/index';
import { useSummaries } from '../training/useSummary';
import { SUMMARY_DEFAULTS, SUMMARY_KEY, sanitizeSummarySize, summarySide } from '../training/summary-size';
import type { EpochPoint } from '../../worker/protocol';

/** The goal's judgement, or "not yet" with the engine's reason when it could not compute the settings. */
function judgeSafely(judge: () => Judgement): Judgement {
  try {
    return judge();
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return { met: false, now: { en: `The engine could not compute these settings: ${why}`, zh: `引擎无法计算当前的设置：${why}` } };
  }
}

/**
 * An exercise answered by setting a widget on the page: it follows the widget's live
 * settings and says, as the reader moves the sliders, whether the goal is met.
 */
export function WidgetExercise({ id, goal, children }: { id: string; goal: GoalId; children?: ReactNode }) {
  const spec = GOALS[goal] as unknown as Goal<object>;
  const [settings] = useUrlState(spec.key, spec.defaults, spec.sanitize);
  const { met, now } = judgeSafely(() => spec.judge(settings));
  // Where the reader stands takes one or two lines on a desktop column; both get two, so
  // that the placeholder (which cannot know the words) is as tall.
  return (
    <ExerciseShell id={id} kind={USE_WIDGET} met={met} now={now} nowLines={JUDGED_NOW_LINES}>
      {children}
    </ExerciseShell>
  );
}

/**
 * An exercise answered by setting the input size of the page's adjustable model summary:
 * judged from the tables the engine computed.
 */
export function SummaryExercise({ id, goal, inputSize, children }: { id: string; goal: SummaryGoalId; inputSize?: number; children?: ReactNode }) {
  const spec = SUMMARY_GOALS[goal];
  const entry = zoo[spec.model];
  const [chosen] = useUrlState(SUMMARY_KEY, SUMMARY_DEFAULTS, sanitizeSummarySize);
  const size = summarySide(chosen, inputSize ?? entry.recipe.inputSize, entry.minInputSize);
  const { data, error } = useSummaries(spec.model, spec.sizes(size));
  const judged: Judgement = data
    ? judgeSafely(() => spec.judge(size, data))
    : { met: false, now: error ? { en: `The engine could not run the model: ${error.en}`, zh: `引擎无法运行该模型：${error.zh}` } : { en: `The engine is running the model at ${size}×${size}…`, zh: `引擎正在以 ${size}×${size} 运行模型…` } };
  // The judgement takes two lines on a desktop column; the waiting line, one.
  return (
    <ExerciseShell id={id} kind={USE_WIDGET} met={judged.met} now={judged.now} nowLines={JUDGED_NOW_LINES}>
      {children}
    </ExerciseShell>
  );
}

const NO_EPOCHS: readonly EpochPoint[] = [];

/**
 * The training view's run of a model: the live one, else the checkpoint kept in this
 * browser. It selects only the settings and the finished epochs, which keep their
 * identity between steps, so a running epoch does not re-render the exercise.
 */
function useTrainerRun(model: RunGoal & { source: 'trainer' }): TrainerRun {
  const liveConfig = useTraining((s) => (s.model === model.model ? s.config : null));
  const liveEpochs = useTraining((s) => (s.model === model.model ? s.history.epochs : NO_EPOCHS));
  const ck = useTraining((s) => s.checkpoints[model.model] ?? null);
  if (liveConfig) return { config: liveConfig, epochs: liveEpochs };
  if (ck && ck.status !== 'imported') return { config: ck.config, epochs: ck.history.epochs };
  return { config: null, epochs: NO_EPOCHS };
}

const NO_RUNS: readonly LoggedRun[] = [];

function TrainerExercise({ id, spec, children }: { id: string; spec: RunGoal & { source: 'trainer' }; children?: ReactNode }) {
  const run = useTrainerRun(spec);
  const { met, now } = judgeSafely(() => spec.judge(run));
  return <ExerciseShell id={id} kind={TRAIN} met={met} now={now}>{children}</ExerciseShell>;
}

function LogExercise({ id, spec, children }: { id: string; spec: RunGoal & { source: 'log' }; children?: ReactNode }) {
  const runs = useExperimentLog((s) => s.runs[spec.widget] ?? NO_RUNS);
  const { met, now } = judgeSafely(() => spec.judge(runs));
  return <ExerciseShell id={id} kind={TRAIN} met={met} now={now}>{children}</ExerciseShell>;
}

/** An exercise answered by training: judged from the reader's own runs in the training view or an experiment widget. */
export function RunExercise({ id, goal, children }: { id: string; goal: RunGoalId; children?: ReactNode }) {
  const spec = RUN_GOALS[goal];
  return spec.source === 'trainer' ? (
    <TrainerExercise id={id} spec={spec}>
      {children}
    </TrainerExercise>
  ) : (
    <LogExercise id={id} spec={spec}>
      {children}
    </LogExercise>
  );
}
