// Calls as a table, each linking to its own page: the call log's page of calls, and a call's same-request calls.
import { featureName, isFeatureId } from '@/lib/ai/prompt-registry';
import type { CallLogItem } from '@/lib/dashboard/call-log';
import { callLogQueryString, type CallLogFilters } from '@/lib/dashboard/call-log-filters';
import { formatCount, formatMs, formatUtcDateTime } from '@/lib/dashboard/format';
import { CallCost } from './call-cost';

const tokens = (n: number | null) => (n === null ? '—' : formatCount(n));

/** The call log narrowed to one more filter, or no link when there are no filters to keep (same-request list). */
function FilterLink({ filters, param, value }: { filters?: CallLogFilters; param: string; value: string }) {
  if (filters === undefined) return <>{value}</>;
  return <a href={`/dashboard/calls${callLogQueryString(filters, { [param]: value })}`}>{value}</a>;
}

function Feature({ id }: { id: string | null }) {
  if (id === null) return <span className="muted">—</span>;
  return isFeatureId(id) ? <span title={id}>{featureName(id)}</span> : <>{id}</>;
}

function CallLogRow({ call, filters }: { call: CallLogItem; filters?: CallLogFilters }) {
  return (
    <tr data-testid="call-log-row" data-call-id={call.id}>
      <td className="nowrap">
        <a href={`/dashboard/calls/${call.id}`} data-testid="call-link">
          {formatUtcDateTime(new Date(call.startedAt))}
        </a>
      </td>
      <td className="key">
        {call.source === null ? (
          <span className="muted">(unattributed)</span>
        ) : (
          <FilterLink filters={filters} param="source" value={call.source} />
        )}
        {call.operation === 'token_count' && <span className="badge">token count</span>}
      </td>
      <td>
        <Feature id={call.feature} />
      </td>
      <td className="nowrap">
        {call.model === null ? (
          <span className="muted">(unknown model)</span>
        ) : (
          <FilterLink filters={filters} param="model" value={call.model} />
        )}
      </td>
      <td className="num">
        {tokens(call.inputTokens)} / {tokens(call.cachedInputTokens)} / {tokens(call.outputTokens)} /{' '}
        {tokens(call.reasoningTokens)}
      </td>
      <td className="num" data-testid="call-cost">
        <CallCost costUsd={call.costUsd} costStatus={call.costStatus} />
      </td>
      <td>
        {call.status === 'error' ? (
          <span className="error">error{call.errorType !== null && `: ${call.errorType}`}</span>
        ) : (
          call.status
        )}
      </td>
      <td className="num">{formatMs(call.durationMs)}</td>
    </tr>
  );
}

export function CallLogTable({
  calls,
  filters,
  testId,
}: {
  calls: CallLogItem[];
  /** The call log's filters, for links that narrow it further. */
  filters?: CallLogFilters;
  testId: string;
}) {
  return (
    <div className="table-scroll">
      <table className="data" data-testid={testId}>
        <thead>
          <tr>
            <th scope="col">Time (UTC)</th>
            <th scope="col">Source</th>
            <th scope="col">Feature</th>
            <th scope="col">Model</th>
            <th scope="col" className="num">
              Tokens in / cached / out / reasoning
            </th>
            <th scope="col" className="num">
              Cost
            </th>
            <th scope="col">Status</th>
            <th scope="col" className="num">
              Duration
            </th>
          </tr>
        </thead>
        <tbody>
          {calls.map((call) => (
            <CallLogRow key={call.id} call={call} filters={filters} />
          ))}
        </tbody>
      </table>
    </div>
  );
}
