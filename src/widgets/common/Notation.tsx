import type { ReactNode } from 'react';
import { symbolParts } from '../../charts/notation';

/**
 * Widget text with its subscripted symbols (`k_w`, `μ_B`; see charts/notation.ts) set as
 * the chapters set them: k with a subscript w. The underscore stays in the text, inline
 * but of no size (a hidden block would put spaces around it), so accessible names and
 * copied text read `k_w` as before; text without such a symbol comes back unchanged.
 */
export function notation(text: string): ReactNode {
  const parts = symbolParts(text);
  if (!parts) return text;
  return parts.map((p, i) =>
    typeof p === 'string' ? (
      p
    ) : (
      <span className="sym" key={i}>
        {p.base}
        <sub>
          <span className="sym-mark">_</span>
          {p.sub}
        </sub>
      </span>
    ),
  );
}
