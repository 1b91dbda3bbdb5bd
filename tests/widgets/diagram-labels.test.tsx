import { describe, expect, it } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import { Diagram, diagramNames } from '../../src/widgets/diagrams';
import { labelIn } from '../../src/widgets/diagrams/labels';

/** Every piece of text a diagram draws. */
function drawnText(name: (typeof diagramNames)[number], lang: 'en' | 'zh'): string[] {
  const html = renderToStaticMarkup(<Diagram name={name} lang={lang} />);
  return [...html.matchAll(/<text[^>]*>(.*?)<\/text>/g)].map((m) => m[1].replace(/<[^>]+>/g, ''));
}

/** English that stays in the Chinese edition: names of nets, layers and functions as PyTorch writes them. */
const NAMES = new Set(['LeNet', 'AlexNet', 'VGG', 'NiN', 'ReLU', 'BN', 'BatchNorm', 'BatchNorm1d', 'BatchNorm2d', 'sigmoid', 'MLP', 'conv', 'cin', 'cout']);

describe('diagram labels', () => {
  it.each(diagramNames.map((n) => [n]))('the Chinese %s diagram writes no English word but names and symbols', (name) => {
    // A call such as Residual(c_in, c, use1x1conv, stride s) is code, written as in the listings.
    const prose = drawnText(name, 'zh').filter((t) => !/^[A-Z]\w*\(.*\)$/.test(t));
    const words = prose.flatMap((t) => t.match(/[A-Za-z]{2,}\w*/g) ?? []);
    expect(words.filter((w) => !NAMES.has(w))).toEqual([]);
  });

  it('turns layer labels into the chapters’ terms and leaves the English edition as written', () => {
    expect(labelIn('zh', 'Conv 11×11, 96, stride 4, pad 1 · ReLU')).toBe('卷积 11×11，96，步幅 4，填充 1 · ReLU');
    expect(labelIn('zh', 'Flatten · Dense 4096 · ReLU · dropout 0.5')).toBe('展平 · 全连接 4096 · ReLU · 暂退法 0.5');
    expect(labelIn('zh', 'VGG block: 2 conv, 256')).toBe('VGG 块：2 个卷积，256');
    expect(labelIn('zh', 'Input')).toBe('输入');
    // Only whole labels: "Input" inside a longer label is not a box of its own.
    expect(labelIn('zh', 'Input x')).toBe('Input x');
    expect(labelIn('en', 'Conv 5×5, 6, pad 2 · sigmoid')).toBe('Conv 5×5, 6, pad 2 · sigmoid');
    for (const name of diagramNames) expect(drawnText(name, 'en').some((t) => /[\u4e00-\u9fff]/.test(t)), name).toBe(false);
  });
});
