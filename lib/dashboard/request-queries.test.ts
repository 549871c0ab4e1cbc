// Requests against a real, migrated database (in-memory PGlite, or Postgres with TEST_DATABASE_URL): rows
// go in through the interaction store, the triggers fill ai_request and ai_request_daily, and the queries
// read them back exactly. The cost percentiles' bucket rule is checked on its own, by exact values.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_USAGE } from '../../harness/interaction-rows';
import { createTestDatabase, type TestDatabase } from '../../harness/test-database';
import { interactionRow, spanIdOf } from '../../test/support/interaction-row';
import { InteractionStore } from '../db/interaction-store';
import type { InteractionRow } from '../ledger/span-to-interaction';
import type { DashboardFilters } from './filters';
import {
  costBucketUpperUsd,
  costPercentile,
  COST_BUCKETS,
  getMostExpensiveRequests,
  getRequest,
  getRequestCostBySource,
  REQUEST_CALLS_LIMIT,
  type RequestCostRow,
  type RequestRow,
} from './request-queries';

const at = (text: string) => new Date(`2026-11-${text}Z`);
const NOVEMBER: DashboardFilters = { period: 'custom', from: at('01T00:00:00'), to: new Date('2026-12-01T00:00:00Z') };
const TRACE_A = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const trace = (n: number) => n.toString(16).padStart(32, '0');
const ROUTE = '/api/leads/[id]/draft';
const ACTION = 'action:insights_chat.send_message';
const JOB = 'job:weekly_digest';

const SEED: InteractionRow[] = [
  // Request A: three calls, the last a stream that reported no usage, so its cost is not exact.
  interactionRow(1, { startedAt: at('20T10:00:00.000'), durationMs: 400, traceId: TRACE_A, costUsd: '0.000165' }),
  interactionRow(2, {
    startedAt: at('20T10:00:00.500'),
    durationMs: 300,
    traceId: TRACE_A,
    parentSpanId: spanIdOf(1),
    requestModel: 'gpt-4o',
    responseModel: null,
    costUsd: '0.0001',
    serviceVersion: '1.4.0',
  }),
  interactionRow(3, {
    startedAt: at('20T10:00:01.000'),
    durationMs: 250,
    traceId: TRACE_A,
    streamed: true,
    ...NO_USAGE,
  }),
  interactionRow(4, { startedAt: at('21T08:00:00'), traceId: trace(2), costUsd: '0.0012' }),
  interactionRow(5, {
    startedAt: at('22T00:00:00'),
    traceId: trace(3),
    status: 'error',
    errorType: 'Timeout',
    costUsd: '0.00005',
  }),
  interactionRow(6, {
    startedAt: at('23T12:00:00'),
    traceId: trace(4),
    source: ACTION,
    sourceKind: 'action',
    costUsd: '0.00275',
  }),
  interactionRow(7, {
    startedAt: at('23T12:00:02'),
    traceId: trace(4),
    source: ACTION,
    sourceKind: 'action',
    costUsd: '0.0009',
  }),
  interactionRow(8, {
    startedAt: at('24T00:00:00'),
    traceId: trace(5),
    source: ACTION,
    sourceKind: 'action',
    costUsd: '0.0004',
  }),
  interactionRow(9, {
    startedAt: at('25T06:00:00'),
    traceId: trace(6),
    source: JOB,
    sourceKind: 'job',
    costUsd: '0.0021',
    costStatus: 'upper_bound',
  }),
  interactionRow(10, {
    startedAt: at('26T00:00:00'),
    traceId: trace(7),
    source: null,
    sourceKind: 'unattributed',
    responseModel: 'acme-llm-1',
    costUsd: null,
    costStatus: 'unpriced',
    priceRef: null,
  }),
  // October: outside the period.
  interactionRow(11, { startedAt: new Date('2026-10-15T00:00:00Z'), traceId: trace(8), costUsd: '0.5' }),
  // Starts on November 30 and ends on December 1: a November request.
  interactionRow(12, { startedAt: at('30T23:59:59.900'), durationMs: 50, traceId: trace(9), costUsd: '0.0003' }),
  interactionRow(13, {
    startedAt: new Date('2026-12-01T00:00:00.100Z'),
    durationMs: 200,
    traceId: trace(9),
    costUsd: '0.0003',
  }),
];

/** The bucket of a cost, straight from the rule: [1e-7·2^((k-1)/4), 1e-7·2^(k/4)) is bucket k. */
function bucketOf(cost: number): number {
  return cost < 1e-7 ? 0 : Math.min(135, Math.floor(4 * Math.log2(cost / 1e-7)) + 1);
}

/** The upper bound of the bucket holding `cost`, capped at the source's maximum. */
function boundOf(cost: number, max: number): number {
  return Math.min(1e-7 * 2 ** (bucketOf(cost) / 4), max);
}

/** A full-length histogram with the given counts per bucket. */
function histogram(counts: Record<number, number>): number[] {
  const out = new Array<number>(COST_BUCKETS).fill(0);
  for (const [bucket, n] of Object.entries(counts)) out[Number(bucket)] = n;
  return out;
}

describe('request-queries', () => {
  let test: TestDatabase;
  const ids = new Map<string, string>();
  const idOf = (n: number) => ids.get(spanIdOf(n)) ?? '';

  beforeAll(async () => {
    test = await createTestDatabase();
    await new InteractionStore(test.db).insertMany(SEED);
    const rows = await test.db.prisma.$queryRaw<{ span_id: string; id: string }[]>`
      SELECT span_id, id::text AS id FROM ai_interaction`;
    for (const r of rows) ids.set(r.span_id, r.id);
  });

  afterAll(async () => {
    await test.drop();
  });

  describe('costBucketUpperUsd', () => {
    it.each([
      ['bucket 0: under $0.0000001', 0, 1e-7],
      ['bucket 1: [1e-7, 1e-7·2^(1/4))', 1, 1e-7 * 2 ** 0.25],
      ['bucket 4: up to 2e-7', 4, 2e-7],
      ['bucket 40: up to 1e-7·2^10', 40, 1e-7 * 1024],
      ['bucket 134: up to 1e-7·2^33.5', 134, 1e-7 * 2 ** 33.5],
      ['bucket 135, the last, has no upper bound', 135, Number.POSITIVE_INFINITY],
    ])('%s', (_case, bucket, expected) => {
      expect(costBucketUpperUsd(bucket)).toEqual(expected);
    });
  });

  describe('costPercentile', () => {
    it.each<[string, Record<number, number>, number, number | null]>([
      ['no requests: null', {}, 0.5, null],
      ['one request: its bucket', { 45: 1 }, 0.5, 1e-7 * 2 ** (45 / 4)],
      ['the median of 4 is the 2nd', { 36: 1, 46: 1, 51: 1, 55: 1 }, 0.5, 1e-7 * 2 ** (46 / 4)],
      ['p95 of 4 is the 4th', { 36: 1, 46: 1, 51: 1, 55: 1 }, 0.95, 1e-7 * 2 ** (55 / 4)],
      ['p95 of 100: the 95th', { 10: 95, 20: 5 }, 0.95, 1e-7 * 2 ** (10 / 4)],
      ['p95 of 100 past the 95th', { 10: 94, 20: 6 }, 0.95, 1e-7 * 2 ** (20 / 4)],
      ['bucket 0', { 0: 3, 9: 1 }, 0.5, 1e-7],
      ['the last bucket: unbounded', { 135: 2 }, 0.5, Number.POSITIVE_INFINITY],
    ])('%s', (_case, counts, p, expected) => {
      expect(costPercentile(histogram(counts), p)).toEqual(expected);
    });
  });

  describe('getRequestCostBySource', () => {
    const routeMax = 0.0012;
    const route: RequestCostRow = {
      source: ROUTE,
      sourceKind: 'route',
      requests: 4,
      calls: 7,
      incompleteRequests: 1,
      costUsd: '0.002115000000',
      avgCostUsd: '0.000528750000',
      // 0.00005, 0.000265, 0.0006, 0.0012: the median is the 2nd, p95 the 4th (capped at the maximum).
      p50CostUsd: boundOf(0.000265, routeMax),
      p95CostUsd: routeMax,
      maxCostUsd: '0.001200000000',
    };
    const action: RequestCostRow = {
      source: ACTION,
      sourceKind: 'action',
      requests: 2,
      calls: 3,
      incompleteRequests: 0,
      costUsd: '0.004050000000',
      avgCostUsd: '0.002025000000',
      p50CostUsd: boundOf(0.0004, 0.00365),
      p95CostUsd: 0.00365,
      maxCostUsd: '0.003650000000',
    };
    const job: RequestCostRow = {
      source: JOB,
      sourceKind: 'job',
      requests: 1,
      calls: 1,
      incompleteRequests: 1,
      costUsd: '0.002100000000',
      avgCostUsd: '0.002100000000',
      p50CostUsd: 0.0021,
      p95CostUsd: 0.0021,
      maxCostUsd: '0.002100000000',
    };
    const unattributed: RequestCostRow = {
      source: '',
      sourceKind: 'unattributed',
      requests: 1,
      calls: 1,
      incompleteRequests: 1,
      costUsd: '0.000000000000',
      avgCostUsd: '0.000000000000',
      p50CostUsd: 0,
      p95CostUsd: 0,
      maxCostUsd: '0.000000000000',
    };

    it('sums each source’s requests of the period, most expensive first', async () => {
      expect(await getRequestCostBySource(test.db.prisma, NOVEMBER)).toEqual([action, route, job, unattributed]);
    });

    it('puts the median below the maximum where the bucket says so', () => {
      expect(route.p50CostUsd).toBeGreaterThan(0.000265);
      expect(route.p50CostUsd).toBeLessThan(0.000265 * 2 ** 0.25);
    });

    it.each<[string, Partial<DashboardFilters>, RequestCostRow[]]>([
      ['a source', { source: ACTION }, [action]],
      ['a source kind', { sourceKind: 'job' }, [job]],
      ['the unattributed kind', { sourceKind: 'unattributed' }, [unattributed]],
    ])('narrows to %s', async (_case, narrowing, expected) => {
      expect(await getRequestCostBySource(test.db.prisma, { ...NOVEMBER, ...narrowing })).toEqual(expected);
    });

    it('ignores the call-level filters: a request’s calls differ in model, feature, status and cost', async () => {
      const callLevel: Partial<DashboardFilters> = {
        model: 'gpt-4o',
        feature: 'email.sentiment',
        status: 'error',
        cost: 'unpriced',
        attr: { key: 'tenant', value: 'acme' },
      };
      expect(await getRequestCostBySource(test.db.prisma, { ...NOVEMBER, ...callLevel })).toEqual([
        action,
        route,
        job,
        unattributed,
      ]);
    });

    it('is empty for a period without requests', async () => {
      const december = { period: 'custom', from: NOVEMBER.to, to: new Date('2027-01-01T00:00:00Z') } as const;
      expect(await getRequestCostBySource(test.db.prisma, december)).toEqual([]);
    });
  });

  describe('getMostExpensiveRequests', () => {
    const requestA: RequestRow = {
      traceId: TRACE_A,
      startedAt: '2026-11-20T10:00:00.000Z',
      endedAt: '2026-11-20T10:00:01.250Z',
      durationMs: 1250,
      source: ROUTE,
      sourceKind: 'route',
      serviceVersion: '1.4.0',
      calls: 3,
      errorCalls: 0,
      inexactCalls: 1,
      complete: false,
      costUsd: '0.000265000000',
    };

    it('lists the period’s requests by cost, most expensive first', async () => {
      const rows = await getMostExpensiveRequests(test.db.prisma, NOVEMBER);
      expect(rows.map((r) => [r.traceId, r.costUsd])).toEqual([
        [trace(4), '0.003650000000'],
        [trace(6), '0.002100000000'],
        [trace(2), '0.001200000000'],
        [trace(9), '0.000600000000'],
        [trace(5), '0.000400000000'],
        [TRACE_A, '0.000265000000'],
        [trace(3), '0.000050000000'],
        [trace(7), '0.000000000000'],
      ]);
      expect(rows[5]).toEqual(requestA);
      expect(rows[3]).toEqual({
        traceId: trace(9),
        startedAt: '2026-11-30T23:59:59.900Z',
        endedAt: '2026-12-01T00:00:00.300Z',
        durationMs: 400,
        source: ROUTE,
        sourceKind: 'route',
        serviceVersion: '',
        calls: 2,
        errorCalls: 0,
        inexactCalls: 0,
        complete: true,
        costUsd: '0.000600000000',
      });
      expect(rows[6]).toMatchObject({ traceId: trace(3), errorCalls: 1, inexactCalls: 0, complete: true });
      expect(rows[7]).toMatchObject({ source: '', sourceKind: 'unattributed', complete: false });
    });

    it('takes the first `limit`, ties by trace id', async () => {
      const rows = await getMostExpensiveRequests(test.db.prisma, NOVEMBER, 2);
      expect(rows.map((r) => r.traceId)).toEqual([trace(4), trace(6)]);
    });

    it('narrows to a source, and ignores the call-level filters', async () => {
      const rows = await getMostExpensiveRequests(test.db.prisma, { ...NOVEMBER, source: ROUTE, model: 'nope' });
      expect(rows.map((r) => r.traceId)).toEqual([trace(2), trace(9), TRACE_A, trace(3)]);
    });

    it('leaves out the requests that started outside the period', async () => {
      const october = { period: 'custom', from: new Date('2026-10-01T00:00:00Z'), to: NOVEMBER.from } as const;
      const rows = await getMostExpensiveRequests(test.db.prisma, october);
      expect(rows.map((r) => [r.traceId, r.costUsd])).toEqual([[trace(8), '0.500000000000']]);
    });
  });

  describe('getRequest', () => {
    it('reads the request and its calls, oldest first, with their offsets', async () => {
      expect(await getRequest(test.db.prisma, TRACE_A)).toEqual({
        request: {
          traceId: TRACE_A,
          startedAt: '2026-11-20T10:00:00.000Z',
          endedAt: '2026-11-20T10:00:01.250Z',
          durationMs: 1250,
          source: ROUTE,
          sourceKind: 'route',
          serviceVersion: '1.4.0',
          calls: 3,
          errorCalls: 0,
          inexactCalls: 1,
          complete: false,
          costUsd: '0.000265000000',
          attributes: {},
        },
        calls: [
          {
            id: idOf(1),
            spanId: spanIdOf(1),
            parentSpanId: '53995c3f42cd8ad8',
            startedAt: '2026-11-20T10:00:00.000Z',
            durationMs: 400,
            offsetMs: 0,
            operation: 'chat',
            model: 'gpt-4o-mini-2024-07-18',
            featureId: 'followups.draft',
            inputTokens: 1000,
            cachedInputTokens: 200,
            outputTokens: 50,
            reasoningTokens: 0,
            costUsd: '0.000165000000',
            costStatus: 'priced',
            status: 'ok',
            errorType: null,
          },
          {
            id: idOf(2),
            spanId: spanIdOf(2),
            parentSpanId: spanIdOf(1),
            startedAt: '2026-11-20T10:00:00.500Z',
            durationMs: 300,
            offsetMs: 500,
            operation: 'chat',
            model: 'gpt-4o',
            featureId: 'followups.draft',
            inputTokens: 1000,
            cachedInputTokens: 200,
            outputTokens: 50,
            reasoningTokens: 0,
            costUsd: '0.000100000000',
            costStatus: 'priced',
            status: 'ok',
            errorType: null,
          },
          {
            id: idOf(3),
            spanId: spanIdOf(3),
            parentSpanId: '53995c3f42cd8ad8',
            startedAt: '2026-11-20T10:00:01.000Z',
            durationMs: 250,
            offsetMs: 1000,
            operation: 'chat',
            model: 'gpt-4o-mini-2024-07-18',
            featureId: 'followups.draft',
            inputTokens: null,
            cachedInputTokens: null,
            outputTokens: null,
            reasoningTokens: null,
            costUsd: null,
            costStatus: 'no_usage',
            status: 'ok',
            errorType: null,
          },
        ],
      });
    });

    it('keeps the calls of a request that ends on the next day', async () => {
      const detail = await getRequest(test.db.prisma, trace(9));
      expect(detail?.calls.map((c) => [c.id, c.offsetMs])).toEqual([
        [idOf(12), 0],
        [idOf(13), 200],
      ]);
    });

    it('reads the oldest REQUEST_CALLS_LIMIT calls of a larger request, and counts them all', async () => {
      const many = trace(0xbeef);
      const calls = Array.from({ length: REQUEST_CALLS_LIMIT + 1 }, (_, i) =>
        interactionRow(10_000 + i, { startedAt: new Date(Date.UTC(2026, 11, 2, 0, 0, 0, i)), traceId: many }),
      );
      await new InteractionStore(test.db).insertMany(calls);
      const detail = await getRequest(test.db.prisma, many);
      expect({
        calls: detail?.request.calls,
        read: detail?.calls.length,
        last: detail?.calls.at(-1)?.spanId,
      }).toEqual({ calls: REQUEST_CALLS_LIMIT + 1, read: REQUEST_CALLS_LIMIT, last: spanIdOf(10_000 + 499) });
    });

    it.each([
      ['an unknown trace id', 'f'.repeat(32)],
      ['a trace id in capitals', TRACE_A.toUpperCase()],
      ['a short trace id', 'abc'],
      ['SQL', "'; DROP TABLE ai_request; --"],
    ])('is undefined for %s', async (_case, traceId) => {
      expect(await getRequest(test.db.prisma, traceId)).toBeUndefined();
    });
  });
});
