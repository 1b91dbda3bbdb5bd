import { describe, expect, it } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import { cellName, cellWithValue, MatrixGrid } from '../../src/widgets/common/MatrixGrid';
import { joinZh, trIn } from '../../src/widgets/common/i18n';
import { translate } from '../../src/widgets/training/strings';
import { histogramWords } from '../../src/widgets/parameters/index';

describe("grids and histograms name their parts in the reader's language", () => {
  it('names a cell by its row and column, in English and in Chinese', () => {
    expect(cellName(trIn('en'), 'K', 1, 0)).toBe('K, row 2, column 1');
    expect(cellName(trIn('zh'), '卷积核 K', 1, 0)).toBe('卷积核 K，第 2 行第 1 列');
    // The grid itself names its cells so (here in the default language, English).
    expect(renderToStaticMarkup(<MatrixGrid values={[1, 2, 3, 4]} rows={2} cols={2} label="K" onEdit={() => {}} />)).toContain('aria-label="K, row 2, column 1"');
  });

  it("words the weight histograms' titles and counts in Chinese", () => {
    const zh = histogramWords(trIn('zh'));
    expect(zh.summary('0.weight', 32, '−0.488', '0.496')).toBe('0.weight：32 个值，从 −0.488 到 0.496');
    expect(zh.bin('-1', '0', 3)).toBe('-1 到 0：3 个');
    expect(histogramWords(trIn('en')).summary('w', 3, '-1', '1')).toBe('w: 3 values from -1 to 1');
  });

  it('ends a selectable cell’s name with a full-width colon before its value in Chinese', () => {
    expect(renderToStaticMarkup(<MatrixGrid values={[1, 2]} rows={1} cols={2} label="Y" onSelect={() => {}} />)).toContain('aria-label="Y, row 1, column 2: 2"');
    expect(cellWithValue(trIn('zh'), cellName(trIn('zh'), '输出 Y', 0, 0), '0')).toBe('输出 Y，第 1 行第 1 列：0');
  });
});

describe('Chinese text with a model’s name put in', () => {
  it('spaces a name the Chinese way where it meets the text around it', () => {
    // A name that starts with a Chinese character: no space after another one.
    expect(joinZh`在 Fashion-MNIST 上训练 ${'带批量规范化的 LeNet'}`).toBe('在 Fashion-MNIST 上训练带批量规范化的 LeNet');
    expect(joinZh`引擎让图像流过 ${'带批量规范化的 LeNet'}，展示每一层的输出`).toBe('引擎让图像流过带批量规范化的 LeNet，展示每一层的输出');
    // A name that ends with full-width punctuation: no space before the next Chinese character.
    expect(joinZh`还没有训练好的 ${'VGG-11（通道数 / 4）'} 权重。`).toBe('还没有训练好的 VGG-11（通道数 / 4）权重。');
    // Latin letters and digits next to Chinese characters keep one space, added where missing.
    expect(joinZh`还没有训练好的 ${'LeNet'} 权重。`).toBe('还没有训练好的 LeNet 权重。');
    expect(joinZh`前往${'ResNet-18'}的训练`).toBe('前往 ResNet-18 的训练');
    expect(joinZh`走进训练好的模型：${'ResNet-18'}`).toBe('走进训练好的模型：ResNet-18');
    expect(joinZh`${'带批量规范化的 LeNet'} 的判断：`).toBe('带批量规范化的 LeNet 的判断：');
    // Latin next to Latin or a symbol keeps the template's spacing; so does the name's inside.
    expect(joinZh`${3}×${4} = ${12}`).toBe('3×4 = 12');
    expect(joinZh`${'a'} ${'b'}`).toBe('a b');
  });

  it('puts model names into the training view’s Chinese strings with that spacing', () => {
    expect(translate('zh', 'trainTitle', { model: '带批量规范化的 LeNet' })).toBe('在 Fashion-MNIST 上训练带批量规范化的 LeNet');
    expect(translate('zh', 'needModel', { model: 'VGG-11（通道数 / 4）' })).toBe('请先训练或导入 VGG-11（通道数 / 4），再查看预测。');
    expect(translate('zh', 'replaceQuestion', { model: 'VGG-11（通道数 / 4）', work: '3 轮' })).toBe('要替换已训练 3 轮的 VGG-11（通道数 / 4）吗？');
    expect(translate('zh', 'summaryTitle', { model: 'LeNet' })).toBe('LeNet：各层与规模');
    // English is filled in as written, every occurrence of a name.
    expect(translate('en', 'trainTitle', { model: 'LeNet with BatchNorm' })).toBe('Train LeNet with BatchNorm on Fashion-MNIST');
    expect(translate('en', 'summarySlider', { min: 1 })).toBe('From 1×1, the smallest input this model accepts; every row below is recomputed by the engine.');
    expect(translate('zh', 'smallerInputPooled', { size: 32, min: 1 })).toContain('（最小 1×1）');
  });
});
