// Spend per day of the period.
import type { DashboardFilters } from '@/lib/dashboard/filters';
import { getDailySeries } from '@/lib/dashboard/queries';
import { getDatabase } from '@/lib/db/get-database';
import { DailySpendChart } from './daily-spend-chart';
import { loadPanel } from './load-panel';
import { PanelError } from './panel-error';

export async function DailySpendPanel({ filters }: { filters: DashboardFilters }) {
  const loaded = await loadPanel('daily-spend', async () => getDailySeries((await getDatabase()).prisma, filters));
  if (!loaded.ok) return <PanelError message={loaded.message} />;
  return <DailySpendChart points={loaded.data} />;
}
