import type { Lang } from '../../stores/settings';

/** Picks the label of the reader's language. */
export function tr(lang: Lang, en: string, zh: string): string {
  return lang === 'zh' ? zh : en;
}

/** Integer with thousands separators (locale-independent, so tests can read it). */
export function groupDigits(n: number | bigint): string {
  const s = typeof n === 'bigint' ? n.toString() : Math.round(n).toString();
  const neg = s.startsWith('-');
  const digits = neg ? s.slice(1) : s;
  return (neg ? '−' : '') + digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
