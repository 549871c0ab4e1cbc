// Where a drill-down stands: All sources › /api/x › feature › model, each step a link back to it.
import { featureName } from '@/lib/ai/prompt-registry';
import type { DashboardFilters } from '@/lib/dashboard/filters';
import { dashboardHref } from './dashboard-href';

export function Breadcrumb({ filters: f }: { filters: DashboardFilters }) {
  if (f.source === undefined && f.feature === undefined && f.model === undefined) return null;
  const steps: { label: string; href: string }[] = [
    {
      label: 'All sources',
      href: dashboardHref(f, { source: undefined, kind: undefined, feature: undefined, model: undefined }),
    },
  ];
  if (f.source !== undefined) {
    steps.push({ label: f.source, href: dashboardHref(f, { feature: undefined, model: undefined }) });
  }
  if (f.feature !== undefined) {
    steps.push({ label: featureName(f.feature), href: dashboardHref(f, { model: undefined }) });
  }
  if (f.model !== undefined) steps.push({ label: f.model, href: dashboardHref(f) });
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
