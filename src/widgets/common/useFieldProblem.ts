import { useState } from 'react';
import { useTr } from './i18n';
import type { Problem } from './grid';

/**
 * The reason the last change was refused, shown as the hint of the control that asked
 * for it (settings that cannot run are never applied).
 */
export function useFieldProblem<F extends string>() {
  const t = useTr();
  const [problem, setProblem] = useState<Problem<F> | null>(null);
  return {
    /** The refusal to show under control `f`, if the last change of `f` was refused. */
    hint: (f: F) => (problem && problem.field === f ? t(problem.en, problem.zh) : undefined),
    /** Keeps a checked change's problem, or hands its new settings to `apply`. */
    settle: <S>(checked: { next: S; problem: Problem<F> | null }, apply: (next: S) => void) => {
      setProblem(checked.problem);
      if (!checked.problem) apply(checked.next);
    },
    clear: () => setProblem(null),
  };
}
