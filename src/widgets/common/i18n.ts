/**
 * The one way widgets speak both languages: every string is written at its point of use
 * as a bilingual pair, English first, and the reader's language (the settings store,
 * which the header's language menu and `?lang=` set) picks one half.
 *
 *   const t = useTr();
 *   <button>{t('Reset', '重置')}</button>
 *   t(`Layer ${i + 1}`, `第 ${i + 1} 层`)
 *
 * Both halves are required by the type, so a missing translation does not compile, and
 * numbers go into the sentence with ordinary template literals.
 */
import { useSettings, type Lang } from '../../stores/settings';
import { bilingualOf, type Bilingual } from '../../models/bilingual';

export type { Lang, Bilingual };

/** Picks the reader's half of a bilingual pair. */
export type Tr = (en: string, zh: string) => string;

const inEnglish: Tr = (en) => en;
const inChinese: Tr = (_en, zh) => zh;

/** The picker for a language: one stable function per language, so it is safe in effect dependencies. */
export function trIn(lang: Lang): Tr {
  return lang === 'zh' ? inChinese : inEnglish;
}

/** The reader's language. */
export function useLang(): Lang {
  return useSettings((s) => s.lang);
}

/** The picker for the reader's language. */
export function useTr(): Tr {
  return trIn(useLang());
}

/** A bilingual message in the reader's language. */
export function say(t: Tr, m: Bilingual): string {
  return t(m.en, m.zh);
}

/**
 * What an error says, in the reader's language: both halves of an error made with them (the
 * training worker's, a weights file's), else its message as it is.
 */
export function sayError(t: Tr, e: unknown): string {
  return say(t, bilingualOf(e));
}

export { joinZh } from '../../models/bilingual';

/** Between a name and its value: ': ' in English, the full-width '：' in Chinese. */
export const colon = (t: Tr): string => t(': ', '：');
