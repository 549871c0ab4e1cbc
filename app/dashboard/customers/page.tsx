// Customers: spend per value of a developer attribute (tenant, user_id, plan, … as SPENDTRACE_BREAKDOWN_KEYS
// says), the top values apart and the others summed. The key and the period live in the URL.
import type { Metadata } from 'next';
import '../dashboard.css';
import '../_components/panels.css';
import './customers.css';
import {
  getBreakdownKeys,
  getCustomerBreakdown,
  type CustomerBreakdown,
  type CustomerTotals,
} from '@/lib/dashboard/customer-queries';
import { addDays, filtersQuery, isoDay, parseFilters, type DashboardFilters } from '@/lib/dashboard/filters';
import { formatCount } from '@/lib/dashboard/format';
import { getDatabase } from '@/lib/db/get-database';
import { DashboardNav } from '../_components/dashboard-nav';
import { loadPanel } from '../_components/load-panel';
import { Money } from '../_components/money';
import { PanelError } from '../_components/panel-error';
import { InvalidFilters } from '../_components/invalid-filters';
import { PeriodFields } from '../_components/filter-fields';

// Per request: the totals change with every AI call, and "the last 30 days" with the clock.
export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Customers · Spendtrace' };

/** Values shown apart; the others are summed in one row. */
const TOP = 10;

/** The key shown when the URL names none and no key has data. */
const DEFAULT_KEY = 'tenant';

interface CustomersPageProps {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Only the period applies to the breakdown: the rollup keeps no source, model or other dimension. */
function periodOnly(filters: DashboardFilters): DashboardFilters {
  return { period: filters.period, from: filters.from, to: filters.to };
}

function customersHref(filters: DashboardFilters, changes: Partial<Record<string, string | undefined>> = {}): string {
  return `/dashboard/customers${filtersQuery(filters, changes)}`;
}

/** The breakdown of the key asked for; else of the first key with data, tenant first; else of tenant. */
async function loadBreakdown(
  filters: DashboardFilters,
  keys: string[],
  asked: string | undefined,
): Promise<CustomerBreakdown> {
  const { prisma } = await getDatabase();
  if (asked !== undefined) return getCustomerBreakdown(prisma, filters, asked, TOP);
  const order = [...keys.filter((k) => k === DEFAULT_KEY), ...keys.filter((k) => k !== DEFAULT_KEY)];
  for (const key of order) {
    const breakdown = await getCustomerBreakdown(prisma, filters, key, TOP);
    if (breakdown.total.values > 0) return breakdown;
  }
  return getCustomerBreakdown(prisma, filters, order[0] ?? DEFAULT_KEY, TOP);
}

function Totals({ totals }: { totals: CustomerTotals }) {
  return (
    <>
      <td className="num">
        <Money usd={totals.costUsd} />
      </td>
      <td className="num">{formatCount(totals.calls)}</td>
      <td className="num">{formatCount(totals.requests)}</td>
      <td className="num">{totals.costPerRequestUsd === null ? '—' : <Money usd={totals.costPerRequestUsd} />}</td>
    </>
  );
}

function CustomerTable({ filters, breakdown }: { filters: DashboardFilters; breakdown: CustomerBreakdown }) {
  const callsHref = (value: string) =>
    `/dashboard/calls${filtersQuery(filters, { attr: `${breakdown.key}=${value}` })}`;
  return (
    <div className="table-scroll">
      <table className="data customers-table" data-testid="customers-table">
        <thead>
          <tr>
            <th scope="col">{breakdown.key}</th>
            <th scope="col" className="num">
              Spend
            </th>
            <th scope="col" className="num">
              Calls
            </th>
            <th scope="col" className="num">
              Requests
            </th>
            <th scope="col" className="num">
              Cost/request
            </th>
          </tr>
        </thead>
        <tbody>
          {breakdown.rows.map((row) => (
            <tr key={row.value} data-testid="customer-row">
              <td className="key">
                <a href={callsHref(row.value)} title={`The calls with ${breakdown.key} = ${row.value}`}>
                  {row.value === '' ? '(empty)' : row.value}
                </a>
              </td>
              <Totals totals={row} />
            </tr>
          ))}
          {breakdown.rest !== null && (
            <tr className="rest-row" data-testid="customer-rest">
              <td className="key muted">
                {formatCount(breakdown.rest.values)} other {breakdown.rest.values === 1 ? 'value' : 'values'}
              </td>
              <Totals totals={breakdown.rest} />
            </tr>
          )}
        </tbody>
        <tfoot>
          <tr className="total-row" data-testid="customer-total">
            <th scope="row" className="key">
              All {formatCount(breakdown.total.values)} {breakdown.total.values === 1 ? 'value' : 'values'}
            </th>
            <Totals totals={breakdown.total} />
          </tr>
        </tfoot>
      </table>
    </div>
  );
}

function EmptyCustomers({ filters, keyName }: { filters: DashboardFilters; keyName: string }) {
  return (
    <div className="customers-empty" data-testid="customers-empty">
      <p>
        No calls carried <code>{keyName}</code> from {isoDay(filters.from)} to {isoDay(addDays(filters.to, -1))} (UTC).
      </p>
      <p>Say who a call is for by wrapping the code that makes it; every AI call inside carries the attributes:</p>
      <pre>
        <code>{`import { withAIAttributes } from '@/lib/telemetry/source-context';

await withAIAttributes({ tenant: account.slug, user_id: user.id }, () => draftReply(lead));`}</code>
      </pre>
      <p className="muted">
        The keys broken down here are <code>SPENDTRACE_BREAKDOWN_KEYS</code> (default <code>tenant,user_id,plan</code>,
        at most 10); a key added there gets its history filled in at the next start. Attributes travel in baggage to
        downstream services: never put secrets or personal data in them.
      </p>
    </div>
  );
}

export default async function CustomersPage({ searchParams }: CustomersPageProps) {
  const params = await searchParams;
  const parsed = parseFilters(params, new Date());
  if (!parsed.ok) {
    return (
      <InvalidFilters
        title="Customers"
        className="dashboard customers"
        resetHref="/dashboard/customers"
        errors={parsed.errors}
      />
    );
  }
  const filters = periodOnly(parsed.filters);
  const asked = first(params.key)?.trim() || undefined;
  const keys = await loadPanel('breakdown-keys', async () => getBreakdownKeys((await getDatabase()).prisma));
  const unknownKey = keys.ok && asked !== undefined && !keys.data.includes(asked);
  const breakdown = await loadPanel('customers', async () =>
    loadBreakdown(filters, keys.ok ? keys.data : [], unknownKey ? undefined : asked),
  );
  const current = breakdown.ok ? breakdown.data.key : (asked ?? DEFAULT_KEY);
  return (
    <main className="dashboard customers">
      <header className="dashboard-header">
        <h1>Customers</h1>
        <DashboardNav current="/dashboard/customers" />
        <p className="period" data-testid="period">
          {isoDay(filters.from)} to {isoDay(addDays(filters.to, -1))} <span className="muted">(UTC)</span>
        </p>
      </header>
      <form className="customers-form" method="get" action="/dashboard/customers" data-testid="customers-form">
        <PeriodFields filters={filters} />
        <input type="hidden" name="key" value={current} />
        <button type="submit">Show</button>
      </form>
      <section className="panel" aria-labelledby="customers-heading" data-testid="panel-customers">
        <header className="panel-header">
          <h2 id="customers-heading">Spend by {current}</h2>
          {keys.ok && keys.data.length > 0 && (
            <nav className="key-picker" aria-label="Breakdown key" data-testid="key-picker">
              {keys.data.map((key) =>
                key === current ? (
                  <span key={key} aria-current="true">
                    {key}
                  </span>
                ) : (
                  <a key={key} href={customersHref(filters, { key })}>
                    {key}
                  </a>
                ),
              )}
            </nav>
          )}
        </header>
        {unknownKey && (
          <p className="warn-text" role="alert" data-testid="unknown-key">
            <code>{asked}</code> is not a breakdown key. Add it to <code>SPENDTRACE_BREAKDOWN_KEYS</code> and restart to
            see it here; its history is filled in then.
          </p>
        )}
        {!keys.ok ? (
          <PanelError message={keys.message} />
        ) : !breakdown.ok ? (
          <PanelError message={breakdown.message} />
        ) : breakdown.data.total.values === 0 ? (
          <EmptyCustomers filters={filters} keyName={breakdown.data.key} />
        ) : (
          <>
            <CustomerTable filters={filters} breakdown={breakdown.data} />
            <p className="muted small">
              A call counts on its own UTC day, a request on the day of its first call and under the attributes of that
              call, so cost per request is the spend of the calls carrying the value over the requests that started with
              it.
            </p>
          </>
        )}
      </section>
    </main>
  );
}
