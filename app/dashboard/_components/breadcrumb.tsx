// Where a drill-down stands: All sources › /api/x › feature › model, each step a link back to it.
import { featureName } from '@/lib/ai/prompt-registry';
import type { DashboardFilters } from '@/lib/dashboard/filters';
import { dashboardHref } from './dashboard-href';

export function Breadcrumb({ filters }: { filters: DashboardFilters }) {
  if (filters.source === undefined && filters.feature === undefined && filters.model === undefined) return null;
  const steps: { label: string; href: string }[] = [
    {
      label: 'All sources',
      href: dashboardHref(filters, { source: undefined, kind: undefined, feature: undefined, model: undefined }),
    },
  ];
  if (filters.source !== undefined) {
    steps.push({ label: filters.source, href: dashboardHref(filters, { feature: undefined, model: undefined }) });
  }
  if (filters.feature !== undefined) {
    steps.push({ label: featureName(filters.feature), href: dashboardHref(filters, { model: undefined }) });
  }
  if (filters.model !== undefined) steps.push({ label: filters.model, href: dashboardHref(filters) });
  return (
    <nav aria-label="Drill-down" className="breadcrumb" data-testid="breadcrumb">
      <ol>
        {steps.map((step, i) => (
          <li key={step.href}>
            {i === steps.length - 1 ? (
              <span aria-current="page">{step.label}</span>
            ) : (
              <a href={step.href}>{step.label}</a>
            )}
          </li>
        ))}
      </ol>
    </nav>
  );
}
