/**
 * The runs a reader has finished in the page's experiment widgets (the degradation
 * experiment, the batch-norm comparison), by widget: their configuration and points, so
 * that an exercise can judge what the reader has measured, across several runs. Kept for
 * the page's life (a run takes seconds to a minute and is cheap to repeat).
 */
import { create } from 'zustand';

export interface LoggedRun {
  config: unknown;
  points: unknown[];
}

interface ExperimentLog {
  runs: Record<string, LoggedRun[]>;
  record(widget: string, run: LoggedRun): void;
}

/** Runs kept per widget: the latest ones. */
export const LOG_LIMIT = 50;

export const useExperimentLog = create<ExperimentLog>((set) => ({
  runs: {},
  record: (widget, run) => set((s) => ({ runs: { ...s.runs, [widget]: [...(s.runs[widget] ?? []), run].slice(-LOG_LIMIT) } })),
}));
