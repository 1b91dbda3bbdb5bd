/**
 * Subscripted symbols in the book's widget and chart text. Text writes them `k_w`, `p_h`,
 * `σ²_B`, `c_{out}`: one letter (and perhaps a square or cube), an underscore, then up to
 * three letters or digits or a braced group, standing apart from the words around it (so
 * `fan_in` or `requires_grad` are left alone). They are set as the chapters set them, with
 * the subscript lowered and smaller; the underscore stays in the text at no size, so
 * accessible names and copied text still read `k_w`.
 */
export const SYMBOL = /(?<![A-Za-z0-9_])([A-Za-zα-ωΑ-Ω][²³]?)_(\{[^{}]+\}|[A-Za-z0-9]{1,3})(?![A-Za-z0-9_])/g;

/** A run of plain text, or a symbol and its subscript. */
export type TextPart = string | { base: string; sub: string };

/** The text cut into plain runs and symbols, or null when it holds no symbol (plain text). */
export function symbolParts(text: string): TextPart[] | null {
  const out: TextPart[] = [];
  let last = 0;
  for (const m of text.matchAll(SYMBOL)) {
    const at = m.index ?? 0;
    if (at > last) out.push(text.slice(last, at));
    out.push({ base: m[1], sub: m[2].startsWith('{') ? m[2].slice(1, -1) : m[2] });
    last = at + m[0].length;
  }
  if (out.length === 0) return null;
  if (last < text.length) out.push(text.slice(last));
  return out;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Sets an SVG text element's words, its symbols' subscripts as lowered, smaller tspans. */
export function setSymbolText(el: SVGTextElement, text: string): void {
  const parts = symbolParts(text);
  el.textContent = parts ? '' : text;
  if (!parts) return;
  const tspan = (content: string, attrs: Record<string, string>) => {
    const t = el.ownerDocument.createElementNS(SVG_NS, 'tspan');
    for (const [k, v] of Object.entries(attrs)) t.setAttribute(k, v);
    t.textContent = content;
    return t;
  };
  for (const p of parts) {
    if (typeof p === 'string') el.append(p);
    else el.append(p.base, tspan('_', { 'font-size': '0' }), tspan(p.sub, { 'font-size': '75%', 'baseline-shift': 'sub' }));
  }
}
