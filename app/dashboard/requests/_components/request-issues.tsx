// Why a request's cost is not complete, or what failed: each call whose cost is not exact and each failed
// call, in start order, with what is wrong and a link to the call.
import { formatCount, formatMs } from '@/lib/dashboard/format';
import type { RequestCall } from '@/lib/dashboard/request-queries';

/** What a cost status means for the request's total. */
const INEXACT_REASON: Record<string, string> = {
  upper_bound: 'its cost is an upper bound',
  estimated: 'its cost is an estimate',
  unpriced: 'its model has no known price, so its cost is missing',
  no_usage: 'it reported no usage, so its cost is missing',
};

function reasonsOf(call: RequestCall): string[] {
  const reasons: string[] = [];
  if (call.status === 'error') reasons.push(`it failed${call.errorType === null ? '' : ` (${call.errorType})`}`);
  // A failed call without usage cost nothing: its cost is exact.
  const inexact =
    call.status === 'error' && call.costStatus === 'no_usage' ? undefined : INEXACT_REASON[call.costStatus];
  if (inexact !== undefined) reasons.push(inexact);
  return reasons;
}

interface RequestIssuesProps {
  calls: RequestCall[];
  complete: boolean;
  /** Calls of the whole request whose cost is not exact (the list may be cut short). */
  inexactCalls: number;
}

export function RequestIssues({ calls, complete, inexactCalls }: RequestIssuesProps) {
  const issues = calls.map((call) => ({ call, reasons: reasonsOf(call) })).filter((i) => i.reasons.length > 0);
  if (complete && issues.length === 0) {
    return (
      <p className="complete" data-testid="request-exact">
        Every call&apos;s cost is exact.
      </p>
    );
  }
  return (
    <div className={complete ? 'request-issues' : 'incomplete'} data-testid="request-issues">
      {!complete && (
        <p className="incomplete-title">
          Incomplete: {formatCount(inexactCalls)} {inexactCalls === 1 ? 'call has' : 'calls have'} no exact cost.
        </p>
      )}
      <ul>
        {issues.map(({ call, reasons }) => (
          <li key={call.id} data-testid="request-issue">
            <a href={`/dashboard/calls/${call.id}`}>
              {call.model ?? '(unknown model)'} at +{formatMs(call.offsetMs)}
            </a>
            : {reasons.join('; ')}.
          </li>
        ))}
      </ul>
    </div>
  );
}
