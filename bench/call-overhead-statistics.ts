// The statistics of `npm run bench:overhead`: nearest-rank quantiles, and differences paired by round so that
// load which changes over the run (other builds on the machine) cancels out.

/** The p-quantile (p in (0, 1]) of the values by nearest rank; NaN when there are none. */
export function quantile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? NaN;
}

/** Per round, the statistic of `rounds[r]` minus that of `baseline[r]`: moments apart, never across the run. */
export function pairedDifferences<T>(
  rounds: readonly T[],
  baseline: readonly T[],
  statistic: (round: T) => number,
): number[] {
  if (rounds.length !== baseline.length) throw new Error('paired rounds must be as many as baseline rounds');
  return rounds.map((round, i) => statistic(round) - statistic(baseline[i] as T));
}

/** The median of the paired differences. */
export function pairedMedianDifference<T>(
  rounds: readonly T[],
  baseline: readonly T[],
  statistic: (round: T) => number,
): number {
  return quantile(pairedDifferences(rounds, baseline, statistic), 0.5);
}

/**
 * A distribution-free confidence interval for the median of `values`: the order statistics whose ranks
 * cover the median with at least `confidence` probability (exact binomial, as for a sign test).
 * [NaN, NaN] when there are too few values for that confidence.
 */
export function medianConfidenceInterval(values: readonly number[], confidence = 0.95): [number, number] {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  // P(B <= k) for B ~ Binomial(n, 1/2), built up term by term.
  const cumulative: number[] = [];
  let term = 0.5 ** n;
  let sum = 0;
  for (let k = 0; k <= n; k++) {
    sum += term;
    cumulative.push(sum);
    term = (term * (n - k)) / (k + 1);
  }
  // The interval [x_(j+1), x_(n-j)] (1-based) covers the median with probability 1 − 2·P(B <= j).
  let j = -1;
  while (j + 1 < n / 2 && 1 - 2 * (cumulative[j + 1] ?? 1) >= confidence) j++;
  if (j < 0) return [NaN, NaN];
  return [sorted[j] as number, sorted[n - 1 - j] as number];
}
