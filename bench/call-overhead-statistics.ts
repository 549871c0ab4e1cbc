// The statistics of `npm run bench:overhead`: nearest-rank quantiles, and differences paired by round so that
// load which changes over the run (other builds on the machine) cancels out.

/** The p-quantile (p in (0, 1]) of the values by nearest rank; NaN when there are none. */
export function quantile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? NaN;
}

/**
 * The median over rounds of (statistic of `rounds[r]` − statistic of `baseline[r]`): each configuration is
 * compared with the baseline measured in the same round, moments apart, never across the run.
 */
export function pairedMedianDifference<T>(
  rounds: readonly T[],
  baseline: readonly T[],
  statistic: (round: T) => number,
): number {
  if (rounds.length !== baseline.length) throw new Error('paired rounds must be as many as baseline rounds');
  return quantile(
    rounds.map((round, i) => statistic(round) - statistic(baseline[i] as T)),
    0.5,
  );
}
