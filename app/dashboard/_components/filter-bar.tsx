// The dashboard's filters as a plain GET form, so every view lives in its URL: the period, the source kind
// and status, and the drill-down filters (source, feature, model, attribute) as removable chips.
import { featureName } from '@/lib/ai/prompt-registry';
import { addDays, isoDay, SOURCE_KINDS, type DashboardFilters } from '@/lib/dashboard/filters';
import { dashboardHref } from './dashboard-href';

const PERIOD_OPTIONS = [
  { value: '7d', label: 'Last 7 days' },
  { value: '30d', label: 'Last 30 days' },
  { value: '90d', label: 'Last 90 days' },
  { value: 'custom', label: 'Custom (from – to)' },
];

interface Chip {
  param: string;
  label: string;
  value: string;
  note?: string;
}

function chipsOf(f: DashboardFilters): Chip[] {
  const chips: Chip[] = [];
  if (f.source !== undefined) chips.push({ param: 'source', label: 'source', value: f.source });
  if (f.feature !== undefined) {
    const name = featureName(f.feature);
    chips.push({ param: 'feature', label: 'feature', value: name === f.feature ? name : `${name} (${f.feature})` });
  }
  if (f.model !== undefined) chips.push({ param: 'model', label: 'model', value: f.model });
  if (f.status !== undefined) chips.push({ param: 'status', label: 'status', value: f.status });
  // Attributes are not in the daily rollup: this filter narrows the call list only.
  if (f.attr !== undefined) {
    const value = `${f.attr.key}=${f.attr.value}`;
    chips.push({ param: 'attr', label: 'attribute', value, note: 'call list only' });
  }
  return chips;
}

export function FilterBar({ filters: f }: { filters: DashboardFilters }) {
  const chips = chipsOf(f);
  return (
    <div className="filter-bar">
      <form className="filter-form" method="get" action="/dashboard" data-testid="filter-form">
        <label>
          Period
          <select name="period" defaultValue={f.period}>
            {PERIOD_OPTIONS.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          From
          <input type="date" name="from" defaultValue={isoDay(f.from)} />
        </label>
        <label>
          To
          <input type="date" name="to" defaultValue={isoDay(addDays(f.to, -1))} />
        </label>
        <label>
          Source kind
          <select name="kind" defaultValue={f.sourceKind ?? ''}>
            <option value="">Any</option>
            {SOURCE_KINDS.map((kind) => (
              <option key={kind} value={kind}>
                {kind}
              </option>
            ))}
          </select>
        </label>
        <label>
          Status
          <select name="status" defaultValue={f.status ?? ''}>
            <option value="">Any</option>
            <option value="ok">ok</option>
            <option value="error">error</option>
          </select>
        </label>
        {f.source !== undefined && <input type="hidden" name="source" value={f.source} />}
        {f.feature !== undefined && <input type="hidden" name="feature" value={f.feature} />}
        {f.model !== undefined && <input type="hidden" name="model" value={f.model} />}
        {f.attr !== undefined && <input type="hidden" name="attr" value={`${f.attr.key}=${f.attr.value}`} />}
        <button type="submit">Apply</button>
        <a href="/dashboard" data-testid="reset-filters">
          Reset
        </a>
      </form>
      <p className="muted small">From and To apply when the period is Custom. Days are UTC.</p>
      {chips.length > 0 && (
        <ul className="chips" aria-label="Active filters">
          {chips.map((chip) => (
            <li key={chip.param} className="chip chip-filter" data-testid={`chip-${chip.param}`}>
              <span>
                {chip.label}: {chip.value}
                {chip.note !== undefined && <span className="muted"> ({chip.note})</span>}
              </span>
              <a
                href={dashboardHref(f, { [chip.param]: undefined })}
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
