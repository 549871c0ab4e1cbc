// The dashboard's queries against a real, migrated database (in-memory PGlite, or Postgres when
// TEST_DATABASE_URL is set), seeded with known calls; every expected number below is worked out by hand
// from the seed table.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { interactionRow } from '../../test/support/interaction-row';
import { tokenCount } from '../../test/support/seed-rows';
import { createTestDatabase, type TestDatabase } from '../../harness/test-database';
import type { PrismaClient } from '../db/generated/client';
import { InteractionStore } from '../db/interaction-store';
import type { InteractionRow } from '../ledger/span-to-interaction';
import type { CallLogItem } from './call-log';
import { computeCoverage, type InventoryEntry, type ObservedSource } from './coverage';
import { addDays, isoDay, previousPeriod, type DashboardFilters } from './filters';
import { NO_USAGE } from '../../harness/interaction-rows';
import {
  getBreakdown,
  getCalls,
  getCompleteness,
  getDailySeries,
  getObservedSources,
  getTokenCounting,
  getTotals,
  type BreakdownRow,
  type Completeness,
  type DailyPoint,
  type TokenCounting,
  type Totals,
} from './queries';

const SQL_LIKE = "'; DROP TABLE ai_interaction; --";

const LEADS = '/api/leads/[id]/draft';
const CHAT = '/api/insights/chat';
const SQL_ROUTE = `/api/${SQL_LIKE}`;
const SEND = 'action:insights_chat.send_message';
const SCORE = 'action:leads.score';
const DIGEST = 'job:weekly_digest';
const CLEANUP = 'job:nightly_cleanup';

const MINI = 'gpt-4o-mini-2024-07-18';
const FOUR_O = 'gpt-4o-2024-08-06';
/** Unpriced models. */
const FT = 'acme-ft-v2';
const EMBED = 'acme-embed-v9';
/** A feature id that is not in lib/ai/prompt-registry.ts. */
const UNREGISTERED = 'legacy.summarize';
const LATE_TRACE = 'cccccccccccccccccccccccccccccccc';

function day(text: string): Date {
  return new Date(`${text}T00:00:00.000Z`);
}

/** The upper bound in ms of latency bucket `k` (see the seed), which is what p50 and p95 report. */
function bucketBound(k: number): number {
  return 2 ** (k / 4);
}

/** The last 30 days as of 2026-11-26: 2026-10-28 to 2026-11-26 inclusive. */
const PERIOD: DashboardFilters = { period: '30d', from: day('2026-10-28'), to: day('2026-11-27') };
/** 2026-09-28 to 2026-10-27 inclusive. */
const PREVIOUS = previousPeriod(PERIOD);

const priced = (costUsd: string, input: number, cached: number, output: number, reasoning = 0) => ({
  costUsd,
  costStatus: 'priced' as const,
  inputTokens: input,
  cachedInputTokens: cached,
  outputTokens: output,
  reasoningTokens: reasoning,
  totalTokens: input + output,
});
const unpriced = (input: number, output: number | null) => ({
  costUsd: null,
  costStatus: 'unpriced' as const,
  priceRef: null,
  inputTokens: input,
  cachedInputTokens: null,
  outputTokens: output,
  reasoningTokens: null,
  totalTokens: null,
});
const unattributed = { source: null, sourceKind: 'unattributed' as const };

/**
 * The seed, by span number. Latency buckets (k: [2^((k-1)/4), 2^(k/4)) ms): 1 ms → 1, 2 → 5, 3 → 7, 5 → 10,
 * 10 → 14, 25 → 19, 50 → 23, 100 → 27, 200 → 31, 400 → 35, 600 → 37, 800 → 39, 900 → 40, 1,500 → 43, 3,000 → 47.
 */
const SEED: Record<number, InteractionRow> = {
  // In the period.
  1: interactionRow(1, {
    startedAt: new Date('2026-10-28T09:00:00.000Z'),
    durationMs: 100,
    source: LEADS,
    featureId: 'followups.draft',
    responseModel: MINI,
    ...priced('0.001000000000', 1000, 200, 100),
    attributes: { customer_tier: 'gold' },
  }),
  2: interactionRow(2, {
    startedAt: new Date('2026-11-10T10:00:00.000Z'),
    durationMs: 200,
    source: LEADS,
    featureId: 'followups.draft',
    responseModel: MINI,
    ...priced('0.002000000000', 2000, 0, 200),
    attributes: { customer_tier: 'free' },
  }),
  // Failed without a response: its model is the requested one.
  3: interactionRow(3, {
    startedAt: new Date('2026-11-26T08:00:00.000Z'),
    durationMs: 50,
    source: LEADS,
    featureId: 'followups.draft',
    requestModel: 'gpt-4o-mini',
    responseModel: null,
    ...NO_USAGE,
    status: 'error',
    errorType: 'RateLimitError',
    attributes: { customer_tier: 'gold' },
  }),
  4: interactionRow(4, {
    startedAt: new Date('2026-11-20T12:00:00.000Z'),
    durationMs: 3000,
    source: CHAT,
    featureId: 'insights_chat.answer',
    operation: 'responses',
    requestModel: 'gpt-4o',
    responseModel: FOUR_O,
    ...priced('0.050000000000', 5000, 1000, 1000, 300),
  }),
  // Starts at the same time as 4: the call list orders them by span id.
  5: interactionRow(5, {
    startedAt: new Date('2026-11-20T12:00:00.000Z'),
    durationMs: 1500,
    source: SEND,
    sourceKind: 'action',
    featureId: 'insights_chat.answer',
    operation: 'responses',
    requestModel: 'gpt-4o',
    responseModel: FOUR_O,
    ...priced('0.020000000000', 2000, 0, 400),
    attributes: { customer_tier: 'gold', plan: 'pro' },
  }),
  6: interactionRow(6, {
    startedAt: new Date('2026-11-10T11:00:00.000Z'),
    durationMs: 400,
    source: SCORE,
    sourceKind: 'action',
    featureId: UNREGISTERED,
    requestModel: FT,
    responseModel: FT,
    ...unpriced(300, 30),
  }),
  7: interactionRow(7, {
    startedAt: new Date('2026-11-26T03:00:00.000Z'),
    durationMs: 800,
    source: DIGEST,
    sourceKind: 'job',
    featureId: 'email.sentiment',
    responseModel: MINI,
    ...priced('0.000500000000', 500, 0, 50),
  }),
  // The last millisecond of the period's first day.
  8: interactionRow(8, {
    startedAt: new Date('2026-10-28T23:59:59.999Z'),
    durationMs: 25,
    source: CLEANUP,
    sourceKind: 'job',
    featureId: null,
    operation: 'embeddings',
    requestModel: EMBED,
    responseModel: null,
    ...unpriced(100, null),
    status: 'error',
    errorType: 'APIError',
  }),
  9: interactionRow(9, {
    startedAt: new Date('2026-11-26T20:00:00.000Z'),
    durationMs: 10,
    traceId: LATE_TRACE,
    ...unattributed,
    featureId: null,
    responseModel: MINI,
    ...priced('0.003000000000', 3000, 0, 300),
  }),
  10: interactionRow(10, {
    startedAt: new Date('2026-11-20T01:00:00.000Z'),
    durationMs: 5,
    ...unattributed,
    featureId: 'followups.draft',
    requestModel: 'gpt-4o-mini',
    responseModel: null,
    ...NO_USAGE,
    status: 'error',
    errorType: 'APIConnectionError',
  }),
  // Token counts: no spend, kept apart.
  11: interactionRow(11, {
    startedAt: new Date('2026-11-26T08:30:00.000Z'),
    durationMs: 2,
    source: LEADS,
    featureId: 'followups.draft',
    requestModel: null,
    responseModel: null,
    ...tokenCount(812),
  }),
  12: interactionRow(12, {
    startedAt: new Date('2026-11-10T00:00:00.000Z'),
    durationMs: 3,
    ...unattributed,
    featureId: null,
    requestModel: 'gpt-4o',
    responseModel: null,
    ...tokenCount(188),
  }),
  13: interactionRow(13, {
    startedAt: new Date('2026-11-20T06:00:00.000Z'),
    durationMs: 1,
    source: SQL_ROUTE,
    featureId: SQL_LIKE,
    responseModel: MINI,
    ...priced('0.000100000000', 100, 0, 10),
    attributes: { note: SQL_LIKE },
  }),
  14: interactionRow(14, {
    startedAt: new Date('2026-11-26T10:00:00.000Z'),
    durationMs: 600,
    source: SCORE,
    sourceKind: 'action',
    featureId: UNREGISTERED,
    requestModel: FT,
    responseModel: FT,
    ...unpriced(200, 20),
  }),
  // The previous period: priced and attributed only.
  15: interactionRow(15, {
    startedAt: new Date('2026-10-27T23:59:59.999Z'),
    durationMs: 100,
    source: LEADS,
    featureId: 'followups.draft',
    responseModel: MINI,
    ...priced('0.004000000000', 4000, 0, 400),
  }),
  16: interactionRow(16, {
    startedAt: new Date('2026-10-01T12:00:00.000Z'),
    durationMs: 900,
    source: DIGEST,
    sourceKind: 'job',
    featureId: 'email.sentiment',
    responseModel: MINI,
    ...priced('0.000700000000', 700, 0, 70),
  }),
  // Outside both periods: the first millisecond after the period, the last before the previous one.
  17: interactionRow(17, {
    startedAt: new Date('2026-11-27T00:00:00.000Z'),
    source: LEADS,
    ...priced('0.900000000000', 9000, 0, 900),
  }),
  18: interactionRow(18, {
    startedAt: new Date('2026-09-27T23:59:59.999Z'),
    source: LEADS,
    ...priced('0.800000000000', 8000, 0, 800),
  }),
};

/** Row id by span id of the database the current tests read, set once its seed is stored. */
const ids = new Map<string, string>();

async function readIds(prisma: PrismaClient): Promise<void> {
  const stored = await prisma.$queryRaw<{ span_id: string; id: string }[]>`
    SELECT span_id, id::text AS id FROM ai_interaction`;
  ids.clear();
  for (const r of stored) ids.set(r.span_id, r.id);
}

/**
 * The expected calls with their row ids (unknown when the test table is built, before the seed is stored),
 * newest first and by id within a millisecond, as the call log pages (the lists are written newest first).
 */
function withIds(expected: CallLogItem[]): CallLogItem[] {
  const newestFirst = (a: CallLogItem, b: CallLogItem) =>
    a.startedAt !== b.startedAt ? (a.startedAt < b.startedAt ? 1 : -1) : a.id < b.id ? 1 : -1;
  return expected.map((c) => ({ ...c, id: ids.get(c.spanId) ?? `no row for span ${c.spanId}` })).sort(newestFirst);
}

/** Seed row `n` as the call list returns it; the model is given by hand (response model, else requested). */
function callOf(n: number, model: string | null): CallLogItem {
  const row = SEED[n];
  if (row === undefined) throw new Error(`no seed row ${n}`);
  return {
    id: '',
    startedAt: row.startedAt.toISOString(),
    traceId: row.traceId,
    spanId: row.spanId,
    source: row.source,
    sourceKind: row.sourceKind,
    feature: row.featureId,
    operation: row.operation,
    model,
    inputTokens: row.inputTokens,
    cachedInputTokens: row.cachedInputTokens,
    outputTokens: row.outputTokens,
    reasoningTokens: row.reasoningTokens,
    // numeric(20,12) reads back with its 12 decimals.
    costUsd: row.costUsd === null ? null : Number(row.costUsd).toFixed(12),
    costStatus: row.costStatus,
    status: row.status,
    errorType: row.errorType,
    durationMs: row.durationMs,
    attributes: row.attributes,
  };
}

/** The call list of the whole period, newest first, with each row's model. */
const PERIOD_CALLS: Record<number, string | null> = {
  9: MINI,
  14: FT,
  11: null,
  3: 'gpt-4o-mini',
  7: MINI,
  5: FOUR_O,
  4: FOUR_O,
  13: MINI,
  10: 'gpt-4o-mini',
  6: FT,
  2: MINI,
  12: 'gpt-4o',
  8: EMBED,
  1: MINI,
};
const NEWEST_FIRST = [9, 14, 11, 3, 7, 5, 4, 13, 10, 6, 2, 12, 8, 1];

function calls(...spans: number[]): CallLogItem[] {
  return spans.map((n) => {
    const model = PERIOD_CALLS[n];
    if (model === undefined) throw new Error(`no model given for seed row ${n}`);
    return callOf(n, model);
  });
}

/** A breakdown row; errors and unpriced calls default to none. */
function breakdown(
  key: string,
  callCount: number,
  costUsd: string,
  inputTokens: number,
  outputTokens: number,
  errors = 0,
  unpricedCalls = 0,
): BreakdownRow {
  return { key, calls: callCount, costUsd, inputTokens, outputTokens, errors, unpricedCalls };
}

function sourceRow(kind: string, ...row: Parameters<typeof breakdown>): BreakdownRow {
  const { key, ...rest } = breakdown(...row);
  return { key, sourceKind: kind, ...rest };
}

/** A recorded source; no token counts and no unpriced calls unless given. */
function observed(
  source: string,
  sourceKind: string,
  callCount: number,
  costUsd: string,
  tokenCountRequests = 0,
  unpricedCalls = 0,
): ObservedSource {
  return { source, sourceKind, calls: callCount, tokenCountRequests, costUsd, unpricedCalls };
}

/** The period's unpriced models, most calls first: 6 and 14, then 8. */
const UNPRICED_IN_PERIOD = [
  { model: FT, calls: 2 },
  { model: EMBED, calls: 1 },
];

/** A fresh, migrated database with the rows that `write` stores through the interaction store. */
async function seededDatabase(write: (store: InteractionStore) => Promise<void>): Promise<TestDatabase> {
  const database = await createTestDatabase();
  await write(new InteractionStore(database.db));
  return database;
}

const NO_CALLS: Totals = {
  calls: 0,
  costUsd: '0.000000000000',
  inputTokens: 0,
  cachedInputTokens: 0,
  outputTokens: 0,
  reasoningTokens: 0,
  errors: 0,
  errorRate: null,
  p50Ms: null,
  p95Ms: null,
};

/** Every day from `from` (inclusive) to `to` (exclusive): zero unless listed. */
function series(from: Date, to: Date, points: Record<string, [number, string]>): DailyPoint[] {
  const out: DailyPoint[] = [];
  for (let d = from; d < to; d = addDays(d, 1)) {
    const [callCount, costUsd] = points[isoDay(d)] ?? [0, '0.000000000000'];
    out.push({ day: isoDay(d), calls: callCount, costUsd });
  }
  return out;
}

describe('dashboard queries', () => {
  let database: TestDatabase;
  let prisma: PrismaClient;

  beforeAll(async () => {
    database = await seededDatabase(async (store) => {
      // Two statements, so the rollup also adds to rows it already holds.
      const rows = Object.values(SEED);
      expect(await store.insertMany(rows.slice(0, 9))).toBe(9);
      expect(await store.insertMany(rows.slice(9))).toBe(9);
    });
    prisma = database.db.prisma;
    await readIds(prisma);
  });

  afterAll(async () => {
    await database.drop();
  });

  describe('getTotals', () => {
    it.each<[string, DashboardFilters, Totals]>([
      [
        'the period: billable calls only, p50 and p95 as bucket bounds',
        PERIOD,
        {
          // 1–10, 13, 14: twelve calls; the token counts 11 and 12 are left out.
          calls: 12,
          costUsd: '0.076600000000',
          inputTokens: 14_200,
          cachedInputTokens: 1200,
          outputTokens: 2110,
          reasoningTokens: 300,
          errors: 3,
          errorRate: 3 / 12,
          // Buckets 1, 10, 14, 19, 23, 27, 31, 35, 37, 39, 43, 47: the 6th (of 12) is 27, the 12th is 47.
          p50Ms: bucketBound(27),
          p95Ms: bucketBound(47),
        },
      ],
      [
        'the previous period',
        PREVIOUS,
        {
          calls: 2,
          costUsd: '0.004700000000',
          inputTokens: 4700,
          cachedInputTokens: 0,
          outputTokens: 470,
          reasoningTokens: 0,
          errors: 0,
          errorRate: 0,
          // Buckets 27 and 40.
          p50Ms: bucketBound(27),
          p95Ms: bucketBound(40),
        },
      ],
      [
        'one source',
        { ...PERIOD, source: LEADS },
        {
          calls: 3,
          costUsd: '0.003000000000',
          inputTokens: 3000,
          cachedInputTokens: 200,
          outputTokens: 300,
          reasoningTokens: 0,
          errors: 1,
          errorRate: 1 / 3,
          // Buckets 23, 27, 31.
          p50Ms: bucketBound(27),
          p95Ms: bucketBound(31),
        },
      ],
      [
        'errors only',
        { ...PERIOD, status: 'error' },
        {
          calls: 3,
          costUsd: '0.000000000000',
          inputTokens: 100,
          cachedInputTokens: 0,
          outputTokens: 0,
          reasoningTokens: 0,
          errors: 3,
          errorRate: 1,
          // Buckets 10, 19, 23.
          p50Ms: bucketBound(19),
          p95Ms: bucketBound(23),
        },
      ],
      [
        'jobs on one model',
        { ...PERIOD, sourceKind: 'job', model: MINI },
        {
          calls: 1,
          costUsd: '0.000500000000',
          inputTokens: 500,
          cachedInputTokens: 0,
          outputTokens: 50,
          reasoningTokens: 0,
          errors: 0,
          errorRate: 0,
          p50Ms: bucketBound(39),
          p95Ms: bucketBound(39),
        },
      ],
      [
        'one feature, unattributed calls only',
        { ...PERIOD, sourceKind: 'unattributed', feature: 'followups.draft' },
        {
          calls: 1,
          costUsd: '0.000000000000',
          inputTokens: 0,
          cachedInputTokens: 0,
          outputTokens: 0,
          reasoningTokens: 0,
          errors: 1,
          errorRate: 1,
          p50Ms: bucketBound(10),
          p95Ms: bucketBound(10),
        },
      ],
      ['a period without calls', { period: 'custom', from: day('2025-01-01'), to: day('2025-02-01') }, NO_CALLS],
      ['a filter nothing matches', { ...PERIOD, source: 'job:nothing' }, NO_CALLS],
      ['only token counts', { ...PERIOD, model: '' }, NO_CALLS],
    ])('%s', async (_case, filters, expected) => {
      expect(await getTotals(prisma, filters)).toEqual(expected);
    });
  });

  describe('getCompleteness', () => {
    it('is incomplete with unpriced models (most calls first) and unattributed calls and their cost', async () => {
      expect(await getCompleteness(prisma, PERIOD)).toEqual({
        complete: false,
        unpricedModels: UNPRICED_IN_PERIOD,
        // 9 and 10; the token count 12 is not a call that cost anything.
        unattributed: { calls: 2, costUsd: '0.003000000000' },
        // The calls without usage (3 and 10) failed: they cost nothing, the total lacks nothing.
        inexact: [],
      });
    });

    it.each<[string, DashboardFilters, Completeness]>([
      [
        'complete for a period of priced, attributed calls only',
        PREVIOUS,
        { complete: true, unpricedModels: [], unattributed: { calls: 0, costUsd: '0.000000000000' }, inexact: [] },
      ],
      [
        'complete for routes only',
        { ...PERIOD, sourceKind: 'route' },
        { complete: true, unpricedModels: [], unattributed: { calls: 0, costUsd: '0.000000000000' }, inexact: [] },
      ],
      [
        'incomplete for jobs: one unpriced model',
        { ...PERIOD, sourceKind: 'job' },
        {
          complete: false,
          unpricedModels: [{ model: EMBED, calls: 1 }],
          unattributed: { calls: 0, costUsd: '0.000000000000' },
          inexact: [],
        },
      ],
      [
        'incomplete for errors: an unattributed call without cost',
        { ...PERIOD, status: 'error' },
        {
          complete: false,
          unpricedModels: [{ model: EMBED, calls: 1 }],
          unattributed: { calls: 1, costUsd: '0.000000000000' },
          inexact: [],
        },
      ],
      [
        'complete with no calls at all',
        { period: 'custom', from: day('2025-01-01'), to: day('2025-01-02') },
        { complete: true, unpricedModels: [], unattributed: { calls: 0, costUsd: '0.000000000000' }, inexact: [] },
      ],
    ])('%s', async (_case, filters, expected) => {
      expect(await getCompleteness(prisma, filters)).toEqual(expected);
    });
  });

  describe('getTokenCounting', () => {
    it.each<[string, DashboardFilters, TokenCounting]>([
      ['the period', PERIOD, { requests: 2, countedTokens: 1000 }],
      ['routes only', { ...PERIOD, sourceKind: 'route' }, { requests: 1, countedTokens: 812 }],
      ['unattributed (source none)', { ...PERIOD, source: '' }, { requests: 1, countedTokens: 188 }],
      ['the previous period', PREVIOUS, { requests: 0, countedTokens: 0 }],
    ])('%s', async (_case, filters, expected) => {
      expect(await getTokenCounting(prisma, filters)).toEqual(expected);
    });
  });

  describe('getBreakdown', () => {
    it.each<[string, DashboardFilters, BreakdownRow[]]>([
      [
        'the period: most expensive first, then most calls',
        PERIOD,
        [
          sourceRow('route', CHAT, 1, '0.050000000000', 5000, 1000),
          sourceRow('action', SEND, 1, '0.020000000000', 2000, 400),
          // Both cost 0.003: three calls before two.
          sourceRow('route', LEADS, 3, '0.003000000000', 3000, 300, 1),
          sourceRow('unattributed', '', 2, '0.003000000000', 3000, 300, 1),
          sourceRow('job', DIGEST, 1, '0.000500000000', 500, 50),
          sourceRow('route', SQL_ROUTE, 1, '0.000100000000', 100, 10),
          // Cost unknown: a lower bound of 0, with the unpriced calls counted.
          sourceRow('action', SCORE, 2, '0.000000000000', 500, 50, 0, 2),
          sourceRow('job', CLEANUP, 1, '0.000000000000', 100, 0, 1, 1),
        ],
      ],
      [
        'jobs only',
        { ...PERIOD, sourceKind: 'job' },
        [
          sourceRow('job', DIGEST, 1, '0.000500000000', 500, 50),
          sourceRow('job', CLEANUP, 1, '0.000000000000', 100, 0, 1, 1),
        ],
      ],
      [
        'one feature',
        { ...PERIOD, feature: 'insights_chat.answer' },
        [
          sourceRow('route', CHAT, 1, '0.050000000000', 5000, 1000),
          sourceRow('action', SEND, 1, '0.020000000000', 2000, 400),
        ],
      ],
      ['an unpriced model', { ...PERIOD, model: FT }, [sourceRow('action', SCORE, 2, '0.000000000000', 500, 50, 0, 2)]],
      [
        'errors only',
        { ...PERIOD, status: 'error' },
        [
          // All cost 0 with one call each: ordered by source.
          sourceRow('unattributed', '', 1, '0.000000000000', 0, 0, 1),
          sourceRow('route', LEADS, 1, '0.000000000000', 0, 0, 1),
          sourceRow('job', CLEANUP, 1, '0.000000000000', 100, 0, 1, 1),
        ],
      ],
      [
        'the previous period',
        PREVIOUS,
        [
          sourceRow('route', LEADS, 1, '0.004000000000', 4000, 400),
          sourceRow('job', DIGEST, 1, '0.000700000000', 700, 70),
        ],
      ],
      ['nothing matching', { ...PERIOD, source: 'job:nothing' }, []],
    ])('by source: %s', async (_case, filters, expected) => {
      expect(await getBreakdown(prisma, filters, 'source')).toEqual(expected);
    });

    it.each<[string, DashboardFilters, BreakdownRow[]]>([
      [
        'the period, with no feature as its own row and an unregistered feature as is',
        PERIOD,
        [
          breakdown('insights_chat.answer', 2, '0.070000000000', 7000, 1400),
          // Both cost 0.003: four calls before two.
          breakdown('followups.draft', 4, '0.003000000000', 3000, 300, 2),
          breakdown('', 2, '0.003000000000', 3100, 300, 1, 1),
          breakdown('email.sentiment', 1, '0.000500000000', 500, 50),
          breakdown(SQL_LIKE, 1, '0.000100000000', 100, 10),
          breakdown(UNREGISTERED, 2, '0.000000000000', 500, 50, 0, 2),
        ],
      ],
      [
        'drill-down into one source: its features',
        { ...PERIOD, source: LEADS },
        [breakdown('followups.draft', 3, '0.003000000000', 3000, 300, 1)],
      ],
      [
        'unattributed calls (source none)',
        { ...PERIOD, source: '' },
        [breakdown('', 1, '0.003000000000', 3000, 300), breakdown('followups.draft', 1, '0.000000000000', 0, 0, 1)],
      ],
      [
        'actions only',
        { ...PERIOD, sourceKind: 'action' },
        [
          breakdown('insights_chat.answer', 1, '0.020000000000', 2000, 400),
          breakdown(UNREGISTERED, 2, '0.000000000000', 500, 50, 0, 2),
        ],
      ],
    ])('by feature: %s', async (_case, filters, expected) => {
      expect(await getBreakdown(prisma, filters, 'feature')).toEqual(expected);
    });

    it.each<[string, DashboardFilters, BreakdownRow[]]>([
      [
        'the period: the response model, else the requested one',
        PERIOD,
        [
          breakdown(FOUR_O, 2, '0.070000000000', 7000, 1400),
          breakdown(MINI, 5, '0.006600000000', 6600, 660),
          // Cost 0 and two calls each: ordered by model.
          breakdown(FT, 2, '0.000000000000', 500, 50, 0, 2),
          breakdown('gpt-4o-mini', 2, '0.000000000000', 0, 0, 2),
          breakdown(EMBED, 1, '0.000000000000', 100, 0, 1, 1),
        ],
      ],
      [
        'drill-down into one source: its models',
        { ...PERIOD, source: LEADS },
        [breakdown(MINI, 2, '0.003000000000', 3000, 300), breakdown('gpt-4o-mini', 1, '0.000000000000', 0, 0, 1)],
      ],
      [
        'drill-down into one feature',
        { ...PERIOD, feature: 'followups.draft' },
        [breakdown(MINI, 2, '0.003000000000', 3000, 300), breakdown('gpt-4o-mini', 2, '0.000000000000', 0, 0, 2)],
      ],
      [
        'errors only',
        { ...PERIOD, status: 'error' },
        [breakdown('gpt-4o-mini', 2, '0.000000000000', 0, 0, 2), breakdown(EMBED, 1, '0.000000000000', 100, 0, 1, 1)],
      ],
      [
        'successful calls of one source kind',
        { ...PERIOD, sourceKind: 'route', status: 'ok' },
        [breakdown(FOUR_O, 1, '0.050000000000', 5000, 1000), breakdown(MINI, 3, '0.003100000000', 3100, 310)],
      ],
    ])('by model: %s', async (_case, filters, expected) => {
      expect(await getBreakdown(prisma, filters, 'model')).toEqual(expected);
    });
  });

  describe('getObservedSources', () => {
    /** The sources recorded in the period. */
    const inPeriod = [
      observed(CHAT, 'route', 1, '0.050000000000'),
      observed(SEND, 'action', 1, '0.020000000000'),
      // Both cost 0.003: three calls before two. Each has one token count (11 and 12).
      observed(LEADS, 'route', 3, '0.003000000000', 1),
      observed('', 'unattributed', 2, '0.003000000000', 1),
      observed(DIGEST, 'job', 1, '0.000500000000'),
      observed(SQL_ROUTE, 'route', 1, '0.000100000000'),
      observed(SCORE, 'action', 2, '0.000000000000', 0, 2),
      observed(CLEANUP, 'job', 1, '0.000000000000', 0, 1),
    ];

    it.each<[string, DashboardFilters, ObservedSource[]]>([
      ['the period: every source with its calls, token counts, cost and unpriced calls', PERIOD, inPeriod],
      [
        // Coverage ignores every filter but the period: these narrowing filters change nothing.
        'the period with narrowing filters, which do not apply',
        { ...PERIOD, sourceKind: 'job', source: DIGEST, feature: 'email.sentiment', model: MINI, status: 'ok' },
        inPeriod,
      ],
      [
        'one day: a token count does not count as a call, and ties go byte by byte (/ before a)',
        { period: 'custom', from: day('2026-11-26'), to: day('2026-11-27') },
        [
          observed('', 'unattributed', 1, '0.003000000000'),
          observed(DIGEST, 'job', 1, '0.000500000000'),
          // Cost 0 and one call each; LEADS's token count 11 is not a call.
          observed(LEADS, 'route', 1, '0.000000000000', 1),
          observed(SCORE, 'action', 1, '0.000000000000', 0, 1),
        ],
      ],
      [
        'the previous period',
        PREVIOUS,
        [observed(LEADS, 'route', 1, '0.004000000000'), observed(DIGEST, 'job', 1, '0.000700000000')],
      ],
      ['a period without calls', { period: 'custom', from: day('2025-01-01'), to: day('2025-02-01') }, []],
    ])('%s', async (_case, filters, expected) => {
      expect(await getObservedSources(prisma, filters)).toEqual(expected);
    });

    it('gives computeCoverage what it needs to compare with an inventory', async () => {
      const entry = (kind: InventoryEntry['kind'], source: string): InventoryEntry => ({
        kind,
        file: `app/${kind}.ts`,
        export: 'GET',
        source,
        features: [],
      });
      const inventory = [entry('route', LEADS), entry('action', SEND), entry('job', '/api/cron/followups')];
      expect(computeCoverage(inventory, await getObservedSources(prisma, PERIOD))).toEqual({
        entryPoints: 3,
        calledEntryPoints: 2,
        uncalled: [entry('job', '/api/cron/followups')],
        unknownSources: [
          observed(CHAT, 'route', 1, '0.050000000000'),
          observed(DIGEST, 'job', 1, '0.000500000000'),
          observed(SQL_ROUTE, 'route', 1, '0.000100000000'),
          observed(SCORE, 'action', 2, '0.000000000000', 0, 2),
          observed(CLEANUP, 'job', 1, '0.000000000000', 0, 1),
        ],
        unattributed: { calls: 2, tokenCountRequests: 1, costUsd: '0.003000000000', unpricedCalls: 0 },
      });
    });
  });

  describe('getDailySeries', () => {
    it.each<[string, DashboardFilters, DailyPoint[]]>([
      [
        'every day of the period, days without calls as zeros',
        PERIOD,
        series(PERIOD.from, PERIOD.to, {
          '2026-10-28': [2, '0.001000000000'],
          '2026-11-10': [2, '0.002000000000'],
          '2026-11-20': [4, '0.070100000000'],
          '2026-11-26': [4, '0.003500000000'],
        }),
      ],
      [
        'jobs only',
        { ...PERIOD, sourceKind: 'job' },
        series(PERIOD.from, PERIOD.to, { '2026-10-28': [1, '0.000000000000'], '2026-11-26': [1, '0.000500000000'] }),
      ],
      [
        'two days across the periods',
        { period: 'custom', from: day('2026-10-27'), to: day('2026-10-29') },
        [
          { day: '2026-10-27', calls: 1, costUsd: '0.004000000000' },
          { day: '2026-10-28', calls: 2, costUsd: '0.001000000000' },
        ],
      ],
      [
        'a week without calls',
        { period: '7d', from: day('2025-03-01'), to: day('2025-03-08') },
        series(day('2025-03-01'), day('2025-03-08'), {}),
      ],
    ])('%s', async (_case, filters, expected) => {
      expect(await getDailySeries(prisma, filters)).toEqual(expected);
    });

    it('has 30 points for 30 days', async () => {
      expect((await getDailySeries(prisma, PERIOD)).map((p) => p.day)).toEqual(
        Array.from({ length: 30 }, (_, i) => isoDay(addDays(day('2026-10-28'), i))),
      );
    });
  });

  describe('getCalls', () => {
    it.each<[string, DashboardFilters, number | undefined, CallLogItem[]]>([
      [
        'the period, newest first (row id breaks ties), token counts included',
        PERIOD,
        undefined,
        calls(...NEWEST_FIRST),
      ],
      ['a limit', PERIOD, 3, calls(9, 14, 11)],
      ['the previous period', PREVIOUS, undefined, [callOf(15, MINI), callOf(16, MINI)]],
      ['actions', { ...PERIOD, sourceKind: 'action' }, undefined, calls(14, 5, 6)],
      ['unattributed (kind)', { ...PERIOD, sourceKind: 'unattributed' }, undefined, calls(9, 10, 12)],
      ['one source', { ...PERIOD, source: LEADS }, undefined, calls(11, 3, 2, 1)],
      ["source '': no source", { ...PERIOD, source: '' }, undefined, calls(9, 10, 12)],
      ['an unregistered feature', { ...PERIOD, feature: UNREGISTERED }, undefined, calls(14, 6)],
      ["feature '': no feature", { ...PERIOD, feature: '' }, undefined, calls(9, 12, 8)],
      // 1 and 2 requested gpt-4o-mini too, but were answered by MINI.
      ['a model that only failed calls fell back to', { ...PERIOD, model: 'gpt-4o-mini' }, undefined, calls(3, 10)],
      ['a response model', { ...PERIOD, model: FOUR_O }, undefined, calls(5, 4)],
      ['a requested model without a response', { ...PERIOD, model: EMBED }, undefined, calls(8)],
      ["model '': no model at all", { ...PERIOD, model: '' }, undefined, calls(11)],
      ['errors', { ...PERIOD, status: 'error' }, undefined, calls(3, 10, 8)],
      ['successes', { ...PERIOD, status: 'ok' }, 4, calls(9, 14, 11, 7)],
      [
        'a developer attribute',
        { ...PERIOD, attr: { key: 'customer_tier', value: 'gold' } },
        undefined,
        calls(3, 5, 1),
      ],
      ['an attribute value no call has', { ...PERIOD, attr: { key: 'customer_tier', value: 'pro' } }, undefined, []],
      [
        'several filters at once',
        { ...PERIOD, source: LEADS, status: 'ok', attr: { key: 'customer_tier', value: 'gold' } },
        undefined,
        calls(1),
      ],
      ['a period without calls', { period: 'custom', from: day('2025-01-01'), to: day('2025-02-01') }, undefined, []],
    ])('%s', async (_case, filters, limit, expected) => {
      expect(await getCalls(prisma, filters, limit)).toEqual(withIds(expected));
    });
  });

  describe('strings that look like SQL', () => {
    it('are matched literally as filters, and the tables are still there', async () => {
      expect(await getCalls(prisma, { ...PERIOD, source: SQL_ROUTE })).toEqual(withIds(calls(13)));
      expect(await getCalls(prisma, { ...PERIOD, feature: SQL_LIKE })).toEqual(withIds(calls(13)));
      expect(await getCalls(prisma, { ...PERIOD, attr: { key: 'note', value: SQL_LIKE } })).toEqual(withIds(calls(13)));
      expect(await getCalls(prisma, { ...PERIOD, attr: { key: SQL_LIKE, value: SQL_LIKE } })).toEqual([]);
      expect(await getCalls(prisma, { ...PERIOD, model: SQL_LIKE })).toEqual([]);
      expect(await getBreakdown(prisma, { ...PERIOD, source: SQL_ROUTE }, 'feature')).toEqual([
        breakdown(SQL_LIKE, 1, '0.000100000000', 100, 10),
      ]);
      expect(await getTotals(prisma, { ...PERIOD, feature: SQL_LIKE })).toEqual({
        calls: 1,
        costUsd: '0.000100000000',
        inputTokens: 100,
        cachedInputTokens: 0,
        outputTokens: 10,
        reasoningTokens: 0,
        errors: 0,
        errorRate: 0,
        p50Ms: bucketBound(1),
        p95Ms: bucketBound(1),
      });

      expect(
        await prisma.$queryRaw`SELECT to_regclass('ai_interaction')::text AS calls, to_regclass('ai_interaction_daily')::text AS daily`,
      ).toEqual([{ calls: 'ai_interaction', daily: 'ai_interaction_daily' }]);
      expect(await prisma.aIInteraction.count()).toBe(18);
    });

    it('match nothing more than they say', async () => {
      const always = "x' OR '1'='1";

      expect(await getCalls(prisma, { ...PERIOD, source: always })).toEqual([]);
      expect(await getCalls(prisma, { ...PERIOD, attr: { key: 'customer_tier', value: always } })).toEqual([]);
      expect(await getBreakdown(prisma, { ...PERIOD, model: always }, 'source')).toEqual([]);
      expect(await getTotals(prisma, { ...PERIOD, source: always })).toEqual(NO_CALLS);
    });
  });
});

describe('dashboard queries after a trace is attributed late', () => {
  let database: TestDatabase;
  let prisma: PrismaClient;

  beforeAll(async () => {
    database = await seededDatabase(async (store) => {
      await store.insertMany(Object.values(SEED));
      // The sink learns call 9's route once its trace's root span arrives.
      expect(await store.attributeTrace(LATE_TRACE, '/api/late')).toBe(1);
    });
    prisma = database.db.prisma;
    await readIds(prisma);
  });

  afterAll(async () => {
    await database.drop();
  });

  it('moves its call out of the unattributed row of the breakdown, and leaves no empty rows', async () => {
    expect(await getBreakdown(prisma, { ...PERIOD, sourceKind: 'unattributed' }, 'source')).toEqual([
      sourceRow('unattributed', '', 1, '0.000000000000', 0, 0, 1),
    ]);
    // Its old key is left at zero calls: no row for its model or its (missing) feature.
    expect(await getBreakdown(prisma, { ...PERIOD, sourceKind: 'unattributed' }, 'model')).toEqual([
      breakdown('gpt-4o-mini', 1, '0.000000000000', 0, 0, 1),
    ]);
    expect(await getBreakdown(prisma, { ...PERIOD, sourceKind: 'unattributed' }, 'feature')).toEqual([
      breakdown('followups.draft', 1, '0.000000000000', 0, 0, 1),
    ]);
    expect(await getBreakdown(prisma, { ...PERIOD, sourceKind: 'route' }, 'source')).toEqual([
      sourceRow('route', CHAT, 1, '0.050000000000', 5000, 1000),
      // Both cost 0.003: three calls before one.
      sourceRow('route', LEADS, 3, '0.003000000000', 3000, 300, 1),
      sourceRow('route', '/api/late', 1, '0.003000000000', 3000, 300),
      sourceRow('route', SQL_ROUTE, 1, '0.000100000000', 100, 10),
    ]);
  });

  it('moves its call from no source to its route in the recorded sources, leaving no empty rows', async () => {
    expect(await getObservedSources(prisma, PERIOD)).toEqual([
      observed(CHAT, 'route', 1, '0.050000000000'),
      observed(SEND, 'action', 1, '0.020000000000'),
      observed(LEADS, 'route', 3, '0.003000000000', 1),
      observed('/api/late', 'route', 1, '0.003000000000'),
      observed(DIGEST, 'job', 1, '0.000500000000'),
      observed(SQL_ROUTE, 'route', 1, '0.000100000000'),
      observed(SCORE, 'action', 2, '0.000000000000', 0, 2),
      // Left with the failed call 10 and the token count 12.
      observed('', 'unattributed', 1, '0.000000000000', 1),
      observed(CLEANUP, 'job', 1, '0.000000000000', 0, 1),
    ]);
  });

  it('counts it as attributed, and keeps the totals', async () => {
    expect(await getCompleteness(prisma, PERIOD)).toEqual({
      complete: false,
      unpricedModels: UNPRICED_IN_PERIOD,
      unattributed: { calls: 1, costUsd: '0.000000000000' },
      inexact: [],
    });
    expect((await getTotals(prisma, PERIOD)).calls).toBe(12);
    expect(await getCalls(prisma, { ...PERIOD, source: '/api/late' })).toEqual(
      withIds([{ ...callOf(9, MINI), source: '/api/late', sourceKind: 'route' }]),
    );
  });
});

describe('completeness with costs that are not exact', () => {
  let database: TestDatabase;
  let prisma: PrismaClient;
  /** Its own month, so only these calls are in it. */
  const JUNE: DashboardFilters = { period: 'custom', from: day('2026-06-01'), to: day('2026-07-01') };
  const at = (n: number) => new Date(Date.UTC(2026, 5, n, 12));
  const exactChat = { source: LEADS, featureId: 'drafts.reply', requestModel: 'gpt-4o-mini', responseModel: MINI };

  beforeAll(async () => {
    database = await seededDatabase(async (store) => {
      await store.insertMany([
        interactionRow(101, { ...exactChat, startedAt: at(2), ...priced('0.000044700000', 366, 256, 15) }),
        // From an instrumentation without cache reads: at most this much.
        interactionRow(102, {
          ...exactChat,
          startedAt: at(3),
          ...priced('0.000063900000', 366, 0, 15),
          cachedInputTokens: null,
          costStatus: 'upper_bound',
        }),
        interactionRow(103, {
          ...exactChat,
          startedAt: at(4),
          ...priced('0.000063900000', 366, 0, 15),
          cachedInputTokens: null,
          costStatus: 'upper_bound',
        }),
        interactionRow(104, {
          ...exactChat,
          startedAt: at(5),
          ...priced('0.000002000000', 10, 0, 1),
          costStatus: 'estimated',
        }),
        // A stream whose instrumentation recorded no usage: it succeeded, so it cost something unknown.
        interactionRow(105, { ...exactChat, startedAt: at(6), ...NO_USAGE, streamed: true }),
        // A failed call without usage cost nothing: not a gap in the total.
        interactionRow(106, {
          ...exactChat,
          startedAt: at(7),
          ...NO_USAGE,
          status: 'error',
          errorType: 'TimeoutError',
        }),
      ]);
    });
    prisma = database.db.prisma;
  });

  afterAll(async () => {
    await database.drop();
  });

  it('is never complete: names each kind with its calls and spend, successful calls without usage included', async () => {
    expect(await getCompleteness(prisma, JUNE)).toEqual({
      complete: false,
      unpricedModels: [],
      unattributed: { calls: 0, costUsd: '0.000000000000' },
      inexact: [
        { status: 'estimated', calls: 1, costUsd: '0.000002000000' },
        { status: 'no_usage', calls: 1, costUsd: '0.000000000000' },
        { status: 'upper_bound', calls: 2, costUsd: '0.000127800000' },
      ],
    });
  });

  it('counts the inexact costs in the total, which is the best figure there is', async () => {
    // 44.7 + 2 × 63.9 + 2 µ$.
    expect((await getTotals(prisma, JUNE)).costUsd).toBe('0.000174500000');
  });

  it('filters the view and the call list by cost status, as the panel links do', async () => {
    expect((await getTotals(prisma, { ...JUNE, cost: 'upper_bound' })).calls).toBe(2);
    expect((await getCalls(prisma, { ...JUNE, cost: 'no_usage', status: 'ok' })).map((c) => c.spanId)).toEqual([
      interactionRow(105, {}).spanId,
    ]);
    expect(await getCompleteness(prisma, { ...JUNE, cost: 'priced' })).toEqual({
      complete: true,
      unpricedModels: [],
      unattributed: { calls: 0, costUsd: '0.000000000000' },
      inexact: [],
    });
  });
});
