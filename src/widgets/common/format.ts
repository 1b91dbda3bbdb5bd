import type { Tr } from './i18n';

/**
 * How far a saved run trained, in words: "3 epochs", "3 epochs and 215 steps", "215 steps"
 * (a run paused in its first epoch has trained, though no epoch is complete).
 */
export function trainedAmount(t: Tr, epochs: number, steps: number): string {
  const e = t(`${epochs} epoch${epochs === 1 ? '' : 's'}`, `${epochs} 轮`);
  const s = t(`${steps} step${steps === 1 ? '' : 's'}`, `${steps} 步`);
  if (steps === 0) return e;
  if (epochs === 0) return s;
  return t(`${e} and ${s}`, `${e}又 ${s}`);
}

/** Integer with thousands separators (locale-independent, so tests can read it). */
export function groupDigits(n: number | bigint): string {
  const s = typeof n === 'bigint' ? n.toString() : Math.round(n).toString();
  const neg = s.startsWith('-');
  const digits = neg ? s.slice(1) : s;
  return (neg ? '−' : '') + digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
