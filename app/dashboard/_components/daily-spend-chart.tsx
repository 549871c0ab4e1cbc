// An inline SVG bar chart of spend per UTC day, rendered on the server. Bar heights are geometry, so a
// float is fine there; every amount shown is the exact decimal formatted.
import { compareDecimal, formatCount, formatUsd } from '@/lib/dashboard/format';
import type { DailyPoint } from '@/lib/dashboard/queries';

const WIDTH = 960;
const HEIGHT = 240;
const MARGIN = { top: 16, right: 8, bottom: 28, left: 72 };
const PLOT_W = WIDTH - MARGIN.left - MARGIN.right;
const PLOT_H = HEIGHT - MARGIN.top - MARGIN.bottom;
/** At most this many day labels on the axis. */
const MAX_LABELS = 12;

function tooltip(p: DailyPoint): string {
  return `${p.day}: ${formatUsd(p.costUsd)}, ${formatCount(p.calls)} ${p.calls === 1 ? 'call' : 'calls'}`;
}

export function DailySpendChart({ points }: { points: DailyPoint[] }) {
  const first = points[0];
  const last = points[points.length - 1];
  if (first === undefined || last === undefined) return null;
  const highest = points.reduce((best, p) => (compareDecimal(p.costUsd, best.costUsd) > 0 ? p : best), first);
  const max = Number(highest.costUsd);
  const slot = PLOT_W / points.length;
  const barWidth = Math.max(1, slot * 0.75);
  const labelEvery = Math.ceil(points.length / MAX_LABELS);
  const daysWithCalls = points.filter((p) => p.calls > 0).length;
  const baseline = MARGIN.top + PLOT_H;
  const description =
    max > 0
      ? `Spend per UTC day from ${first.day} to ${last.day}. The highest day is ${highest.day} with ` +
        `${formatUsd(highest.costUsd)}. ${daysWithCalls} of ${points.length} days had calls.`
      : `No spend from ${first.day} to ${last.day}. ${daysWithCalls} of ${points.length} days had calls.`;
  return (
    <figure className="chart">
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-labelledby="daily-spend-chart-title daily-spend-chart-desc"
        data-testid="daily-spend-chart"
      >
        <title id="daily-spend-chart-title">Daily spend</title>
        <desc id="daily-spend-chart-desc">{description}</desc>
        <line className="grid" x1={MARGIN.left} x2={WIDTH - MARGIN.right} y1={MARGIN.top} y2={MARGIN.top} />
        <line className="axis" x1={MARGIN.left} x2={WIDTH - MARGIN.right} y1={baseline} y2={baseline} />
        <text className="axis-label" x={MARGIN.left - 6} y={MARGIN.top + 4} textAnchor="end">
          {formatUsd(highest.costUsd)}
        </text>
        <text className="axis-label" x={MARGIN.left - 6} y={baseline + 4} textAnchor="end">
          $0
        </text>
        {points.map((p, i) => {
          const x = MARGIN.left + i * slot;
          const height = max > 0 ? (Number(p.costUsd) / max) * PLOT_H : 0;
          // Calls that cost nothing (unpriced, no usage) still get a sliver, so the day does not look idle.
          const shown = p.calls > 0 ? Math.max(height, 1.5) : 0;
          return (
            <g key={p.day} data-testid="chart-day">
              <title>{tooltip(p)}</title>
              <rect className="hit" x={x} y={MARGIN.top} width={slot} height={PLOT_H} />
              {shown > 0 && (
                <rect
                  className={height > 0 ? 'bar' : 'bar bar-free'}
                  x={x + (slot - barWidth) / 2}
                  y={baseline - shown}
                  width={barWidth}
                  height={shown}
                />
              )}
              {i % labelEvery === 0 && (
                <text className="axis-label" x={x + slot / 2} y={HEIGHT - 8} textAnchor="middle">
                  {p.day.slice(5)}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <details>
        <summary>Daily figures</summary>
        <table className="data compact">
          <thead>
            <tr>
              <th scope="col">Day (UTC)</th>
              <th scope="col" className="num">
                Calls
              </th>
              <th scope="col" className="num">
                Spend
              </th>
            </tr>
          </thead>
          <tbody>
            {points.map((p) => (
              <tr key={p.day}>
                <td>{p.day}</td>
                <td className="num">{formatCount(p.calls)}</td>
                <td className="num">{formatUsd(p.costUsd)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
