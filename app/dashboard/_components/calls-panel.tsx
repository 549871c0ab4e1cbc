// The most recent calls matching the filters, each with its cost (or why it has none), its developer
// attributes as filter links, and its trace in Jaeger when a Jaeger URL is configured.
import { featureName, isFeatureId } from '@/lib/ai/prompt-registry';
import type { DashboardFilters } from '@/lib/dashboard/filters';
import { formatCount, formatMs, formatUsd, formatUtcDateTime, jaegerTraceUrl } from '@/lib/dashboard/format';
import type { CallRow } from '@/lib/dashboard/queries';
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

function cost(call: CallRow): string {
  if (call.costUsd !== null) {
    const mark = INEXACT_MARK[call.costStatus];
    return mark === undefined ? formatUsd(call.costUsd) : `${formatUsd(call.costUsd)} (${mark})`;
  }
  return COST_STATUS_TEXT[call.costStatus] ?? call.costStatus;
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
  return <span title={id}>{featureName(id)}</span>;
}

function CallTableRow({
  filters,
  call,
  jaegerBase,
}: {
  filters: DashboardFilters;
  call: CallRow;
  jaegerBase: string | undefined;
}) {
  const trace = jaegerTraceUrl(jaegerBase, call.traceId);
  return (
    <tr data-testid="call-row">
      <td className="nowrap">{formatUtcDateTime(call.startedAt)}</td>
      <td className="key">
        {call.source === null ? (
          <span className="muted">(unattributed)</span>
        ) : (
          <a href={dashboardHref(filters, { source: call.source, kind: call.sourceKind })}>{call.source}</a>
        )}
        {call.operation === 'token_count' && <span className="badge">token count</span>}
      </td>
      <td>
        <Feature id={call.featureId} />
      </td>
      <td className="nowrap">{call.model ?? <span className="muted">(unknown model)</span>}</td>
      <td className="num">
        {tokens(call.inputTokens)} / {tokens(call.cachedInputTokens)} / {tokens(call.outputTokens)} /{' '}
        {tokens(call.reasoningTokens)}
      </td>
      <td className={call.costStatus === 'priced' ? 'num' : 'num muted'} data-testid="call-cost">
        {cost(call)}
      </td>
      <td>
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
      <td>
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
      <div className="table-scroll">
        <table className="data">
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
              <th scope="col">Attributes</th>
              <th scope="col">
                <span className="visually-hidden">Trace</span>
              </th>
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
        {jaegerBase === undefined && ' Set JAEGER_URL to link each call to its trace.'}
      </p>
    </>
  );
}
