// The period's most expensive requests, each linking to its page: when it started, where from, how many calls
// and how long, what it cost, and whether that cost is complete.
import { formatCount, formatMs, formatUtcDateTime } from '@/lib/dashboard/format';
import type { RequestRow } from '@/lib/dashboard/request-queries';
import { Money } from '../../_components/money';
import { RequestCompleteness } from './request-completeness';

function Row({ request }: { request: RequestRow }) {
  return (
    <tr data-testid="expensive-request-row" data-trace-id={request.traceId}>
      <td className="nowrap">
        <a href={`/dashboard/requests/${request.traceId}`} data-testid="request-link">
          {formatUtcDateTime(new Date(request.startedAt))}
        </a>
      </td>
      <td className="key">
        {request.source === '' ? <span className="muted">(unattributed)</span> : request.source}{' '}
        <span className="muted small">{request.sourceKind}</span>
      </td>
      <td className="num">
        {formatCount(request.calls)}
        {request.errorCalls > 0 && <span className="error"> ({formatCount(request.errorCalls)} failed)</span>}
      </td>
      <td className="num">{formatMs(request.durationMs)}</td>
      <td className="num">
        <Money usd={request.costUsd} />
      </td>
      <td>
        <RequestCompleteness request={request} />
      </td>
    </tr>
  );
}

export function ExpensiveRequestsTable({ requests }: { requests: RequestRow[] }) {
  return (
    <div className="table-scroll">
      <table className="data" data-testid="expensive-requests">
        <thead>
          <tr>
            <th scope="col">Started (UTC)</th>
            <th scope="col">Source</th>
            <th scope="col" className="num">
              Calls
            </th>
            <th scope="col" className="num">
              Duration
            </th>
            <th scope="col" className="num">
              Cost
            </th>
            <th scope="col">Complete?</th>
          </tr>
        </thead>
        <tbody>
          {requests.map((request) => (
            <Row key={request.traceId} request={request} />
          ))}
        </tbody>
      </table>
    </div>
  );
}
