// Customers: spend per value of a developer attribute (a breakdown key such as tenant), read from the daily
// rollup ai_attribute_daily, never from the calls. Money stays an exact decimal string.
import { Prisma, type PrismaClient } from '../db/generated/client';
import { builtBlocks, coverPeriod, coverSql, dayNumber } from '../db/attribute-blocks';
import type { DashboardFilters } from './filters';

type Db = Pick<PrismaClient, '$queryRaw'>;

export interface CustomerTotals {
  /** Calls carrying the value, on their own UTC day. */
  calls: number;
  /** Requests whose first call carried the value, on the request's UTC day. */
  requests: number;
  /** Exact USD of the calls carrying the value. */
  costUsd: string;
  /** Exact USD per request (costUsd / requests) rounded to 12 decimals; null without requests. */
  costPerRequestUsd: string | null;
}

export interface CustomerRow extends CustomerTotals {
  value: string;
}

export interface CustomerBreakdown {
  key: string;
  /** The `top` values that cost the most, by spend descending, then value. */
  rows: CustomerRow[];
  /** The other values summed; null when there are none. */
  rest: (CustomerTotals & { values: number }) | null;
  /** Every value: the rows and the rest. */
  total: CustomerTotals & { values: number };
}

/** The breakdown keys the rollup keeps (SPENDTRACE_BREAKDOWN_KEYS, synced at start), sorted. */
export async function getBreakdownKeys(db: Db): Promise<string[]> {
  const rows = await db.$queryRaw<{ key: string }[]>`SELECT key FROM ai_breakdown_key ORDER BY key COLLATE "C"`;
  return rows.map((r) => r.key);
}

interface GroupRow {
  kind: 'value' | 'rest' | 'total';
  value: string | null;
  /** The number of values summed (1 for a value's own row). */
  n_values: bigint;
  calls: bigint;
  requests: bigint;
  cost: string;
  per_request: string | null;
}

function totalsOf(r: GroupRow): CustomerTotals {
  return {
    calls: Number(r.calls),
    requests: Number(r.requests),
    costUsd: r.cost,
    costPerRequestUsd: r.per_request,
  };
}

/**
 * The rows of ai_attribute_block and ai_attribute_daily that sum to `key`'s totals over the filters' days: each
 * built block that fits (see coverPeriod), and the days between. Each piece is its own index-only scan.
 */
async function periodPieces(db: Db, filters: DashboardFilters, key: string): Promise<Prisma.Sql[]> {
  const [from, to] = [dayNumber(filters.from), dayNumber(filters.to)];
  if (from >= to) return [];
  return coverSql(key, coverPeriod(from, to, await builtBlocks(db, key, from, to)));
}

/**
 * Spend, calls and requests per value of `key` over the filters' days, the `top` most expensive values apart
 * and the others summed. Only the period applies: the rollup has no source, model or other dimension. Values
 * whose totals are all zero (a rollup row can hold zeros after its calls moved) are left out. A long period
 * reads blocks of days (lib/db/attribute-blocks.ts) where they are built, and the same sums otherwise.
 */
export async function getCustomerBreakdown(
  db: Db,
  filters: DashboardFilters,
  key: string,
  top = 10,
): Promise<CustomerBreakdown> {
  const pieces = await periodPieces(db, filters, key);
  const rows =
    pieces.length === 0
      ? []
      : await db.$queryRaw<GroupRow[]>`
    WITH by_value AS MATERIALIZED (
      SELECT value, sum(calls) AS calls, sum(requests) AS requests, sum(cost_usd) AS cost
      FROM (${Prisma.join(pieces, ' UNION ALL ')}) AS piece
      WHERE ai_serial_plan()
      GROUP BY value
      HAVING sum(calls) <> 0 OR sum(requests) <> 0 OR sum(cost_usd) <> 0
    ), top_values AS (
      SELECT * FROM by_value ORDER BY cost DESC, value COLLATE "C" LIMIT ${top}::bigint
    ), total AS (
      SELECT count(*) AS n_values, coalesce(sum(calls), 0) AS calls, coalesce(sum(requests), 0) AS requests,
             coalesce(sum(cost), 0) AS cost
      FROM by_value
    ), top_total AS (
      SELECT count(*) AS n_values, coalesce(sum(calls), 0) AS calls, coalesce(sum(requests), 0) AS requests,
             coalesce(sum(cost), 0) AS cost
      FROM top_values
    ), grouped AS (
      SELECT 'value' AS kind, row_number() OVER (ORDER BY cost DESC, value COLLATE "C") AS rank, value,
             1 AS n_values, calls, requests, cost
      FROM top_values
      UNION ALL
      SELECT 'rest', ${top}::bigint + 1, NULL, t.n_values - s.n_values, t.calls - s.calls, t.requests - s.requests,
             t.cost - s.cost
      FROM total AS t, top_total AS s WHERE t.n_values > s.n_values
      UNION ALL
      SELECT 'total', ${top}::bigint + 2, NULL, n_values, calls, requests, cost FROM total
    )
    SELECT kind, value, n_values::bigint AS n_values, calls::bigint AS calls, requests::bigint AS requests,
           cost::numeric(24,12)::text AS cost,
           (cost / nullif(requests, 0))::numeric(24,12)::text AS per_request
    FROM grouped
    ORDER BY rank`;
  const rest = rows.find((r) => r.kind === 'rest');
  const total = rows.find((r) => r.kind === 'total');
  return {
    key,
    rows: rows.filter((r) => r.kind === 'value').map((r) => ({ value: r.value ?? '', ...totalsOf(r) })),
    rest: rest === undefined ? null : { values: Number(rest.n_values), ...totalsOf(rest) },
    total:
      total === undefined
        ? { values: 0, calls: 0, requests: 0, costUsd: '0.000000000000', costPerRequestUsd: null }
        : { values: Number(total.n_values), ...totalsOf(total) },
  };
}
