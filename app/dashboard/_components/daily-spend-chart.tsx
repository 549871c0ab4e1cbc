// An inline SVG chart of spend per UTC day (or hour), stacked by series, rendered on the server. Heights are
// geometry, so a float is fine there; every amount shown is the exact decimal, rounded or (in a tooltip) whole.
import { featureName, isFeatureId } from '@/lib/ai/prompt-registry';
import { compareDecimal, formatCount, formatUsd, formatUsdExact } from '@/lib/dashboard/format';
import type { StackBucket, StackBy, StackedSpend, StackSeries } from '@/lib/dashboard/series-queries';
import { Money } from './money';

const WIDTH = 960;
const HEIGHT = 240;
const MARGIN = { top: 16, right: 8, bottom: 28, left: 72 };
const PLOT_W = WIDTH - MARGIN.left - MARGIN.right;
const PLOT_H = HEIGHT - MARGIN.top - MARGIN.bottom;
/** At most this many bucket labels on the axis: ISO days, or ISO days and hours. */
const MAX_LABELS = { day: 10, hour: 8 } as const;

/** What a series is called on the page. */
export function seriesName(stack: StackBy, series: Pick<StackSeries, 'key' | 'other'>): string {
  if (series.other) return 'other';
  if (stack === 'source') return series.key === '' ? '(unattributed)' : series.key;
  if (stack === 'model') return series.key === '' ? '(unknown model)' : series.key;
  if (series.key === '') return '(no feature)';
  return isFeatureId(series.key) ? featureName(series.key) : series.key;
}

/** The colour class of the i-th series; "other" is always grey. */
function seriesClass(series: StackSeries, i: number): string {
  return series.other ? 'series-other' : `series-${i % 6}`;
}

function bucketTitle(b: StackBucket, hourly: boolean): string {
  return `${b.label}${hourly ? ' UTC' : ''}: ${formatUsd(b.costUsd)}, ${formatCount(b.calls)} ${b.calls === 1 ? 'call' : 'calls'}`;
}

export function DailySpendChart({ data }: { data: StackedSpend }) {
  const { buckets, series, stack } = data;
  const first = buckets[0];
  const last = buckets[buckets.length - 1];
  if (first === undefined || last === undefined) return null;
  const hourly = data.granularity === 'hour';
  const unit = hourly ? 'hour' : 'day';
  const highest = buckets.reduce((best, b) => (compareDecimal(b.costUsd, best.costUsd) > 0 ? b : best), first);
  const max = Number(highest.costUsd);
  const slot = PLOT_W / buckets.length;
  const barWidth = Math.max(1, slot * 0.75);
  const labelEvery = Math.ceil(buckets.length / MAX_LABELS[data.granularity]);
  const withCalls = buckets.filter((b) => b.calls > 0).length;
  const baseline = MARGIN.top + PLOT_H;
  const names = series.map((s) => seriesName(stack, s));
  const description =
    max > 0
      ? `Spend per UTC ${unit} from ${first.label} to ${last.label}, by ${stack}. The highest ${unit} is ` +
        `${highest.label} with ${formatUsd(highest.costUsd)}. ${withCalls} of ${buckets.length} ${unit}s had calls.`
      : `No spend from ${first.label} to ${last.label}. ${withCalls} of ${buckets.length} ${unit}s had calls.`;
  return (
    <figure className="chart">
      {series.length > 0 && (
        <ul className="legend" aria-label="Series" data-testid="chart-legend">
          {series.map((s, i) => (
            <li key={s.other ? '\0other' : s.key} data-testid="chart-series">
              <span className={`swatch ${seriesClass(s, i)}`} aria-hidden="true" />
              <span className="series-name">{names[i]}</span> <Money usd={s.costUsd} />
            </li>
          ))}
        </ul>
      )}
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-labelledby="daily-spend-chart-title daily-spend-chart-desc"
        data-testid="daily-spend-chart"
        data-granularity={data.granularity}
      >
        <title id="daily-spend-chart-title">{hourly ? 'Hourly spend' : 'Daily spend'}</title>
        <desc id="daily-spend-chart-desc">{description}</desc>
        <line className="grid" x1={MARGIN.left} x2={WIDTH - MARGIN.right} y1={MARGIN.top} y2={MARGIN.top} />
        <line className="axis" x1={MARGIN.left} x2={WIDTH - MARGIN.right} y1={baseline} y2={baseline} />
        <text className="axis-label" x={MARGIN.left - 6} y={MARGIN.top + 4} textAnchor="end">
          {formatUsd(highest.costUsd)}
        </text>
        <text className="axis-label" x={MARGIN.left - 6} y={baseline + 4} textAnchor="end">
          $0
        </text>
        {buckets.map((b, i) => {
          const x = MARGIN.left + i * slot;
          const barX = x + (slot - barWidth) / 2;
          let top = baseline;
          return (
            <g key={b.label} data-testid="chart-day">
              <title>{bucketTitle(b, hourly)}</title>
              <rect className="hit" x={x} y={MARGIN.top} width={slot} height={PLOT_H} />
              {max > 0 &&
                b.costsUsd.map((cost, s) => {
                  const one = series[s];
                  if (one === undefined || compareDecimal(cost, '0') === 0) return null;
                  const height = Math.max((Number(cost) / max) * PLOT_H, 0.5);
                  top -= height;
                  return (
                    <g key={s} data-testid="chart-segment">
                      <title>{`${b.label}${hourly ? ' UTC' : ''}, ${names[s]}: ${formatUsdExact(cost)}`}</title>
                      <rect
                        className={`bar ${seriesClass(one, s)}`}
                        x={barX}
                        y={top}
                        width={barWidth}
                        height={height}
                      />
                    </g>
                  );
                })}
              {/* Calls that cost nothing (unpriced, no usage) still get a sliver, so the bucket does not look idle. */}
              {b.calls > 0 && compareDecimal(b.costUsd, '0') === 0 && (
                <rect className="bar bar-free" x={barX} y={baseline - 1.5} width={barWidth} height={1.5} />
              )}
              {i % labelEvery === 0 && (
                <text className="axis-label" x={x + slot / 2} y={HEIGHT - 8} textAnchor="middle">
                  {b.label}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <details>
        <summary>{hourly ? 'Hourly figures' : 'Daily figures'}</summary>
        <table className="data compact">
          <thead>
            <tr>
              <th scope="col">{hourly ? 'Hour (UTC)' : 'Day (UTC)'}</th>
              <th scope="col" className="num">
                Calls
              </th>
              <th scope="col" className="num">
                Spend
              </th>
            </tr>
          </thead>
          <tbody>
            {buckets.map((b) => (
              <tr key={b.label}>
                <td>{b.label}</td>
                <td className="num">{formatCount(b.calls)}</td>
                <td className="num">
                  <Money usd={b.costUsd} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
