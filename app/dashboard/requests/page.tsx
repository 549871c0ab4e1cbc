// Requests: the calls of one trace as one line. Cost per request by source and the period's most expensive
// requests, both read from what the triggers keep per request (ai_request_daily, ai_request), never by
// grouping calls. The filters live in the URL, so every view can be shared.
import type { Metadata } from 'next';
import '../dashboard.css';
import '../_components/panels.css';
import './requests.css';
import { addDays, isoDay, parseFilters, type DashboardFilters } from '@/lib/dashboard/filters';
import { getMostExpensiveRequests, getRequestCostBySource } from '@/lib/dashboard/request-queries';
import { getDatabase } from '@/lib/db/get-database';
import { DashboardNav } from '../_components/dashboard-nav';
import { loadPanel } from '../_components/load-panel';
import { PanelError } from '../_components/panel-error';
import { ExpensiveRequestsTable } from './_components/expensive-requests-table';
import { RequestCostTable } from './_components/request-cost-table';
import { RequestsFilterForm } from './_components/requests-filter-form';
import { requestsHref } from './_components/requests-href';
import { InvalidFilters } from '../_components/invalid-filters';

// Per request: requests change with every AI call, and "the last 30 days" with the clock.
export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Requests · Spendtrace' };

/** Rows in the most expensive requests. */
const EXPENSIVE_LIMIT = 20;

interface RequestsPageProps {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

/** The filters that describe a request: a model, feature, status, cost status or attribute describes a call. */
function requestFilters(filters: DashboardFilters): DashboardFilters {
  return {
    period: filters.period,
    from: filters.from,
    to: filters.to,
    ...(filters.sourceKind !== undefined && { sourceKind: filters.sourceKind }),
    ...(filters.source !== undefined && { source: filters.source }),
  };
}

export default async function RequestsPage({ searchParams }: RequestsPageProps) {
  const parsed = parseFilters(await searchParams, new Date());
  if (!parsed.ok) {
    return (
      <InvalidFilters
        title="Requests"
        className="dashboard requests"
        resetHref="/dashboard/requests"
        errors={parsed.errors}
      />
    );
  }
  const filters = requestFilters(parsed.filters);
  const { feature, model, status, cost, attr } = parsed.filters;
  const ignored = [feature, model, status, cost, attr].some((filter) => filter !== undefined);
  const db = async () => (await getDatabase()).prisma;
  const [bySource, expensive] = await Promise.all([
    loadPanel('request-cost', async () => getRequestCostBySource(await db(), filters)),
    loadPanel('expensive-requests', async () => getMostExpensiveRequests(await db(), filters, EXPENSIVE_LIMIT)),
  ]);
  const none = bySource.ok && bySource.data.length === 0;
  return (
    <main className="dashboard requests">
      <header className="dashboard-header">
        <h1>Requests</h1>
        <DashboardNav current="/dashboard/requests" />
        <p className="period" data-testid="period">
          {isoDay(filters.from)} to {isoDay(addDays(filters.to, -1))} <span className="muted">(UTC)</span>
        </p>
      </header>
      <RequestsFilterForm filters={filters} />
      {ignored && (
        <p className="muted small" data-testid="ignored-filters">
          The model, feature, status, cost and attribute filters describe single calls, so they do not apply here.
        </p>
      )}
      <section className="panel" aria-labelledby="request-cost-heading" data-testid="panel-request-cost">
        <header className="panel-header">
          <h2 id="request-cost-heading">Cost per request by source</h2>
        </header>
        {!bySource.ok ? (
          <PanelError message={bySource.message} />
        ) : none ? (
          <div data-testid="requests-empty">
            <p>
              No requests from {isoDay(filters.from)} to {isoDay(addDays(filters.to, -1))} (UTC)
              {filters.source !== undefined || filters.sourceKind !== undefined ? ' match these filters.' : '.'}
            </p>
            <p className="muted">
              A request is every AI call made while serving one trace: one route, server action or job run. It shows
              here as soon as its first call is recorded.
              {filters.period !== '90d' && (
                <>
                  {' '}
                  <a href={requestsHref(filters, { period: '90d', from: undefined, to: undefined })}>
                    Look at the last 90 days
                  </a>
                  .
                </>
              )}
            </p>
          </div>
        ) : (
          <>
            <RequestCostTable filters={filters} rows={bySource.data} />
            <p className="muted small">
              p50 and p95 are at most the amount shown: the top of the cost bucket (about 19% wide) holding them. A
              request is incomplete when a call&apos;s cost is not exact: a bound, an estimate, an unpriced model or no
              usage reported.
            </p>
          </>
        )}
      </section>
      <section className="panel" aria-labelledby="expensive-requests-heading" data-testid="panel-expensive-requests">
        <header className="panel-header">
          <h2 id="expensive-requests-heading">Most expensive requests</h2>
        </header>
        {!expensive.ok ? (
          <PanelError message={expensive.message} />
        ) : expensive.data.length === 0 ? (
          <p className="muted" data-testid="expensive-requests-empty">
            No requests started in this period.
          </p>
        ) : (
          <ExpensiveRequestsTable requests={expensive.data} />
        )}
      </section>
    </main>
  );
}
