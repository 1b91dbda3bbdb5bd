import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';

/** WCAG's contrast ratio of two #rrggbb colours. */
function contrast(a: string, b: string): number {
  const lum = (hex: string) => {
    const [r, g, bl] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** The custom properties of each theme block of the style sheet, by the block's selector. */
function themes(): Map<string, Record<string, string>> {
  const css = readFileSync('src/app/styles.css', 'utf8');
  const out = new Map<string, Record<string, string>>();
  for (const m of css.matchAll(/([^{}]*\[data-theme='(\w+)'\][^{}]*)\{([^}]*)\}/g)) {
    const vars = Object.fromEntries([...m[3].matchAll(/(--[\w-]+):\s*(#[0-9a-f]{6})/gi)].map((v) => [v[1], v[2].toLowerCase()]));
    if (Object.keys(vars).length) out.set(m[2], vars);
  }
  return out;
}

describe('syntax colours', () => {
  it('every theme gives each kind of token a colour that reads on the listings’ background (AA; AAA in the contrast theme)', () => {
    const all = themes();
    expect([...all.keys()].sort()).toEqual(['contrast', 'dark', 'light']);
    for (const [name, vars] of all) {
      const kinds = Object.keys(vars).filter((k) => k.startsWith('--code-'));
      expect(kinds.sort(), name).toEqual(['--code-com', '--code-def', '--code-fn', '--code-kw', '--code-lit', '--code-num', '--code-str']);
      const need = name === 'contrast' ? 7 : 4.5;
      for (const k of kinds) {
        for (const bg of ['--surface', '--bg']) expect(contrast(vars[k], vars[bg]), `${name} ${k} on ${bg}`).toBeGreaterThanOrEqual(need);
      }
    }
  });
});
