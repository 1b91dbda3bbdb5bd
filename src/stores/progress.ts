import { create } from 'zustand';
import { persist } from 'zustand/middleware';
import { fractions, keepValid } from './persisted';

interface ProgressState {
  /** Furthest scroll fraction (0-1) reached per chapter slug. */
  read: Record<string, number>;
  markRead: (slug: string, fraction: number) => void;
}

export const useProgress = create<ProgressState>()(
  persist(
    (set) => ({
      read: {},
      markRead: (slug, fraction) =>
        set((s) => {
          const f = Math.max(0, Math.min(1, fraction));
          if ((s.read[slug] ?? 0) >= f) return s;
          return { read: { ...s.read, [slug]: f } };
        }),
    }),
    { name: 'cnn-book-progress', version: 1, merge: keepValid<ProgressState>({ read: fractions }) },
  ),
);
