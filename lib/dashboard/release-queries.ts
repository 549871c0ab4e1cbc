// Releases: spend and cost per request by service.version, and two releases compared source by source, from
// the requests' daily rollup (ai_request_daily). A request counts on the UTC day of its first call, under the
// release of its first call that had one ('' when none did). Money stays an exact decimal string.
import { Prisma, type PrismaClient } from '../db/generated/client';
import { dayRange } from './call-conditions';
import type { DashboardFilters } from './filters';
import { requestConditions } from './request-queries';

type Db = Pick<PrismaClient, '$queryRaw'>;

export interface ReleaseRow {
  /** service.version; '' for requests from a process that did not say. */
  serviceVersion: string;
  requests: number;
  calls: number;
  /** Exact USD. */
  costUsd: string;
  /** Exact USD per request, rounded to 12 decimals. */
  costPerRequestUsd: string;
  /** The first and last UTC day (YYYY-MM-DD) with requests in the filters' days. */
  firstDay: string;
  lastDay: string;
}

export interface ReleaseSide {
  requests: number;
  /** Exact USD. */
  costUsd: string;
  /** Exact USD per request rounded to 12 decimals; null without requests. */
  costPerRequestUsd: string | null;
}

export interface ReleaseSourceChange {
  /** '' for requests without a source. */
  source: string;
  sourceKind: string;
  base: ReleaseSide;
  head: ReleaseSide;
  /**
   * The change in cost per request from base to head, in percent rounded to one decimal (38.5 is +38.5%);
   * null when either release has no requests of the source, or the base's requests cost nothing.
   */
  changePercent: number | null;
  /**
   * What the change in cost per request costs at the head's traffic, exact USD rounded to 12 decimals:
   * head requests × (head − base cost per request); the head's whole cost for a source the base did not have.
   */
  spendChangeUsd: string;
}

export interface ReleaseComparison {
  base: string;
  head: string;
  /** By the absolute spend change, largest first, then source. */
  sources: ReleaseSourceChange[];
}

/** The period, and the source and its kind: the only filters that describe a request (see request-queries.ts). */
function requestWhere(filters: DashboardFilters, extra: Prisma.Sql[] = []): Prisma.Sql {
  const conditions = [...dayRange(filters), ...requestConditions(filters), ...extra];
  return Prisma.sql`WHERE ${Prisma.join(conditions, ' AND ')}`;
}

/**
 * Every release with requests in the filters' days: the newest first by the last day it was seen, then by the
 * first day (a release deployed later is newer), then by version; requests of no known release ('') last.
 * Applies the period, source and source kind.
 */
export async function getReleases(db: Db, filters: DashboardFilters): Promise<ReleaseRow[]> {
  const rows = await db.$queryRaw<
    { version: string; requests: bigint; calls: bigint; cost: string; avg: string; first: string; last: string }[]
  >`
    SELECT service_version AS version,
           sum(requests)::bigint AS requests,
           sum(calls)::bigint AS calls,
           sum(cost_usd)::numeric(24,12)::text AS cost,
           (sum(cost_usd) / sum(requests))::numeric(24,12)::text AS avg,
           min(day)::text AS first,
           max(day)::text AS last
    FROM ai_request_daily
    ${requestWhere(filters)}
    GROUP BY service_version
    HAVING sum(requests) > 0
    ORDER BY service_version = '', max(day) DESC, min(day) DESC, service_version COLLATE "C" DESC`;
  return rows.map((r) => ({
    serviceVersion: r.version,
    requests: Number(r.requests),
    calls: Number(r.calls),
    costUsd: r.cost,
    costPerRequestUsd: r.avg,
    firstDay: r.first,
    lastDay: r.last,
  }));
}

/**
 * Releases `base` and `head` side by side per source over the filters' days: requests, spend, cost per request
 * and its change. Both are measured over the same days, so a release that ran for part of them is compared on
 * its own requests. Applies the period, source and source kind.
 */
export async function compareReleases(
  db: Db,
  filters: DashboardFilters,
  base: string,
  head: string,
): Promise<ReleaseComparison> {
  const rows = await db.$queryRaw<
    {
      source: string;
      source_kind: string;
      base_requests: bigint;
      base_cost: string;
      base_avg: string | null;
      head_requests: bigint;
      head_cost: string;
      head_avg: string | null;
      change: string | null;
      spend_change: string;
    }[]
  >`
    WITH per_source AS (
      SELECT source, source_kind,
             coalesce(sum(requests) FILTER (WHERE service_version = ${base}), 0) AS br,
             coalesce(sum(cost_usd) FILTER (WHERE service_version = ${base}), 0) AS bc,
             coalesce(sum(requests) FILTER (WHERE service_version = ${head}), 0) AS hr,
             coalesce(sum(cost_usd) FILTER (WHERE service_version = ${head}), 0) AS hc
      FROM ai_request_daily
      ${requestWhere(filters, [Prisma.sql`service_version IN (${base}, ${head})`])}
      GROUP BY source, source_kind
    ), changes AS (
      SELECT *,
             -- (hc/hr − bc/br) / (bc/br), multiplied out so that nothing is rounded before the end.
             CASE WHEN br > 0 AND hr > 0 AND bc <> 0 THEN round((hc * br - bc * hr) * 100 / (bc * hr), 1) END
               AS change,
             (hc - CASE WHEN br > 0 THEN bc * hr / br ELSE 0 END)::numeric(24,12) AS spend_change
      FROM per_source
      WHERE br > 0 OR hr > 0
    )
    SELECT source, source_kind::text AS source_kind,
           br::bigint AS base_requests, bc::numeric(24,12)::text AS base_cost,
           (bc / nullif(br, 0))::numeric(24,12)::text AS base_avg,
           hr::bigint AS head_requests, hc::numeric(24,12)::text AS head_cost,
           (hc / nullif(hr, 0))::numeric(24,12)::text AS head_avg,
           change::text AS change, spend_change::text AS spend_change
    FROM changes
    ORDER BY abs(spend_change) DESC, source COLLATE "C", source_kind`;
  return {
    base,
    head,
    sources: rows.map((r) => ({
      source: r.source,
      sourceKind: r.source_kind,
      base: { requests: Number(r.base_requests), costUsd: r.base_cost, costPerRequestUsd: r.base_avg },
      head: { requests: Number(r.head_requests), costUsd: r.head_cost, costPerRequestUsd: r.head_avg },
      changePercent: r.change === null ? null : Number(r.change),
      spendChangeUsd: r.spend_change,
    })),
  };
}
