// Links within the requests page: the same page with some filters changed, so every view is a shareable URL.
import { filtersQuery, type DashboardFilters } from '@/lib/dashboard/filters';

export function requestsHref(filters: DashboardFilters, changes: Partial<Record<string, string | undefined>> = {}) {
  return `/dashboard/requests${filtersQuery(filters, changes)}`;
}
