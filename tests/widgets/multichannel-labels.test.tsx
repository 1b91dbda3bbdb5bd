import { afterEach, describe, expect, test, vi } from 'vitest';
import { draw } from '../helpers/static-draw';
import { MultiChannel } from '../../src/widgets/multichannel';
import { MC1_DEFAULTS, MC_DEFAULTS } from '../../src/widgets/multichannel/compute';
import { sanitizeMC1 } from '../../src/widgets/multichannel/settings';

vi.mock('../../src/widgets/common/i18n', (orig) => import('../helpers/static-draw').then((m) => m.i18nWithDrawLanguage(orig)));

/** The text a reader sees, roughly: tags become spaces (so b with a subscript 0 reads "b 0"). */
const visible = (html: string) =>
  html
    .replace(/<span class="sym-mark">_<\/span>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ');

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('the multichannel widget counts channels, kernels, biases and pixels from 0, as the chapters do', () => {
  test('the text’s example: X[0] and X[1], kernel K[0] with its slices K[0, 0] and K[0, 1], bias b₀, output Y[0], and Y[0, 0, 0] = 19 + 37 + 0 = 56', () => {
    const html = draw(<MultiChannel part="channels" />);
    const text = visible(html);
    expect(html).toContain('<figcaption>X[0]</figcaption>');
    expect(html).toContain('<figcaption>X[1]</figcaption>');
    expect(text).toContain('Kernel K[0] 2 × 2 × 2 → output channel Y[0]');
    expect(html).toContain('<figcaption>K[0, 0]</figcaption>');
    expect(html).toContain('<figcaption>K[0, 1]</figcaption>');
    expect(html).toContain('>⋆ X[0] =<');
    expect(html).toContain('>⋆ X[1] =<');
    expect(html).toContain('<figcaption>channel 0 correlation</figcaption>');
    // The bias is b with a subscript 0, as the chapter's b_o.
    expect(html).toContain('<span>bias <span class="sym">b<sub><span class="sym-mark">_</span>0</sub></span></span>');
    expect(html).toContain('<figcaption>Output Y[0]</figcaption>');
    expect(text).toContain('Output channel 0, row 0, column 0: Y[0, 0, 0] = 19 + 37 + 0 = 56 (one correlation per input channel, summed, plus the bias).');
    // Screen readers hear the same names (MatrixGrid adds its cells' ordinal rows and columns).
    for (const name of ['Input X[0]', 'Input X[1]', 'Kernel K[0, 0]', 'Kernel K[0, 1]', 'Kernel K[0], correlation of channel 0', 'Output Y[0]', 'Bias b_0 of output channel Y[0]', 'Output channel Y[0]']) expect(html).toContain(`aria-label="${name}"`);
    // Nothing counted from 1 is left.
    for (const old of ['X channel', 'Kernel 1', 'K 1,', 'bias b1', 'X1', 'Output channel 1', 'row 1, column 1:']) expect(text).not.toContain(old);
  });

  test('stacking K, K+1, K+2: kernel K[2] makes output channel Y[2], the card Y[2] of the stack', () => {
    const three = { ...MC_DEFAULTS, co: 3, K: undefined, b: [0, 0, 0], pick: [2, 1, 1] };
    const html3 = draw(<MultiChannel part="channels" />, { link: { mc: three } });
    const text = visible(html3);
    expect(html3).toContain('<span>bias <span class="sym">b<sub><span class="sym-mark">_</span>2</sub></span></span>');
    for (const o of [0, 1, 2]) expect(text).toContain(`Kernel K[${o}] 2 × 2 × 2 → output channel Y[${o}]`);
    expect(text).toContain('K[2, 0]');
    expect(text).toContain('K[2, 1]');
    expect(text).not.toContain('K[3');
    expect(text).toContain('Stacked output Y 3 × 2 × 2 Y[0] Y[1] Y[2] Each');
    // The picked cell: channel 2, row 1, column 1 of the notes' third channel [[96, 128], [192, 224]].
    expect(text).toContain('Output channel 2, row 1, column 1: Y[2, 1, 1] = ');
    expect(text).toContain('= 224 (one correlation');
  });

  test('in Chinese, the same indices in the same notation', () => {
    const three = { ...MC_DEFAULTS, co: 3, K: undefined, b: [0, 0, 0], pick: [1, 0, 1] };
    const html = draw(<MultiChannel part="channels" />, { lang: 'zh', link: { mc: three } });
    const text = visible(html);
    expect(text).toContain('卷积核 K[1] 2 × 2 × 2 → 输出通道 Y[1]');
    expect(html).toContain('<figcaption>K[1, 0]</figcaption>');
    expect(html).toContain('<figcaption>通道 0 的互相关</figcaption>');
    expect(html).toContain('<span>偏置 <span class="sym">b<sub><span class="sym-mark">_</span>1</sub></span></span>');
    expect(html).toContain('<figcaption>输出 Y[1]</figcaption>');
    expect(text).toContain('输出通道 1，第 0 行第 1 列：Y[1, 0, 1] = ');
    expect(html).toContain('aria-label="输出通道 Y[1] 的偏置 b_1"');
  });

  test('the 1×1 part names the picked pixel from 0: x and y at (1, 2)', () => {
    for (const [lang, x, y, group] of [
      ['en', 'x at (1, 2)', 'y at (1, 2)', 'W times x plus b equals y, at pixel (1, 2)'],
      ['zh', 'x，像素 (1, 2)', 'y，像素 (1, 2)', '像素 (1, 2) 处：W 乘 x 加 b 等于 y'],
    ] as const) {
      const html = draw(<MultiChannel part="1x1" />, { lang, link: { mc1: { ...MC1_DEFAULTS, pick: [0, 1, 2] } } });
      expect(html).toContain(`<figcaption>${x}</figcaption>`);
      expect(html).toContain(`<figcaption>${y}</figcaption>`);
      expect(html).toContain(`aria-label="${group}"`);
      expect(html).toContain(lang === 'en' ? '<figcaption>conv2d output Y[1]</figcaption>' : '<figcaption>conv2d 输出 Y[1]</figcaption>');
    }
  });
});

describe('the 1×1 part has settings of its own', () => {
  test('it opens on the text’s 1×1 example (3 channels in, 2 out), while the channels part opens on 2 in, 1 out', () => {
    const oneByOne = draw(<MultiChannel part="1x1" />);
    expect(oneByOne).toContain('data-part="dense"');
    expect(oneByOne).toContain('W, <span class="sym">c<sub><span class="sym-mark">_</span>o</sub></span> × <span class="sym">c<sub><span class="sym-mark">_</span>i</sub></span> = 2 × 3');
    expect(oneByOne).not.toContain('Use 1×1 kernels');
    expect(draw(<MultiChannel part="channels" />)).toContain('<strong data-value="56">56</strong>');
  });

  test('the link’s settings of one part do not reach the other: the channels part reads w.mc, the 1×1 part w.mc1', () => {
    const link = { mc: { ...MC_DEFAULTS, b: [5] }, mc1: { ...MC1_DEFAULTS, ci: 1, co: 1, b: [7] } };
    const channels = draw(<MultiChannel part="channels" />, { link });
    expect(channels).toContain('<strong data-value="61">61</strong>');
    const oneByOne = draw(<MultiChannel part="1x1" />, { link });
    expect(oneByOne).toContain('= 1 × 1');
    expect(oneByOne).toContain('data-value="7"');
    // The 1×1 example in w.mc (as its button once left there) leaves the 1×1 part as its own link says.
    const onlyMc = draw(<MultiChannel part="1x1" />, { link: { mc: { ...MC1_DEFAULTS, ci: 2 } } });
    expect(onlyMc).toContain('= 2 × 3');
  });

  test('its link always holds 1 × 1 kernels (the part has no kernel sliders)', () => {
    const s = sanitizeMC1({ ...MC_DEFAULTS }, MC1_DEFAULTS);
    expect([s.ci, s.co, s.kh, s.kw]).toEqual([2, 1, 1, 1]);
    expect(s.K).toEqual([[[[0]], [[1]]]]);
    expect(sanitizeMC1('nonsense', MC1_DEFAULTS)).toBe(MC1_DEFAULTS);
    expect(sanitizeMC1({ kh: 3, kw: 2 }, MC1_DEFAULTS)).toEqual(MC1_DEFAULTS);
  });
});
