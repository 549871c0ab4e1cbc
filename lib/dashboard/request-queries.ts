// Requests: the calls of one trace as one line. Cost per request by source reads the daily rollup
// (ai_request_daily), the most expensive requests and one request read ai_request through its indexes: no page
// view groups calls. Money stays an exact decimal string; a percentile is a bucket bound, a float.
import { Prisma, type PrismaClient } from '../db/generated/client';
import { dayRange } from './call-conditions';
import type { DashboardFilters } from './filters';
import { histogramPercentile } from './latency';

type Db = Pick<PrismaClient, '$queryRaw'>;

/** Buckets of ai_request_daily.cost_histogram (see ai_cost_bucket in the requests migration). */
export const COST_BUCKETS = 136;

/** The lower bound of bucket 1, in USD: bucket 0 holds the requests that cost less. */
const FIRST_BOUND_USD = 1e-7;

/** Most calls {@link getRequest} reads of one request; a request page says when there are more. */
export const REQUEST_CALLS_LIMIT = 500;

const TRACE_ID = /^[0-9a-f]{32}$/;

/**
 * The upper bound of a cost bucket, in USD: bucket 0 is under $0.0000001, bucket k from 1 to 134 is
 * [1e-7·2^((k-1)/4), 1e-7·2^(k/4)). The last (from about $1,214.67) has none: Infinity.
 */
export function costBucketUpperUsd(bucket: number): number {
  if (bucket >= COST_BUCKETS - 1) return Number.POSITIVE_INFINITY;
  return bucket === 0 ? FIRST_BOUND_USD : FIRST_BOUND_USD * 2 ** (bucket / 4);
}

/**
 * The cost per request at percentile `p` (0.5, 0.95) from a cost histogram, as the upper bound of the bucket
 * holding it: "at most this", as the latency percentiles are (a bucket is 19% wide, so the bound is at most 19%
 * above the true value). The smallest bound under which at least `p` of the requests fall; null with none.
 */
export function costPercentile(histogram: readonly number[], p: number): number | null {
  return histogramPercentile(histogram, p, costBucketUpperUsd);
}

export interface RequestCostRow {
  /** '' for requests without a source. */
  source: string;
  sourceKind: string;
  requests: number;
  calls: number;
  /** Requests with a call whose cost is not exact (a bound, an estimate, unpriced, or no usage). */
  incompleteRequests: number;
  /** Exact USD, the requests' total. */
  costUsd: string;
  /** Exact USD per request, rounded to 12 decimals. */
  avgCostUsd: string;
  /** At most this much (USD) per request at the median and the 95th percentile; see {@link costPercentile}. */
  p50CostUsd: number;
  p95CostUsd: number;
  /** Exact USD: the most expensive request. */
  maxCostUsd: string;
}

export interface RequestRow {
  traceId: string;
  /** ISO 8601, UTC: the first call's start. */
  startedAt: string;
  /** ISO 8601, UTC: the last call's end. */
  endedAt: string;
  durationMs: number;
  /** '' when no call had one. */
  source: string;
  sourceKind: string;
  /** The release (service.version) of its first call that had one; '' for none. */
  serviceVersion: string;
  calls: number;
  errorCalls: number;
  /** Calls whose cost is not exact: a bound, an estimate, unpriced, or no usage. */
  inexactCalls: number;
  /** Whether every call's cost is exact (inexactCalls is 0). */
  complete: boolean;
  /** Exact USD: the sum of the calls' known costs. */
  costUsd: string;
}

export interface RequestCall {
  id: string;
  spanId: string;
  parentSpanId: string | null;
  /** ISO 8601, UTC. */
  startedAt: string;
  durationMs: number;
  /** Milliseconds from the request's start to this call's: where the call's bar begins. */
  offsetMs: number;
  operation: string;
  /** The billed model: the response model, else the requested one. */
  model: string | null;
  featureId: string | null;
  inputTokens: number | null;
  cachedInputTokens: number | null;
  outputTokens: number | null;
  reasoningTokens: number | null;
  /** Exact USD; null when unknown (see costStatus). */
  costUsd: string | null;
  costStatus: string;
  status: string;
  errorType: string | null;
}

export interface RequestDetail {
  request: RequestRow & {
    /** The developer attributes of its first call, each key kept from the first call that had it. */
    attributes: Record<string, unknown>;
  };
  /** Oldest first (then by span id), at most {@link REQUEST_CALLS_LIMIT}: fewer than request.calls when cut. */
  calls: RequestCall[];
}

/**
 * The requests' conditions. Only what describes a request applies: the period, the source and its kind. A
 * model, feature, status, cost status or attribute describes a call, and a request's calls can differ in each,
 * so those filters are ignored here.
 */
export function requestConditions(filters: DashboardFilters): Prisma.Sql[] {
  const conditions: Prisma.Sql[] = [];
  if (filters.sourceKind) conditions.push(Prisma.sql`source_kind = ${filters.sourceKind}::"SourceKind"`);
  if (filters.source !== undefined) conditions.push(Prisma.sql`source = ${filters.source}`);
  return conditions;
}

/** The histogram summed position by position in the same aggregate as the totals (as getTotals does). */
const HISTOGRAM_SUMS = Prisma.raw(
  Array.from({ length: COST_BUCKETS }, (_, i) => `coalesce(sum(cost_histogram[${i + 1}]), 0)`).join(', '),
);

/** '{3,0,12,…}', Postgres's text form of an array (the same whatever the driver), as numbers. */
function parseIntArray(text: string): number[] {
  return text.replace(/[{}]/g, '').split(',').filter(Boolean).map(Number);
}

/**
 * Cost per request by source (with its kind) over the filters' days, most expensive first, from the daily
 * rollup. The percentiles are bucket bounds capped at the exact maximum (no request costs more). Applies the
 * period, source and source kind; ignores the call-level filters (model, feature, status, cost, attribute).
 */
export async function getRequestCostBySource(db: Db, filters: DashboardFilters): Promise<RequestCostRow[]> {
  const conditions = [...dayRange(filters), ...requestConditions(filters)];
  const rows = await db.$queryRaw<
    {
      source: string;
      source_kind: string;
      requests: bigint;
      calls: bigint;
      incomplete: bigint;
      cost: string;
      avg: string;
      max: string;
      histogram: string;
    }[]
  >`
    SELECT source, source_kind::text AS source_kind,
           sum(requests)::bigint AS requests,
           sum(calls)::bigint AS calls,
           sum(incomplete_requests)::bigint AS incomplete,
           sum(cost_usd)::numeric(24,12)::text AS cost,
           (sum(cost_usd) / sum(requests))::numeric(24,12)::text AS avg,
           max(max_cost_usd)::numeric(24,12)::text AS max,
           ARRAY[${HISTOGRAM_SUMS}]::bigint[]::text AS histogram
    FROM ai_request_daily
    WHERE ${Prisma.join(conditions, ' AND ')}
    GROUP BY source, source_kind
    HAVING sum(requests) > 0
    ORDER BY sum(cost_usd) DESC, sum(requests) DESC, source COLLATE "C", source_kind`;
  return rows.map((r) => {
    const histogram = parseIntArray(r.histogram);
    const max = Number(r.max);
    return {
      source: r.source,
      sourceKind: r.source_kind,
      requests: Number(r.requests),
      calls: Number(r.calls),
      incompleteRequests: Number(r.incomplete),
      costUsd: r.cost,
      avgCostUsd: r.avg,
      p50CostUsd: Math.min(costPercentile(histogram, 0.5) ?? max, max),
      p95CostUsd: Math.min(costPercentile(histogram, 0.95) ?? max, max),
      maxCostUsd: r.max,
    };
  });
}

interface RequestDbRow {
  trace_id: string;
  started_at: Date;
  ended_at: Date;
  source: string;
  source_kind: string;
  service_version: string;
  calls: number;
  error_calls: number;
  inexact_calls: number;
  cost: string;
}

const REQUEST_COLUMNS = Prisma.sql`trace_id, started_at, ended_at, source, source_kind::text AS source_kind,
  service_version, calls, error_calls, inexact_calls, cost_usd::text AS cost`;

function toRequestRow(r: RequestDbRow): RequestRow {
  return {
    traceId: r.trace_id,
    startedAt: r.started_at.toISOString(),
    endedAt: r.ended_at.toISOString(),
    durationMs: r.ended_at.getTime() - r.started_at.getTime(),
    source: r.source,
    sourceKind: r.source_kind,
    serviceVersion: r.service_version,
    calls: r.calls,
    errorCalls: r.error_calls,
    inexactCalls: r.inexact_calls,
    complete: r.inexact_calls === 0,
    costUsd: r.cost,
  };
}

/**
 * The most expensive requests that started in the filters' days, by cost descending, then trace id. A
 * request's day is its start's UTC day, so the range is on started_at, which ai_request_started_at_idx serves.
 * Applies the period, source and source kind; ignores the call-level filters.
 */
export async function getMostExpensiveRequests(db: Db, filters: DashboardFilters, limit = 20): Promise<RequestRow[]> {
  const conditions = [
    Prisma.sql`started_at >= ${filters.from}`,
    Prisma.sql`started_at < ${filters.to}`,
    ...requestConditions(filters),
  ];
  const rows = await db.$queryRaw<RequestDbRow[]>`
    SELECT ${REQUEST_COLUMNS}
    FROM ai_request
    WHERE ${Prisma.join(conditions, ' AND ')}
    ORDER BY cost_usd DESC, trace_id
    LIMIT ${limit}`;
  return rows.map(toRequestRow);
}

/**
 * One request and its calls, oldest first (the unique index on (trace_id, span_id) finds them); undefined
 * for a trace id that is not 32 lowercase hex digits or has no calls.
 */
export async function getRequest(db: Db, traceId: string): Promise<RequestDetail | undefined> {
  if (!TRACE_ID.test(traceId)) return undefined;
  const [requests, calls] = await Promise.all([
    db.$queryRaw<(RequestDbRow & { attributes: Record<string, unknown> })[]>`
      SELECT ${REQUEST_COLUMNS}, attributes FROM ai_request WHERE trace_id = ${traceId}`,
    db.$queryRaw<
      {
        id: string;
        span_id: string;
        parent_span_id: string | null;
        started_at: Date;
        duration_ms: number;
        operation: string;
        model: string | null;
        feature_id: string | null;
        input_tokens: number | null;
        cached_input_tokens: number | null;
        output_tokens: number | null;
        reasoning_tokens: number | null;
        cost: string | null;
        cost_status: string;
        status: string;
        error_type: string | null;
      }[]
    >`
      SELECT id::text AS id, span_id, parent_span_id, started_at, duration_ms, operation::text AS operation,
             coalesce(response_model, request_model) AS model, feature_id, input_tokens, cached_input_tokens,
             output_tokens, reasoning_tokens, cost_usd::text AS cost, cost_status::text AS cost_status,
             status::text AS status, error_type
      FROM ai_interaction
      WHERE trace_id = ${traceId}
      ORDER BY started_at, span_id
      LIMIT ${REQUEST_CALLS_LIMIT}`,
  ]);
  const r = requests[0];
  if (r === undefined) return undefined;
  const start = r.started_at.getTime();
  return {
    request: { ...toRequestRow(r), attributes: r.attributes },
    calls: calls.map((c) => ({
      id: c.id,
      spanId: c.span_id,
      parentSpanId: c.parent_span_id,
      startedAt: c.started_at.toISOString(),
      durationMs: c.duration_ms,
      offsetMs: c.started_at.getTime() - start,
      operation: c.operation,
      model: c.model,
      featureId: c.feature_id,
      inputTokens: c.input_tokens,
      cachedInputTokens: c.cached_input_tokens,
      outputTokens: c.output_tokens,
      reasoningTokens: c.reasoning_tokens,
      costUsd: c.cost,
      costStatus: c.cost_status,
      status: c.status,
      errorType: c.error_type,
    })),
  };
}
