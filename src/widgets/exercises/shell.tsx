/**
 * The frame every exercise answered on the page shares: the question, where the reader
 * stands, and the verdict. It is small and loads with the page, so that an exercise's
 * placeholder is this same frame with the question in it, as tall as the exercise once
 * its goal (a chunk of its own) arrives.
 */
import { useId, type ReactNode } from 'react';
import { say, useTr, type Bilingual } from '../common/i18n';

export interface Kind {
  label: Bilingual;
  correct: Bilingual;
}
export const USE_WIDGET: Kind = {
  label: { en: 'Exercise (use the widget)', zh: '练习（使用组件）' },
  correct: { en: 'Correct: the widget is in a state that meets the goal.', zh: '正确：组件的状态满足了要求。' },
};
export const TRAIN: Kind = {
  label: { en: 'Exercise (train)', zh: '练习（训练）' },
  correct: { en: 'Correct: your runs meet the goal.', zh: '正确：你的训练结果满足了要求。' },
};

const WAITING: Bilingual = { en: '…', zh: '…' };

/**
 * Lines held for "where you stand" by the exercises judged from widget settings and model
 * summaries (one or two lines on a desktop column), in the exercise and in its
 * placeholder alike.
 */
export const JUDGED_NOW_LINES = 2;

/**
 * An exercise: the question, where the reader stands, and the verdict, read out when it
 * changes. `nowLines` holds the room of a "where you stand" that arrives later and
 * longer than its first words. Without `met` and `now` it is the placeholder shown while
 * the goal loads: busy, and without the exercise's `id` (its link target) and
 * `data-exercise`, which only the exercise itself carries.
 */
export function ExerciseShell({ id, kind, met, now, nowLines, children }: { id: string; kind: Kind; met?: boolean; now?: Bilingual; nowLines?: number; children?: ReactNode }) {
  const t = useTr();
  const uid = useId();
  const pending = now === undefined;
  return (
    <section
      className="exercise widget-exercise"
      {...(pending ? { 'aria-busy': true, 'data-loading-widget': 'exercise' } : { id, 'data-exercise': id, 'data-met': !!met })}
      aria-labelledby={`${uid}-q`}
    >
      <div id={`${uid}-q`} className="exercise-question">
        <strong>{say(t, kind.label)}. </strong>
        {children}
      </div>
      <p className="exercise-now" style={nowLines ? { minHeight: `${nowLines}lh` } : undefined}>
        {say(t, now ?? WAITING)}
      </p>
      <p role="status" aria-live="polite" className={`verdict verdict-${met ? 'right' : 'none'}`}>
        {pending ? say(t, WAITING) : met ? say(t, kind.correct) : t('Not yet.', '还没有。')}
      </p>
    </section>
  );
}
