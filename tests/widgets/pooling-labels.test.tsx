import { describe, expect, test, vi } from 'vitest';
import { draw as drawWidget } from '../helpers/static-draw';
import { Pooling } from '../../src/widgets/pooling';

vi.mock('../../src/widgets/common/i18n', (orig) => import('../helpers/static-draw').then((m) => m.i18nWithDrawLanguage(orig)));

const draw = (lang: 'en' | 'zh') => drawWidget(<Pooling preset="two-channel" />, { lang });

describe('the pooling widget counts channels from 0, as the chapters do', () => {
  test('channel 0 is X and channel 1 is X + 1, each with its output channel', () => {
    const html = draw('en');
    expect(html).toContain('<figcaption>Channel 0: X, padded (padding counts as −∞)</figcaption>');
    expect(html).toContain('<figcaption>Channel 1: X + 1, padded (padding counts as −∞)</figcaption>');
    expect(html).toContain('<figcaption>Output channel 0</figcaption>');
    expect(html).toContain('<figcaption>Output channel 1</figcaption>');
    expect(html).not.toContain('Channel 2');
    expect(html).not.toContain('channel 2');
    // Screen readers hear the names the captions show (MatrixGrid adds its cells' ordinal rows and columns).
    for (const name of ['Input channel 0', 'Input channel 1', 'Output channel 0', 'Output channel 1']) expect(html).toContain(`aria-label="${name}"`);
  });

  test('in Chinese too', () => {
    const html = draw('zh');
    expect(html).toContain('<figcaption>通道 0：X，已填充（填充视为 −∞）</figcaption>');
    expect(html).toContain('<figcaption>通道 1：X + 1，已填充（填充视为 −∞）</figcaption>');
    expect(html).toContain('<figcaption>输出通道 0</figcaption>');
    expect(html).toContain('aria-label="输入通道 1"');
    expect(html).not.toContain('通道 2');
  });
});
