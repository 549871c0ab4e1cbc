// A request in one line: where it came from, when and how long, how many calls, what it cost, its release,
// and whether the cost is complete.
import type { ReactNode } from 'react';
import { formatCount, formatMs, formatUtcTimestamp } from '@/lib/dashboard/format';
import type { RequestRow } from '@/lib/dashboard/request-queries';
import { Money } from '../../_components/money';
import { RequestCompleteness } from './request-completeness';

export function RequestLine({ request }: { request: RequestRow }) {
  const fields: [string, string, ReactNode][] = [
    [
      'source',
      'Source',
      <>
        {request.source === '' ? '(unattributed)' : request.source}{' '}
        <span className="muted small">{request.sourceKind}</span>
      </>,
    ],
    ['started', 'Started', formatUtcTimestamp(new Date(request.startedAt))],
    ['duration', 'Duration', formatMs(request.durationMs)],
    [
      'calls',
      'Calls',
      <>
        {formatCount(request.calls)}
        {request.errorCalls > 0 && <span className="error"> ({formatCount(request.errorCalls)} failed)</span>}
      </>,
    ],
    ['cost', 'Cost', <Money key="cost" usd={request.costUsd} />],
    [
      'release',
      'Release',
      request.serviceVersion === '' ? <span className="muted">unknown</span> : request.serviceVersion,
    ],
    ['complete', 'Complete?', <RequestCompleteness key="complete" request={request} />],
  ];
  return (
    <dl className="request-line" data-testid="request-line">
      {fields.map(([id, label, value]) => (
        <div key={id} data-testid={`request-field-${id}`}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
