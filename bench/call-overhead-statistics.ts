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
