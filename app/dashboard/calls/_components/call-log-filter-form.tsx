// The call log's filters as a plain GET form, so every view lives in its URL: the dashboard's period, kind,
// status and cost status, the log's own trace id, error type and cost range, and the page size. The drill-down
// filters (source, feature, model, attribute) and the log's own are chips, each with a link that removes it.
import Link from 'next/link';
import { featureName } from '@/lib/ai/prompt-registry';
import { callLogQueryString, DEFAULT_CALL_LOG_LIMIT, type CallLogFilters } from '@/lib/dashboard/call-log-filters';
import { COST_STATUSES, SOURCE_KINDS } from '@/lib/dashboard/filters';
import { AnySelect, PeriodFields } from '../../_components/filter-fields';

const STATUSES = ['ok', 'error'] as const;

interface Chip {
  param: string;
  label: string;
  value: string;
}

function chipsOf(filters: CallLogFilters): Chip[] {
  const chips: Chip[] = [];
  if (filters.source !== undefined) chips.push({ param: 'source', label: 'source', value: filters.source });
  if (filters.feature !== undefined) {
    const name = featureName(filters.feature);
    const value = name === filters.feature ? name : `${name} (${filters.feature})`;
    chips.push({ param: 'feature', label: 'feature', value });
  }
  if (filters.model !== undefined) chips.push({ param: 'model', label: 'model', value: filters.model });
  if (filters.attr !== undefined) {
    chips.push({ param: 'attr', label: 'attribute', value: `${filters.attr.key}=${filters.attr.value}` });
  }
  if (filters.traceId !== undefined) chips.push({ param: 'trace', label: 'trace', value: filters.traceId });
  if (filters.errorType !== undefined) chips.push({ param: 'error', label: 'error', value: filters.errorType });
  if (filters.minCostUsd !== undefined) chips.push({ param: 'minCost', label: 'cost ≥', value: filters.minCostUsd });
  if (filters.maxCostUsd !== undefined) chips.push({ param: 'maxCost', label: 'cost ≤', value: filters.maxCostUsd });
  return chips;
}

export function CallLogFilterForm({ filters, limit }: { filters: CallLogFilters; limit: number }) {
  const chips = chipsOf(filters);
  return (
    <div className="filter-bar">
      <form className="filter-form" method="get" action="/dashboard/calls" data-testid="call-log-filter-form">
        <PeriodFields filters={filters} />
        <AnySelect label="Source kind" name="kind" value={filters.sourceKind} options={SOURCE_KINDS} />
        <AnySelect label="Status" name="status" value={filters.status} options={STATUSES} />
        <AnySelect label="Cost status" name="cost" value={filters.cost} options={COST_STATUSES} />
        <label>
          Trace id
          <input
            name="trace"
            defaultValue={filters.traceId ?? ''}
            pattern="[0-9a-fA-F]{32}"
            title="32 hex digits"
            size={34}
            spellCheck={false}
          />
        </label>
        <label>
          Error type
          <input name="error" defaultValue={filters.errorType ?? ''} maxLength={200} />
        </label>
        <label>
          Min cost (USD)
          <input name="minCost" defaultValue={filters.minCostUsd ?? ''} inputMode="decimal" size={10} />
        </label>
        <label>
          Max cost (USD)
          <input name="maxCost" defaultValue={filters.maxCostUsd ?? ''} inputMode="decimal" size={10} />
        </label>
        <label>
          Per page
          <input type="number" name="limit" defaultValue={limit} min={1} max={200} />
        </label>
        {filters.source !== undefined && <input type="hidden" name="source" value={filters.source} />}
        {filters.feature !== undefined && <input type="hidden" name="feature" value={filters.feature} />}
        {filters.model !== undefined && <input type="hidden" name="model" value={filters.model} />}
        {filters.attr !== undefined && (
          <input type="hidden" name="attr" value={`${filters.attr.key}=${filters.attr.value}`} />
        )}
        <button type="submit">Search</button>
        <Link href="/dashboard/calls" data-testid="reset-filters">
          Reset
        </Link>
      </form>
      <p className="muted small">
        From and To apply when the period is Custom. Days are UTC. A cost range is inclusive and leaves out the calls
        without a cost.
      </p>
      {chips.length > 0 && (
        <ul className="chips" aria-label="Active filters">
          {chips.map((chip) => (
            <li key={chip.param} className="chip chip-filter" data-testid={`chip-${chip.param}`}>
              <span>
                {chip.label}: {chip.value}
              </span>
              <a
                href={`/dashboard/calls${callLogQueryString(filters, {
                  [chip.param]: undefined,
                  limit: limit === DEFAULT_CALL_LOG_LIMIT ? undefined : String(limit),
                })}`}
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
