import { useId, type ReactNode } from 'react';
import { say, useTr } from '../common/i18n';
import { useUrlState } from '../common/useUrlState';
import { GOALS, type Goal, type GoalId } from './goals';
import type { Bilingual } from '../common/i18n';

/** The goal's judgement, or "not yet" with the engine's reason when it could not compute the settings. */
function judgeSafely(spec: Goal<object>, settings: object): { met: boolean; now: Bilingual } {
  try {
    return spec.judge(settings);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return { met: false, now: { en: `The engine could not compute these settings: ${why}`, zh: `引擎无法计算当前的设置：${why}` } };
  }
}

interface Props {
  id: string;
  goal: GoalId;
  children?: ReactNode;
}

/**
 * An exercise answered by setting a widget on the page: it follows the widget's live
 * settings and says, as the reader moves the sliders, whether the goal is met.
 */
export function WidgetExercise({ id, goal, children }: Props) {
  const t = useTr();
  const uid = useId();
  const spec = GOALS[goal] as unknown as Goal<object>;
  const [settings] = useUrlState(spec.key, spec.defaults, spec.sanitize);
  const { met, now } = judgeSafely(spec, settings);
  return (
    <section className="exercise widget-exercise" id={id} data-exercise={id} data-met={met} aria-labelledby={`${uid}-q`}>
      <div id={`${uid}-q`} className="exercise-question">
        <strong>{t('Exercise (use the widget)', '练习（使用部件）')}. </strong>
        {children}
      </div>
      <p className="exercise-now">{say(t, now)}</p>
      <p role="status" aria-live="polite" className={`verdict verdict-${met ? 'right' : 'none'}`}>
        {met ? t('Correct: the widget is in a state that meets the goal.', '正确：部件的状态满足了要求。') : t('Not yet.', '还没有。')}
      </p>
    </section>
  );
}
