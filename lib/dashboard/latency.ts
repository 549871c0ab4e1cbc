// Percentiles from the rollup's latency histograms (see ai_latency_bucket in the rollup migration):
// bucket 0 is under 1 ms, bucket k from 1 to 64 covers [2^((k-1)/4), 2^(k/4)) ms, bucket 65 everything
// from 2^16 ms (about 65.5 s).

export const LATENCY_BUCKETS = 66;

/**
 * The upper bound of a bucket, in ms: a percentile is reported as "at most this". The last bucket (from
 * 2^16 ms, about 65.5 s) has none: Infinity.
 */
export function bucketUpperMs(bucket: number): number {
  if (bucket >= LATENCY_BUCKETS - 1) return Number.POSITIVE_INFINITY;
  return bucket === 0 ? 1 : 2 ** (bucket / 4);
}

/**
 * The smallest bucket bound (`upperBound` of a bucket number) under which at least `p` of the counted items fall;
 * null with none. For any of the rollups' histograms: latency here, cost per request in request-queries.ts.
 */
export function histogramPercentile(
  histogram: readonly number[],
  p: number,
  upperBound: (bucket: number) => number,
): number | null {
  const total = histogram.reduce((a, b) => a + b, 0);
  if (total <= 0) return null;
  const target = p * total;
  let seen = 0;
  for (let bucket = 0; bucket < histogram.length; bucket++) {
    seen += histogram[bucket] ?? 0;
    if (seen >= target) return upperBound(bucket);
  }
  return upperBound(histogram.length - 1);
}

/** The smallest bucket bound under which at least `p` of the calls fall; null with no calls. */
export function percentileMs(histogram: readonly number[], p: number): number | null {
  return histogramPercentile(histogram, p, bucketUpperMs);
}
