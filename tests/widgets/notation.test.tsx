import { describe, expect, it } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import { notation } from '../../src/widgets/common/Notation';

const html = (text: string) => renderToStaticMarkup(<>{notation(text)}</>);
const sym = (base: string, sub: string) => `<span class="sym">${base}<sub><span class="sym-mark">_</span>${sub}</sub></span>`;

describe('widget text sets subscripted symbols as the chapters do', () => {
  it('subscripts a letter after an underscore, in English and in Chinese text', () => {
    expect(html('Kernel width k_w')).toBe(`Kernel width ${sym('k', 'w')}`);
    expect(html('only n_h + p_h = 5 rows')).toBe(`only ${sym('n', 'h')} + ${sym('p', 'h')} = 5 rows`);
    expect(html('卷积核宽 k_w')).toBe(`卷积核宽 ${sym('k', 'w')}`);
    expect(html('（p_h = 2 × 填充 = 2，p_w = 0）')).toBe(`（${sym('p', 'h')} = 2 × 填充 = 2，${sym('p', 'w')} = 0）`);
  });

  it('takes Greek letters, a square before the underscore, several letters and braced groups', () => {
    expect(html('batch mean μ_B')).toBe(`batch mean ${sym('μ', 'B')}`);
    expect(html('σ²_B (1/m)')).toBe(`${sym('σ²', 'B')} (1/m)`);
    expect(html('c_out channels')).toBe(`${sym('c', 'out')} channels`);
    expect(html('r_l = r_{l−1} + 1')).toBe(`${sym('r', 'l')} = ${sym('r', 'l−1')} + 1`);
  });

  it('leaves identifiers and plain text alone', () => {
    for (const text of ['Default: U(±1/√fan_in)', 'requires_grad=True', 'state_dict', 'no symbol here', 'k__w', '_h']) {
      expect(notation(text)).toBe(text);
    }
  });

  it('keeps the underscore in the text, so names and copied text read as before', () => {
    const text = html('Stride s_h').replace(/<[^>]+>/g, '');
    expect(text).toBe('Stride s_h');
  });
});
