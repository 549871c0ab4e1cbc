// The dashboard's queries. Totals and breakdowns read the daily rollup (ai_interaction_daily: thousands of
// rows however many calls), the call list reads ai_interaction through its indexes. Money stays an exact
// decimal string here; it is formatted only when rendered. Token-count requests are kept out of spend.
import { Prisma, type PrismaClient } from '../db/generated/client';
import { dayRange } from './call-conditions';
import { getCallPage, type CallLogItem } from './call-log';
import type { ObservedSource } from './coverage';
import { addDays, isoDay, type DashboardFilters } from './filters';
import { LATENCY_BUCKETS, percentileMs } from './latency';

type Db = Pick<PrismaClient, '$queryRaw'>;

const BILLABLE = Prisma.sql`operation <> 'token_count'`;

/** Filters as a condition on the rollup. */
function rollupWhere(filters: DashboardFilters, extra: Prisma.Sql[] = []): Prisma.Sql {
  // Planned without parallel workers (see ai_serial_plan in migration 20261204120152_attribute_blocks): a
  // rollup read is tens of thousands of rows, and at 10M calls getTotals' two workers took longer to start
  // on two busy cores (125 ms) than the scan they shared (47 ms each).
  const conditions = [...dayRange(filters), ...extra, Prisma.sql`ai_serial_plan()`];
  if (filters.sourceKind) conditions.push(Prisma.sql`source_kind = ${filters.sourceKind}::"SourceKind"`);
  if (filters.source !== undefined) conditions.push(Prisma.sql`source = ${filters.source}`);
  if (filters.feature !== undefined) conditions.push(Prisma.sql`feature_id = ${filters.feature}`);
  if (filters.model !== undefined) conditions.push(Prisma.sql`model = ${filters.model}`);
  if (filters.status) conditions.push(Prisma.sql`status = ${filters.status}::"InteractionStatus"`);
  if (filters.cost) conditions.push(Prisma.sql`cost_status = ${filters.cost}::"CostStatus"`);
  return Prisma.sql`WHERE ${Prisma.join(conditions, ' AND ')}`;
}

export interface Totals {
  calls: number;
  /** Exact USD of the priced calls. */
  costUsd: string;
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  errors: number;
  /** errors / calls, or null with no calls. */
  errorRate: number | null;
  /** Upper bounds of the latency buckets holding the median and the 95th percentile. */
  p50Ms: number | null;
  p95Ms: number | null;
}

/**
 * The histogram summed position by position in the same aggregate as the totals: one pass over the rollup.
 * (Unnesting every row's 66 buckets instead cost ten times as much at a million calls: docs/benchmarks.md.)
 */
const HISTOGRAM_SUMS = Prisma.raw(
  Array.from({ length: LATENCY_BUCKETS }, (_, i) => `coalesce(sum(latency_histogram[${i + 1}]), 0)`).join(', '),
);

export async function getTotals(db: Db, filters: DashboardFilters): Promise<Totals> {
  const rows = await db.$queryRaw<
    {
      calls: bigint;
      cost: string;
      input: bigint;
      cached: bigint;
      output: bigint;
      reasoning: bigint;
      errors: bigint;
      histogram: string;
    }[]
  >`
    SELECT coalesce(sum(calls), 0)::bigint AS calls,
           coalesce(sum(cost_usd), 0)::numeric(24,12)::text AS cost,
           coalesce(sum(input_tokens), 0)::bigint AS input,
           coalesce(sum(cached_input_tokens), 0)::bigint AS cached,
           coalesce(sum(output_tokens), 0)::bigint AS output,
           coalesce(sum(reasoning_tokens), 0)::bigint AS reasoning,
           coalesce(sum(calls) FILTER (WHERE status = 'error'), 0)::bigint AS errors,
           ARRAY[${HISTOGRAM_SUMS}]::bigint[]::text AS histogram
    FROM ai_interaction_daily ${rollupWhere(filters, [BILLABLE])}`;
  const r = rows[0];
  const calls = Number(r?.calls ?? 0);
  const errors = Number(r?.errors ?? 0);
  // '{3,0,12,…}': Postgres's text form of the array, the same whatever the driver.
  const histogram = (r?.histogram ?? '{}').replace(/[{}]/g, '').split(',').filter(Boolean).map(Number);
  return {
    calls,
    costUsd: r?.cost ?? '0.000000000000',
    inputTokens: Number(r?.input ?? 0),
    cachedInputTokens: Number(r?.cached ?? 0),
    outputTokens: Number(r?.output ?? 0),
    reasoningTokens: Number(r?.reasoning ?? 0),
    errors,
    errorRate: calls === 0 ? null : errors / calls,
    p50Ms: percentileMs(histogram, 0.5),
    p95Ms: percentileMs(histogram, 0.95),
  };
}

export interface InexactCost {
  /** `no_usage`: successful calls that reported no usage, which add $0; the others add a cost that is not exact. */
  status: 'upper_bound' | 'estimated' | 'no_usage';
  calls: number;
  costUsd: string;
}

export interface Completeness {
  /** False when any call in the period is unpriced, unattributed, or its cost is not exact. */
  complete: boolean;
  unpricedModels: { model: string; calls: number }[];
  unattributed: { calls: number; costUsd: string };
  /** Calls whose cost is a bound or an estimate, and successful calls without usage, by cost status. */
  inexact: InexactCost[];
}

export async function getCompleteness(db: Db, filters: DashboardFilters): Promise<Completeness> {
  const [unpriced, unattributed, inexact] = await Promise.all([
    db.$queryRaw<{ model: string; calls: bigint }[]>`
      SELECT model, sum(calls)::bigint AS calls FROM ai_interaction_daily
      ${rollupWhere(filters, [BILLABLE, Prisma.sql`cost_status = 'unpriced'`])}
      GROUP BY model HAVING sum(calls) > 0 ORDER BY sum(calls) DESC, model`,
    db.$queryRaw<{ calls: bigint; cost: string }[]>`
      SELECT coalesce(sum(calls), 0)::bigint AS calls, coalesce(sum(cost_usd), 0)::numeric(24,12)::text AS cost
      FROM ai_interaction_daily ${rollupWhere(filters, [BILLABLE, Prisma.sql`source_kind = 'unattributed'`])}`,
    // A failed call without usage cost nothing; a successful one did, and the total lacks it.
    db.$queryRaw<{ status: InexactCost['status']; calls: bigint; cost: string }[]>`
      SELECT cost_status::text AS status, sum(calls)::bigint AS calls,
             coalesce(sum(cost_usd), 0)::numeric(24,12)::text AS cost
      FROM ai_interaction_daily
      ${rollupWhere(filters, [
        BILLABLE,
        Prisma.sql`(cost_status IN ('upper_bound', 'estimated') OR (cost_status = 'no_usage' AND status = 'ok'))`,
      ])}
      GROUP BY cost_status HAVING sum(calls) > 0 ORDER BY cost_status::text`,
  ]);
  const unattributedCalls = Number(unattributed[0]?.calls ?? 0);
  const unpricedModels = unpriced.map((r) => ({ model: r.model, calls: Number(r.calls) }));
  const inexactCosts = inexact.map((r) => ({ status: r.status, calls: Number(r.calls), costUsd: r.cost }));
  return {
    complete: unpricedModels.length === 0 && unattributedCalls === 0 && inexactCosts.length === 0,
    unpricedModels,
    unattributed: { calls: unattributedCalls, costUsd: unattributed[0]?.cost ?? '0.000000000000' },
    inexact: inexactCosts,
  };
}

export interface TokenCounting {
  requests: number;
  /** Input tokens the requests counted (nothing was consumed). */
  countedTokens: number;
}

export async function getTokenCounting(db: Db, filters: DashboardFilters): Promise<TokenCounting> {
  const rows = await db.$queryRaw<{ requests: bigint; counted: bigint }[]>`
    SELECT coalesce(sum(calls), 0)::bigint AS requests, coalesce(sum(input_tokens), 0)::bigint AS counted
    FROM ai_interaction_daily ${rollupWhere(filters, [Prisma.sql`operation = 'token_count'`])}`;
  return { requests: Number(rows[0]?.requests ?? 0), countedTokens: Number(rows[0]?.counted ?? 0) };
}

export type Dimension = 'source' | 'feature' | 'model';

export interface BreakdownRow {
  /** The source, feature id or model; '' when the calls had none. */
  key: string;
  /** For sources: route, action, job or unattributed. */
  sourceKind?: string;
  calls: number;
  costUsd: string;
  inputTokens: number;
  outputTokens: number;
  errors: number;
  /** Calls whose cost is unknown (unpriced model): the row's cost is a lower bound. */
  unpricedCalls: number;
}

const DIMENSION_COLUMN: Record<Dimension, Prisma.Sql> = {
  source: Prisma.sql`source, source_kind::text AS source_kind`,
  feature: Prisma.sql`feature_id`,
  model: Prisma.sql`model`,
};
const DIMENSION_GROUP: Record<Dimension, Prisma.Sql> = {
  source: Prisma.sql`source, source_kind`,
  feature: Prisma.sql`feature_id`,
  model: Prisma.sql`model`,
};

/** Spend by source (with its kind), feature or model, most expensive first. */
export async function getBreakdown(db: Db, filters: DashboardFilters, dimension: Dimension): Promise<BreakdownRow[]> {
  const rows = await db.$queryRaw<
    {
      source?: string;
      source_kind?: string;
      feature_id?: string;
      model?: string;
      calls: bigint;
      cost: string;
      input: bigint;
      output: bigint;
      errors: bigint;
      unpriced: bigint;
    }[]
  >`
    SELECT ${DIMENSION_COLUMN[dimension]},
           sum(calls)::bigint AS calls,
           sum(cost_usd)::numeric(24,12)::text AS cost,
           sum(input_tokens)::bigint AS input,
           sum(output_tokens)::bigint AS output,
           coalesce(sum(calls) FILTER (WHERE status = 'error'), 0)::bigint AS errors,
           coalesce(sum(calls) FILTER (WHERE cost_status = 'unpriced'), 0)::bigint AS unpriced
    FROM ai_interaction_daily ${rollupWhere(filters, [BILLABLE])}
    GROUP BY ${DIMENSION_GROUP[dimension]}
    HAVING sum(calls) > 0
    ORDER BY sum(cost_usd) DESC, sum(calls) DESC, 1`;
  return rows.map((r) => ({
    key: (dimension === 'source' ? r.source : dimension === 'feature' ? r.feature_id : r.model) ?? '',
    ...(dimension === 'source' && { sourceKind: r.source_kind }),
    calls: Number(r.calls),
    costUsd: r.cost,
    inputTokens: Number(r.input),
    outputTokens: Number(r.output),
    errors: Number(r.errors),
    unpricedCalls: Number(r.unpriced),
  }));
}

/**
 * Every source recorded in the period ('' for none), with its billable calls, token-count requests, cost
 * and unpriced calls: most expensive first, then most calls, then by source byte by byte (the same order on
 * any database collation). Only the period applies: coverage is about all the calls.
 */
export async function getObservedSources(
  db: Db,
  period: Pick<DashboardFilters, 'from' | 'to'>,
): Promise<ObservedSource[]> {
  const rows = await db.$queryRaw<
    { source: string; source_kind: string; calls: bigint; token_counts: bigint; cost: string; unpriced: bigint }[]
  >`
    SELECT source, source_kind::text AS source_kind,
           coalesce(sum(calls) FILTER (WHERE ${BILLABLE}), 0)::bigint AS calls,
           coalesce(sum(calls) FILTER (WHERE operation = 'token_count'), 0)::bigint AS token_counts,
           coalesce(sum(cost_usd) FILTER (WHERE ${BILLABLE}), 0)::numeric(24,12)::text AS cost,
           coalesce(sum(calls) FILTER (WHERE ${BILLABLE} AND cost_status = 'unpriced'), 0)::bigint AS unpriced
    FROM ai_interaction_daily
    WHERE day >= ${isoDay(period.from)}::date AND day < ${isoDay(period.to)}::date
    GROUP BY source, source_kind
    HAVING sum(calls) > 0
    ORDER BY coalesce(sum(cost_usd) FILTER (WHERE ${BILLABLE}), 0) DESC,
             coalesce(sum(calls) FILTER (WHERE ${BILLABLE}), 0) DESC,
             source COLLATE "C", source_kind`;
  return rows.map((r) => ({
    source: r.source,
    sourceKind: r.source_kind,
    calls: Number(r.calls),
    tokenCountRequests: Number(r.token_counts),
    costUsd: r.cost,
    unpricedCalls: Number(r.unpriced),
  }));
}

export interface DailyPoint {
  /** YYYY-MM-DD (UTC). */
  day: string;
  calls: number;
  costUsd: string;
}

/** One point per day of the period, days without calls included. */
export async function getDailySeries(db: Db, filters: DashboardFilters): Promise<DailyPoint[]> {
  const rows = await db.$queryRaw<{ day: string; calls: bigint; cost: string }[]>`
    SELECT to_char(day, 'YYYY-MM-DD') AS day, sum(calls)::bigint AS calls, sum(cost_usd)::numeric(24,12)::text AS cost
    FROM ai_interaction_daily ${rollupWhere(filters, [BILLABLE])}
    GROUP BY day ORDER BY day`;
  const byDay = new Map(rows.map((r) => [r.day, r]));
  const points: DailyPoint[] = [];
  for (let day = filters.from; day < filters.to; day = addDays(day, 1)) {
    const key = isoDay(day);
    const row = byDay.get(key);
    points.push({ day: key, calls: Number(row?.calls ?? 0), costUsd: row?.cost ?? '0.000000000000' });
  }
  return points;
}

/**
 * Recent calls, newest first, matching the filters (and the developer attribute, if one is set): the call
 * log's first page, as the dashboard's Calls panel shows it.
 */
export async function getCalls(db: Db, filters: DashboardFilters, limit = 50): Promise<CallLogItem[]> {
  return (await getCallPage(db, filters, undefined, limit)).items;
}
