// The dashboard's filters as a plain GET form, so every view lives in its URL: the period, the source kind
// and status, and the drill-down filters (source, feature, model, attribute) as removable chips.
import { featureName } from '@/lib/ai/prompt-registry';
import { SOURCE_KINDS, type DashboardFilters } from '@/lib/dashboard/filters';
import type { StackBy } from '@/lib/dashboard/series-queries';
import { dashboardHref } from './dashboard-href';
import { AnySelect, PeriodFields } from './filter-fields';

const STATUSES = ['ok', 'error'] as const;

interface Chip {
  param: string;
  label: string;
  value: string;
  note?: string;
}

function chipsOf(filters: DashboardFilters): Chip[] {
  const chips: Chip[] = [];
  if (filters.source !== undefined) chips.push({ param: 'source', label: 'source', value: filters.source });
  if (filters.feature !== undefined) {
    const name = featureName(filters.feature);
    chips.push({
      param: 'feature',
      label: 'feature',
      value: name === filters.feature ? name : `${name} (${filters.feature})`,
    });
  }
  if (filters.model !== undefined) chips.push({ param: 'model', label: 'model', value: filters.model });
  if (filters.status !== undefined) chips.push({ param: 'status', label: 'status', value: filters.status });
  if (filters.cost !== undefined) chips.push({ param: 'cost', label: 'cost', value: filters.cost });
  // Attributes are not in the daily rollup: this filter narrows the call list only.
  if (filters.attr !== undefined) {
    const value = `${filters.attr.key}=${filters.attr.value}`;
    chips.push({ param: 'attr', label: 'attribute', value, note: 'call list only' });
  }
  return chips;
}

export function FilterBar({ filters, stack }: { filters: DashboardFilters; stack: StackBy }) {
  const chips = chipsOf(filters);
  return (
    <div className="filter-bar">
      <form className="filter-form" method="get" action="/dashboard" data-testid="filter-form">
        <PeriodFields filters={filters} />
        <AnySelect label="Source kind" name="kind" value={filters.sourceKind} options={SOURCE_KINDS} />
        <AnySelect label="Status" name="status" value={filters.status} options={STATUSES} />
        {filters.source !== undefined && <input type="hidden" name="source" value={filters.source} />}
        {filters.feature !== undefined && <input type="hidden" name="feature" value={filters.feature} />}
        {filters.model !== undefined && <input type="hidden" name="model" value={filters.model} />}
        {filters.attr !== undefined && (
          <input type="hidden" name="attr" value={`${filters.attr.key}=${filters.attr.value}`} />
        )}
        {stack !== 'source' && <input type="hidden" name="stack" value={stack} />}
        <button type="submit" data-testid="filter-apply">
          Apply
        </button>
        <a href="/dashboard" data-testid="reset-filters">
          Reset
        </a>
      </form>
      <p className="muted small">From and To (YYYY-MM-DD) apply when the period is Custom. Days are UTC.</p>
      {chips.length > 0 && (
        <ul className="chips" aria-label="Active filters">
          {chips.map((chip) => (
            <li key={chip.param} className="chip chip-filter" data-testid={`chip-${chip.param}`}>
              <span>
                {chip.label}: {chip.value}
                {chip.note !== undefined && <span className="muted"> ({chip.note})</span>}
              </span>
              <a
                href={dashboardHref(filters, { [chip.param]: undefined })}
                aria-label={`Remove the ${chip.label} filter`}
                title="Remove this filter"
              >
                ×
              </a>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
