// `npm run bench:dashboard`: times every dashboard panel's query on a scratch Postgres database seeded with
// 100,000 and 1,000,000 realistic calls, against a no-rollup baseline in the same run, checks the call list's
// plans use an index, and writes the figures to docs/benchmarks.md. The bar: 150 ms p95 per panel.
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { getCallPage } from '../lib/dashboard/call-log';
import {
  encodeCursor,
  parseCallLogQuery,
  type CallCursor,
  type CallLogFilters,
} from '../lib/dashboard/call-log-filters';
import { buildAttributeBlocks } from '../lib/db/attribute-blocks';
import { ensurePartitions } from '../lib/db/partitions';
import { getCustomerBreakdown } from '../lib/dashboard/customer-queries';
import type { DashboardFilters } from '../lib/dashboard/filters';
import {
  getBreakdown,
  getCalls,
  getCompleteness,
  getDailySeries,
  getTokenCounting,
  getTotals,
} from '../lib/dashboard/queries';
import { compareReleases, getReleases } from '../lib/dashboard/release-queries';
import { getMostExpensiveRequests, getRequest, getRequestCostBySource } from '../lib/dashboard/request-queries';
import { openDatabase } from '../lib/db/database';
import { Prisma, type PrismaClient } from '../lib/db/generated/client';
import { sourceKindOf } from '../lib/ledger/source-rules';
import { createPostgresDatabase } from '../harness/test-database';
import { cleanupOnInterrupt, runBenchmark, type OptionSpec } from './bench-cli';
import { describeEnvironment, runDetails, fmtInt, loadAverage, type Environment } from './bench-report';

/** The server settings the section states, because the plans and timings depend on them. */
const DATABASE_SETTINGS = ['shared_buffers', 'work_mem', 'max_parallel_workers_per_gather', 'jit'];

const DEFAULT_ROWS = [100_000, 1_000_000];
const BAR_P95_MS = 150;
const WARMUPS = 3;
const DEFAULT_RUNS = 30;
/** A query stops early once it has this many runs and has used this much time (the slow baselines). */
const MIN_RUNS = 10;
/** Above this many rows the no-rollup baselines are skipped: they take minutes each, and the point is made. */
const BASELINE_MAX_ROWS = 1_000_000;
const TIME_BUDGET_MS = 15_000;
/** Rows per INSERT ... SELECT: keeps the rollup trigger's transition table moderate. */
const SEED_CHUNK = 100_000;
const SECTION = '## Dashboard queries';
const DAY_MS = 86_400_000;

type Db = Pick<PrismaClient, '$queryRaw'>;

// ---------------------------------------------------------------------------------------------------------
// The seeded app: 40 sources, 15 features, 8 models. Each source mostly calls one feature with one model.

const FEATURES = [
  'email.sentiment',
  'email.auto_send',
  'followups.draft',
  'insights_chat.answer',
  'leads.score',
  'tickets.triage',
  'tickets.reply',
  'search.embed',
  'documents.embed',
  'contacts.enrich',
  'reports.narrative',
  'meetings.notes',
  'translate.text',
  'moderation.check',
  'kb.answer',
] as const;

interface ModelSpec {
  name: string;
  /** USD per million tokens: input, cached input, output; null when the price book has no price. */
  prices: [number, number, number] | null;
  embedding: boolean;
  reasoning: boolean;
  /** Medians of the log-normal token counts and duration. */
  inputMedian: number;
  outputMedian: number;
  msMedian: number;
}

// The last one, a fine-tune the price book does not know, takes 1.2% of the chat calls of every source.
const MODELS: ModelSpec[] = [
  model('gpt-4o-mini', [0.15, 0.075, 0.6], 900, 250, 1_400),
  model('gpt-4.1-mini', [0.4, 0.1, 1.6], 1_100, 300, 1_700),
  model('gpt-4o', [2.5, 1.25, 10], 1_500, 350, 2_600),
  { ...model('text-embedding-3-small', [0.02, 0.02, 0], 300, 0, 120), embedding: true },
  model('gpt-4.1-nano', [0.1, 0.025, 0.4], 600, 120, 700),
  { ...model('o4-mini', [1.1, 0.275, 4.4], 1_200, 900, 6_500), reasoning: true },
  { ...model('gpt-5-mini', [0.25, 0.025, 2], 1_200, 700, 5_000), reasoning: true },
  model('ft:gpt-4o-mini-2024-07-18:acme:support:bench', null, 900, 250, 1_500),
];

function model(
  name: string,
  prices: ModelSpec['prices'],
  inputMedian: number,
  outputMedian: number,
  msMedian: number,
): ModelSpec {
  return { name, prices, embedding: false, reasoning: false, inputMedian, outputMedian, msMedian };
}

/**
 * [source, its usual feature, its usual model (1-based into MODELS), operation], most called first (source k
 * takes a share of about (k/40)^0.625 − ((k−1)/40)^0.625). Besides its usual feature and model, each source
 * has a second call site (15% of its calls, another feature) and a second model (9%), as a real call site
 * does: a handful of combinations per source, not every feature with every model.
 */
const SOURCES: [string, (typeof FEATURES)[number], number, 'chat' | 'responses'][] = [
  ['/api/webhooks/email', 'email.sentiment', 1, 'responses'],
  ['action:insights_chat.send_message', 'insights_chat.answer', 1, 'responses'],
  ['/api/leads/[id]/draft', 'followups.draft', 2, 'responses'],
  ['/api/cron/followups', 'followups.draft', 1, 'responses'],
  ['/api/chat', 'insights_chat.answer', 3, 'chat'],
  ['/api/tickets/[id]/triage', 'tickets.triage', 5, 'chat'],
  ['job:backfill_embeddings', 'documents.embed', 4, 'responses'],
  ['/api/search', 'search.embed', 4, 'responses'],
  ['action:leads.draft', 'followups.draft', 2, 'responses'],
  ['/api/tickets/[id]/reply', 'tickets.reply', 1, 'responses'],
  ['action:email.rewrite', 'email.auto_send', 1, 'chat'],
  ['/api/documents/[id]/embed', 'documents.embed', 4, 'responses'],
  ['job:nightly_followups', 'followups.draft', 1, 'responses'],
  ['action:kb.answer', 'kb.answer', 2, 'responses'],
  ['/api/contacts/[id]/enrich', 'contacts.enrich', 5, 'chat'],
  ['action:tickets.summarize', 'tickets.reply', 1, 'chat'],
  ['/api/meetings/[id]/notes', 'meetings.notes', 2, 'responses'],
  ['job:churn_scoring', 'leads.score', 6, 'responses'],
  ['/api/reports/[id]/narrative', 'reports.narrative', 3, 'responses'],
  ['action:leads.score', 'leads.score', 5, 'chat'],
  ['/api/translate', 'translate.text', 5, 'chat'],
  ['/api/moderation', 'moderation.check', 5, 'chat'],
  ['job:weekly_digest', 'reports.narrative', 7, 'responses'],
  ['/api/insights/[id]/summary', 'insights_chat.answer', 2, 'responses'],
  ['action:kb.suggest_articles', 'kb.answer', 4, 'responses'],
  ['/api/forms/[id]/classify', 'tickets.triage', 5, 'chat'],
  ['job:ticket_clustering', 'tickets.triage', 4, 'responses'],
  ['/api/webhooks/slack', 'email.sentiment', 1, 'chat'],
  ['action:reports.explain', 'reports.narrative', 7, 'responses'],
  ['/api/cron/digest', 'reports.narrative', 1, 'responses'],
  ['job:invoice_extraction', 'contacts.enrich', 2, 'responses'],
  ['/api/products/[id]/describe', 'translate.text', 1, 'chat'],
  ['action:contacts.dedupe', 'contacts.enrich', 5, 'chat'],
  ['/api/cron/reindex', 'documents.embed', 4, 'responses'],
  ['action:campaigns.subject_lines', 'email.auto_send', 3, 'chat'],
  ['job:eval_prompts', 'kb.answer', 6, 'responses'],
  ['/api/webhooks/stripe', 'email.sentiment', 5, 'chat'],
  ['action:settings.test_prompt', 'kb.answer', 3, 'chat'],
  ['job:reindex_documents', 'documents.embed', 4, 'responses'],
  ['action:onboarding.generate_examples', 'email.auto_send', 2, 'responses'],
];

const CHAT_MODELS = [1, 2, 3, 5, 6, 7];
const EMBEDDING_MODEL = 4;

/** The model a source's calls use besides its usual one (1-based into MODELS). */
function secondModel(sourceIndex: number): number {
  const usual = SOURCES[sourceIndex]?.[2] ?? 1;
  if (usual === EMBEDDING_MODEL) return EMBEDDING_MODEL;
  const pick = CHAT_MODELS[sourceIndex % CHAT_MODELS.length] ?? 1;
  return pick === usual ? (CHAT_MODELS[(sourceIndex + 1) % CHAT_MODELS.length] ?? 1) : pick;
}

const PRICE_REF_PREFIX = 'genai-prices@0.1.8:openai/';

/** Values of the developer attributes: tenants (skewed: the first few carry most calls) and users. */
const TENANTS = 300;
const USERS = 20_000;

/**
 * The releases (service.version) over the seeded 90 days, oldest first, each with the day (back from now) it
 * went out: a call carries the latest release out by its start.
 */
const RELEASES: [string, number][] = [
  ['2026.9.1', 120],
  ['2026.10.0', 62],
  ['2026.10.2', 41],
  ['2026.11.0', 27],
  ['2026.11.1', 16],
  ['2026.12.0', 5],
];
/** The releases compared: the last two, both within the default 30 days. */
const BASE_RELEASE = '2026.11.1';
const HEAD_RELEASE = '2026.12.0';

/**
 * The call log's rare cost filter: about 0.002% of the calls cost this much or more. getCallPage counts them on
 * the cost index first and, as they are few, sorts them rather than walking the period.
 */
const RARE_MIN_COST = '0.1';

/**
 * A uniform draw in [0, 1) that every call of a trace shares: a hash of the trace's key `tk` (random() draws
 * per call). `n` picks the draw.
 */
function traceDraw(n: number): string {
  return `((hashint8extended(tk, ${n}) & 4294967295)::float8 / 4294967296)`;
}

// One chunk of calls i in [$1, $2] out of $3, oldest first, the newest at $4. Time is spread by the row's
// rank (so the heap is in time order, as in production): the first quarter over days 90 to 30 back, the
// rest over the last 30 days. Calls come in traces (requests) of consecutive rows: each block of 6 rows is
// cut into traces at a hashed 25% of its 5 gaps (1 to 6 calls, 2.7 on average), and a trace's calls share
// its root span, source, developer attributes and release. Everything else is drawn from random(), seeded
// per database (setseed). Layers are fenced with OFFSET 0 so each random() is drawn once per row.
const SEED_SQL = `
INSERT INTO ai_interaction (
  id, started_at, duration_ms, trace_id, span_id, parent_span_id, source, source_kind, feature_id, operation,
  provider, request_model, response_model, input_tokens, cached_input_tokens, output_tokens, reasoning_tokens,
  total_tokens, cost_usd, cost_status, price_ref, streamed, status, error_type, service_name, attributes,
  service_version)
SELECT gen_random_uuid(), started_at, duration_ms, md5(tk || ':trace'), left(md5(i || ':span'), 16),
  left(md5(tk || ':root'), 16), source, source_kind::"SourceKind", feature_id, operation::"Operation", 'openai',
  model, CASE WHEN failed THEN NULL ELSE model END, input_tokens, cached_input_tokens, output_tokens,
  reasoning_tokens,
  CASE WHEN input_tokens IS NULL AND output_tokens IS NULL THEN NULL
       ELSE coalesce(input_tokens, 0) + coalesce(output_tokens, 0) END,
  CASE WHEN cost_status = 'priced' THEN round((
    (input_tokens - coalesce(cached_input_tokens, 0)) * ($10::numeric[])[m]
    + coalesce(cached_input_tokens, 0) * ($11::numeric[])[m]
    + coalesce(output_tokens, 0) * ($12::numeric[])[m]) / 1000000, 12) END,
  cost_status::"CostStatus",
  CASE WHEN cost_status = 'priced' THEN '${PRICE_REF_PREFIX}' || model END,
  coalesce(feature_id = 'insights_chat.answer', false), CASE WHEN failed THEN 'error' ELSE 'ok' END::"InteractionStatus",
  CASE WHEN NOT failed THEN NULL WHEN r_err_type < 0.5 THEN 'RateLimitError'
       WHEN r_err_type < 0.75 THEN 'APIConnectionTimeoutError' WHEN r_err_type < 0.9 THEN 'InternalServerError'
       ELSE 'BadRequestError' END,
  CASE WHEN source_kind = 'job' THEN 'worker' ELSE 'web' END,
  CASE WHEN r_attr < 0.7 THEN jsonb_build_object(
    'tenant', 't' || lpad((1 + floor(${TENANTS} * r_tenant ^ 3))::int::text, 3, '0'),
    'plan', CASE WHEN r_plan < 0.6 THEN 'free' WHEN r_plan < 0.92 THEN 'pro' ELSE 'enterprise' END,
    'user_id', 'u' || lpad((1 + floor(${USERS} * r_user))::int::text, 5, '0'))
  ELSE '{}'::jsonb END,
  ($22::text[])[greatest(1, width_bucket(started_at, $23::timestamptz[]))]
FROM (
  SELECT u.*,
    CASE WHEN failed OR token_count OR ($15::boolean[])[m] THEN NULL
         WHEN r_cache < 0.3 AND input_tokens >= 1024
           THEN (floor(input_tokens * (0.3 + 0.6 * r_cache_share) / 128) * 128)::int
         ELSE 0 END AS cached_input_tokens,
    CASE WHEN failed OR token_count OR ($15::boolean[])[m] THEN NULL
         WHEN ($16::boolean[])[m] THEN round(output_tokens * 0.6)::int ELSE 0 END AS reasoning_tokens,
    CASE WHEN token_count THEN 'not_billable' WHEN failed THEN 'no_usage'
         WHEN ($10::numeric[])[m] IS NULL THEN 'unpriced' ELSE 'priced' END AS cost_status
  FROM (
    SELECT p.*,
      ($9::text[])[m] AS model,
      CASE WHEN token_count THEN 'token_count' WHEN ($15::boolean[])[m] THEN 'embeddings'
           ELSE coalesce(($8::text[])[s], 'responses') END AS operation,
      CASE WHEN failed THEN NULL
           ELSE least(200000, greatest(1, round(($13::int[])[m] * exp(0.9 * rad1 * cos(ang1)))))::int
      END AS input_tokens,
      CASE WHEN failed OR token_count OR ($15::boolean[])[m] THEN NULL
           ELSE least(30000, greatest(1, round(($14::int[])[m] * exp(0.8 * rad1 * sin(ang1)))))::int
      END AS output_tokens,
      ($17::float8[])[m] * exp(0.6 * rad2 * cos(ang2)) * CASE WHEN failed THEN 0.4 ELSE 1 END AS duration_ms
    FROM (
      SELECT d.*,
        CASE WHEN unattributed THEN NULL ELSE ($5::text[])[s] END AS source,
        CASE WHEN unattributed THEN 'unattributed' ELSE ($6::text[])[s] END AS source_kind,
        CASE WHEN unattributed AND r_feat < 0.3 THEN NULL
             WHEN r_feat < 0.85 THEN ($18::text[])[($7::int[])[s]]
             ELSE ($18::text[])[($21::int[])[s]] END AS feature_id,
        r_tc < 0.005 AND NOT ($15::boolean[])[m] AS token_count,
        NOT (r_tc < 0.005 AND NOT ($15::boolean[])[m]) AND r_err < 0.02 AS failed
      FROM (
        SELECT r.*,
          r_unattr < 0.03 AS unattributed,
          (1 + floor(40 * r_src ^ 1.6))::int AS s,
          CASE WHEN r_model < 0.012 AND NOT ($15::boolean[])[($19::int[])[(1 + floor(40 * r_src ^ 1.6))::int]]
                 THEN array_length($9::text[], 1)
               WHEN r_model < 0.1 THEN ($20::int[])[(1 + floor(40 * r_src ^ 1.6))::int]
               ELSE ($19::int[])[(1 + floor(40 * r_src ^ 1.6))::int] END AS m,
          $4::timestamptz - CASE
            WHEN q < 0.25 THEN interval '90 days' - (q / 0.25) * interval '60 days'
            ELSE interval '30 days' - ((q - 0.25) / 0.75) * interval '30 days' END AS started_at
        FROM (
          SELECT t.*, ${traceDraw(3)} AS r_src, ${traceDraw(4)} AS r_unattr, ${traceDraw(5)} AS r_attr,
            ${traceDraw(6)} AS r_tenant, ${traceDraw(7)} AS r_plan, ${traceDraw(8)} AS r_user
          FROM (
            SELECT i, (i - 0.5) / $3::float8 AS q,
              (i - 1) / 6 * 6 + bit_count((hashint8extended((i - 1) / 6, 1) & hashint8extended((i - 1) / 6, 2)
                & 31 & ((1::bigint << ((i - 1) % 6)::int) - 1))::bit(5)) AS tk,
              random() AS r_feat, random() AS r_model, random() AS r_err, random() AS r_err_type,
              random() AS r_tc, random() AS r_cache, random() AS r_cache_share,
              sqrt(-2 * ln(1 - random())) AS rad1, 2 * pi() * random() AS ang1,
              sqrt(-2 * ln(1 - random())) AS rad2, 2 * pi() * random() AS ang2
            FROM generate_series($1::bigint, $2::bigint) AS i OFFSET 0
          ) AS t OFFSET 0
        ) AS r OFFSET 0
      ) AS d OFFSET 0
    ) AS p OFFSET 0
  ) AS u OFFSET 0
) AS c`;

function seedParams(from: number, to: number, total: number, now: Date): unknown[] {
  return [
    from,
    to,
    total,
    now,
    SOURCES.map(([source]) => source),
    SOURCES.map(([source]) => sourceKindOf(source)),
    SOURCES.map(([, feature]) => FEATURES.indexOf(feature) + 1),
    SOURCES.map(([, , , operation]) => operation),
    MODELS.map((m) => m.name),
    MODELS.map((m) => m.prices?.[0] ?? null),
    MODELS.map((m) => m.prices?.[1] ?? null),
    MODELS.map((m) => m.prices?.[2] ?? null),
    MODELS.map((m) => m.inputMedian),
    MODELS.map((m) => Math.max(1, m.outputMedian)),
    MODELS.map((m) => m.embedding),
    MODELS.map((m) => m.reasoning),
    MODELS.map((m) => m.msMedian),
    [...FEATURES],
    SOURCES.map(([, , modelIndex]) => modelIndex),
    SOURCES.map((_, s) => secondModel(s)),
    SOURCES.map(([, feature], s) => ((FEATURES.indexOf(feature) + 1 + s) % FEATURES.length) + 1),
    RELEASES.map(([name]) => name),
    RELEASES.map(([, daysBack]) => new Date(now.getTime() - daysBack * DAY_MS)),
  ];
}

interface SeedReport {
  seconds: number;
  rollupRows: number;
  /** Rows of ai_request (one per trace) and of its daily rollups, which the same trigger writes. */
  requests: number;
  requestRollupRows: number;
  attributeRollupRows: number;
  /** The blocks of days of ai_attribute_daily, built once seeded as the app and the sink do on their timers. */
  blocks: { seconds: number; rows: number };
}

async function seed(client: pg.Client, prisma: PrismaClient, total: number, now: Date): Promise<SeedReport> {
  const started = performance.now();
  await client.query('SELECT setseed(0.2026)');
  for (let from = 1; from <= total; from += SEED_CHUNK) {
    const to = Math.min(total, from + SEED_CHUNK - 1);
    await client.query(SEED_SQL, seedParams(from, to, total, now));
    process.stdout.write(`\r  seeding: ${fmtInt(to)} / ${fmtInt(total)} rows`);
  }
  process.stdout.write('\n');
  const seconds = (performance.now() - started) / 1000;
  // What autovacuum would have done on a table that has been live for a while: visibility map and statistics.
  const tables = ['ai_interaction', 'ai_interaction_daily', 'ai_request', 'ai_request_daily', 'ai_attribute_daily'];
  const counts: number[] = [];
  for (const table of tables) {
    await client.query(`VACUUM (ANALYZE) ${table}`);
    const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
    counts.push(Number(rows[0]?.n ?? 0));
  }
  const [, rollupRows = 0, requests = 0, requestRollupRows = 0, attributeRollupRows = 0] = counts;
  const blocksStarted = performance.now();
  await buildAttributeBlocks(prisma, now);
  const blockSeconds = (performance.now() - blocksStarted) / 1000;
  await client.query('VACUUM (ANALYZE) ai_attribute_block');
  const { rows: blockRows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM ai_attribute_block');
  const blocks = { seconds: blockSeconds, rows: Number(blockRows[0]?.n ?? 0) };
  return { seconds, rollupRows, requests, requestRollupRows, attributeRollupRows, blocks };
}

// ---------------------------------------------------------------------------------------------------------
// Baseline: the same aggregates straight from ai_interaction, with the call list's (index-friendly) filters.

function baselineWhere(f: DashboardFilters): Prisma.Sql {
  const conditions = [
    Prisma.sql`started_at >= ${f.from}`,
    Prisma.sql`started_at < ${f.to}`,
    Prisma.sql`operation <> 'token_count'`,
  ];
  if (f.sourceKind) conditions.push(Prisma.sql`source_kind = ${f.sourceKind}::"SourceKind"`);
  if (f.source !== undefined)
    conditions.push(f.source === '' ? Prisma.sql`source IS NULL` : Prisma.sql`source = ${f.source}`);
  if (f.feature !== undefined)
    conditions.push(f.feature === '' ? Prisma.sql`feature_id IS NULL` : Prisma.sql`feature_id = ${f.feature}`);
  if (f.model !== undefined) {
    conditions.push(
      f.model === ''
        ? Prisma.sql`coalesce(response_model, request_model) IS NULL`
        : Prisma.sql`coalesce(response_model, request_model) = ${f.model}`,
    );
  }
  if (f.status) conditions.push(Prisma.sql`status = ${f.status}::"InteractionStatus"`);
  return Prisma.sql`WHERE ${Prisma.join(conditions, ' AND ')}`;
}

interface BaselineTotals {
  calls: bigint;
  cost: string;
}

/** Totals without the rollup: sums, error count and exact latency percentiles over the raw rows. */
async function baselineTotals(db: Db, f: DashboardFilters): Promise<BaselineTotals | undefined> {
  const rows = await db.$queryRaw<(BaselineTotals & Record<string, unknown>)[]>`
    SELECT count(*)::bigint AS calls,
           coalesce(sum(cost_usd), 0)::numeric(24,12)::text AS cost,
           coalesce(sum(input_tokens), 0)::bigint AS input,
           coalesce(sum(cached_input_tokens), 0)::bigint AS cached,
           coalesce(sum(output_tokens), 0)::bigint AS output,
           coalesce(sum(reasoning_tokens), 0)::bigint AS reasoning,
           count(*) FILTER (WHERE status = 'error')::bigint AS errors,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_ms) AS p50,
           percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ms) AS p95
    FROM ai_interaction ${baselineWhere(f)}`;
  return rows[0];
}

interface BaselineSourceRow {
  source: string;
  source_kind: string;
  calls: bigint;
  cost: string;
}

/** Spend by source without the rollup. */
async function baselineSourceBreakdown(db: Db, f: DashboardFilters): Promise<BaselineSourceRow[]> {
  return db.$queryRaw<BaselineSourceRow[]>`
    SELECT coalesce(source, '') AS source, source_kind::text AS source_kind,
           count(*)::bigint AS calls,
           coalesce(sum(cost_usd), 0)::numeric(24,12)::text AS cost,
           coalesce(sum(input_tokens), 0)::bigint AS input,
           coalesce(sum(output_tokens), 0)::bigint AS output,
           count(*) FILTER (WHERE status = 'error')::bigint AS errors,
           count(*) FILTER (WHERE cost_status = 'unpriced')::bigint AS unpriced
    FROM ai_interaction ${baselineWhere(f)}
    GROUP BY 1, source_kind
    ORDER BY coalesce(sum(cost_usd), 0) DESC, count(*) DESC, 1`;
}

// ---------------------------------------------------------------------------------------------------------
// What is measured.

type QueryKind = 'rollup' | 'calls' | 'page' | 'baseline';

/** What a query is run on: the view's filters, and the call log's cursor and page size. */
interface View {
  filters: CallLogFilters;
  cursor: CallCursor | undefined;
  limit: number;
  fixture: Fixture;
}

/** Values taken from each seeded database, as a user would click them: a cursor, a request, two releases. */
interface Fixture {
  /** The call log's cursor at the middle of the 30-day period, as encodeCursor writes it. */
  midCursor: string;
  /** A request of several calls from the middle of the period. */
  traceId: string;
}

interface Query {
  name: string;
  /**
   * rollup: reads only `tables` (a daily rollup); calls: reads a table that grows with the calls (`tables`)
   * through an index, never a sequential scan.
   */
  kind: QueryKind;
  run(db: Db, view: View): Promise<unknown>;
  /** The tables it may read; default ai_interaction_daily (rollup) or ai_interaction (calls). */
  tables?: string[];
}

const PANELS: Query[] = [
  { name: 'getTotals', kind: 'rollup', run: (db, v) => getTotals(db, v.filters) },
  { name: 'getCompleteness', kind: 'rollup', run: (db, v) => getCompleteness(db, v.filters) },
  { name: 'getTokenCounting', kind: 'rollup', run: (db, v) => getTokenCounting(db, v.filters) },
  { name: 'getBreakdown(source)', kind: 'rollup', run: (db, v) => getBreakdown(db, v.filters, 'source') },
  { name: 'getBreakdown(feature)', kind: 'rollup', run: (db, v) => getBreakdown(db, v.filters, 'feature') },
  { name: 'getBreakdown(model)', kind: 'rollup', run: (db, v) => getBreakdown(db, v.filters, 'model') },
  { name: 'getDailySeries', kind: 'rollup', run: (db, v) => getDailySeries(db, v.filters) },
  { name: 'getCalls', kind: 'calls', run: (db, v) => getCalls(db, v.filters) },
];

const CALLS_PANEL = PANELS.filter((p) => p.kind === 'calls');

const REQUESTS = ['ai_request_daily'];

/** The requests, customers and releases views' queries: they apply the period, source and source kind. */
const REQUEST_PANELS: Query[] = [
  {
    name: 'getRequestCostBySource',
    kind: 'rollup',
    tables: REQUESTS,
    run: (db, v) => getRequestCostBySource(db, v.filters),
  },
  {
    name: 'getMostExpensiveRequests(20)',
    kind: 'calls',
    tables: ['ai_request'],
    run: (db, v) => getMostExpensiveRequests(db, v.filters, 20),
  },
  { name: 'getReleases', kind: 'rollup', tables: REQUESTS, run: (db, v) => getReleases(db, v.filters) },
  {
    name: `compareReleases(${BASE_RELEASE}, ${HEAD_RELEASE})`,
    kind: 'rollup',
    tables: REQUESTS,
    run: (db, v) => compareReleases(db, v.filters, BASE_RELEASE, HEAD_RELEASE),
  },
];

/** The customers view: only the period applies. user_id is the breakdown key with the most values. */
const CUSTOMER_PANELS: Query[] = ['tenant', 'user_id'].map((key) => ({
  name: `getCustomerBreakdown(${key}, 10)`,
  kind: 'rollup',
  tables: ['ai_attribute_daily', 'ai_attribute_block', 'ai_attribute_block_built'],
  run: (db, v) => getCustomerBreakdown(db, v.filters, key, 10),
}));

const CALL_PAGE: Query = {
  name: 'getCallPage',
  kind: 'calls',
  run: (db, v) => getCallPage(db, v.filters, v.cursor, v.limit),
};

const REQUEST_PAGE: Query = {
  name: 'getRequest(trace)',
  kind: 'calls',
  tables: ['ai_request', 'ai_interaction'],
  run: (db, v) => getRequest(db, v.fixture.traceId),
};

const EXTRA: Query[] = [
  {
    name: 'whole page (all panels at once)',
    kind: 'page',
    run: (db, v) => Promise.all(PANELS.map((p) => p.run(db, v))),
  },
  { name: 'baseline: totals from ai_interaction', kind: 'baseline', run: (db, v) => baselineTotals(db, v.filters) },
  {
    name: 'baseline: by source from ai_interaction',
    kind: 'baseline',
    run: (db, v) => baselineSourceBreakdown(db, v.filters),
  },
];

interface Scenario {
  name: string;
  /** The view's URL search params, as the dashboard and the call log read them. */
  params: Record<string, string> | ((fixture: Fixture) => Record<string, string>);
  queries: Query[];
  /** Indexes the call list may use for this view. */
  callIndexes: string[];
}

const BY_TIME = 'ai_interaction_started_at_idx';
const BY_TRACE = 'ai_interaction_trace_span_key';
const REQUEST_INDEXES = ['ai_request_pkey', 'ai_request_cost_usd_idx', 'ai_request_started_at_idx'];

const SCENARIOS: Scenario[] = [
  {
    name: '30 days (default)',
    params: {},
    queries: [...PANELS, ...EXTRA, ...REQUEST_PANELS, ...CUSTOMER_PANELS],
    callIndexes: [BY_TIME, ...REQUEST_INDEXES],
  },
  {
    name: '90 days',
    params: { period: '90d' },
    queries: [...PANELS, ...EXTRA, ...REQUEST_PANELS, ...CUSTOMER_PANELS],
    callIndexes: [BY_TIME, ...REQUEST_INDEXES],
  },
  {
    name: 'drill-down: source /api/leads/[id]/draft',
    params: { source: '/api/leads/[id]/draft' },
    queries: [...PANELS, ...EXTRA, ...REQUEST_PANELS],
    callIndexes: [
      BY_TIME,
      'ai_interaction_source_started_at_idx',
      ...REQUEST_INDEXES,
      'ai_request_source_started_at_idx',
    ],
  },
  {
    name: 'model gpt-4o',
    params: { model: 'gpt-4o' },
    queries: [...PANELS, ...EXTRA],
    callIndexes: [BY_TIME, 'ai_interaction_billed_model_started_at_idx', 'ai_interaction_errors_started_at_idx'],
  },
  {
    name: 'status error',
    params: { status: 'error' },
    queries: [...PANELS, ...EXTRA],
    callIndexes: [BY_TIME, 'ai_interaction_errors_started_at_idx'],
  },
  {
    name: 'call list: attr tenant=t007 (~1%)',
    params: { attr: 'tenant=t007' },
    queries: CALLS_PANEL,
    callIndexes: [BY_TIME, 'ai_interaction_attributes_idx'],
  },
  {
    name: 'call list: attr user_id=u01234 (rare)',
    params: { attr: 'user_id=u01234' },
    queries: CALLS_PANEL,
    callIndexes: [BY_TIME, 'ai_interaction_attributes_idx'],
  },
  {
    // Filters the dashboard lets one combine: an unpriced model's failed calls, about 0.02% of the rows.
    name: 'call list: unpriced model + status error (rare combination)',
    params: { model: MODELS[MODELS.length - 1]?.name ?? '', status: 'error' },
    queries: CALLS_PANEL,
    callIndexes: [BY_TIME, 'ai_interaction_billed_model_started_at_idx', 'ai_interaction_errors_started_at_idx'],
  },
  // The call log (/dashboard/calls), 50 calls a page as the page shows by default.
  { name: 'call log: first page (30 days)', params: {}, queries: [CALL_PAGE], callIndexes: [BY_TIME] },
  {
    name: 'call log: deep page (cursor mid-period)',
    params: (fixture) => ({ cursor: fixture.midCursor }),
    queries: [CALL_PAGE],
    callIndexes: [BY_TIME],
  },
  {
    name: 'call log: error BadRequestError (~0.2%)',
    params: { error: 'BadRequestError' },
    queries: [CALL_PAGE],
    callIndexes: [BY_TIME],
  },
  {
    name: `call log: cost ≥ $${RARE_MIN_COST} (rare)`,
    params: { minCost: RARE_MIN_COST },
    queries: [CALL_PAGE],
    callIndexes: [BY_TIME, 'ai_interaction_cost_usd_idx', 'ai_interaction_pkey'],
  },
  {
    name: 'call log: attr user_id=u01234 (rare)',
    params: { attr: 'user_id=u01234' },
    queries: [CALL_PAGE],
    callIndexes: [BY_TIME, 'ai_interaction_attributes_idx'],
  },
  {
    name: 'call log: attr tenant=t007, deep page',
    params: (fixture) => ({ attr: 'tenant=t007', cursor: fixture.midCursor }),
    queries: [CALL_PAGE],
    callIndexes: [BY_TIME, 'ai_interaction_attributes_idx'],
  },
  {
    name: 'call log: one trace',
    params: (fixture) => ({ trace: fixture.traceId }),
    queries: [CALL_PAGE],
    callIndexes: [BY_TIME, BY_TRACE],
  },
  {
    name: 'request page: one trace',
    params: {},
    queries: [REQUEST_PAGE],
    callIndexes: [BY_TRACE, 'ai_request_pkey'],
  },
];

interface Stats {
  p50: number;
  p95: number;
  max: number;
  runs: number;
}

async function measure(run: () => Promise<unknown>, runs: number): Promise<Stats> {
  for (let i = 0; i < WARMUPS; i++) await run();
  const times: number[] = [];
  const started = performance.now();
  while (times.length < runs && (times.length < MIN_RUNS || performance.now() - started < TIME_BUDGET_MS)) {
    const t0 = performance.now();
    await run();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const rank = (p: number) => times[Math.max(0, Math.ceil(p * times.length) - 1)] ?? NaN;
  return { p50: rank(0.5), p95: rank(0.95), max: times[times.length - 1] ?? NaN, runs: times.length };
}

// ---------------------------------------------------------------------------------------------------------
// Plans.

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Scan Direction'?: string;
  /** Set by byParents: the scan reads a partition of at most one page. */
  'Empty Partition'?: boolean;
  Plans?: PlanNode[];
}

/** A Db that also records each statement it runs, so the bench can EXPLAIN exactly what a panel sent. */
function recordingDb(prisma: PrismaClient, statements: Prisma.Sql[]): Db {
  const queryRaw = (query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]) => {
    statements.push(query instanceof Prisma.Sql ? query : Prisma.sql(query, ...values));
    return prisma.$queryRaw(query, ...values);
  };
  return { $queryRaw: queryRaw as PrismaClient['$queryRaw'] };
}

async function explain(client: pg.Client, statement: Prisma.Sql, analyze = false): Promise<PlanNode> {
  const options = analyze ? 'ANALYZE, BUFFERS, FORMAT JSON' : 'FORMAT JSON';
  const { rows } = await client.query<{ 'QUERY PLAN': { Plan: PlanNode }[] }>(
    `EXPLAIN (${options}) ${statement.text}`,
    statement.values,
  );
  const plan = rows[0]?.['QUERY PLAN'][0]?.Plan;
  if (!plan) throw new Error('EXPLAIN returned no plan');
  return plan;
}

interface Partitions {
  /** The table or index each partition, or partition's index, belongs to. */
  parents: Map<string, string>;
  /** The partitions of one page or none (the default partition, the months made ahead). */
  empty: Set<string>;
}

/**
 * Each partition of a partitioned table, and each of its indexes, by the name of the table or index it is a
 * partition of (ai_interaction is partitioned by month): a scan of ai_interaction_p2026_11 through its
 * started_at index is checked, and shown, as a scan of ai_interaction through ai_interaction_started_at_idx.
 * A query that cannot prune by month (by trace id, by cost) also reads the empty partitions, and the planner
 * rightly reads an empty table without an index: those scans are allowed.
 */
async function partitionsOf(client: pg.Client): Promise<Partitions> {
  const { rows } = await client.query<{ child: string; parent: string; pages: number }>(
    `SELECT c.relname AS child, p.relname AS parent, c.relpages AS pages FROM pg_inherits AS i
     JOIN pg_class AS c ON c.oid = i.inhrelid JOIN pg_class AS p ON p.oid = i.inhparent`,
  );
  return {
    parents: new Map(rows.map((r) => [r.child, r.parent])),
    empty: new Set(rows.filter((r) => r.pages <= 1).map((r) => r.child)),
  };
}

/** The plan with every partition, and partition's index, named by its parent; empty partitions marked. */
function byParents(plan: PlanNode, { parents, empty }: Partitions): PlanNode {
  for (const node of walk(plan)) {
    const relation = node['Relation Name'];
    const index = node['Index Name'];
    if (relation !== undefined) {
      node['Empty Partition'] = empty.has(relation);
      node['Relation Name'] = parents.get(relation) ?? relation;
    }
    if (index !== undefined) node['Index Name'] = parents.get(index) ?? index;
  }
  return plan;
}

function* walk(node: PlanNode): Generator<PlanNode> {
  yield node;
  for (const child of node.Plans ?? []) yield* walk(child);
}

function describeNode(node: PlanNode): string {
  const backward = node['Scan Direction'] === 'Backward' ? ' Backward' : '';
  const on = node['Index Name'] ?? node['Relation Name'];
  const empty = node['Empty Partition'] === true ? ', an empty partition' : '';
  return `${node['Node Type']}${backward}${on ? ` (${on}${empty})` : ''}`;
}

/** The plan's first branch from the top: `Limit → Index Scan Backward (ai_interaction_started_at_idx)`. */
function topOfPlan(plan: PlanNode): string {
  const parts: string[] = [];
  let node: PlanNode | undefined = plan;
  while (node && parts.length < 6) {
    parts.push(describeNode(node));
    node = node.Plans?.[0];
  }
  return parts.join(' → ');
}

interface PlanCheck {
  scenario: string;
  query: string;
  kind: QueryKind;
  top: string;
  verdict: string;
  ok: boolean;
}

function checkPlan(scenario: Scenario, query: Query, plan: PlanNode): PlanCheck {
  const scans = [...walk(plan)].filter((n) => n['Relation Name'] !== undefined || n['Index Name'] !== undefined);
  const base = { scenario: scenario.name, query: query.name, kind: query.kind, top: topOfPlan(plan) };
  if (query.kind === 'rollup') {
    const tables = query.tables ?? ['ai_interaction_daily'];
    // An index scan names its index only; the index's name starts with its table's.
    const raw = scans.filter((n) =>
      n['Relation Name'] !== undefined
        ? !tables.includes(n['Relation Name'])
        : !tables.some((t) => (n['Index Name'] ?? '').startsWith(t)),
    );
    return raw.length === 0
      ? { ...base, verdict: `rollup only (${tables.join(', ')})`, ok: true }
      : { ...base, verdict: `READS ${raw.map(describeNode).join(', ')}`, ok: false };
  }
  const seq = scans.filter((n) => n['Node Type'].includes('Seq Scan') && n['Empty Partition'] !== true);
  if (seq.length > 0)
    return { ...base, verdict: `SEQ SCAN on ${seq.map((n) => n['Relation Name']).join(', ')}`, ok: false };
  const tables = query.tables ?? ['ai_interaction'];
  const foreign = scans.filter((n) => n['Relation Name'] !== undefined && !tables.includes(n['Relation Name']));
  if (foreign.length > 0) return { ...base, verdict: `READS ${foreign.map(describeNode).join(', ')}`, ok: false };
  const used = [...new Set(scans.map((n) => n['Index Name']).filter((n): n is string => n !== undefined))];
  if (used.length === 0) return { ...base, verdict: 'NO INDEX', ok: false };
  const unexpected = used.filter((n) => !scenario.callIndexes.includes(n));
  return unexpected.length === 0
    ? { ...base, verdict: `index: ${used.join(', ')}`, ok: true }
    : { ...base, verdict: `index (unexpected): ${used.join(', ')}`, ok: true };
}

// ---------------------------------------------------------------------------------------------------------
// One database size.

interface Result {
  scenario: string;
  query: string;
  kind: QueryKind;
  /** What it reads, for the table: see {@link readsOf}. */
  reads: string;
  stats: Stats;
}

interface SizeReport {
  rows: number;
  seed: SeedReport;
  /** The 1-minute load average before and after the measurements: other work on the machine skews them. */
  load: [number, number];
  results: Result[];
  plans: PlanCheck[];
  checks: string[];
  /** EXPLAIN ANALYZE of each panel measured over the bar. */
  overBar: { title: string; plan: string }[];
}

async function benchSize(adminUrl: string, rows: number, runs: number, now: Date): Promise<SizeReport> {
  console.log(`\n=== ${fmtInt(rows)} rows ===`);
  const scratch = await createPostgresDatabase(adminUrl);
  cleanupOnInterrupt(() => scratch.drop());
  const database = await openDatabase({ databaseUrl: scratch.url });
  const client = new pg.Client({ connectionString: scratch.url });
  try {
    await database.migrate();
    // The seed's 90 days have their monthly partitions, made ahead of time as in production.
    await ensurePartitions(database.prisma, new Date(now.getTime() - 91 * 86_400_000), 5);
    await client.connect();
    const seeded = await seed(client, database.prisma, rows, now);
    console.log(
      `  seeded in ${seeded.seconds.toFixed(1)} s (${fmtInt(Math.round(rows / seeded.seconds))} rows/s), ` +
        `rollup rows: ${fmtInt(seeded.rollupRows)}, requests: ${fmtInt(seeded.requests)} ` +
        `(daily: ${fmtInt(seeded.requestRollupRows)}), attribute rollup rows: ${fmtInt(seeded.attributeRollupRows)}, ` +
        `blocks of days: ${fmtInt(seeded.blocks.rows)} rows built in ${seeded.blocks.seconds.toFixed(1)} s`,
    );
    const prisma = database.prisma;
    const fixture = await fixtureOf(client, now);
    const partitions = await partitionsOf(client);
    const withBaselines = rows <= BASELINE_MAX_ROWS;
    if (!withBaselines) console.log(`  (no baselines above ${fmtInt(BASELINE_MAX_ROWS)} rows)`);
    const results: Result[] = [];
    const plans: PlanCheck[] = [];
    const checks: string[] = [];
    const overBar: SizeReport['overBar'] = [];
    const loadBefore = loadAverage();
    for (const scenario of SCENARIOS) {
      const view = viewFor(scenario, fixture, now);
      console.log(`  ${scenario.name}`);
      for (const query of scenario.queries) {
        if (query.kind === 'baseline' && !withBaselines) continue;
        if (query.kind === 'rollup' || query.kind === 'calls') {
          const statements: Prisma.Sql[] = [];
          await query.run(recordingDb(prisma, statements), view);
          for (const statement of statements) {
            const check = checkPlan(scenario, query, byParents(await explain(client, statement), partitions));
            plans.push(check);
            if (!check.ok) console.log(`    !!! ${check.verdict} in ${query.name}: ${check.top}`);
          }
        }
        const stats = await measure(() => query.run(prisma, view), runs);
        results.push({ scenario: scenario.name, query: query.name, kind: query.kind, reads: readsOf(query), stats });
        const over = isPanel(query.kind) && stats.p95 > BAR_P95_MS;
        console.log(
          `    ${query.name.padEnd(40)} p50 ${fmtMs(stats.p50)}  p95 ${fmtMs(stats.p95)}${over ? '  OVER BAR' : ''}`,
        );
        if (over) {
          const plan = await analyzedPlans(prisma, client, query, view);
          console.log(plan.replace(/^/gm, '      '));
          overBar.push({ title: `${scenario.name}: ${query.name}`, plan });
        }
      }
      if (withBaselines && scenario.queries.some((q) => q.kind === 'baseline'))
        checks.push(await compareWithBaseline(prisma, scenario, view.filters));
    }
    const load: [number, number] = [loadBefore, loadAverage()];
    console.log(`  load average (1 min): ${load[0].toFixed(2)} before, ${load[1].toFixed(2)} after`);
    return { rows, seed: seeded, results, plans, checks, overBar, load };
  } finally {
    await client.end().catch(() => undefined);
    await database.close();
    await scratch.drop();
    cleanupOnInterrupt(undefined);
  }
}

/** The rollup must give the baseline's answer: same calls and cost in total and per source. */
async function compareWithBaseline(prisma: PrismaClient, scenario: Scenario, f: DashboardFilters): Promise<string> {
  const [totals, base, bySource, baseBySource] = await Promise.all([
    getTotals(prisma, f),
    baselineTotals(prisma, f),
    getBreakdown(prisma, f, 'source'),
    baselineSourceBreakdown(prisma, f),
  ]);
  const key = (source: string, kind: string | undefined) => `${source}|${kind ?? ''}`;
  const expected = new Map(
    baseBySource.filter((r) => r.calls > 0n).map((r) => [key(r.source, r.source_kind), `${r.calls}/${r.cost}`]),
  );
  const actual = new Map(bySource.map((r) => [key(r.key, r.sourceKind), `${r.calls}/${r.costUsd}`]));
  const sameSources = expected.size === actual.size && [...expected].every(([k, v]) => actual.get(k) === v);
  const sameTotals = BigInt(totals.calls) === base?.calls && totals.costUsd === base.cost;
  const verdict = sameTotals && sameSources ? 'rollup = baseline' : 'ROLLUP DIFFERS FROM BASELINE';
  const line = `${scenario.name}: ${verdict} (${fmtInt(totals.calls)} calls, $${Number(totals.costUsd).toFixed(2)}, ${actual.size} sources)`;
  console.log(`    ${line}`);
  return line;
}

/** EXPLAIN (ANALYZE, BUFFERS) of every statement a query sends, as text. */
async function analyzedPlans(prisma: PrismaClient, client: pg.Client, query: Query, view: View): Promise<string> {
  const statements: Prisma.Sql[] = [];
  await query.run(recordingDb(prisma, statements), view);
  const plans: string[] = [];
  for (const statement of statements) {
    const { rows } = await client.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN (ANALYZE, BUFFERS) ${statement.text}`,
      statement.values,
    );
    plans.push(rows.map((r) => r['QUERY PLAN']).join('\n'));
  }
  return plans.join('\n\n');
}

/** The scenario's view as the call log's page reads it from the URL (the dashboard's filters are a part). */
function viewFor(scenario: Scenario, fixture: Fixture, now: Date): View {
  const params = typeof scenario.params === 'function' ? scenario.params(fixture) : scenario.params;
  const parsed = parseCallLogQuery(params, now);
  if (!parsed.ok) {
    const issues = parsed.issues.map((i) => `${i.parameter}: ${i.message}`).join('; ');
    throw new Error(`bad scenario filters ${JSON.stringify(params)}: ${issues}`);
  }
  return { ...parsed.query, fixture };
}

/**
 * The cursor a user reaches by paging to the middle of the default 30 days (the last call before the
 * middle, encoded as the call log encodes it), and a request of several calls from there.
 */
async function fixtureOf(client: pg.Client, now: Date): Promise<Fixture> {
  const view = parseCallLogQuery({}, now);
  if (!view.ok) throw new Error('the default call log view does not parse');
  const { from, to } = view.query.filters;
  const middle = new Date((from.getTime() + to.getTime()) / 2);
  const call = await client.query<{ started_at: Date; id: string }>(
    `SELECT started_at, id::text AS id FROM ai_interaction WHERE started_at < $1
     ORDER BY started_at DESC, id DESC LIMIT 1`,
    [middle],
  );
  const request = await client.query<{ trace_id: string }>(
    `SELECT trace_id FROM ai_request WHERE started_at < $1 AND calls >= 4 ORDER BY started_at DESC LIMIT 1`,
    [middle],
  );
  const first = call.rows[0];
  const traceId = request.rows[0]?.trace_id;
  if (first === undefined || traceId === undefined) throw new Error('the seeded database has no calls mid-period');
  return { midCursor: encodeCursor({ startedAt: first.started_at, id: first.id }), traceId };
}

function isPanel(kind: QueryKind): boolean {
  return kind === 'rollup' || kind === 'calls';
}

// ---------------------------------------------------------------------------------------------------------
// Report.

function fmtMs(ms: number): string {
  return ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : ms.toFixed(0);
}

const READS: Record<QueryKind, string> = {
  rollup: 'rollup',
  calls: 'ai_interaction (index)',
  page: 'all of the above',
  baseline: 'ai_interaction (no rollup)',
};

/** The table column "reads": the kind's, naming the tables when they are not the call rollup or ai_interaction. */
function readsOf(query: Query): string {
  if (query.tables === undefined) return READS[query.kind];
  return query.kind === 'rollup' ? `rollup (${query.tables.join(', ')})` : `${query.tables.join(', ')} (index)`;
}

/** The baseline's p95 over the rollup panel's, said the way round that reads. */
function speedup(ratio: number): string {
  const digits = (x: number) => (x < 10 ? x.toFixed(1) : x.toFixed(0));
  return ratio >= 1 ? `rollup ${digits(ratio)}× faster` : `baseline ${digits(1 / ratio)}× faster`;
}

function resultsTable(report: SizeReport): string {
  const lines = [
    '| view | query | reads | p50 ms | p95 ms | max ms | runs | bar (150 ms p95) |',
    '| --- | --- | --- | ---: | ---: | ---: | ---: | --- |',
  ];
  let previous = '';
  for (const r of report.results) {
    let bar = isPanel(r.kind) ? (r.stats.p95 > BAR_P95_MS ? '**OVER BAR**' : 'ok') : '';
    if (r.kind === 'baseline') {
      const panel = r.query.includes('totals') ? 'getTotals' : 'getBreakdown(source)';
      const rollup = report.results.find((x) => x.scenario === r.scenario && x.query === panel);
      if (rollup) bar = speedup(r.stats.p95 / rollup.stats.p95);
    }
    const view = r.scenario === previous ? '' : r.scenario;
    previous = r.scenario;
    lines.push(
      `| ${view} | ${r.query} | ${r.reads} | ${fmtMs(r.stats.p50)} | ${fmtMs(r.stats.p95)} | ` +
        `${fmtMs(r.stats.max)} | ${r.stats.runs} | ${bar} |`,
    );
  }
  return lines.join('\n');
}

function plansTable(report: SizeReport): string {
  const calls = report.plans.filter((p) => p.kind === 'calls');
  const rollup = report.plans.filter((p) => p.kind === 'rollup');
  const rollupBad = rollup.filter((p) => !p.ok);
  const lines = [
    rollupBad.length === 0
      ? `Rollup panels: all ${rollup.length} statements read only their rollup table.`
      : `Rollup panels: **${rollupBad.length} statements read more than their rollup**: ${rollupBad.map((p) => `${p.scenario} ${p.query} (${p.verdict})`).join('; ')}.`,
    '',
    '| view | query | plan (top) | check |',
    '| --- | --- | --- | --- |',
    ...calls.map((p) => `| ${p.scenario} | ${p.query} | ${p.top} | ${p.ok ? p.verdict : `**${p.verdict}**`} |`),
  ];
  return lines.join('\n');
}

function sizeSection(report: SizeReport): string {
  return [
    `### ${fmtInt(report.rows)} rows`,
    '',
    `Seeded in ${report.seed.seconds.toFixed(1)} s through the rollup triggers ` +
      `(${fmtInt(Math.round(report.rows / report.seed.seconds))} rows/s, ${fmtInt(SEED_CHUNK)} rows per statement); ` +
      `rollup: ${fmtInt(report.seed.rollupRows)} rows; requests: ${fmtInt(report.seed.requests)} ` +
      `(\`ai_request_daily\`: ${fmtInt(report.seed.requestRollupRows)} rows, \`ai_attribute_daily\`: ` +
      `${fmtInt(report.seed.attributeRollupRows)} rows, and its blocks of days \`ai_attribute_block\`: ` +
      `${fmtInt(report.seed.blocks.rows)} rows, built in ${report.seed.blocks.seconds.toFixed(1)} s)` +
      `${report.rows > BASELINE_MAX_ROWS ? '; no baselines at this size' : ''}. ` +
      `Load average (1 min) before and after the measurements: ` +
      `${report.load[0].toFixed(2)}, ${report.load[1].toFixed(2)}.`,
    '',
    resultsTable(report),
    '',
    plansTable(report),
    '',
    ...(report.checks.length === 0
      ? []
      : ['Rollup against baseline (same answers):', '', ...report.checks.map((c) => `- ${c}`)]),
    ...report.overBar.flatMap((o) => [
      '',
      `<details><summary>Over the bar: ${o.title} (EXPLAIN ANALYZE)</summary>`,
      '',
      '```text',
      o.plan,
      '```',
      '',
      '</details>',
    ]),
  ].join('\n');
}

function section(env: Environment, command: string, reports: SizeReport[]): string {
  return [
    SECTION,
    '',
    `Every dashboard panel's query (one exported function of \`lib/dashboard/queries.ts\`, ` +
      `\`request-queries.ts\`, \`customer-queries.ts\` or \`release-queries.ts\` each, called through Prisma as ` +
      `the app calls it) and the call log's pages (\`getCallPage\` of \`lib/dashboard/call-log.ts\`, its view read ` +
      `from URL parameters by \`parseCallLogQuery\`), timed over ${DEFAULT_RUNS} runs after ${WARMUPS} warm-ups ` +
      `(fewer, at least ${MIN_RUNS}, once a query has taken ${TIME_BUDGET_MS / 1000} s). The bar is ` +
      `${BAR_P95_MS} ms p95 per panel or page. Each size gets its own scratch database, seeded in time order ` +
      `through the rollup and request triggers with realistic calls over 90 days (three quarters in the last ` +
      `30): requests (traces) of 1 to 6 consecutive calls (2.7 on average) sharing a root span, source, ` +
      `attributes and release; 40 sources (routes, actions, jobs; 3% of requests unattributed), 15 features, ` +
      `8 models (one unpriced, about 1%), 2% errors, 0.5% token counts, developer attributes (\`tenant\`: ` +
      `${TENANTS} values, skewed; \`plan\`; \`user_id\`: ${fmtInt(USERS)} values) on 70% of requests, ` +
      `${RELEASES.length} releases (\`service_version\`); then \`VACUUM (ANALYZE)\`, as autovacuum would have ` +
      `done. The baselines compute the totals (with exact latency percentiles) and the source breakdown ` +
      `straight from \`ai_interaction\`, as the dashboard would without the rollup; the run also checks that ` +
      `they give the rollup's answers (up to ${fmtInt(BASELINE_MAX_ROWS)} rows: above, they take minutes and are ` +
      `skipped). The call log's deep page starts at the cursor of the last call before the middle of the 30 ` +
      `days, encoded by \`encodeCursor\` as the page's "older" link does. Every statement's plan is checked ` +
      `with \`EXPLAIN\` (a monthly partition of \`ai_interaction\` and its indexes count as the table's): a rollup ` +
      `panel must read only its rollup table, the call list, the call log and the ` +
      `request queries an index (a sequential scan fails the run).`,
    '',
    ...runDetails(command, env),
    '',
    ...reports.flatMap((r) => [sizeSection(r), '']),
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------------------

const OPTIONS = {
  rows: { kind: 'counts', default: DEFAULT_ROWS },
  runs: { kind: 'count', default: DEFAULT_RUNS },
} satisfies Record<string, OptionSpec>;

runBenchmark({
  script: 'bench:dashboard',
  options: OPTIONS,
  run: async (args, { adminUrl, command }) => {
    const env = await describeEnvironment(adminUrl, DATABASE_SETTINGS);
    console.log(`${env.machine}; Node ${env.node}; PostgreSQL ${env.postgres} (${env.settings})`);
    // One "now" for seeding and filters, so the default 30-day view is the seeded last 30 days.
    const now = new Date();
    const reports: SizeReport[] = [];
    for (const rows of args.rows) reports.push(await benchSize(adminUrl, rows, args.runs, now));
    const over = reports.flatMap((r) => r.results.filter((x) => isPanel(x.kind) && x.stats.p95 > BAR_P95_MS));
    const badPlans = reports.flatMap((r) => r.plans.filter((p) => !p.ok));
    if (over.length > 0 || badPlans.length > 0) {
      console.log(
        `\n${over.length} panel measurement(s) OVER BAR, ${badPlans.length} plan(s) without index or rollup.`,
      );
    }
    return { section: section(env, command, reports), ok: over.length === 0 && badPlans.length === 0 };
  },
});
