// The requests page's filters as a plain GET form: the period and the source kind, and the source as a chip.
// Only what describes a whole request is offered; a model or feature describes one call.
import Link from 'next/link';
import { addDays, isoDay, SOURCE_KINDS, type DashboardFilters } from '@/lib/dashboard/filters';
import { requestsHref } from './requests-href';

const PERIOD_OPTIONS = [
  { value: '7d', label: 'Last 7 days' },
  { value: '30d', label: 'Last 30 days' },
  { value: '90d', label: 'Last 90 days' },
  { value: 'custom', label: 'Custom (from – to)' },
];

/** A day typed as ISO 8601, whatever the browser's locale. */
function IsoDayInput({ name, label, value }: { name: string; label: string; value: string }) {
  return (
    <label>
      {label}
      <input
        type="text"
        name={name}
        defaultValue={value}
        pattern="\d{4}-\d{2}-\d{2}"
        placeholder="YYYY-MM-DD"
        title="A UTC day as YYYY-MM-DD"
        inputMode="numeric"
        size={10}
        maxLength={10}
        autoComplete="off"
      />
    </label>
  );
}

export function RequestsFilterForm({ filters }: { filters: DashboardFilters }) {
  return (
    <div className="filter-bar">
      <form className="filter-form" method="get" action="/dashboard/requests" data-testid="requests-filter-form">
        <label>
          Period
          <select name="period" defaultValue={filters.period}>
            {PERIOD_OPTIONS.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </label>
        <IsoDayInput name="from" label="From" value={isoDay(filters.from)} />
        <IsoDayInput name="to" label="To" value={isoDay(addDays(filters.to, -1))} />
        <label>
          Source kind
          <select name="kind" defaultValue={filters.sourceKind ?? ''}>
            <option value="">Any</option>
            {SOURCE_KINDS.map((kind) => (
              <option key={kind} value={kind}>
                {kind}
              </option>
            ))}
          </select>
        </label>
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
