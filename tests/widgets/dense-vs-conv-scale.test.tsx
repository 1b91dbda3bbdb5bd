import { describe, expect, test } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import { trIn } from '../../src/widgets/common/i18n';
import { aboutTimes, countLabel, linearShare, logAxis, logShare, powerOfTen, timesWords } from '../../src/widgets/dense-vs-conv/scale';
import { DenseVsConv, denseLayerTitle, percentText, ratioSentence } from '../../src/widgets/dense-vs-conv';

const PHOTO = { dense: 3_600_000_100, conv: 2_800 };
const FASHION = { dense: 784 * 100 + 100, conv: 100 * 9 + 100 };

describe('the bar scales of the dense-vs-conv widget', () => {
  test('the log axis runs from 10⁰ to the first power of ten at or above the larger count, every power a tick', () => {
    const photo = logAxis(PHOTO.dense);
    expect(photo.top).toBe(10);
    expect(photo.ticks.map((t) => t.exp)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    // Eleven ticks: every second one is labelled, so the labels fit a phone.
    expect(photo.ticks.filter((t) => t.labelled).map((t) => t.exp)).toEqual([0, 2, 4, 6, 8, 10]);
    const fashion = logAxis(FASHION.dense);
    expect(fashion.top).toBe(5);
    expect(fashion.ticks.every((t) => t.labelled)).toBe(true);
    expect(logAxis(1000).top).toBe(3);
    expect(logAxis(1001).top).toBe(4);
    expect(logAxis(2).top).toBe(1);
    // An odd top beyond six: the first and last labelled, never two labels side by side.
    const seven = logAxis(5e6).ticks.filter((t) => t.labelled).map((t) => t.exp);
    expect(seven).toEqual([0, 2, 4, 7]);
  });

  test('on the log scale a count sits where its power of ten does; on the linear scale the small bar all but vanishes', () => {
    const axis = logAxis(PHOTO.dense);
    expect(logShare(1e4, axis)).toBeCloseTo(0.4);
    expect(logShare(PHOTO.conv, axis)).toBeCloseTo(Math.log10(2800) / 10);
    expect(logShare(0, axis)).toBe(0);
    expect(linearShare(PHOTO.dense, PHOTO.dense)).toBe(1);
    expect(linearShare(PHOTO.conv, PHOTO.dense)).toBeLessThan(1e-6);
    // Fashion-MNIST: a 79-fold gap is 1.3% of the bar, not the 60% a log bar would suggest without its axis.
    expect(linearShare(FASHION.conv, FASHION.dense)).toBeCloseTo(0.0127, 3);
    expect(percentText(linearShare(FASHION.conv, FASHION.dense))).toBe('1.3');
    expect(percentText(linearShare(PHOTO.conv, PHOTO.dense))).toBe('0.000078');
    expect(percentText(1)).toBe('100');
    expect(percentText(1e-12)).not.toMatch(/e/);
  });

  test('powers of ten and counts read as written in the book', () => {
    expect(powerOfTen(0)).toBe('10⁰');
    expect(powerOfTen(10)).toBe('10¹⁰');
    expect(countLabel(2800, 'en')).toBe('2,800');
    expect(countLabel(PHOTO.dense, 'en')).toBe('3.6 billion');
    expect(countLabel(PHOTO.dense, 'zh')).toBe('36.0 亿');
  });

  test('the ratio in words: about 1.3 million times as many, 约 129 万倍', () => {
    expect(timesWords(PHOTO.dense, PHOTO.conv, 'en')).toBe('1.3 million');
    expect(aboutTimes(PHOTO.dense, PHOTO.conv, 'en')).toBe('about 1.3 million times');
    expect(aboutTimes(PHOTO.dense, PHOTO.conv, 'zh')).toBe('129 万倍');
    expect(aboutTimes(FASHION.dense, FASHION.conv, 'en')).toBe('about 79 times');
    expect(aboutTimes(FASHION.dense, FASHION.conv, 'zh')).toBe('79 倍');
    expect(aboutTimes(3, 2, 'en')).toBe('about 1.5 times');
    expect(ratioSentence(trIn('en'), PHOTO.dense, PHOTO.conv)).toBe('the dense layer has about 1.3 million times as many');
    expect(ratioSentence(trIn('zh'), PHOTO.dense, PHOTO.conv)).toBe('全连接层约是卷积层的 129 万倍');
    expect(ratioSentence(trIn('en'), 200, 1000)).toBe('the convolution has about 5.0 times as many');
  });

  test('one hidden unit is singular', () => {
    expect(denseLayerTitle(trIn('en'), 1)).toBe('Dense layer, 1 hidden unit');
    expect(denseLayerTitle(trIn('en'), 100)).toBe('Dense layer, 100 hidden units');
    expect(denseLayerTitle(trIn('zh'), 1)).toBe('全连接层，1 个隐藏单元');
  });
});

describe('the cost part as first drawn (the text’s 12 MP photo)', () => {
  test('draws both counts on a linear and on a labelled log scale, and names the ratio to a screen reader', () => {
    const html = renderToStaticMarkup(<DenseVsConv part="cost" />);
    expect(html).toContain('data-scale="linear"');
    expect(html).toContain('Linear scale: lengths in proportion');
    expect(html).toContain('Log scale: ×10 at each tick');
    for (const label of ['10⁰', '10²', '10⁴', '10⁶', '10⁸', '10¹⁰']) expect(html).toContain(`>${label}<`);
    expect(html).toMatch(/data-scale="log" role="img" aria-label="[^"]*the dense layer has about 1.3 million times as many\."/);
    expect(html).toContain('The dense layer has about 1.3 million times as many parameters (1,285,714 times).');
    expect(html).toContain('0.000078% as long as the dense layer’s: under a pixel, so drawn as a hairline.');
    // The dense bar fills its track on both scales; the convolution's is 3.4 of 10 powers of ten on the log one.
    expect(html).toMatch(/data-part="dense-bar" data-share="1"/);
    expect(html).toMatch(new RegExp(`data-part="conv-bar" data-share="${Math.log10(2800) / 10}"`));
  });
});
