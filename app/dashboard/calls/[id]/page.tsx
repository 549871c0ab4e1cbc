// One call: every column, its price and the cost by token class, its attributes and error, its trace in
// Jaeger, and the other calls of the same request. Also reachable as /dashboard/calls/<trace id>-<span id>.
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound, redirect } from 'next/navigation';
import type { ReactNode } from 'react';
import '../../dashboard.css';
import '../../_components/panels.css';
import '../calls.css';
import { getConfig } from '@/lib/config/config';
import { findCallId, getCallDetail, SAME_REQUEST_LIMIT } from '@/lib/dashboard/call-log';
import { jaegerTraceUrl } from '@/lib/dashboard/format';
import { getDatabase } from '@/lib/db/get-database';
import { DashboardNav } from '../../_components/dashboard-nav';
import { loadPanel } from '../../_components/load-panel';
import { PanelError } from '../../_components/panel-error';
import { CallFields } from '../_components/call-fields';
import { CallLogTable } from '../_components/call-log-table';
import { CostSplitTable } from '../_components/cost-split-table';

// Per request: a request gains calls as they finish.
export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Call · Spendtrace' };

/** `<trace id>-<span id>`: how a link that knows only the span names a call. */
const SPAN_KEY = /^([0-9a-f]{32})-([0-9a-f]{16})$/;

interface CallPageProps {
  params: Promise<{ id: string }>;
}

function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section className="panel" aria-labelledby={`${id}-heading`} data-testid={`panel-${id}`}>
      <header className="panel-header">
        <h2 id={`${id}-heading`}>{title}</h2>
      </header>
      {children}
    </section>
  );
}

export default async function CallPage({ params }: CallPageProps) {
  const { id } = await params;
  const spanKey = SPAN_KEY.exec(id);
  const loaded = await loadPanel('call', async () => {
    const db = (await getDatabase()).prisma;
    if (spanKey === null) return { call: await getCallDetail(db, id) };
    return { rowId: await findCallId(db, spanKey[1] ?? '', spanKey[2] ?? '') };
  });
  if (loaded.ok && 'rowId' in loaded.data) {
    if (loaded.data.rowId === undefined) notFound();
    redirect(`/dashboard/calls/${loaded.data.rowId}`);
  }
  const header = (
    <header className="dashboard-header">
      <h1>Call</h1>
      <DashboardNav current="/dashboard/calls" />
    </header>
  );
  if (!loaded.ok) {
    return (
      <main className="dashboard calls">
        {header}
        <PanelError message={loaded.message} />
      </main>
    );
  }
  const call = 'call' in loaded.data ? loaded.data.call : undefined;
  if (call === undefined) notFound();
  const trace = jaegerTraceUrl(getConfig().jaegerUrl, call.traceId);
  const attributes = Object.entries(call.attributes).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return (
    <main className="dashboard calls">
      {header}
      <p>
        <Link href="/dashboard/calls">« Call log</Link> ·{' '}
        <a href={`/dashboard/calls?trace=${call.traceId}`} data-testid="trace-calls-link">
          every call of this trace
        </a>
        {trace !== undefined && (
          <>
            {' · '}
            <a href={trace} target="_blank" rel="noreferrer" data-testid="jaeger-link">
              the trace in Jaeger
            </a>
          </>
        )}
      </p>
      <Section id="call-fields" title="The call">
        <CallFields call={call} />
        {trace === undefined && <p className="muted small">Set JAEGER_URL to link the call to its trace.</p>}
      </Section>
      {call.status === 'error' && (
        <Section id="call-error" title="Error">
          <p className="call-error" data-testid="call-error">
            {call.errorType ?? 'The call failed; no error type was recorded.'}
          </p>
        </Section>
      )}
      <Section id="cost-split" title="Cost by token class">
        <p className="small" data-testid="price-ref">
          Price: {call.priceRef ?? <span className="muted">none</span>}
        </p>
        <CostSplitTable split={call.costSplit} />
      </Section>
      <Section id="attributes" title="Attributes">
        {attributes.length === 0 ? (
          <p className="muted">No developer attributes.</p>
        ) : (
          <ul className="chips" data-testid="call-attributes">
            {attributes.map(([key, value]) => (
              <li key={key} className="chip" data-testid="attr-chip">
                {key}={typeof value === 'string' ? value : JSON.stringify(value)}
              </li>
            ))}
          </ul>
        )}
      </Section>
      <Section id="same-request" title="The other calls of this request">
        <p className="small">
          <a href={`/dashboard/requests/${call.traceId}`} data-testid="request-page-link">
            The request as a whole
          </a>
          : its cost, whether complete, and its calls as a waterfall.
        </p>
        {call.sameRequest.length === 0 ? (
          <p className="muted" data-testid="same-request-none">
            No other calls in this trace.
          </p>
        ) : (
          <>
            <CallLogTable calls={call.sameRequest} testId="same-request" />
            {call.sameRequest.length === SAME_REQUEST_LIMIT && (
              <p className="muted small">The oldest {SAME_REQUEST_LIMIT}; the call log lists them all.</p>
            )}
          </>
        )}
      </Section>
    </main>
  );
}
