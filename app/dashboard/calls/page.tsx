// The call log: every call matching the filters, newest first, a page at a time, each linking to its own page.
// The filters and the page live in the URL, so every view can be shared.
import type { Metadata } from 'next';
import Link from 'next/link';
import '../dashboard.css';
import '../_components/panels.css';
import './calls.css';
import { getCallPage } from '@/lib/dashboard/call-log';
import { callLogQueryString, parseCallLogQuery } from '@/lib/dashboard/call-log-filters';
import { addDays, isoDay } from '@/lib/dashboard/filters';
import { formatCount } from '@/lib/dashboard/format';
import { getDatabase } from '@/lib/db/get-database';
import { DashboardNav } from '../_components/dashboard-nav';
import { loadPanel } from '../_components/load-panel';
import { PanelError } from '../_components/panel-error';
import { CallLogFilterForm } from './_components/call-log-filter-form';
import { CallLogPager, parseBack } from './_components/call-log-pager';
import { CallLogTable } from './_components/call-log-table';

// Per request: the calls change with every AI call, and "the last 30 days" with the clock.
export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Calls · Spendtrace' };

interface CallLogPageProps {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

export default async function CallLogPage({ searchParams }: CallLogPageProps) {
  const params = await searchParams;
  const parsed = parseCallLogQuery(params, new Date());
  if (!parsed.ok) {
    return (
      <main className="dashboard calls">
        <h1>Call log</h1>
        <div className="invalid-filters" role="alert" data-testid="invalid-filters">
          <p>This search cannot be used:</p>
          <ul>
            {parsed.issues.map((issue) => (
              <li key={`${issue.parameter}:${issue.message}`}>
                {issue.parameter}: {issue.message}
              </li>
            ))}
          </ul>
          <p>
            Fix it in the address bar, or <Link href="/dashboard/calls">start again</Link> from the newest calls of the
            last 30 days.
          </p>
        </div>
      </main>
    );
  }
  const { filters, cursor, limit } = parsed.query;
  const loaded = await loadPanel('calls', async () =>
    getCallPage((await getDatabase()).prisma, filters, cursor, limit),
  );
  const cursorText = typeof params.cursor === 'string' && cursor !== undefined ? params.cursor : undefined;
  const dashboardLink = `/dashboard${callLogQueryString(filters, { trace: undefined, error: undefined, minCost: undefined, maxCost: undefined })}`;
  return (
    <main className="dashboard calls">
      <header className="dashboard-header">
        <h1>Call log</h1>
        <DashboardNav current="/dashboard/calls" />
        <p className="period" data-testid="period">
          {isoDay(filters.from)} to {isoDay(addDays(filters.to, -1))} <span className="muted">(UTC)</span>
        </p>
      </header>
      <CallLogFilterForm filters={filters} limit={limit} />
      <section className="panel" aria-labelledby="calls-heading" data-testid="panel-call-log">
        <header className="panel-header">
          <h2 id="calls-heading">{cursor === undefined ? 'Newest calls' : 'Older calls'}</h2>
          <a href={dashboardLink} className="small">
            Spend for these filters
          </a>
        </header>
        {!loaded.ok ? (
          <PanelError message={loaded.message} />
        ) : loaded.data.items.length === 0 ? (
          <p className="muted" data-testid="call-log-empty">
            No calls match{cursor === undefined ? '.' : ' beyond this point.'}
          </p>
        ) : (
          <>
            <CallLogTable calls={loaded.data.items} filters={filters} testId="call-log" />
            <p className="muted small" data-testid="call-log-count">
              {formatCount(loaded.data.items.length)} {loaded.data.items.length === 1 ? 'call' : 'calls'} on this page.
              {loaded.data.nextCursor === null && ' No older calls match.'}
            </p>
          </>
        )}
        {loaded.ok && (
          <CallLogPager
            filters={filters}
            limit={limit}
            cursor={cursorText}
            nextCursor={loaded.data.nextCursor}
            back={parseBack(params.back)}
          />
        )}
      </section>
    </main>
  );
}
