// Links within the dashboard: the same page with some filters changed, so every view is a shareable URL.
import { filtersQuery, type DashboardFilters } from '@/lib/dashboard/filters';

export function dashboardHref(filters: DashboardFilters, changes: Partial<Record<string, string | undefined>> = {}) {
  return `/dashboard${filtersQuery(filters, changes)}`;
}

/** Whether anything narrows the calls beyond the period. */
export function hasNarrowingFilters(f: DashboardFilters): boolean {
  return (
    f.sourceKind !== undefined ||
    f.source !== undefined ||
    f.feature !== undefined ||
    f.model !== undefined ||
    f.status !== undefined ||
    f.attr !== undefined
  );
}
