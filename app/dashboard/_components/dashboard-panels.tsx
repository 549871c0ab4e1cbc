// The dashboard's panels, or the fresh-install explanation when there is nothing to show yet.
import { filtersQuery, type DashboardFilters } from '@/lib/dashboard/filters';
import type { Dimension } from '@/lib/dashboard/queries';
import { dashboardData } from '@/lib/dashboard/dashboard-data';
import { isHourly, type StackBy } from '@/lib/dashboard/series-queries';
import { BreakdownPanel } from './breakdown-panel';
import { CallsPanel } from './calls-panel';
import { CompletenessPanel } from './completeness-panel';
import { CoveragePanel } from './coverage-panel';
import { DailySpendPanel, StackSelector } from './daily-spend-panel';
import { hasNarrowingFilters } from './dashboard-href';
import { EmptyState } from './empty-state';
import { Panel } from './panel';
import { TotalsPanel } from './totals-panel';

/**
 * Whether the period has any call at all (one row through the started_at index). When this check fails,
 * the panels render and each shows the failure itself.
 */
async function periodHasCalls(filters: DashboardFilters): Promise<boolean> {
  try {
    return (await (await dashboardData()).calls(filters, 1)).length > 0;
  } catch {
    return true;
  }
}

function CsvLink({ filters, dimension }: { filters: DashboardFilters; dimension: Dimension }) {
  return (
    <a
      className="download"
      href={`/api/dashboard/breakdown.csv${filtersQuery(filters, { dimension })}`}
      download
      data-testid={`csv-${dimension}`}
    >
      Download CSV
    </a>
  );
}

export async function DashboardPanels({
  filters,
  stack,
  jaegerBase,
}: {
  filters: DashboardFilters;
  stack: StackBy;
  jaegerBase: string | undefined;
}) {
  if (!hasNarrowingFilters(filters) && !(await periodHasCalls(filters))) return <EmptyState filters={filters} />;
  return (
    <div className="panels">
      <Panel id="totals" title="Totals" skeletonRows={3}>
        <TotalsPanel filters={filters} />
      </Panel>
      <Panel id="completeness" title="Completeness" skeletonRows={3}>
        <CompletenessPanel filters={filters} />
      </Panel>
      <Panel
        id="daily-spend"
        title={isHourly(filters) ? 'Hourly spend' : 'Daily spend'}
        wide
        skeletonRows={5}
        actions={<StackSelector filters={filters} stack={stack} />}
      >
        <DailySpendPanel filters={filters} stack={stack} />
      </Panel>
      <Panel id="by-source" title="By source" wide actions={<CsvLink filters={filters} dimension="source" />}>
        <BreakdownPanel filters={filters} dimension="source" />
      </Panel>
      <Panel id="by-feature" title="By feature" actions={<CsvLink filters={filters} dimension="feature" />}>
        <BreakdownPanel filters={filters} dimension="feature" />
      </Panel>
      <Panel id="by-model" title="By model" actions={<CsvLink filters={filters} dimension="model" />}>
        <BreakdownPanel filters={filters} dimension="model" />
      </Panel>
      <Panel id="coverage" title="Coverage" wide skeletonRows={4}>
        <CoveragePanel filters={filters} />
      </Panel>
      <Panel id="calls" title="Recent calls" wide skeletonRows={8}>
        <CallsPanel filters={filters} jaegerBase={jaegerBase} />
      </Panel>
    </div>
  );
}
