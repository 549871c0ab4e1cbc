// The requests page's filters as a plain GET form: the period and the source kind, and the source as a chip.
// Only what describes a whole request is offered; a model or feature describes one call.
import Link from 'next/link';
import { SOURCE_KINDS, type DashboardFilters } from '@/lib/dashboard/filters';
import { requestsHref } from './requests-href';
import { AnySelect, PeriodFields } from '../../_components/filter-fields';

export function RequestsFilterForm({ filters }: { filters: DashboardFilters }) {
  return (
    <div className="filter-bar">
      <form className="filter-form" method="get" action="/dashboard/requests" data-testid="requests-filter-form">
        <PeriodFields filters={filters} />
        <AnySelect label="Source kind" name="kind" value={filters.sourceKind} options={SOURCE_KINDS} />
        {filters.source !== undefined && <input type="hidden" name="source" value={filters.source} />}
        <button type="submit">Apply</button>
        <Link href="/dashboard/requests">Reset</Link>
      </form>
      <p className="muted small">
        From and To (YYYY-MM-DD) apply when the period is Custom. Days are UTC; a request belongs to the day its first
        call started.
      </p>
      {filters.source !== undefined && (
        <ul className="chips" aria-label="Active filters">
          <li className="chip chip-filter" data-testid="chip-source">
            <span>source: {filters.source}</span>
            <a
              href={requestsHref(filters, { source: undefined })}
              aria-label="Remove the source filter"
              title="Remove this filter"
            >
              ×
            </a>
          </li>
        </ul>
      )}
    </div>
  );
}
