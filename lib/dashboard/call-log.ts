// The call log: every call matching the filters, newest first, a page at a time by keyset on (started_at, id),
// and one call in full with its cost split by token class and the other calls of its request.
import { Prisma, type PrismaClient } from '../db/generated/client';
import { getDefaultPriceBook } from '../ledger/default-price-book';
import type { PriceBook } from '../ledger/price-types';
import { attributeCondition, callConditions } from './call-conditions';
import { splitCost, type CostSplit } from './call-log-cost-split';
import { encodeCursor, type CallCursor, type CallLogFilters } from './call-log-filters';

type Db = Pick<PrismaClient, '$queryRaw'>;

export interface CallLogItem {
  /** The row id, a UUIDv7. */
  id: string;
  /** ISO 8601, UTC, milliseconds. */
  startedAt: string;
  traceId: string;
  spanId: string;
  source: string | null;
  sourceKind: string;
  feature: string | null;
  operation: string;
  /** The billed model: the response model, else the requested one. */
  model: string | null;
  inputTokens: number | null;
  cachedInputTokens: number | null;
  outputTokens: number | null;
  reasoningTokens: number | null;
  /** Exact USD, 12 decimals; null when the cost is unknown (see costStatus). */
  costUsd: string | null;
  costStatus: string;
  status: string;
  errorType: string | null;
  durationMs: number;
  attributes: Record<string, unknown>;
}

export interface CallPage {
  items: CallLogItem[];
  /** Where the next (older) page starts; null on the last page. */
  nextCursor: string | null;
}

export interface CallDetail extends CallLogItem {
  /** ISO 8601: when the row was written. */
  createdAt: string;
  parentSpanId: string | null;
  provider: string;
  requestModel: string | null;
  responseModel: string | null;
  totalTokens: number | null;
  /** The price used, e.g. "genai-prices@0.1.8:openai/gpt-4o-mini"; null when unpriced. */
  priceRef: string | null;
  streamed: boolean;
  serviceName: string | null;
  costSplit: CostSplit;
  /** The other calls of the same trace, oldest first, at most {@link SAME_REQUEST_LIMIT}. */
  sameRequest: CallLogItem[];
}

export const SAME_REQUEST_LIMIT = 100;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface ItemRow {
  id: string;
  started_at: Date;
  trace_id: string;
  span_id: string;
  source: string | null;
  source_kind: string;
  feature_id: string | null;
  operation: string;
  model: string | null;
  input_tokens: number | null;
  cached_input_tokens: number | null;
  output_tokens: number | null;
  reasoning_tokens: number | null;
  cost: string | null;
  cost_status: string;
  status: string;
  error_type: string | null;
  duration_ms: number;
  attributes: Record<string, unknown>;
}

interface DetailRow extends ItemRow {
  created_at: Date;
  parent_span_id: string | null;
  provider: string;
  request_model: string | null;
  response_model: string | null;
  total_tokens: number | null;
  price_ref: string | null;
  streamed: boolean;
  service_name: string | null;
}

const ITEM_COLUMNS = Prisma.sql`id::text AS id, started_at, trace_id, span_id, source, source_kind::text AS source_kind,
  feature_id, operation::text AS operation, coalesce(response_model, request_model) AS model, input_tokens,
  cached_input_tokens, output_tokens, reasoning_tokens, cost_usd::text AS cost, cost_status::text AS cost_status,
  status::text AS status, error_type, duration_ms, attributes`;

function toItem(r: ItemRow): CallLogItem {
  return {
    id: r.id,
    startedAt: r.started_at.toISOString(),
    traceId: r.trace_id,
    spanId: r.span_id,
    source: r.source,
    sourceKind: r.source_kind,
    feature: r.feature_id,
    operation: r.operation,
    model: r.model,
    inputTokens: r.input_tokens,
    cachedInputTokens: r.cached_input_tokens,
    outputTokens: r.output_tokens,
    reasoningTokens: r.reasoning_tokens,
    costUsd: r.cost,
    costStatus: r.cost_status,
    status: r.status,
    errorType: r.error_type,
    durationMs: r.duration_ms,
    attributes: r.attributes,
  };
}

/** The dashboard's conditions plus the call log's own. */
function callLogConditions(filters: CallLogFilters): Prisma.Sql[] {
  const conditions = callConditions(filters);
  if (filters.traceId !== undefined) conditions.push(Prisma.sql`trace_id = ${filters.traceId}`);
  if (filters.errorType !== undefined) conditions.push(Prisma.sql`error_type = ${filters.errorType}`);
  // A bound on the cost leaves out the calls whose cost is unknown (NULL compares to nothing).
  conditions.push(...costRange(filters));
  return conditions;
}

/**
 * A cost range that matches at most this many calls in the whole table is read from the cost index first: the
 * page then sorts those calls instead of walking the period newest first until it finds a page of them.
 */
export const RARE_COST_CALLS = 5000;

/** The cost range as conditions; empty without a bound. */
function costRange(filters: CallLogFilters): Prisma.Sql[] {
  const range: Prisma.Sql[] = [];
  if (filters.minCostUsd !== undefined) range.push(Prisma.sql`cost_usd >= ${filters.minCostUsd}::numeric`);
  if (filters.maxCostUsd !== undefined) range.push(Prisma.sql`cost_usd <= ${filters.maxCostUsd}::numeric`);
  return range;
}

/**
 * Whether the cost range matches at most {@link RARE_COST_CALLS} calls: an index-only count of at most that
 * many plus one entries of ai_interaction_cost_usd_idx, so it costs the same whatever the planner estimates.
 */
async function isRareCostRange(db: Db, range: Prisma.Sql[], rare: number): Promise<boolean> {
  const [row] = await db.$queryRaw<{ n: bigint }[]>`
    SELECT count(*) AS n FROM (
      SELECT 1 FROM ai_interaction WHERE ${Prisma.join(range, ' AND ')} ORDER BY cost_usd LIMIT ${rare + 1}
    ) AS matching`;
  return Number(row?.n ?? 0) <= rare;
}

/**
 * A page filtered by a developer attribute is first looked for among this many of the period's newest calls
 * that meet the other filters.
 */
export const RECENT_CALLS = 10_000;

/**
 * One page of the calls matching the filters, newest first, after `cursor` (the previous page's last row).
 * Ties in started_at are ordered by id, so every row is on exactly one page (ai_interaction.id: a bare `id`
 * in ORDER BY would name the text column of the SELECT). Reads limit + 1 rows to know
 * whether there is a next page; the period's index on started_at serves the order.
 *
 * A rare cost range (say cost >= $0.10) is the exception: the planner's estimate of how rare is coarse (at 10M
 * calls it guessed 0.1% for 0.0015%), and walking the period newest first for a page of them read millions
 * of rows. So the range is counted first on the cost index; when it is rare, the page is picked from its calls
 * (fetched by the cost index, no more than {@link RARE_COST_CALLS}, or `rareCostCalls`) rather than from the
 * period. Both ways give the same pages. A developer attribute is the other exception (`attributePage`).
 */
export async function getCallPage(
  db: Db,
  filters: CallLogFilters,
  cursor: CallCursor | undefined,
  limit: number,
  {
    rareCostCalls = RARE_COST_CALLS,
    recentCalls = RECENT_CALLS,
  }: { rareCostCalls?: number; recentCalls?: number } = {},
): Promise<CallPage> {
  const { attr, ...withoutAttr } = filters;
  // The attribute's condition is kept apart: `attributePage` looks for it among the others' newest calls.
  const conditions = callLogConditions(withoutAttr);
  if (cursor !== undefined) {
    conditions.push(Prisma.sql`(started_at, id) < (${cursor.startedAt}::timestamptz, ${cursor.id}::uuid)`);
  }
  const attribute = attr === undefined ? undefined : attributeCondition(attr);
  const range = costRange(filters);
  const fromRareCosts = range.length > 0 && (await isRareCostRange(db, range, rareCostCalls));
  const rows = fromRareCosts
    ? await db.$queryRaw<ItemRow[]>`
        WITH costly AS MATERIALIZED (
          SELECT id, started_at FROM ai_interaction WHERE ${Prisma.join(range, ' AND ')}
          ORDER BY cost_usd LIMIT ${rareCostCalls + 1}
        )
        SELECT ${ITEM_COLUMNS}
        FROM ai_interaction
        WHERE (ai_interaction.id, ai_interaction.started_at) IN (SELECT id, started_at FROM costly)
          AND ${Prisma.join(attribute === undefined ? conditions : [...conditions, attribute], ' AND ')}
        ORDER BY started_at DESC, ai_interaction.id DESC
        LIMIT ${limit + 1}`
    : attribute !== undefined
      ? await attributePage(db, conditions, attribute, limit, recentCalls)
      : await db.$queryRaw<ItemRow[]>`
        SELECT ${ITEM_COLUMNS}
        FROM ai_interaction
        WHERE ${Prisma.join(conditions, ' AND ')}
        ORDER BY started_at DESC, ai_interaction.id DESC
        LIMIT ${limit + 1}`;
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(toItem),
    nextCursor:
      rows.length > limit && last !== undefined ? encodeCursor({ startedAt: last.started_at, id: last.id }) : null,
  };
}

/**
 * A page of the calls carrying a developer attribute. The planner cannot tell how common one value of one key
 * is (its statistics are of whole attribute objects), and its guess moves with each ANALYZE's sample: at 10M
 * calls it once guessed 1% for a value carried by about 1 call in 30,000, walked the period newest first for a
 * page of them, and read 2 million rows (about 650 ms). So the page is first looked for among the `recent`
 * newest calls meeting the other conditions, a bounded read that holds a common value's page. When they hold
 * less than a page, the value is rare there, and the calls carrying it are all read first (the attribute index
 * serves a query that wants every match), then sorted. Both ways give the same pages.
 */
async function attributePage(
  db: Db,
  others: Prisma.Sql[],
  attribute: Prisma.Sql,
  limit: number,
  recent: number,
): Promise<ItemRow[]> {
  const fromRecent = await db.$queryRaw<ItemRow[]>`
    SELECT ${ITEM_COLUMNS}
    FROM (
      SELECT * FROM ai_interaction WHERE ${Prisma.join(others, ' AND ')}
      ORDER BY started_at DESC, id DESC LIMIT ${recent}
    ) AS ai_interaction
    WHERE ${attribute}
    ORDER BY started_at DESC, ai_interaction.id DESC
    LIMIT ${limit + 1}`;
  if (fromRecent.length > limit) return fromRecent;
  // MATERIALIZED: planned to read every match, not the first few (as the LIMIT below would have it planned).
  return db.$queryRaw<ItemRow[]>`
    WITH carrying AS MATERIALIZED (
      SELECT ${ITEM_COLUMNS}, ai_interaction.id AS row_id
      FROM ai_interaction WHERE ${Prisma.join([...others, attribute], ' AND ')}
    )
    SELECT * FROM carrying ORDER BY started_at DESC, row_id DESC LIMIT ${limit + 1}`;
}

/** One call with every column, its cost split and the other calls of its request; undefined when there is none. */
export async function getCallDetail(
  db: Db,
  id: string,
  priceBook: PriceBook = getDefaultPriceBook(),
): Promise<CallDetail | undefined> {
  if (!UUID.test(id)) return undefined;
  const rows = await db.$queryRaw<DetailRow[]>`
    SELECT ${ITEM_COLUMNS}, created_at, parent_span_id, provider, request_model, response_model, total_tokens,
           price_ref, streamed, service_name
    FROM ai_interaction WHERE id = ${id}::uuid`;
  const r = rows[0];
  if (r === undefined) return undefined;
  const others = await db.$queryRaw<ItemRow[]>`
    SELECT ${ITEM_COLUMNS}
    FROM ai_interaction
    WHERE trace_id = ${r.trace_id} AND id <> ${r.id}::uuid
    ORDER BY started_at, ai_interaction.id
    LIMIT ${SAME_REQUEST_LIMIT}`;
  return {
    ...toItem(r),
    createdAt: r.created_at.toISOString(),
    parentSpanId: r.parent_span_id,
    provider: r.provider,
    requestModel: r.request_model,
    responseModel: r.response_model,
    totalTokens: r.total_tokens,
    priceRef: r.price_ref,
    streamed: r.streamed,
    serviceName: r.service_name,
    costSplit: splitCost(
      {
        provider: r.provider,
        model: r.model,
        startedAt: r.started_at,
        inputTokens: r.input_tokens,
        cachedInputTokens: r.cached_input_tokens,
        outputTokens: r.output_tokens,
        reasoningTokens: r.reasoning_tokens,
        costUsd: r.cost,
        priceRef: r.price_ref,
      },
      priceBook,
    ),
    sameRequest: others.map(toItem),
  };
}

/** The id of the call a trace id and span id name (their pair is unique), for links that know only those. */
export async function findCallId(db: Db, traceId: string, spanId: string): Promise<string | undefined> {
  const rows = await db.$queryRaw<{ id: string }[]>`
    SELECT id::text AS id FROM ai_interaction WHERE trace_id = ${traceId} AND span_id = ${spanId}`;
  return rows[0]?.id;
}
