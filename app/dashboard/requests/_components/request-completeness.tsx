// Whether a request's cost is complete, in a word, and why not.
import { formatCount } from '@/lib/dashboard/format';
import type { RequestRow } from '@/lib/dashboard/request-queries';

export function RequestCompleteness({ request }: { request: Pick<RequestRow, 'complete' | 'inexactCalls'> }) {
  if (request.complete) return <span data-testid="request-complete">complete</span>;
  const calls = request.inexactCalls === 1 ? 'call' : 'calls';
  return (
    <span
      className="badge badge-warn"
      data-testid="request-complete"
      title={`${formatCount(request.inexactCalls)} ${calls} without an exact cost`}
    >
      incomplete
    </span>
  );
}
