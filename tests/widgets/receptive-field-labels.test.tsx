import { afterEach, describe, expect, test, vi } from 'vitest';
import { draw } from '../helpers/static-draw';
import { ReceptiveField } from '../../src/widgets/receptive-field';
import { PRESETS } from '../../src/widgets/receptive-field/geometry';

vi.mock('../../src/widgets/common/i18n', (orig) => import('../helpers/static-draw').then((m) => m.i18nWithDrawLanguage(orig)));

/** The text a reader sees, roughly: tags become spaces. */
const visible = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('the receptive-field stack', () => {
  test('labels each layer’s padding as per side (PyTorch’s padding), and says so in its note', () => {
    const en = visible(draw(<ReceptiveField part="stack" />, { link: { rf: { n: 5, layers: [{ kind: 'conv', k: 2, stride: 1, padding: 1 }, { kind: 'max', k: 2, stride: 2, padding: 1 }], sel: [2, 0, 0] } } }));
    expect(en).toContain('Layer 1 padding (each side)');
    expect(en).toContain('Layer 2 padding (each side)');
    expect(en).toContain('Padding up to k − 1 = 1 on each side: more and border outputs would see only zeros.');
    expect(en).toContain('Pooling pads each side by at most half the window (1), as in PyTorch.');
    const zh = visible(draw(<ReceptiveField part="stack" />, { lang: 'zh', link: { rf: { n: 5, layers: [{ kind: 'conv', k: 2, stride: 1, padding: 1 }], sel: [1, 0, 0] } } }));
    expect(zh).toContain('第 1 层填充（每侧）');
    expect(zh).toContain('每侧填充最多 k − 1 = 1：再多，边缘的输出就只看到零。');
  });

  test('counts the rows and columns of the region the chosen cell depends on from 0, as the book does', () => {
    // The text's example: two 2×2 convolutions on 3×3, the last cell chosen: it depends on the whole input.
    const link = { rf: { n: 3, layers: PRESETS.twoByTwo.stack, sel: [2, 0, 0] } };
    const en = visible(draw(<ReceptiveField part="stack" />, { link }));
    expect(en).toContain('rows 0–2, columns 0–2: 3×3 = 9 cells');
    expect(en).toContain('rows 0–1, columns 0–1: 2×2 = 4 cells');
    expect(en).toContain('row 0, column 0: 1×1 = 1 cell');
    expect(en).not.toMatch(/rows 1–3/);
    const zh = visible(draw(<ReceptiveField part="stack" />, { lang: 'zh', link }));
    expect(zh).toContain('第 0–2 行，第 0–2 列：3×3 = 9 个单元格');
  });
});

describe('the receptive fields in LeNet', () => {
  test('count a map’s channels from 0, as its tensor does', () => {
    const html = draw(<ReceptiveField part="lenet" />, { link: { rf: { lch: [0, 0, 0, 3, 3] } } });
    // Conv 2 has 16 channels: the slider runs from 0 to 15 and stands at channel 3.
    const slider = html.match(/Conv 2 \+ sigmoid channel<\/label><input[^>]*>/)?.[0] ?? '';
    expect(slider).toContain('min="0"');
    expect(slider).toContain('max="15"');
    expect(slider).toContain('value="3"');
    expect(html).toContain('aria-label="Conv 2 + sigmoid, channel 3"');
    expect(html).not.toContain('channel 16');
  });
});
