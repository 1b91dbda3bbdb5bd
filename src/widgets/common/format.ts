/** Integer with thousands separators (locale-independent, so tests can read it). */
export function groupDigits(n: number | bigint): string {
  const s = typeof n === 'bigint' ? n.toString() : Math.round(n).toString();
  const neg = s.startsWith('-');
  const digits = neg ? s.slice(1) : s;
  return (neg ? '−' : '') + digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
