// The most recent calls matching the filters, each with its cost (or why it has none), its developer
// attributes as filter links, and its trace in Jaeger when a Jaeger URL is configured. The table is laid out
// to its panel's width (long names are cut short, whole on hover), so no column is pushed off screen.
import type { ReactNode } from 'react';
import { featureName, isFeatureId } from '@/lib/ai/prompt-registry';
import { filtersQuery, type DashboardFilters } from '@/lib/dashboard/filters';
import {
  formatCount,
  formatMs,
  formatUsd,
  formatUsdExact,
  formatUtcTimestamp,
  jaegerTraceUrl,
} from '@/lib/dashboard/format';
import type { CallLogItem } from '@/lib/dashboard/call-log';
import { dashboardData } from '@/lib/dashboard/dashboard-data';
import { dashboardHref } from './dashboard-href';
import { loadPanel } from './load-panel';
import { PanelError } from './panel-error';

const CALL_LIMIT = 50;

const COST_STATUS_TEXT: Record<string, string> = {
  unpriced: 'unpriced',
  no_usage: 'no usage',
  not_billable: 'not billed',
};

/** How a cost that is a figure but not the exact one is marked beside it. */
const INEXACT_MARK: Record<string, string> = {
  upper_bound: 'at most',
  estimated: 'estimated',
};

function Cost({ call }: { call: CallLogItem }) {
  if (call.costUsd === null) return <>{COST_STATUS_TEXT[call.costStatus] ?? call.costStatus}</>;
  const mark = INEXACT_MARK[call.costStatus];
  return (
    <span title={formatUsdExact(call.costUsd)}>
      {formatUsd(call.costUsd)}
      {mark !== undefined && <span className="small"> ({mark})</span>}
    </span>
  );
}

/** Text cut short with an ellipsis when its column is narrower, whole in its hover. */
function Clipped({ text, children }: { text: string; children?: ReactNode }) {
  return (
    <span className="clip" title={text}>
      {children ?? text}
    </span>
  );
}

const tokens = (n: number | null) => (n === null ? '—' : formatCount(n));

/**
 * The `attr` filter for a developer attribute, or undefined when the filter cannot express it: it matches
 * text, plain decimal numbers and booleans, with a key of up to 100 characters and no '='.
 */
function attrFilter(key: string, value: unknown): string | undefined {
  if (key === '' || key.includes('=') || key.length > 100) return undefined;
  const text =
    typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number' ? String(value) : undefined;
  if (text === undefined || text.length > 500) return undefined;
  if (typeof value === 'number' && !/^-?\d+(\.\d+)?$/.test(text)) return undefined;
  return `${key}=${text}`;
}

function Attributes({ filters, attributes }: { filters: DashboardFilters; attributes: Record<string, unknown> }) {
  const entries = Object.entries(attributes).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return null;
  return (
    <ul className="chips">
      {entries.map(([key, value]) => {
        const text = `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`;
        const filter = attrFilter(key, value);
        return (
          <li key={key} className="chip" data-testid="attr-chip">
            {filter === undefined ? text : <a href={dashboardHref(filters, { attr: filter })}>{text}</a>}
          </li>
        );
      })}
    </ul>
  );
}

function Feature({ id }: { id: string | null }) {
  if (id === null) return <span className="muted">—</span>;
  if (!isFeatureId(id)) {
    return (
      <>
        {id} <span className="badge badge-warn">not in registry</span>
      </>
    );
  }
  return <Clipped text={`${featureName(id)} (${id})`}>{featureName(id)}</Clipped>;
}

/** "2026-11-25 12:00:00 UTC", free to break between the day and the time in a narrow column. */
function Time({ at }: { at: Date }) {
  const [date = '', time = ''] = formatUtcTimestamp(at).split(/ (.*)/);
  return (
    <time dateTime={at.toISOString()} data-testid="call-time">
      <span className="nowrap">{date}</span> <span className="nowrap">{time}</span>
    </time>
  );
}

function CallTableRow({
  filters,
  call,
  jaegerBase,
}: {
  filters: DashboardFilters;
  call: CallLogItem;
  jaegerBase: string | undefined;
}) {
  const trace = jaegerTraceUrl(jaegerBase, call.traceId);
  return (
    <tr data-testid="call-row">
      <td>
        <a href={`/dashboard/calls/${call.id}`} data-testid="call-page-link">
          <Time at={new Date(call.startedAt)} />
        </a>
      </td>
      <td>
        {call.source === null ? (
          <span className="muted">(unattributed)</span>
        ) : (
          <Clipped text={call.source}>
            <a href={dashboardHref(filters, { source: call.source, kind: call.sourceKind })}>{call.source}</a>
          </Clipped>
        )}
        {call.operation === 'token_count' && <span className="badge">token count</span>}
      </td>
      <td>
        <Feature id={call.feature} />
      </td>
      <td>{call.model === null ? <span className="muted">(unknown model)</span> : <Clipped text={call.model} />}</td>
      <td className="num wrap">
        {tokens(call.inputTokens)} / {tokens(call.cachedInputTokens)} / {tokens(call.outputTokens)} /{' '}
        {tokens(call.reasoningTokens)}
      </td>
      <td className={call.costStatus === 'priced' ? 'num wrap' : 'num wrap muted'} data-testid="call-cost">
        <Cost call={call} />
      </td>
      <td className="status">
        {call.status === 'error' ? (
          <span className="error">error{call.errorType !== null && `: ${call.errorType}`}</span>
        ) : (
          call.status
        )}
      </td>
      <td className="num">{formatMs(call.durationMs)}</td>
      <td>
        <Attributes filters={filters} attributes={call.attributes} />
      </td>
      <td data-testid="call-trace">
        {trace !== undefined && (
          <a href={trace} target="_blank" rel="noreferrer" data-testid="jaeger-link">
            trace
          </a>
        )}
      </td>
    </tr>
  );
}

export async function CallsPanel({
  filters,
  jaegerBase,
}: {
  filters: DashboardFilters;
  jaegerBase: string | undefined;
}) {
  const loaded = await loadPanel('calls', async () => (await dashboardData()).calls(filters, CALL_LIMIT));
  if (!loaded.ok) return <PanelError message={loaded.message} />;
  const calls = loaded.data;
  if (calls.length === 0) return <p className="muted">No calls match.</p>;
  return (
    <>
      <div className="table-scroll" data-testid="calls-scroll">
        <table className="data calls-table" data-testid="calls-table">
          <colgroup>
            <col className="col-time" />
            <col className="col-source" />
            <col className="col-feature" />
            <col className="col-model" />
            <col className="col-tokens" />
            <col className="col-cost" />
            <col className="col-status" />
            <col className="col-duration" />
            <col />
            <col className="col-trace" />
          </colgroup>
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Source</th>
              <th scope="col">Feature</th>
              <th scope="col">Model</th>
              <th scope="col" className="num wrap">
                Tokens in / cached / out / reasoning
              </th>
              <th scope="col" className="num">
                Cost
              </th>
              <th scope="col">Status</th>
              <th scope="col" className="num">
                Duration
              </th>
              <th scope="col">Attributes</th>
              <th scope="col">Trace</th>
            </tr>
          </thead>
          <tbody>
            {calls.map((call) => (
              <CallTableRow
                key={`${call.traceId}:${call.spanId}`}
                filters={filters}
                call={call}
                jaegerBase={jaegerBase}
              />
            ))}
          </tbody>
        </table>
      </div>
      <p className="muted small">
        {calls.length === CALL_LIMIT
          ? `The ${CALL_LIMIT} most recent calls.`
          : `${calls.length} ${calls.length === 1 ? 'call' : 'calls'}.`}
        {jaegerBase === undefined && ' Set JAEGER_URL to link each call to its trace.'}{' '}
        <a href={`/dashboard/calls${filtersQuery(filters)}`} data-testid="see-all-calls">
          See all calls
        </a>
      </p>
    </>
  );
}
