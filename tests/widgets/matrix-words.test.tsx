import { describe, expect, it } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import { cellName, MatrixGrid } from '../../src/widgets/common/MatrixGrid';
import { trIn } from '../../src/widgets/common/i18n';
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
});
