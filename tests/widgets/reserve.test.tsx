import { describe, expect, it } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import { Diagram, diagramNames } from '../../src/widgets/diagrams';
import { DIAGRAM_BOX, SUMMARY_ROWS, WIDGET_HEIGHT_REM, WIDGET_HEIGHT_REM_ZH, summaryHeight, widgetHeightRem } from '../../src/widgets/common/reserve';
import { MODEL_IDS, zoo } from '../../src/models/index';

describe('the room placeholders hold for lazily loaded widgets', () => {
  it.each(diagramNames.map((n) => [n]))('matches the drawing of the %s diagram (viewBox and width bounds)', (name) => {
    for (const lang of ['en', 'zh'] as const) {
      const html = renderToStaticMarkup(<Diagram name={name} lang={lang} />);
      const viewBox = /viewBox="0 0 ([\d.]+) ([\d.]+)"/.exec(html);
      const maxWidth = /max-width:([\d.]+)px/.exec(html);
      const minWidth = /min-width:([\d.]+)px/.exec(html);
      expect(viewBox, `${name} (${lang}) has a viewBox`).not.toBeNull();
      expect({ width: Number(viewBox![1]), height: Number(viewBox![2]), minWidth: Number(minWidth![1]), maxWidth: Number(maxWidth![1]) }).toEqual(DIAGRAM_BOX[name]);
    }
  });

  it('has a box for every diagram and nothing else', () => {
    expect(Object.keys(DIAGRAM_BOX).sort()).toEqual([...diagramNames].sort());
  });

  it.each(MODEL_IDS.map((id) => [id]))('counts the summary rows of %s as its top-level layers', (id) => {
    const net = zoo[id].create({ inputSize: zoo[id].minInputSize });
    expect(net.namedChildren().length).toBe(SUMMARY_ROWS[id]);
    net.dispose();
  });

  it('reserves per model where the height depends on the model, else the widget\'s own room', () => {
    expect(widgetHeightRem('train-model@lenet', 'en')).toBe(WIDGET_HEIGHT_REM['train-model']);
    expect(widgetHeightRem('train-model@lenet', 'zh')).toBe(WIDGET_HEIGHT_REM_ZH['train-model']);
    expect(widgetHeightRem('inside-model@lenet-bn', 'zh')).toBe(WIDGET_HEIGHT_REM_ZH['inside-model']);
    expect(widgetHeightRem('inside-model@nin', 'en')).toBeLessThan(WIDGET_HEIGHT_REM['inside-model']);
    expect(widgetHeightRem('padding-stride', 'zh')).toBe(WIDGET_HEIGHT_REM_ZH['padding-stride']);
    expect(widgetHeightRem('corr2d', 'zh')).toBe(WIDGET_HEIGHT_REM.corr2d);
    expect(widgetHeightRem('fashion-mnist', 'zh')).toBe(WIDGET_HEIGHT_REM['fashion-mnist']);
    // The training view's recipe line takes a second line exactly for the models trained
    // in the tab at a smaller input than their recipe's.
    for (const id of MODEL_IDS) {
      const smaller = zoo[id].tabInputSize !== zoo[id].recipe.inputSize;
      for (const lang of ['en', 'zh']) {
        expect(widgetHeightRem(`train-model@${id}`, lang) > widgetHeightRem('train-model', lang), `${id} (${lang})`).toBe(smaller);
      }
    }
  });

  it('reserves more room for a model with more rows', () => {
    expect(summaryHeight('lenet')).toBe('calc(13.3rem + 12 * 2.1rem)');
    expect(summaryHeight('alexnet')).toBe('calc(13.3rem + 21 * 2.1rem)');
    // An adjustable summary adds its input-size slider.
    expect(summaryHeight('alexnet', true)).toBe('calc(17.6rem + 21 * 2.1rem)');
    expect(summaryHeight('nin', true)).toBe('calc(17.6rem + 10 * 2.1rem)');
  });
});
