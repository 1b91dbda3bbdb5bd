import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { renderToStaticMarkup } from 'react-dom/server';
import { countParameters, nn, setBackend } from '../../src/engine';
import { trIn } from '../../src/widgets/common/i18n';
import { computeMultiChannel, convParamCount, MCP_BUILD_LIMIT, MCP_CHANNELS, MCP_DEFAULTS, MCP_EXAMPLES, MCP_MAX_K, nearestChannels, reshapeValues, type MCSettings } from '../../src/widgets/multichannel/compute';
import { sanitizeMCP } from '../../src/widgets/multichannel/settings';
import { paramExamples, paramSentence, paramTex } from '../../src/widgets/multichannel/ParamCount';
import { kernelsNote } from '../../src/widgets/multichannel/words';
import { MultiChannel, OneByOne } from '../../src/widgets/multichannel';

describe('the parameter count reaches the text’s examples', () => {
  test('channel counts up to 512 and kernels up to 7 × 7', () => {
    expect(MCP_CHANNELS[0]).toBe(1);
    expect(MCP_CHANNELS[MCP_CHANNELS.length - 1]).toBe(512);
    for (const c of [1, 2, 3, 64, 100, 256, 512]) expect(MCP_CHANNELS).toContain(c);
    expect([...MCP_CHANNELS].sort((a, b) => a - b)).toEqual([...MCP_CHANNELS]);
    expect(MCP_MAX_K).toBeGreaterThanOrEqual(7);
  });

  test('nn.Conv2d(3, 64, 3) has 1,792 parameters and the 1 × 1 convolution from 256 to 64 channels 16,448, counted by the engine', () => {
    expect(convParamCount(MCP_EXAMPLES.rgb)).toEqual({ params: 1792, source: 'engine', shapes: [[64, 3, 3, 3], [64]] });
    expect(convParamCount(MCP_EXAMPLES.oneByOne)).toEqual({ params: 16448, source: 'engine', shapes: [[64, 256, 1, 1], [64]] });
    // The text's cost example: c_i = c_o = 100 with a 5 × 5 kernel, 250,100 parameters.
    expect(convParamCount({ ci: 100, co: 100, kh: 5, kw: 5 }).params).toBe(250_100);
    expect(paramExamples(trIn('en')).map((e) => e.label)).toEqual(['nn.Conv2d(3, 64, 3)', '1×1, 256 → 64 channels']);
    expect(paramExamples(trIn('zh')).map((e) => e.label)).toEqual(['nn.Conv2d(3, 64, 3)', '1×1，256 → 64 个通道']);
  });

  test('a layer too large to build at once is counted from its shapes, and agrees with the formula', () => {
    const big = convParamCount({ ci: 512, co: 512, kh: 7, kw: 7 });
    expect(big).toEqual({ params: 512 * 512 * 49 + 512, source: 'shapes', shapes: [[512, 512, 7, 7], [512]] });
    expect(paramSentence(trIn('en'), { ci: 512, co: 512, kh: 7, kw: 7 }, big.params)).toBe('nn.Conv2d(512, 512, [7, 7]) has 12,845,568 parameters.');
    expect(paramSentence(trIn('zh'), MCP_EXAMPLES.rgb, 1792)).toBe('nn.Conv2d(3, 64, [3, 3]) 有 1,792 个参数。');
  });

  test('below the limit the count is the engine’s own, for any reachable shape', () => {
    const arb = fc.record({ ci: fc.constantFrom(...MCP_CHANNELS), co: fc.constantFrom(...MCP_CHANNELS), kh: fc.integer({ min: 1, max: MCP_MAX_K }), kw: fc.integer({ min: 1, max: MCP_MAX_K }) });
    for (const s of fc.sample(arb, { numRuns: 40, seed: 11 })) {
      const r = convParamCount(s);
      expect(r.params).toBe(s.co * s.ci * s.kh * s.kw + s.co);
      expect(r.source).toBe(r.params <= MCP_BUILD_LIMIT ? 'engine' : 'shapes');
      if (r.source === 'engine' && r.params < 50_000) {
        const conv = new nn.Conv2d(s.ci, s.co, [s.kh, s.kw]);
        expect(countParameters(conv)).toBe(r.params);
        conv.dispose();
      }
    }
  });

  test('the formula groups the digits of large counts', () => {
    expect(paramTex(MCP_EXAMPLES.rgb)).toBe('{c_o \\times c_i \\times k_h \\times k_w + c_o} = {64 \\times 3 \\times 3 \\times 3 + 64} = 1{,}792');
  });

  test('any JSON value becomes settings from the lists (nearest channel count, kernel 1 to 7)', () => {
    expect(sanitizeMCP({ ci: 60, co: 300, kh: 9, kw: 0 }, MCP_DEFAULTS)).toEqual({ ci: 64, co: 256, kh: 7, kw: 1 });
    expect(nearestChannels(5)).toBe(4);
    expect(sanitizeMCP('nonsense', MCP_DEFAULTS)).toEqual(MCP_DEFAULTS);
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.record({ ci: fc.anything(), co: fc.anything(), kh: fc.anything(), kw: fc.anything() })), (raw) => {
        const s = sanitizeMCP(raw, MCP_DEFAULTS);
        expect(MCP_CHANNELS).toContain(s.ci);
        expect(MCP_CHANNELS).toContain(s.co);
        for (const k of [s.kh, s.kw]) expect(Number.isInteger(k) && k >= 1 && k <= MCP_MAX_K).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  test('as first drawn: a slider over the channel list (Home and End reach 1 and 512), the examples, one live region', () => {
    const html = renderToStaticMarkup(<MultiChannel part="params" />);
    expect(html).toMatch(/Input channels <span class="sym">c<sub>.{0,40}i<\/sub><\/span><\/label><input id="[^"]+" type="range" min="0" max="11" step="1" aria-valuetext="2" value="1"\/>/);
    expect(html).toMatch(/Kernel width <span class="sym">k<sub>.{0,40}w<\/sub><\/span><\/label><input id="[^"]+" type="range" min="1" max="7"/);
    expect(html).toContain('role="group" aria-label="The text’s examples"');
    expect(html).toContain('<button type="button" aria-pressed="false">nn.Conv2d(3, 64, 3)</button>');
    expect(html).toContain('data-part="param-count" data-value="9"');
    expect(html.match(/role="status"/g)).toHaveLength(1);
  });
});

describe('the sentence under the stacked output', () => {
  test('one kernel, one input channel, or several of each', () => {
    const en = trIn('en');
    const zh = trIn('zh');
    expect(kernelsNote(en, 2, 1)).toBe('The kernel has 2 channels, one per input channel; it makes the one output channel, which is the next layer’s input.');
    expect(kernelsNote(en, 1, 3)).toBe('Each of the 3 kernels has 1 channel, for the one input channel; each kernel makes one output channel, and the output channels are stacked into the next layer’s input.');
    expect(kernelsNote(zh, 2, 1)).toBe('这个卷积核有 2 个通道，与输入通道一一对应；它产生唯一的输出通道，也就是下一层的输入。');
    expect(kernelsNote(zh, 2, 3)).toBe('3 个卷积核各有 2 个通道，与输入通道一一对应；每个卷积核产生一个输出通道，这些输出通道堆叠起来就是下一层的输入。');
    for (const t of [en, zh]) for (let ci = 1; ci <= 3; ci++) for (let co = 1; co <= 3; co++) expect(kernelsNote(t, ci, co)).not.toMatch(/\b1 kernels|each of the 1|1 个卷积核，有/i);
  });
});

describe('the 1 × 1 convolution at one pixel', () => {
  test('reads W × x + b = y with every term’s values, b included', async () => {
    await setBackend('cpu');
    const shape = { ci: 3, co: 2, h: 3, w: 3, kh: 1, kw: 1 };
    const s: MCSettings = { ...shape, ...reshapeValues(shape), pick: [0, 0, 0] };
    s.b = [0.5, -2];
    const r = computeMultiChannel(s);
    const html = renderToStaticMarkup(<OneByOne s={s} dense={r.dense} out={r.out} t={trIn('en')} />);
    const eq = html.slice(html.indexOf('class="mc-eq"'), html.indexOf('class="b-note"'));
    // The four terms in order, each operator with the term after it.
    const order = ['aria-label="Weight matrix W"', '>×<', 'aria-label="Pixel vector x"', '>+<', 'aria-label="Bias b"', '>=<', 'aria-label="Dense output y at the pixel"'].map((p) => eq.indexOf(p));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(eq).toContain('data-value="0.5"');
    expect(eq).toContain('data-value="-2"');
    // y at pixel (0, 0), counted from 0 as in the chapters: W x + b = [0·0 + 1·1 + 2·2 + 0.5, 1·0 + 2·1 + 3·2 − 2] = [5.5, 6].
    expect(eq).toContain('data-value="5.5"');
    expect(eq).toContain('data-value="6"');
    expect(eq).toContain('role="group" aria-label="W times x plus b equals y, at pixel (0, 0)"');
    expect(eq).toContain('<figcaption>x at (0, 0)</figcaption>');
  });
});
