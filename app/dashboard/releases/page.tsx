// Releases: spend and cost per request by service.version, and two releases compared source by source, so a
// release that made a route dearer shows up by name. The period and the two releases live in the URL.
import type { Metadata } from 'next';
import '../dashboard.css';
import '../_components/panels.css';
import './releases.css';
import { addDays, filtersQuery, isoDay, parseFilters, type DashboardFilters } from '@/lib/dashboard/filters';
import { formatCount, formatPercentChange, formatUsd } from '@/lib/dashboard/format';
import {
  compareReleases,
  getReleases,
  type ReleaseComparison,
  type ReleaseRow,
  type ReleaseSourceChange,
} from '@/lib/dashboard/release-queries';
import { getDatabase } from '@/lib/db/get-database';
import { DashboardNav } from '../_components/dashboard-nav';
import { loadPanel } from '../_components/load-panel';
import { Money } from '../_components/money';
import { PanelError } from '../_components/panel-error';
import { InvalidFilters } from '../_components/invalid-filters';
import { PeriodFields } from '../_components/filter-fields';

// Per request: the totals change with every AI call, and "the last 30 days" with the clock.
export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Releases · Spendtrace' };

interface ReleasesPageProps {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Only the period applies: a release is compared on all its requests. */
function periodOnly(filters: DashboardFilters): DashboardFilters {
  return { period: filters.period, from: filters.from, to: filters.to };
}

/** '' is the requests of processes that did not say their release. */
function versionLabel(version: string): string {
  return version === '' ? '(unknown)' : version;
}

function sourceLabel(source: string): string {
  return source === '' ? '(unattributed)' : source;
}

/** "+38%" of the cost per request, with the class that colours it: red when dearer, green when cheaper. */
function Change({ change }: { change: ReleaseSourceChange }) {
  const text = formatPercentChange(change.head.costPerRequestUsd, change.base.costPerRequestUsd);
  const tone =
    change.changePercent === null || change.changePercent === 0 ? '' : change.changePercent > 0 ? 'up' : 'down';
  return (
    <span className={tone === '' ? undefined : `change-${tone}`} data-testid="release-change">
      {text}
    </span>
  );
}

/** The source whose cost per request moved spend the most, as one sentence; undefined when none changed. */
function summary(comparison: ReleaseComparison): string | undefined {
  const biggest = comparison.sources.find((s) => s.changePercent !== null && s.changePercent !== 0);
  if (biggest === undefined) return undefined;
  const change = formatPercentChange(biggest.head.costPerRequestUsd, biggest.base.costPerRequestUsd);
  return `Cost per request of ${sourceLabel(biggest.source)} ${change} since ${versionLabel(comparison.base)}`;
}

function ReleaseTable({ releases }: { releases: ReleaseRow[] }) {
  return (
    <div className="table-scroll">
      <table className="data releases-table" data-testid="releases-table">
        <thead>
          <tr>
            <th scope="col">Release</th>
            <th scope="col" className="num">
              Spend
            </th>
            <th scope="col" className="num">
              Requests
            </th>
            <th scope="col" className="num">
              Calls
            </th>
            <th scope="col" className="num">
              Cost/request
            </th>
            <th scope="col" className="num">
              First seen
            </th>
            <th scope="col" className="num">
              Last seen
            </th>
          </tr>
        </thead>
        <tbody>
          {releases.map((r) => (
            <tr key={r.serviceVersion} data-testid="release-row">
              <td className="key">{versionLabel(r.serviceVersion)}</td>
              <td className="num">
                <Money usd={r.costUsd} />
              </td>
              <td className="num">{formatCount(r.requests)}</td>
              <td className="num">{formatCount(r.calls)}</td>
              <td className="num">
                <Money usd={r.costPerRequestUsd} />
              </td>
              <td className="num">{r.firstDay}</td>
              <td className="num">{r.lastDay}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function PerRequest({ usd }: { usd: string | null }) {
  return usd === null ? <span className="muted">—</span> : <Money usd={usd} />;
}

function ComparisonTable({ comparison }: { comparison: ReleaseComparison }) {
  const base = versionLabel(comparison.base);
  const head = versionLabel(comparison.head);
  return (
    <div className="table-scroll">
      <table className="data comparison-table" data-testid="comparison-table">
        <thead>
          <tr>
            <th scope="col">Source</th>
            <th scope="col" className="num">
              Requests in {base}
            </th>
            <th scope="col" className="num">
              Requests in {head}
            </th>
            <th scope="col" className="num">
              Cost/request in {base}
            </th>
            <th scope="col" className="num">
              Cost/request in {head}
            </th>
            <th scope="col" className="num">
              Change
            </th>
            <th scope="col" className="num" title={`${head} requests × the change in cost per request`}>
              Spend effect
            </th>
          </tr>
        </thead>
        <tbody>
          {comparison.sources.map((s) => (
            <tr key={`${s.sourceKind}:${s.source}`} data-testid="comparison-row">
              <td className="key">{sourceLabel(s.source)}</td>
              <td className="num">{formatCount(s.base.requests)}</td>
              <td className="num">{formatCount(s.head.requests)}</td>
              <td className="num">
                <PerRequest usd={s.base.costPerRequestUsd} />
              </td>
              <td className="num">
                <PerRequest usd={s.head.costPerRequestUsd} />
              </td>
              <td className="num">
                <Change change={s} />
              </td>
              <td className="num">
                {s.spendChangeUsd.startsWith('-') ? '' : '+'}
                {formatUsd(s.spendChangeUsd)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ReleaseSelect({
  name,
  label,
  releases,
  value,
}: {
  name: string;
  label: string;
  releases: ReleaseRow[];
  value: string;
}) {
  return (
    <label>
      {label}{' '}
      <select name={name} defaultValue={value} data-testid={`select-${name}`}>
        {releases.map((r) => (
          <option key={r.serviceVersion} value={r.serviceVersion}>
            {versionLabel(r.serviceVersion)}
          </option>
        ))}
      </select>
    </label>
  );
}

function EmptyReleases({ filters }: { filters: DashboardFilters }) {
  return (
    <div data-testid="releases-empty">
      <p>
        No requests from {isoDay(filters.from)} to {isoDay(addDays(filters.to, -1))} (UTC).
      </p>
      <p className="muted">
        Each call records the release of the process that made it, the resource attribute <code>service.version</code>:
        set <code>SPENDTRACE_SERVICE_VERSION</code> when building (
        <code>SPENDTRACE_SERVICE_VERSION=$(git describe --tags) npm run build</code>) or starting the app; without it
        the build uses package.json&apos;s version.
      </p>
    </div>
  );
}

export default async function ReleasesPage({ searchParams }: ReleasesPageProps) {
  const params = await searchParams;
  const parsed = parseFilters(params, new Date());
  if (!parsed.ok) {
    return (
      <InvalidFilters
        title="Releases"
        className="dashboard releases"
        resetHref="/dashboard/releases"
        errors={parsed.errors}
      />
    );
  }
  const filters = periodOnly(parsed.filters);
  const releases = await loadPanel('releases', async () => getReleases((await getDatabase()).prisma, filters));
  const list = releases.ok ? releases.data : [];
  // The two newest releases unless the URL names them; a parameter present but empty is the unknown release.
  const head = first(params.head) ?? list[0]?.serviceVersion;
  const base = first(params.base) ?? list.find((r) => r.serviceVersion !== head)?.serviceVersion;
  const comparison =
    base === undefined || head === undefined
      ? undefined
      : await loadPanel('release-comparison', async () =>
          compareReleases((await getDatabase()).prisma, filters, base, head),
        );
  const line = comparison?.ok ? summary(comparison.data) : undefined;
  return (
    <main className="dashboard releases">
      <header className="dashboard-header">
        <h1>Releases</h1>
        <DashboardNav current="/dashboard/releases" />
        <p className="period" data-testid="period">
          {isoDay(filters.from)} to {isoDay(addDays(filters.to, -1))} <span className="muted">(UTC)</span>
        </p>
      </header>
      <form className="releases-form" method="get" action="/dashboard/releases" data-testid="period-form">
        <PeriodFields filters={filters} />
        <button type="submit">Show</button>
      </form>
      <section className="panel" aria-labelledby="releases-heading" data-testid="panel-releases">
        <header className="panel-header">
          <h2 id="releases-heading">Spend by release</h2>
        </header>
        {!releases.ok ? (
          <PanelError message={releases.message} />
        ) : list.length === 0 ? (
          <EmptyReleases filters={filters} />
        ) : (
          <ReleaseTable releases={list} />
        )}
      </section>
      {list.length > 0 && (
        <section className="panel" aria-labelledby="comparison-heading" data-testid="panel-release-comparison">
          <header className="panel-header">
            <h2 id="comparison-heading">Compare two releases</h2>
          </header>
          {list.length < 2 ? (
            <p className="muted" data-testid="comparison-needs-two">
              Only {versionLabel(list[0]?.serviceVersion ?? '')} made requests in this period: a comparison needs two
              releases.
            </p>
          ) : (
            <form className="releases-form" method="get" action="/dashboard/releases" data-testid="comparison-form">
              {/* The period the page shows, kept as the releases are compared over it. */}
              {Object.entries(Object.fromEntries(new URLSearchParams(filtersQuery(filters)))).map(([name, value]) => (
                <input key={name} type="hidden" name={name} value={value} />
              ))}
              <ReleaseSelect name="base" label="Base" releases={list} value={base ?? ''} />
              <ReleaseSelect name="head" label="Head" releases={list} value={head ?? ''} />
              <button type="submit">Compare</button>
            </form>
          )}
          {comparison !== undefined &&
            (!comparison.ok ? (
              <PanelError message={comparison.message} />
            ) : comparison.data.sources.length === 0 ? (
              <p className="muted" data-testid="comparison-empty">
                Neither release made requests in this period.
              </p>
            ) : (
              <>
                {line !== undefined && (
                  <p className="comparison-summary" data-testid="comparison-summary">
                    {line}
                  </p>
                )}
                <ComparisonTable comparison={comparison.data} />
                <p className="muted small">
                  Both releases are measured over the period shown. A change is in cost per request; the spend effect is
                  what it costs at {versionLabel(comparison.data.head)}&apos;s requests, and orders the sources.
                </p>
              </>
            ))}
        </section>
      )}
    </main>
  );
}
