import { describe, expect, it } from 'vitest';
import { pairedDifferences, pairedMedianDifference, quantile } from './call-overhead-statistics';

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
