// A request's calls as a waterfall: one bar per call, placed by when it started after the request did and as
// wide as it lasted, each labelled with its model and cost and linking to the call's page. Plain HTML and CSS.
import { formatMs } from '@/lib/dashboard/format';
import type { RequestCall } from '@/lib/dashboard/request-queries';
import { CallCost } from '../../calls/_components/call-cost';

/** A share of the request's duration as a CSS percentage, within the track. */
function percent(ms: number, totalMs: number): number {
  return Math.min(100, Math.max(0, (ms / totalMs) * 100));
}

/** Cost statuses whose figure is exact (or, for a token count, nothing to bill). */
const EXACT = new Set(['priced', 'not_billable']);

function Bar({ call, totalMs }: { call: RequestCall; totalMs: number }) {
  const left = percent(call.offsetMs, totalMs);
  const width = Math.min(percent(call.durationMs, totalMs), 100 - left);
  const kind = call.status === 'error' ? ' failed' : EXACT.has(call.costStatus) ? '' : ' inexact';
  return (
    <div
      className={`waterfall-bar${kind}`}
      style={{ left: `${left}%`, width: `${width}%` }}
      title={`+${formatMs(call.offsetMs)}, ${formatMs(call.durationMs)}`}
      data-testid="waterfall-bar"
    />
  );
}

export function RequestWaterfall({ calls, durationMs }: { calls: RequestCall[]; durationMs: number }) {
  // A request of calls that took no time still draws its bars, at the start.
  const totalMs = Math.max(durationMs, 1);
  return (
    <ol className="waterfall" data-testid="waterfall">
      {calls.map((call) => (
        <li key={call.id} className="waterfall-row" data-testid="waterfall-row" data-call-id={call.id}>
          <div className="waterfall-label">
            <a href={`/dashboard/calls/${call.id}`} data-testid="waterfall-link">
              {call.model ?? '(unknown model)'}
            </a>{' '}
            · <CallCost costUsd={call.costUsd} costStatus={call.costStatus} />
            {call.status === 'error' && <span className="error"> · failed</span>}
            <span className="muted small">
              {' '}
              · +{formatMs(call.offsetMs)} · {formatMs(call.durationMs)}
            </span>
          </div>
          <div className="waterfall-track">
            <Bar call={call} totalMs={totalMs} />
          </div>
        </li>
      ))}
      <li className="waterfall-axis" aria-hidden="true">
        <span />
        <div>
          <span>0</span>
          <span>{formatMs(durationMs)}</span>
        </div>
      </li>
    </ol>
  );
}
