// Spend, calls, tokens, errors and latency for the period, each against the period just before.
import { addDays, isoDay, previousPeriod, type DashboardFilters } from '@/lib/dashboard/filters';
import {
  formatCount,
  formatMs,
  formatPercent,
  formatPercentChange,
  formatUsd,
  formatUsdExact,
} from '@/lib/dashboard/format';
import { bucketUpperMs, LATENCY_BUCKETS } from '@/lib/dashboard/latency';
import type { Totals } from '@/lib/dashboard/queries';
import { dashboardData } from '@/lib/dashboard/dashboard-data';
import { loadPanel } from './load-panel';
import { PanelError } from './panel-error';

interface Stat {
  testId: string;
  label: string;
  value: (t: Totals) => string;
  /** The value to the last digit, shown on hover when `value` rounds it. */
  exact?: (t: Totals) => string;
  /** What the change is computed on: an exact decimal string for money. */
  measure: (t: Totals) => number | string | null;
}

/** Where the last latency bucket, which has no upper bound, starts. */
const OPEN_BUCKET_FROM_MS = bucketUpperMs(LATENCY_BUCKETS - 2);

// Latency percentiles come from histogram buckets: the value is the bucket's upper bound.
function atMost(ms: number | null): string {
  if (ms === null) return '—';
  if (!Number.isFinite(ms)) return `≥ ${(OPEN_BUCKET_FROM_MS / 1000).toFixed(1)} s`;
  return `≤ ${formatMs(ms)}`;
}

const STATS: Stat[] = [
  {
    testId: 'total-spend',
    label: 'Spend',
    value: (t) => formatUsd(t.costUsd),
    exact: (t) => formatUsdExact(t.costUsd),
    measure: (t) => t.costUsd,
  },
  { testId: 'total-calls', label: 'Calls', value: (t) => formatCount(t.calls), measure: (t) => t.calls },
  {
    testId: 'total-input-tokens',
    label: 'Input tokens',
    value: (t) => formatCount(t.inputTokens),
    measure: (t) => t.inputTokens,
  },
  {
    testId: 'total-cached-tokens',
    label: 'Cached input tokens',
    value: (t) => formatCount(t.cachedInputTokens),
    measure: (t) => t.cachedInputTokens,
  },
  {
    testId: 'total-output-tokens',
    label: 'Output tokens',
    value: (t) => formatCount(t.outputTokens),
    measure: (t) => t.outputTokens,
  },
  {
    testId: 'total-reasoning-tokens',
    label: 'Reasoning tokens',
    value: (t) => formatCount(t.reasoningTokens),
    measure: (t) => t.reasoningTokens,
  },
  {
    testId: 'total-error-rate',
    label: 'Error rate',
    value: (t) => `${formatPercent(t.errorRate)} (${formatCount(t.errors)})`,
    measure: (t) => t.errorRate,
  },
  {
    testId: 'total-p50',
    label: 'Latency p50',
    value: (t) => atMost(t.p50Ms),
    measure: (t) => t.p50Ms,
  },
  {
    testId: 'total-p95',
    label: 'Latency p95',
    value: (t) => atMost(t.p95Ms),
    measure: (t) => t.p95Ms,
  },
];

export async function TotalsPanel({ filters }: { filters: DashboardFilters }) {
  const before = previousPeriod(filters);
  const loaded = await loadPanel('totals', async () => {
    const data = await dashboardData();
    return Promise.all([data.totals(filters), data.totals(before)]);
  });
  if (!loaded.ok) return <PanelError message={loaded.message} />;
  const [current, previous] = loaded.data;
  return (
    <>
      <dl className="stats">
        {STATS.map((stat) => (
          <div key={stat.testId} className="stat">
            <dt>{stat.label}</dt>
            <dd className="stat-value" data-testid={stat.testId} title={stat.exact?.(current)}>
              {stat.value(current)}
            </dd>
            <dd className="stat-change" data-testid={`${stat.testId}-change`} title={`Before: ${stat.value(previous)}`}>
              {formatPercentChange(stat.measure(current), stat.measure(previous))}
            </dd>
          </div>
        ))}
      </dl>
      <p className="muted small">
        Changes compare with {isoDay(before.from)} to {isoDay(addDays(before.to, -1))}. Spend counts priced calls;
        token-count requests are left out. Latency is read from buckets, so p50 and p95 are upper bounds.
      </p>
    </>
  );
}
