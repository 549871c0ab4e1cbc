// An amount as the dashboard shows it: rounded to what matters on the page, to the last digit on hover.
import { formatUsd, formatUsdExact } from '@/lib/dashboard/format';

/** `usd` is an exact decimal string, as the queries return it. */
export function Money({ usd }: { usd: string }) {
  return (
    <span className="money" title={formatUsdExact(usd)}>
      {formatUsd(usd)}
    </span>
  );
}
