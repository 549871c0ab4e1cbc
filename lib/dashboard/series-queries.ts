// Spend over the period stacked by source, feature or model: the most expensive few series and the rest as
// "other". Days come from the daily rollup; a period of two days or less is shown by the hour, which only
// ai_interaction has (date_trunc('hour', started_at)). Money stays an exact decimal string, summed exactly.
import { Prisma, type PrismaClient } from '../db/generated/client';
import { addDays, isoDay, type DashboardFilters } from './filters';
import { addDecimal, compareDecimal } from './format';

type Db = Pick<PrismaClient, '$queryRaw'>;

export const STACK_DIMENSIONS = ['source', 'feature', 'model'] as const;
export type StackBy = (typeof STACK_DIMENSIONS)[number];

/** Series drawn on their own by default; the others are summed into "other". */
export const DEFAULT_TOP_SERIES = 5;
/** Periods up to this long are bucketed by the hour. */
const HOURLY_MAX_MS = 2 * 86_400_000;
const HOUR_MS = 3_600_000;
const ZERO = '0.000000000000';

export interface StackSeries {
  /** The source, feature id or model; '' when the calls had none. Meaningless for "other". */
  key: string;
  /** The calls of every series not among the top ones. */
  other: boolean;
  /** Over the whole period. */
  costUsd: string;
}

export interface StackBucket {
  /** "2026-11-25" for a day, "2026-11-25 13:00" for an hour (UTC). */
  label: string;
  start: Date;
  calls: number;
  /** Exact sum of `costsUsd`. */
  costUsd: string;
  /** One per series, in the order of `series`. */
  costsUsd: string[];
}

export interface StackedSpend {
  granularity: 'day' | 'hour';
  stack: StackBy;
  /** The most expensive first, "other" (when there is one) last. */
  series: StackSeries[];
  /** Every bucket of the period, those without calls included. */
  buckets: StackBucket[];
}

/** Whether a period is drawn by the hour. */
export function isHourly(filters: Pick<DashboardFilters, 'from' | 'to'>): boolean {
  return filters.to.getTime() - filters.from.getTime() <= HOURLY_MAX_MS;
}

const ROLLUP_KEY: Record<StackBy, Prisma.Sql> = {
  source: Prisma.sql`source`,
  feature: Prisma.sql`feature_id`,
  model: Prisma.sql`model`,
};
// The rollup's keys, computed the way its trigger computes them.
const INTERACTION_KEY: Record<StackBy, Prisma.Sql> = {
  source: Prisma.sql`coalesce(source, '')`,
  feature: Prisma.sql`coalesce(feature_id, '')`,
  model: Prisma.sql`coalesce(response_model, request_model, '')`,
};

/**
 * The narrowing filters, on either table: `keys` says how each key column is written. The developer
 * attribute is left out, as everywhere the rollup is read (it narrows the call list only).
 */
function narrowing(filters: DashboardFilters, keys: Record<StackBy, Prisma.Sql>): Prisma.Sql[] {
  const conditions = [Prisma.sql`operation <> 'token_count'`];
  if (filters.sourceKind) conditions.push(Prisma.sql`source_kind = ${filters.sourceKind}::"SourceKind"`);
  if (filters.source !== undefined) conditions.push(Prisma.sql`${keys.source} = ${filters.source}`);
  if (filters.feature !== undefined) conditions.push(Prisma.sql`${keys.feature} = ${filters.feature}`);
  if (filters.model !== undefined) conditions.push(Prisma.sql`${keys.model} = ${filters.model}`);
  if (filters.status) conditions.push(Prisma.sql`status = ${filters.status}::"InteractionStatus"`);
  if (filters.cost) conditions.push(Prisma.sql`cost_status = ${filters.cost}::"CostStatus"`);
  return conditions;
}

interface Cell {
  bucket: string;
  key: string;
  calls: bigint;
  cost: string;
}

function readDays(db: Db, filters: DashboardFilters, stack: StackBy): Promise<Cell[]> {
  const conditions = [
    Prisma.sql`day >= ${isoDay(filters.from)}::date`,
    Prisma.sql`day < ${isoDay(filters.to)}::date`,
    ...narrowing(filters, ROLLUP_KEY),
  ];
  return db.$queryRaw<Cell[]>`
    SELECT to_char(day, 'YYYY-MM-DD') AS bucket, ${ROLLUP_KEY[stack]} AS key,
           sum(calls)::bigint AS calls, sum(cost_usd)::numeric(24,12)::text AS cost
    FROM ai_interaction_daily
    WHERE ${Prisma.join(conditions, ' AND ')}
    GROUP BY 1, 2
    HAVING sum(calls) > 0`;
}

function readHours(db: Db, filters: DashboardFilters, stack: StackBy): Promise<Cell[]> {
  const conditions = [
    Prisma.sql`started_at >= ${filters.from}`,
    Prisma.sql`started_at < ${filters.to}`,
    ...narrowing(filters, INTERACTION_KEY),
  ];
  // started_at is timestamptz: truncated in UTC, whatever the session's time zone.
  return db.$queryRaw<Cell[]>`
    SELECT to_char(date_trunc('hour', started_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD HH24:00') AS bucket,
           ${INTERACTION_KEY[stack]} AS key,
           count(*)::bigint AS calls, coalesce(sum(cost_usd), 0)::numeric(24,12)::text AS cost
    FROM ai_interaction
    WHERE ${Prisma.join(conditions, ' AND ')}
    GROUP BY 1, 2`;
}

/** The buckets of the period, as labelled by the queries. */
function bucketStarts(filters: DashboardFilters, granularity: 'day' | 'hour'): { label: string; start: Date }[] {
  const starts: { label: string; start: Date }[] = [];
  if (granularity === 'day') {
    for (let day = filters.from; day < filters.to; day = addDays(day, 1))
      starts.push({ label: isoDay(day), start: day });
    return starts;
  }
  for (let t = filters.from.getTime(); t < filters.to.getTime(); t += HOUR_MS) {
    const start = new Date(t);
    starts.push({ label: start.toISOString().slice(0, 13).replace('T', ' ') + ':00', start });
  }
  return starts;
}

/**
 * Spend per day (per hour for two days or less) stacked by `stack`: the `top` most expensive series (then
 * most calls, then by key byte by byte), the rest summed as "other". A series with calls but no cost (only
 * unpriced calls) can be among the top ones; its cost is $0.
 */
export async function getStackedSpend(
  db: Db,
  filters: DashboardFilters,
  stack: StackBy,
  top: number = DEFAULT_TOP_SERIES,
): Promise<StackedSpend> {
  const granularity = isHourly(filters) ? 'hour' : 'day';
  const cells = await (granularity === 'hour' ? readHours(db, filters, stack) : readDays(db, filters, stack));

  const totals = new Map<string, { costUsd: string; calls: number }>();
  for (const cell of cells) {
    const total = totals.get(cell.key) ?? { costUsd: ZERO, calls: 0 };
    totals.set(cell.key, { costUsd: addDecimal(total.costUsd, cell.cost), calls: total.calls + Number(cell.calls) });
  }
  const ranked = [...totals.entries()].sort(
    ([aKey, a], [bKey, b]) =>
      compareDecimal(b.costUsd, a.costUsd) || b.calls - a.calls || (aKey < bKey ? -1 : aKey > bKey ? 1 : 0),
  );
  // "other" only when it holds two series or more: one series is shown as itself.
  const shown = ranked.length <= top + 1 ? ranked : ranked.slice(0, top);
  const rest = ranked.slice(shown.length);
  const series: StackSeries[] = shown.map(([key, t]) => ({ key, other: false, costUsd: t.costUsd }));
  if (rest.length > 0) {
    series.push({ key: '', other: true, costUsd: rest.reduce((sum, [, t]) => addDecimal(sum, t.costUsd), ZERO) });
  }
  const index = new Map(shown.map(([key], i) => [key, i]));
  const otherIndex = series.length - 1;

  const buckets = new Map(
    bucketStarts(filters, granularity).map(({ label, start }) => [
      label,
      { label, start, calls: 0, costUsd: ZERO, costsUsd: series.map(() => ZERO) },
    ]),
  );
  for (const cell of cells) {
    const bucket = buckets.get(cell.bucket);
    if (bucket === undefined) continue;
    const i = index.get(cell.key) ?? otherIndex;
    bucket.calls += Number(cell.calls);
    bucket.costUsd = addDecimal(bucket.costUsd, cell.cost);
    bucket.costsUsd[i] = addDecimal(bucket.costsUsd[i] ?? ZERO, cell.cost);
  }
  return { granularity, stack, series, buckets: [...buckets.values()] };
}
