// Spend per day of the period (per hour for two days or less), stacked by the source, feature or model the
// URL's `stack` names.
import type { DashboardFilters } from '@/lib/dashboard/filters';
import { STACK_DIMENSIONS, type StackBy } from '@/lib/dashboard/series-queries';
import { dashboardData } from '@/lib/dashboard/dashboard-data';
import { DailySpendChart } from './daily-spend-chart';
import { dashboardHref } from './dashboard-href';
import { loadPanel } from './load-panel';
import { PanelError } from './panel-error';

const STACK_LABELS: Record<StackBy, string> = { source: 'Source', feature: 'Feature', model: 'Model' };

/** The links that restack the chart: the same page with another `stack`. */
export function StackSelector({ filters, stack }: { filters: DashboardFilters; stack: StackBy }) {
  return (
    <nav className="stack-selector" aria-label="Stack the chart by" data-testid="stack-selector">
      <span className="muted small">By</span>
      {STACK_DIMENSIONS.map((dimension) =>
        dimension === stack ? (
          <span key={dimension} aria-current="true">
            {STACK_LABELS[dimension]}
          </span>
        ) : (
          <a
            key={dimension}
            href={`${dashboardHref(filters, { stack: dimension === 'source' ? undefined : dimension })}#daily-spend`}
          >
            {STACK_LABELS[dimension]}
          </a>
        ),
      )}
    </nav>
  );
}

export async function DailySpendPanel({ filters, stack }: { filters: DashboardFilters; stack: StackBy }) {
  const loaded = await loadPanel('daily-spend', async () => (await dashboardData()).stackedSpend(filters, stack));
  if (!loaded.ok) return <PanelError message={loaded.message} />;
  return <DailySpendChart data={loaded.data} />;
}
