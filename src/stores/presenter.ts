import { create } from 'zustand';

export interface PresenterStep {
  title: string;
  /** Plain text of the step, for the teacher's notes. */
  text: string;
  kind: 'section' | 'widget';
}

interface PresenterState {
  on: boolean;
  step: number;
  steps: PresenterStep[];
  setOn: (on: boolean) => void;
  setStep: (step: number) => void;
  setSteps: (steps: PresenterStep[]) => void;
}

/** Presenter mode: whether the projected view is on, and which step of the chapter it shows. */
export const usePresenter = create<PresenterState>()((set) => ({
  on: false,
  step: 0,
  steps: [],
  setOn: (on) => set({ on }),
  setStep: (step) => set((s) => ({ step: Math.max(0, Math.min(step, Math.max(0, s.steps.length - 1))) })),
  setSteps: (steps) => set((s) => ({ steps, step: Math.min(s.step, Math.max(0, steps.length - 1)) })),
}));

export const PRESENTER_CHANNEL = 'cnn-book-presenter';

export type PresenterMessage =
  | { type: 'hello' }
  | { type: 'state'; slug: string; lang: string; step: number; steps: PresenterStep[]; nextChapter: string | null }
  | { type: 'go'; step: number }
  | { type: 'move'; direction: 1 | -1 };
