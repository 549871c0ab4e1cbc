// Links within the dashboard: the same page with some filters changed, so every view is a shareable URL.
import { filtersQuery, type DashboardFilters } from '@/lib/dashboard/filters';

export function dashboardHref(filters: DashboardFilters, changes: Partial<Record<string, string | undefined>> = {}) {
  return `/dashboard${filtersQuery(filters, changes)}`;
}

/** Whether anything narrows the calls beyond the period. */
export function hasNarrowingFilters(filters: DashboardFilters): boolean {
  return (
    filters.sourceKind !== undefined ||
    filters.source !== undefined ||
    filters.feature !== undefined ||
    filters.model !== undefined ||
    filters.status !== undefined ||
    filters.cost !== undefined ||
    filters.attr !== undefined
  );
}
