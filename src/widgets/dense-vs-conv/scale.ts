/**
 * The two bar scales the dense-vs-conv widget draws its parameter counts on, and the
 * words for how many times one count is the other. A linear scale shows the gap as it is
 * (the convolution's bar all but vanishes); a log scale, labelled with its powers of ten,
 * fits both bars and shows how many factors of ten lie between them. Pure functions, no React.
 */
import { groupDigits } from '../common/format';
import { inWords } from './counts';

/** Share of the longest bar, 0 to 1, on a linear scale. */
export function linearShare(n: number, max: number): number {
  return max > 0 ? Math.max(0, n) / max : 0;
}

export interface LogAxis {
  /** The axis runs from 10^0 = 1 to 10^top. */
  top: number;
  /** Every power of ten on the axis: its exponent, where it sits (0 to 1) and whether it is labelled. */
  ticks: { exp: number; at: number; labelled: boolean }[];
}

/**
 * A log axis from 1 to the first power of ten at or above `max` (at least 10). Every power of
 * ten gets a tick; with more than six of them only every second one is labelled (the first
 * and the last always), so the labels fit a phone's width.
 */
export function logAxis(max: number): LogAxis {
  const top = Math.max(1, Math.ceil(Math.log10(Math.max(1, max)) - 1e-9));
  const step = top > 6 ? 2 : 1;
  const ticks = Array.from({ length: top + 1 }, (_, exp) => ({ exp, at: exp / top, labelled: exp % step === 0 || exp === top }));
  // A last label next to the one before it would crowd it: the one before gives way.
  if (step === 2 && top % 2 === 1) ticks[top - 1].labelled = false;
  return { top, ticks };
}

/** Where a count sits on the log axis (0 to 1); counts below 1 sit at 0. */
export function logShare(n: number, axis: LogAxis): number {
  return n >= 1 ? Math.min(1, Math.log10(n) / axis.top) : 0;
}

const SUPERSCRIPT = '⁰¹²³⁴⁵⁶⁷⁸⁹';

/** 10 to the power `exp`, written 10⁶. */
export function powerOfTen(exp: number): string {
  return `10${String(exp)
    .split('')
    .map((d) => SUPERSCRIPT[Number(d)])
    .join('')}`;
}

/** A count as a bar's label: digits grouped below a million, in words above (3.6 billion, 36 亿). */
export function countLabel(n: number, lang: 'en' | 'zh'): string {
  return n < 1e6 ? groupDigits(n) : inWords(n, lang);
}

/**
 * How many times the larger count is the smaller: "79", "12,857", "1.3 million" (Chinese
 * "129 万"), rounded, in words from a million up; below 10 with one decimal ("1.5").
 */
export function timesWords(big: number, small: number, lang: 'en' | 'zh'): string {
  const r = small > 0 ? big / small : Infinity;
  if (!Number.isFinite(r)) return '∞';
  if (r < 10) return r.toFixed(1);
  const n = Math.round(r);
  return n < 1e6 ? groupDigits(n) : inWords(n, lang);
}

/** "about 1.3 million times" in English; in Chinese without the 约, which goes before 是: "129 万倍", "79 倍" (a space only between digits and 倍). */
export function aboutTimes(big: number, small: number, lang: 'en' | 'zh'): string {
  const n = timesWords(big, small, lang);
  return lang === 'zh' ? `${n}${/[万亿]$/.test(n) ? '' : ' '}倍` : `about ${n} times`;
}
