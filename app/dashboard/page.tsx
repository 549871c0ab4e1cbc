// The spend dashboard: one page whose filters live in the URL. A drill-down (a source, a feature, a
// model) is this same page with that filter set. Each panel loads and fails on its own.
import type { Metadata } from 'next';
import './dashboard.css';
import './_components/panels.css';
import { redirect } from 'next/navigation';
import { Suspense } from 'react';
import { getConfig } from '@/lib/config/config';
import { addDays, isoDay, parseFilters } from '@/lib/dashboard/filters';
import { STACK_DIMENSIONS, type StackBy } from '@/lib/dashboard/series-queries';
import { Breadcrumb } from './_components/breadcrumb';
import { DashboardNav } from './_components/dashboard-nav';
import { DashboardPanels } from './_components/dashboard-panels';
import { dashboardHref } from './_components/dashboard-href';
import { FilterBar } from './_components/filter-bar';
import { PanelSkeleton } from './_components/panel-skeleton';
import { InvalidFilters } from './_components/invalid-filters';

// Per request: the data changes with every AI call, and "the last 30 days" with the clock.
export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Dashboard · Spendtrace' };

interface DashboardPageProps {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

/** The chart's `stack`: one of source, feature, model; anything else is the default, source. */
function parseStack(value: string | string[] | undefined): StackBy {
  const text = Array.isArray(value) ? value[0] : value;
  return STACK_DIMENSIONS.find((d) => d === text) ?? 'source';
}

export default async function DashboardPage({ searchParams }: DashboardPageProps) {
  const params = await searchParams;
  const parsed = parseFilters(params, new Date());
  if (!parsed.ok) {
    return (
      <InvalidFilters title="Spend dashboard" className="dashboard" resetHref="/dashboard" errors={parsed.errors} />
    );
  }
  const stack = parseStack(params.stack);
  // Links keep a chart stacked other than by source.
  const filters = stack === 'source' ? parsed.filters : { ...parsed.filters, stack };
  // The filter form sends the From and To it shows whatever the period: under 7d, 30d or 90d they are stale,
  // and the address that is shared or bookmarked should not carry them.
  if (filters.period !== 'custom' && (params.from !== undefined || params.to !== undefined)) {
    redirect(dashboardHref(filters));
  }
  return (
    <main className="dashboard">
      <header className="dashboard-header">
        <h1>Spend dashboard</h1>
        <DashboardNav current="/dashboard" />
        <p className="period" data-testid="period">
          {isoDay(filters.from)} to {isoDay(addDays(filters.to, -1))} <span className="muted">(UTC)</span>
        </p>
      </header>
      <FilterBar filters={filters} stack={stack} />
      <Breadcrumb filters={filters} />
      <Suspense fallback={<PanelSkeleton rows={8} />}>
        <DashboardPanels filters={filters} stack={stack} jaegerBase={getConfig().jaegerUrl} />
      </Suspense>
    </main>
  );
}
