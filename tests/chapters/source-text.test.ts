/**
 * The chapter sources hold text only: no tab or other control character. A control
 * character in a chapter is almost always an escape gone wrong (a TeX `\times` written
 * through a string where `\t` became a tab), which KaTeX then renders as "imes".
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f]/;

describe.each(['en', 'zh'])('the %s chapters', (lang) => {
  const files = readdirSync(join('chapters', lang)).filter((f) => f.endsWith('.mdx'));
  it.each(files)('%s has no control characters', (file) => {
    const lines = readFileSync(join('chapters', lang, file), 'utf8').split('\n');
    const bad = lines.flatMap((l, i) => (CONTROL.test(l) ? [`line ${i + 1}: ${JSON.stringify(l.slice(0, 80))}`] : []));
    expect(bad).toEqual([]);
  });
});

describe('the check', () => {
  it('catches a TeX command whose backslash escape became a tab', () => {
    expect(CONTROL.test('$5 \times 5$')).toBe(true);
    expect(CONTROL.test('$5 \\times 5$')).toBe(false);
  });
});
