import { describe, expect, it } from 'vitest';
import {
  medianConfidenceInterval,
  pairedDifferences,
  pairedMedianDifference,
  quantile,
} from './call-overhead-statistics';

describe('quantile', () => {
  it.each([
    [0.5, 3],
    [0.95, 5],
    [0.2, 1],
    [0.21, 2],
    [1, 5],
  ])('takes the nearest rank: p=%s of 5,1,4,2,3 is %s', (p, expected) => {
    expect(quantile([5, 1, 4, 2, 3], p)).toBe(expected);
  });

  it('is NaN for no values', () => {
    expect(quantile([], 0.5)).toBeNaN();
  });
});

describe('pairedDifferences', () => {
  it('subtracts the baseline of the same round', () => {
    expect(pairedDifferences([{ t: 5 }, { t: 9 }], [{ t: 4 }, { t: 10 }], (r) => r.t)).toEqual([1, -1]);
  });
});

describe('pairedMedianDifference', () => {
  it('compares each round with the baseline of the same round, then takes the median', () => {
    // The baseline drifts up 10 per round; the configuration stays 2 above it, except one outlier round.
    const baseline = [10, 20, 30, 40, 50];
    const rounds = [12, 22, 32, 90, 52];
    expect(pairedMedianDifference(rounds, baseline, (x) => x)).toBe(2);
  });

  it('refuses rounds that do not pair up', () => {
    expect(() => pairedMedianDifference([1, 2], [1], (x) => x)).toThrow('paired rounds');
  });
});

describe('medianConfidenceInterval', () => {
  it('takes the order statistics of the exact binomial interval: ranks 6 and 15 of 20 at 95%', () => {
    // P(B <= 5) for B ~ Bin(20, 1/2) is 0.0207, so [x(6), x(15)] covers the median with 95.9%; [x(7), x(14)] only 88.5%.
    const values = Array.from({ length: 20 }, (_, i) => 20 - i);
    expect(medianConfidenceInterval(values)).toEqual([6, 15]);
  });

  it('widens for a higher confidence: ranks 4 and 17 of 20 at 99%', () => {
    const values = Array.from({ length: 20 }, (_, i) => i + 1);
    expect(medianConfidenceInterval(values, 0.99)).toEqual([4, 17]);
  });

  it('is [NaN, NaN] when even the whole range covers the median with less than the confidence', () => {
    // With 5 values the range [x(1), x(5)] covers it with 1 − 2/32 = 93.75% < 95%.
    expect(medianConfidenceInterval([1, 2, 3, 4, 5])).toEqual([NaN, NaN]);
  });
});
