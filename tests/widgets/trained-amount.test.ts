import { describe, expect, it } from 'vitest';
import { trainedAmount } from '../../src/widgets/common/format';

const en = (a: string) => a;
const zh = (_a: string, b: string) => b;

describe('how far a saved run trained, in words', () => {
  it('names the steps of a run paused inside its first epoch instead of "0 epochs"', () => {
    expect(trainedAmount(en, 0, 215)).toBe('215 steps');
    expect(trainedAmount(zh, 0, 215)).toBe('215 步');
  });
  it('names whole epochs, and the steps into the next one', () => {
    expect(trainedAmount(en, 1, 0)).toBe('1 epoch');
    expect(trainedAmount(en, 3, 0)).toBe('3 epochs');
    expect(trainedAmount(en, 2, 1)).toBe('2 epochs and 1 step');
    expect(trainedAmount(zh, 2, 40)).toBe('2 轮又 40 步');
  });
});
