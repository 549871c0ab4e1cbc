// Spend per day of the period.
import type { DashboardFilters } from '@/lib/dashboard/filters';
import { dashboardData } from '@/lib/dashboard/dashboard-data';
import { DailySpendChart } from './daily-spend-chart';
import { loadPanel } from './load-panel';
import { PanelError } from './panel-error';

export async function DailySpendPanel({ filters }: { filters: DashboardFilters }) {
  const loaded = await loadPanel('daily-spend', async () => (await dashboardData()).dailySeries(filters));
  if (!loaded.ok) return <PanelError message={loaded.message} />;
  return <DailySpendChart points={loaded.data} />;
}
