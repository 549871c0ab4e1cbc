// A call's cost as the call log shows it: rounded for reading, exact on hover, and why when there is none.
import { formatUsd, formatUsdExact } from '@/lib/dashboard/format';

/** Why a call has no cost, by cost status. */
const NO_COST_TEXT: Record<string, string> = {
  unpriced: 'unpriced',
  no_usage: 'no usage',
  not_billable: 'not billed',
};

/** How a cost that is a figure but not the exact one is marked beside it. */
const INEXACT_MARK: Record<string, string> = {
  upper_bound: 'at most',
  estimated: 'estimated',
};

/** An exact USD amount, rounded; the exact figure in its title. */
export function Money({ usd }: { usd: string }) {
  return (
    <span className="money" title={formatUsdExact(usd)}>
      {formatUsd(usd)}
    </span>
  );
}

export function CallCost({ costUsd, costStatus }: { costUsd: string | null; costStatus: string }) {
  if (costUsd === null) return <span className="muted">{NO_COST_TEXT[costStatus] ?? costStatus}</span>;
  const mark = INEXACT_MARK[costStatus];
  return (
    <>
      <Money usd={costUsd} />
      {mark !== undefined && <span className="muted"> ({mark})</span>}
    </>
  );
}
