import { describe, expect, it } from 'vitest';
import { marksFor } from '../../src/charts/frame';

/** An element whose nearest `lang` attribute is `lang` (null: none on the way up). */
const inLang = (lang: string | null) => ({ closest: () => (lang === null ? null : { getAttribute: () => lang }) }) as unknown as Element;

describe('chart punctuation', () => {
  it('is full-width in Chinese pages and half-width with spaces elsewhere', () => {
    for (const lang of ['zh-CN', 'zh', 'ZH-Hans']) {
      expect(marksFor(inLang(lang)).colon).toBe('：');
      expect(`训练损失${marksFor(inLang(lang)).aside('轮次 0–10')}`).toBe('训练损失（轮次 0–10）');
    }
    for (const lang of ['en', 'en-GB', '', null, 'zha']) {
      expect(marksFor(inLang(lang)).colon).toBe(': ');
      expect(`Training loss${marksFor(inLang(lang)).aside('epoch 0–10')}`).toBe('Training loss (epoch 0–10)');
    }
  });
});
