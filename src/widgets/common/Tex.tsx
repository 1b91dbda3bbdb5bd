import katex from 'katex';
import { useMemo } from 'react';

/** A live KaTeX formula (inline unless `display`). Bad TeX shows in red, never throws. */
export function Tex({ tex, display = false, className }: { tex: string; display?: boolean; className?: string }) {
  const html = useMemo(() => katex.renderToString(tex, { throwOnError: false, displayMode: display }), [tex, display]);
  return <span className={className ? `tex ${className}` : 'tex'} dangerouslySetInnerHTML={{ __html: html }} />;
}

/** A number as TeX: integers plainly, others with up to 4 significant decimals; minus signs kept. */
export function texNum(v: number): string {
  if (!Number.isFinite(v)) return v > 0 ? '\\infty' : v < 0 ? '-\\infty' : '\\text{NaN}';
  if (Number.isInteger(v)) return String(v);
  return String(Number(v.toFixed(4)));
}
