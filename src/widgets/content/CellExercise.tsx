import { useId, type ReactNode } from 'react';
import { useTr } from '../common/i18n';
import { CodeCell } from '../code-cell/CodeCell';

interface Props {
  id: string;
  /** The question. */
  children?: ReactNode;
  /** The code the reader starts from. */
  starter: string;
  /**
   * TypeScript run right after the reader's code, in the same cell: it tries the reader's
   * definitions on inputs the reader has not seen and throws an Error that says what is
   * wrong, or ends quietly when all is right.
   */
  check: string;
  /**
   * The chapter's listings the exercise builds on, by index (0 is the chapter's first
   * TypeScript listing); they run before the reader's code. None by default.
   */
  uses?: number[];
}

/** An exercise answered by writing code: the reader's cell runs with a hidden check after it. */
export function CellExercise({ id, children, starter, check, uses }: Props) {
  const t = useTr();
  const uid = useId();
  return (
    <section className="exercise cell-exercise" id={id} data-exercise={id} aria-labelledby={`${uid}-q`}>
      <div id={`${uid}-q`} className="exercise-question">
        <strong>{t('Exercise (write code)', '练习（写代码）')}. </strong>
        {children}
      </div>
      <CodeCell code={starter.replace(/^\n+|\s+$/g, '')} check={check} uses={uses} />
    </section>
  );
}
