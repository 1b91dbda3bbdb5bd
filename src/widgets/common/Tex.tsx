import katex from 'katex';
import { useMemo } from 'react';

/** A live KaTeX formula (inline unless `display`). Bad TeX shows in red, never throws. */
export function Tex({ tex, display = false, className }: { tex: string; display?: boolean; className?: string }) {
  const html = useMemo(() => katex.renderToString(tex, { throwOnError: false, displayMode: display }), [tex, display]);
  return <span className={className ? `tex ${className}` : 'tex'} dangerouslySetInnerHTML={{ __html: html }} />;
}

/**
 * The original chapter’s output-size formula along axis `a` ('h' or 'w'), with its numbers filled in:
 * ⌊(n − k + p + s) / s⌋ = out, where p is the total padding.
 */
export function notesSizeTex(a: 'h' | 'w', n: number, k: number, pTotal: number, s: number, out: number): string {
  return `\\left\\lfloor \\frac{n_${a} - k_${a} + p_${a} + s_${a}}{s_${a}} \\right\\rfloor = \\left\\lfloor \\frac{${n} - ${k} + ${pTotal} + ${s}}{${s}} \\right\\rfloor = ${out}`;
}

/** A number as TeX: integers plainly, others with up to 4 significant decimals; minus signs kept. */
export function texNum(v: number): string {
  if (!Number.isFinite(v)) return v > 0 ? '\\infty' : v < 0 ? '-\\infty' : '\\text{NaN}';
  if (Number.isInteger(v)) return String(v);
  return String(Number(v.toFixed(4)));
}
