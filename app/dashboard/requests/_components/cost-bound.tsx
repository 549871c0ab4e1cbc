// A per-request cost percentile: the top of the histogram bucket that holds it, so "at most" this.
import { formatUsd, formatUsdExact } from '@/lib/dashboard/format';

/** `usd` is a bucket bound (a float); shown rounded as an amount is, to 12 decimals on hover. */
export function CostBound({ usd }: { usd: number }) {
  const amount = usd.toFixed(12);
  return (
    <span className="money" title={`at most ${formatUsdExact(amount)} (the top of its cost bucket)`}>
      ≤ {formatUsd(amount)}
    </span>
  );
}
