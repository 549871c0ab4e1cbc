// Latency percentiles from the rollup's histograms: bucket bounds, and the bucket holding a percentile.
import { describe, expect, it } from 'vitest';

import { bucketUpperMs, LATENCY_BUCKETS, percentileMs } from './latency';

/** A full-length histogram with the given counts per bucket. */
function histogram(counts: Record<number, number>): number[] {
  const out = new Array<number>(LATENCY_BUCKETS).fill(0);
  for (const [bucket, n] of Object.entries(counts)) out[Number(bucket)] = n;
  return out;
}

describe('latency', () => {
  it('has 66 buckets, as the rollup migration', () => {
    expect(LATENCY_BUCKETS).toEqual(66);
  });

  describe('bucketUpperMs', () => {
    it.each([
      ['bucket 0: under 1 ms', 0, 1],
      ['bucket 1: [1, 2^(1/4))', 1, 2 ** 0.25],
      ['bucket 2: [2^(1/4), 2^(1/2))', 2, Math.SQRT2],
      ['bucket 3', 3, 2 ** 0.75],
      ['bucket 4: up to 2 ms', 4, 2],
      ['bucket 8: up to 4 ms', 8, 4],
      ['bucket 27: [2^6.5, 2^6.75), where 100 ms falls', 27, 2 ** 6.75],
      ['bucket 40: up to 1024 ms', 40, 1024],
      ['bucket 64: [2^15.75, 2^16), where 60 s falls', 64, 65_536],
      ['bucket 65, the last, has no upper bound', 65, Number.POSITIVE_INFINITY],
    ])('%s', (_case, bucket, expected) => {
      expect(bucketUpperMs(bucket)).toEqual(expected);
    });

    it('rises with every bucket', () => {
      const bounds = Array.from({ length: LATENCY_BUCKETS }, (_, bucket) => bucketUpperMs(bucket));

      expect(bounds.every((bound, i) => i === 0 || bound > (bounds[i - 1] ?? Infinity))).toEqual(true);
    });
  });

  describe('percentileMs', () => {
    it.each<[string, readonly number[], number, number | null]>([
      ['no buckets: null', [], 0.5, null],
      ['all-zero histogram: null', histogram({}), 0.5, null],
      ['all-zero histogram, p95: null', histogram({}), 0.95, null],
      ['one call under 1 ms', histogram({ 0: 1 }), 0.5, 1],
      ['one call in bucket 27: p50', histogram({ 27: 1 }), 0.5, 2 ** 6.75],
      ['one call in bucket 27: p95', histogram({ 27: 1 }), 0.95, 2 ** 6.75],
      ['one call in the last bucket', histogram({ 65: 1 }), 0.95, Number.POSITIVE_INFINITY],
      // Exactly half the calls at or under a bucket's bound: the median is that bucket.
      ['p50 of 2 + 2: exactly half in the lower bucket', histogram({ 4: 2, 8: 2 }), 0.5, 2],
      ['p50 of 2 + 3: the lower bucket holds under half', histogram({ 4: 2, 8: 3 }), 0.5, 4],
      ['p50 of 3 + 2', histogram({ 4: 3, 8: 2 }), 0.5, 2],
      // 95 of 100 calls at or under bucket 27: p95 is bucket 27; one call fewer and it is the next one.
      ['p95 with exactly 95 of 100 in the lower buckets', histogram({ 1: 50, 27: 45, 64: 5 }), 0.95, 2 ** 6.75],
      ['p95 with 94 of 100 in the lower buckets', histogram({ 1: 50, 27: 44, 64: 6 }), 0.95, 65_536],
      ['p50 of the same: bucket 1 holds exactly half', histogram({ 1: 50, 27: 44, 64: 6 }), 0.5, 2 ** 0.25],
      ['p95 of 19 + 1 calls', histogram({ 10: 19, 20: 1 }), 0.95, 2 ** 2.5],
      ['p95 of 18 + 2 calls', histogram({ 10: 18, 20: 2 }), 0.95, 32],
      [
        'p50 spread over many buckets: the 4th of 7 calls',
        histogram({ 0: 1, 1: 1, 4: 1, 8: 1, 12: 1, 16: 1, 20: 1 }),
        0.5,
        4,
      ],
      ['p95 of the same: the slowest call', histogram({ 0: 1, 1: 1, 4: 1, 8: 1, 12: 1, 16: 1, 20: 1 }), 0.95, 32],
      ['a short histogram (trailing buckets left out)', [0, 3, 1], 0.5, 2 ** 0.25],
      ['a short histogram, p95', [0, 3, 1], 0.95, Math.SQRT2],
      ['p = 1: the highest bucket with calls', histogram({ 3: 5, 30: 1 }), 1, 2 ** 7.5],
    ])('%s', (_case, counts, p, expected) => {
      expect(percentileMs(counts, p)).toEqual(expected);
    });

    it('finds p50 and p95 exactly for every call count up to 2,000', () => {
      // 0.5 × n and 0.95 × n in floating point must never overshoot the exact count (else one bucket too high).
      const wrong: string[] = [];
      for (let n = 1; n <= 2000; n++) {
        const below50 = Math.ceil(n / 2);
        const below95 = Math.ceil((n * 19) / 20);
        if (percentileMs(histogram({ 4: below50, 8: n - below50 }), 0.5) !== 2) wrong.push(`p50 of ${n}`);
        if (percentileMs(histogram({ 4: below95, 8: n - below95 }), 0.95) !== 2) wrong.push(`p95 of ${n}`);
      }

      expect(wrong).toEqual([]);
    });
  });
});
