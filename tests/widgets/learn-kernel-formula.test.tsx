import { describe, expect, it } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import { LearnKernel } from '../../src/widgets/learn-kernel';
import { LRS, updateRuleTex } from '../../src/widgets/learn-kernel/settings';

describe('the learn-kernel widget’s formulas', () => {
  it('writes the update rule with the learning rate chosen', () => {
    expect(updateRuleTex(0.03)).toBe('K \\leftarrow K - 0.03\\, \\nabla_K \\ell');
    for (const lr of LRS) expect(updateRuleTex(lr)).toContain(` ${lr}\\, `);
  });

  it('keeps the loss and the update rule each whole, in a span of its own that does not break inside', () => {
    const html = renderToStaticMarkup(<LearnKernel />);
    const spans = html.match(/<span class="lk-formula">/g) ?? [];
    expect(spans).toHaveLength(2);
    const rule = html.slice(html.lastIndexOf('<span class="lk-formula">'));
    // The whole rule, K ← K − 0.03 ∇_K ℓ, is inside the second span.
    expect(rule).toContain('K \\leftarrow K - 0.03\\, \\nabla_K \\ell</annotation>');
  });
});
