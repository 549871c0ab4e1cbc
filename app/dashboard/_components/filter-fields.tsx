// The fields the dashboard pages' GET forms share: the period (last 7, 30 or 90 UTC days, or From and To typed
// as ISO days whatever the browser's locale: a date input would show the locale's format), and a select whose
// first choice, "Any", leaves a filter unset.
import { addDays, isoDay, type DashboardFilters } from '@/lib/dashboard/filters';

const PERIOD_OPTIONS = [
  { value: '7d', label: 'Last 7 days' },
  { value: '30d', label: 'Last 30 days' },
  { value: '90d', label: 'Last 90 days' },
  { value: 'custom', label: 'Custom (from – to)' },
];

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
        data-testid={`filter-${name}`}
      />
    </label>
  );
}

export function PeriodFields({ filters }: { filters: Pick<DashboardFilters, 'period' | 'from' | 'to'> }) {
  return (
    <>
      <label>
        Period
        <select name="period" defaultValue={filters.period} data-testid="filter-period">
          {PERIOD_OPTIONS.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      </label>
      <IsoDayInput name="from" label="From" value={isoDay(filters.from)} />
      <IsoDayInput name="to" label="To" value={isoDay(addDays(filters.to, -1))} />
    </>
  );
}

/** A filter chosen from `options`, or none ("Any"). */
export function AnySelect({
  label,
  name,
  value,
  options,
}: {
  label: string;
  name: string;
  value: string | undefined;
  options: readonly string[];
}) {
  return (
    <label>
      {label}
      <select name={name} defaultValue={value ?? ''}>
        <option value="">Any</option>
        {options.map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
    </label>
  );
}
