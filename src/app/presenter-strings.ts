import { useSettings } from '../stores/settings';

/** Strings of the teacher window that the rest of the book does not use. */
const strings = {
  elapsed: { en: 'Time since the start', zh: '已用时间' },
  notes: { en: 'What to say', zh: '讲稿' },
  noNotes: { en: 'No text in this step: talk over the widget on screen.', zh: '这一步没有正文：围绕屏幕上的组件讲解。' },
  page: { en: 'page', zh: '页' },
  notPresenting: { en: 'The projected window is not presenting: press P there.', zh: '投影窗口未处于演示模式：请在那里按 P。' },
} as const;

export type TeacherStringKey = keyof typeof strings;

export function useTeacherT(): (key: TeacherStringKey) => string {
  const lang = useSettings((s) => s.lang);
  return (key) => strings[key][lang];
}

/** Minutes and seconds (h:mm:ss past an hour) of a duration in ms. */
export function clock(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(s)}` : `${m}:${two(s)}`;
}
