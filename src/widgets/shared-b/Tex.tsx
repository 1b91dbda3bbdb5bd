import katex from 'katex';
import { useMemo } from 'react';

/** Inline (or display) KaTeX. `label` is the spoken text when the formula carries numbers a test reads. */
export function Tex({ tex, display = false, className }: { tex: string; display?: boolean; className?: string }) {
  const html = useMemo(() => katex.renderToString(tex, { throwOnError: false, displayMode: display }), [tex, display]);
  return <span className={className} dangerouslySetInnerHTML={{ __html: html }} />;
}
