// One request: its calls as one line (source, start, duration, calls, cost, release, whether the cost is
// complete and why not), the calls as a waterfall, and its trace in Jaeger.
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import '../../dashboard.css';
import '../../_components/panels.css';
import '../requests.css';
import { getConfig } from '@/lib/config/config';
import { formatCount, jaegerTraceUrl } from '@/lib/dashboard/format';
import { getRequest } from '@/lib/dashboard/request-queries';
import { getDatabase } from '@/lib/db/get-database';
import { DashboardNav } from '../../_components/dashboard-nav';
import { loadPanel } from '../../_components/load-panel';
import { PanelError } from '../../_components/panel-error';
import { RequestIssues } from '../_components/request-issues';
import { RequestLine } from '../_components/request-line';
import { RequestWaterfall } from '../_components/request-waterfall';

// Per request: a request gains calls as they finish.
export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Request · Spendtrace' };

interface RequestPageProps {
  params: Promise<{ traceId: string }>;
}

export default async function RequestPage({ params }: RequestPageProps) {
  const { traceId } = await params;
  const loaded = await loadPanel('request', async () => getRequest((await getDatabase()).prisma, traceId));
  const header = (
    <header className="dashboard-header">
      <h1>Request</h1>
      <DashboardNav current="/dashboard/requests" />
    </header>
  );
  if (!loaded.ok) {
    return (
      <main className="dashboard requests">
        {header}
        <PanelError message={loaded.message} />
      </main>
    );
  }
  // A malformed trace id reads as undefined too: both are a 404.
  if (loaded.data === undefined) notFound();
  const { request, calls } = loaded.data;
  const trace = jaegerTraceUrl(getConfig().jaegerUrl, request.traceId);
  return (
    <main className="dashboard requests">
      {header}
      <p>
        <Link href="/dashboard/requests">« Requests</Link> ·{' '}
        <a href={`/dashboard/calls?trace=${request.traceId}`} data-testid="trace-calls-link">
          its calls in the call log
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
      <section className="panel" aria-labelledby="request-heading" data-testid="panel-request">
        <header className="panel-header">
          <h2 id="request-heading">
            Trace <code data-testid="request-trace-id">{request.traceId}</code>
          </h2>
        </header>
        <RequestLine request={request} />
        {trace === undefined && <p className="muted small">Set JAEGER_URL to link the request to its trace.</p>}
      </section>
      <section className="panel" aria-labelledby="request-cost-heading" data-testid="panel-request-cost">
        <header className="panel-header">
          <h2 id="request-cost-heading">Is the cost complete?</h2>
        </header>
        <RequestIssues calls={calls} complete={request.complete} inexactCalls={request.inexactCalls} />
      </section>
      <section className="panel" aria-labelledby="waterfall-heading" data-testid="panel-waterfall">
        <header className="panel-header">
          <h2 id="waterfall-heading">Calls</h2>
        </header>
        <RequestWaterfall calls={calls} durationMs={request.durationMs} />
        {calls.length < request.calls && (
          <p className="muted small" data-testid="waterfall-cut">
            The first {formatCount(calls.length)} of {formatCount(request.calls)} calls;{' '}
            <a href={`/dashboard/calls?trace=${request.traceId}`}>the call log</a> lists them all.
          </p>
        )}
      </section>
    </main>
  );
}
