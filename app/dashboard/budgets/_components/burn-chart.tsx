// A budget's burn in a small inline SVG, rendered on the server: the period's cumulative spend by UTC day up
// to now, the forecast from now to the period's end, and the limit as a line. Positions are geometry, so
// floats are fine there; every amount in words is the exact decimal formatted.
import { formatUsd } from '@/lib/dashboard/format';
import type { DaySpend } from '@/lib/budgets/budget-spend';

const WIDTH = 200;
const HEIGHT = 56;
const PAD = 3;
const DAY_MS = 86_400_000;

interface BurnChartProps {
  id: string;
  periodStart: string;
  periodEnd: string;
  now: Date;
  daily: DaySpend[];
  limitUsd: string;
  spentUsd: string;
  forecastUsd: string;
}

export function BurnChart({ id, periodStart, periodEnd, now, daily, limitUsd, spentUsd, forecastUsd }: BurnChartProps) {
  const start = Date.parse(periodStart);
  const end = Date.parse(periodEnd);
  const at = Math.min(Math.max(now.getTime(), start), end);
  const top = Math.max(Number(limitUsd), Number(forecastUsd), Number(spentUsd)) * 1.08 || 1;
  const x = (time: number) =>
    PAD + ((Math.min(Math.max(time, start), end) - start) / (end - start)) * (WIDTH - 2 * PAD);
  const y = (usd: number) => HEIGHT - PAD - (usd / top) * (HEIGHT - 2 * PAD);

  // A step per day: flat until the day starts, up to the day's total by its end (or by now, today).
  const points: [number, number][] = [[x(start), y(0)]];
  let total = 0;
  for (const day of daily) {
    const dayStart = Date.parse(`${day.day}T00:00:00.000Z`);
    points.push([x(dayStart), y(total)]);
    total += Number(day.spentUsd);
    points.push([x(Math.min(dayStart + DAY_MS, at)), y(total)]);
  }
  points.push([x(at), y(total)]);
  const path = points.map(([px, py]) => `${px.toFixed(1)},${py.toFixed(1)}`).join(' ');
  const spentY = y(Number(spentUsd));
  const limitY = y(Number(limitUsd));

  return (
    <svg
      className="burn-chart"
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      width={WIDTH}
      height={HEIGHT}
      role="img"
      aria-labelledby={`burn-${id}-title`}
      data-testid="burn-chart"
    >
      <title id={`burn-${id}-title`}>
        {`Spent ${formatUsd(spentUsd)} of the ${formatUsd(limitUsd)} limit so far; ` +
          `${formatUsd(forecastUsd)} forecast by the period's end.`}
      </title>
      <line className="burn-axis" x1={PAD} x2={WIDTH - PAD} y1={y(0)} y2={y(0)} />
      <line className="burn-limit" x1={PAD} x2={WIDTH - PAD} y1={limitY} y2={limitY} data-testid="burn-limit" />
      {at < end && (
        <line
          className="burn-forecast"
          x1={x(at)}
          y1={spentY}
          x2={x(end)}
          y2={y(Number(forecastUsd))}
          data-testid="burn-forecast"
        />
      )}
      <polyline className="burn-spent" points={path} data-testid="burn-spent" />
    </svg>
  );
}
