// The call log against a real, migrated database (in-memory PGlite, or Postgres with TEST_DATABASE_URL): pages
// that hold every row once across ties in started_at, each filter narrowing, a deep cursor, an inclusive cost
// range, and one call in full with its cost split and the other calls of its request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_USAGE } from '../../harness/interaction-rows';
import { createTestDatabase, type TestDatabase } from '../../harness/test-database';
import { interactionRow, spanIdOf } from '../../test/support/interaction-row';
import { InteractionStore } from '../db/interaction-store';
import type { InteractionRow } from '../ledger/span-to-interaction';
import { findCallId, getCallDetail, getCallPage, type CallLogItem } from './call-log';
import {
  decodeCursor,
  encodeCursor,
  parseCallLogQuery,
  type CallCursor,
  type CallLogFilters,
} from './call-log-filters';

const at = (text: string) => new Date(`2026-11-${text}Z`);
const NOVEMBER: CallLogFilters = { period: 'custom', from: at('01T00:00:00'), to: new Date('2026-12-01T00:00:00Z') };
const TRACE_A = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const TRACE_MANY = 'dddddddddddddddddddddddddddddddd';
const trace = (n: number) => n.toString(16).padStart(32, '0');
const MINI_REF = 'genai-prices@0.1.8:openai/gpt-4o-mini';
const ACTION = 'action:insights_chat.send_message';

/** The seed by span number. Rows 1, 2 and 3 start in the same millisecond, as do 6 and 7. */
const SEED: InteractionRow[] = [
  interactionRow(1, { startedAt: at('20T10:00:00'), traceId: TRACE_A, costUsd: '0.000165000000', priceRef: MINI_REF }),
  interactionRow(2, {
    startedAt: at('20T10:00:00'),
    traceId: TRACE_A,
    costUsd: '0.000100000000',
    attributes: { customer_tier: 'pro' },
  }),
  interactionRow(3, {
    startedAt: at('20T10:00:00'),
    traceId: trace(3),
    costUsd: '0.000200000000',
    attributes: { customer_tier: 'pro' },
  }),
  interactionRow(4, {
    startedAt: at('21T08:00:00'),
    traceId: trace(4),
    source: '/api/cron/followups',
    status: 'error',
    errorType: 'RateLimitError',
    ...NO_USAGE,
  }),
  interactionRow(5, {
    startedAt: at('21T09:00:00'),
    traceId: TRACE_A,
    source: ACTION,
    sourceKind: 'action',
    featureId: 'email.sentiment',
    requestModel: 'gpt-4o',
    responseModel: 'gpt-4o-2024-08-06',
    costUsd: '0.002750000000',
    priceRef: 'genai-prices@0.1.8:openai/gpt-4o',
    attributes: { customer_tier: 'pro' },
  }),
  interactionRow(6, {
    startedAt: at('22T00:00:00'),
    traceId: trace(6),
    source: null,
    sourceKind: 'unattributed',
    requestModel: 'acme-llm-1',
    responseModel: 'acme-llm-1',
    costUsd: null,
    costStatus: 'unpriced',
    priceRef: null,
    attributes: { customer_tier: 'pro', seats: 12 },
  }),
  interactionRow(7, {
    startedAt: at('22T00:00:00'),
    traceId: trace(7),
    status: 'error',
    errorType: 'Timeout',
    costUsd: '0.000050000000',
  }),
  interactionRow(8, {
    startedAt: at('23T12:30:00.250'),
    traceId: trace(8),
    costUsd: '0.001',
    costStatus: 'upper_bound',
    attributes: { customer_tier: 'pro', seats: 3 },
  }),
  // October: outside the period, but part of trace A's request.
  interactionRow(9, { startedAt: new Date('2026-10-15T00:00:00Z'), traceId: TRACE_A, costUsd: '0.000300000000' }),
  interactionRow(10, {
    startedAt: at('24T06:00:00'),
    traceId: trace(10),
    source: 'job:weekly_digest',
    sourceKind: 'job',
    featureId: null,
    operation: 'token_count',
    outputTokens: 0,
    costUsd: null,
    costStatus: 'not_billable',
    priceRef: null,
  }),
];

/** A request of 102 calls in December, for the cap on the same-request list. */
const MANY = Array.from({ length: 102 }, (_, i) =>
  interactionRow(1000 + i, { startedAt: new Date(Date.UTC(2026, 11, 2, 0, 0, i)), traceId: TRACE_MANY }),
);

describe('call-log', () => {
  let test: TestDatabase;
  /** Row id by span id. */
  const ids = new Map<string, string>();

  function idOf(n: number): string {
    const id = ids.get(spanIdOf(n));
    if (id === undefined) throw new Error(`no row ${n}`);
    return id;
  }

  /** Row n as the call log shows it. */
  function item(n: number): CallLogItem {
    const r = SEED.find((row) => row.spanId === spanIdOf(n));
    if (r === undefined) throw new Error(`no seed row ${n}`);
    return {
      id: idOf(n),
      startedAt: r.startedAt.toISOString(),
      traceId: r.traceId,
      spanId: r.spanId,
      source: r.source,
      sourceKind: r.sourceKind,
      feature: r.featureId,
      operation: r.operation,
      model: r.responseModel ?? r.requestModel,
      inputTokens: r.inputTokens,
      cachedInputTokens: r.cachedInputTokens,
      outputTokens: r.outputTokens,
      reasoningTokens: r.reasoningTokens,
      // numeric(20,12) reads back with its 12 decimals.
      costUsd: r.costUsd === null ? null : Number(r.costUsd).toFixed(12),
      costStatus: r.costStatus,
      status: r.status,
      errorType: r.errorType,
      durationMs: r.durationMs,
      attributes: r.attributes,
    };
  }

  /** November's rows newest first, ties by id descending: the order every page walk must give. */
  function newestFirst(...spans: number[]): number[] {
    return spans.sort((a, b) => {
      const [x, y] = [SEED[a - 1], SEED[b - 1]];
      const byTime = (y?.startedAt.getTime() ?? 0) - (x?.startedAt.getTime() ?? 0);
      return byTime !== 0 ? byTime : idOf(b) < idOf(a) ? -1 : 1;
    });
  }

  /** The span numbers of each page, following nextCursor from the first page to the last. */
  async function walk(filters: CallLogFilters, limit: number): Promise<number[][]> {
    const pages: number[][] = [];
    let cursor: CallCursor | undefined;
    for (;;) {
      const page = await getCallPage(test.db.prisma, filters, cursor, limit);
      pages.push(page.items.map((i) => parseInt(i.spanId, 16)));
      if (page.nextCursor === null) return pages;
      cursor = decodeCursor(page.nextCursor);
      if (cursor === undefined || pages.length > 20) throw new Error(`a bad cursor: ${page.nextCursor}`);
    }
  }

  /** The row ids of each page of 2, following nextCursor from the first page to the last, with `options`. */
  async function walkIds(filters: CallLogFilters, options: Parameters<typeof getCallPage>[4]): Promise<string[][]> {
    const pages: string[][] = [];
    let cursor: CallCursor | undefined;
    do {
      const page = await getCallPage(test.db.prisma, filters, cursor, 2, options);
      pages.push(page.items.map((i) => i.id));
      cursor = page.nextCursor === null ? undefined : decodeCursor(page.nextCursor);
    } while (cursor !== undefined && pages.length <= 20);
    return pages;
  }

  beforeAll(async () => {
    test = await createTestDatabase();
    await new InteractionStore(test.db).insertMany([...SEED, ...MANY]);
    const rows = await test.db.prisma.$queryRaw<{ span_id: string; id: string }[]>`
      SELECT span_id, id::text AS id FROM ai_interaction`;
    for (const r of rows) ids.set(r.span_id, r.id);
  });

  afterAll(async () => {
    await test.drop();
  });

  describe('getCallPage', () => {
    it('gives a page of whole items, newest first, and a cursor to the next', async () => {
      const order = newestFirst(1, 2, 3, 4, 5, 6, 7, 8, 10);
      const page = await getCallPage(test.db.prisma, NOVEMBER, undefined, 3);
      const third = SEED[(order[2] ?? 0) - 1];
      expect(page).toEqual({
        items: order.slice(0, 3).map(item),
        nextCursor: encodeCursor({ startedAt: third?.startedAt ?? new Date(0), id: idOf(order[2] ?? 0) }),
      });
    });

    it.each([1, 2, 3, 4, 9, 10])('walks every row exactly once, in order, %i a page', async (limit) => {
      const order = newestFirst(1, 2, 3, 4, 5, 6, 7, 8, 10);
      const pages = await walk(NOVEMBER, limit);
      expect(pages.flat()).toEqual(order);
      expect(pages.map((p) => p.length)).toEqual(
        Array.from({ length: Math.ceil(order.length / limit) }, (_, i) => Math.min(limit, order.length - i * limit)),
      );
    });

    it('continues from a deep cursor, within a tie of started_at', async () => {
      const order = newestFirst(1, 2, 3, 4, 5, 6, 7, 8, 10);
      // The middle row of the three that started at 10:00 on the 20th.
      const middle = order.indexOf(newestFirst(1, 2, 3)[1] ?? 0);
      const cursor = { startedAt: at('20T10:00:00'), id: idOf(order[middle] ?? 0) };
      const page = await getCallPage(test.db.prisma, NOVEMBER, cursor, 50);
      expect(page).toEqual({ items: order.slice(middle + 1).map(item), nextCursor: null });
    });

    it.each<[string, Partial<CallLogFilters>, number[]]>([
      ['a source kind', { sourceKind: 'action' }, [5]],
      ['a source', { source: '/api/cron/followups' }, [4]],
      ["no source ('')", { source: '' }, [6]],
      ['a feature', { feature: 'email.sentiment' }, [5]],
      ["no feature ('')", { feature: '' }, [10]],
      ['the billed model', { model: 'gpt-4o-2024-08-06' }, [5]],
      ['a status', { status: 'error' }, [4, 7]],
      ['a cost status', { cost: 'upper_bound' }, [8]],
      ['an attribute, recorded as a number', { attr: { key: 'seats', value: '12' } }, [6]],
      ['an attribute, recorded as text', { attr: { key: 'customer_tier', value: 'pro' } }, [2, 3, 5, 6, 8]],
      ['a trace id', { traceId: TRACE_A }, [1, 2, 5]],
      ['an error type', { errorType: 'RateLimitError' }, [4]],
      ['a cost range, both bounds inclusive', { minCostUsd: '0.0001', maxCostUsd: '0.000200000000' }, [1, 2, 3]],
      ['a minimum cost alone (unknown costs left out)', { minCostUsd: '0.001' }, [5, 8]],
      ['a maximum cost alone', { maxCostUsd: '0.00005' }, [7]],
      ['filters together', { traceId: TRACE_A, minCostUsd: '0.000165', sourceKind: 'route' }, [1]],
      ['nothing matching', { traceId: trace(99) }, []],
    ])('narrows to %s', async (_case, narrowing, spans) => {
      const page = await getCallPage(test.db.prisma, { ...NOVEMBER, ...narrowing }, undefined, 50);
      expect(page).toEqual({ items: newestFirst(...spans).map(item), nextCursor: null });
    });

    it.each<[string, Partial<CallLogFilters>, number[]]>([
      ['a minimum cost', { minCostUsd: '0.0001' }, [1, 2, 3, 5, 8]],
      ['a maximum cost', { maxCostUsd: '0.0002' }, [1, 2, 3, 7]],
      [
        'a cost range with other filters',
        { minCostUsd: '0.0001', maxCostUsd: '0.01', sourceKind: 'route' },
        [1, 2, 3, 8],
      ],
    ])('gives the same pages for %s whether the range counts as rare or not', async (_case, narrowing, spans) => {
      const filters = { ...NOVEMBER, ...narrowing };
      const walkWith = (rareCostCalls: number) => walkIds(filters, { rareCostCalls });
      // 0: every range is common, so the page walks the period; 1000: every range here is rare, read by cost.
      const [common, rare] = [await walkWith(0), await walkWith(1000)];
      expect(rare).toEqual(common);
      expect(common.flat()).toEqual(newestFirst(...spans).map(idOf));
    });

    it.each<[string, Partial<CallLogFilters>, number[]]>([
      ['an attribute', { attr: { key: 'customer_tier', value: 'pro' } }, [2, 3, 5, 6, 8]],
      [
        'an attribute with other filters',
        { attr: { key: 'customer_tier', value: 'pro' }, status: 'ok' },
        [2, 3, 5, 6, 8],
      ],
      [
        'an attribute and a cost range',
        { attr: { key: 'customer_tier', value: 'pro' }, minCostUsd: '0.0002' },
        [3, 5, 8],
      ],
      ['an attribute no call carries', { attr: { key: 'customer_tier', value: 'free' } }, []],
    ])(
      'gives the same pages for %s whether a page is found among the newest calls or not',
      async (_case, narrowing, spans) => {
        const filters = { ...NOVEMBER, ...narrowing };
        const walkWith = (recentCalls: number) => walkIds(filters, { recentCalls });
        // 0: no page is found among the newest calls, so every page reads the calls carrying the attribute; 5:
        // the first page of 'pro' is (rows 10, 8, 7, 6 and 5 hold 8, 6 and 5), later ones are not; 1000: every
        // page that is whole is.
        const walks = [await walkWith(0), await walkWith(5), await walkWith(1000)];
        const expected = newestFirst(...spans).map(idOf);
        const pages = Array.from({ length: Math.max(1, Math.ceil(expected.length / 2)) }, (_, i) =>
          expected.slice(i * 2, i * 2 + 2),
        );
        expect(walks).toEqual([pages, pages, pages]);
      },
    );

    it('pages through a filter with a cursor', async () => {
      const filters = { ...NOVEMBER, traceId: TRACE_A };
      const order = newestFirst(1, 2, 5);
      const pages = await walk(filters, 1);
      expect(pages).toEqual(order.map((n) => [n]));
    });

    it('reads a cursor only as parseCallLogQuery accepts it: a malformed one is refused, naming it', () => {
      expect(parseCallLogQuery({ cursor: 'MjAyNi0xMS0yMFQxMDowMDowMC4wMDBa' }, new Date())).toEqual({
        ok: false,
        issues: [{ parameter: 'cursor', message: 'is not a cursor of this call log: start again without it' }],
      });
    });
  });

  describe('getCallDetail', () => {
    it('gives every column, the cost split adding up to the cost, and the request’s other calls', async () => {
      const detail = await getCallDetail(test.db.prisma, idOf(1));
      const createdAt = detail?.createdAt ?? '';
      expect(detail).toEqual({
        ...item(1),
        createdAt,
        parentSpanId: '53995c3f42cd8ad8',
        provider: 'openai',
        requestModel: 'gpt-4o-mini',
        responseModel: 'gpt-4o-mini-2024-07-18',
        totalTokens: 1050,
        priceRef: MINI_REF,
        streamed: false,
        serviceName: 'spendtrace-app',
        costSplit: {
          priceRef: MINI_REF,
          uncachedInput: { tokens: 800, usdPerMillion: '0.150000', costUsd: '0.000120000000' },
          cachedInput: { tokens: 200, usdPerMillion: '0.075000', costUsd: '0.000015000000' },
          output: { tokens: 50, usdPerMillion: '0.600000', costUsd: '0.000030000000' },
          reasoning: null,
          perCallUsd: null,
          totalUsd: '0.000165000000',
          reason: null,
        },
        // Oldest first, October's included; not row 1 itself.
        sameRequest: [9, 2, 5].map((n) => ({ ...item(n), ...(n === 9 && { costUsd: '0.000300000000' }) })),
      });
      expect(Date.parse(createdAt)).toBeGreaterThan(Date.parse('2026-01-01'));
    });

    it('gives no split, with the reason, for a row that is not priced', async () => {
      const detail = await getCallDetail(test.db.prisma, idOf(4));
      expect({ split: detail?.costSplit, others: detail?.sameRequest }).toEqual({
        split: {
          priceRef: null,
          uncachedInput: null,
          cachedInput: null,
          output: null,
          reasoning: null,
          perCallUsd: null,
          totalUsd: null,
          reason: 'The call has no cost to split.',
        },
        others: [],
      });
    });

    it('lists at most 100 other calls of a request, the oldest', async () => {
      const rows = await test.db.prisma.$queryRaw<{ id: string }[]>`
        SELECT id::text AS id FROM ai_interaction WHERE trace_id = ${TRACE_MANY} ORDER BY started_at`;
      const detail = await getCallDetail(test.db.prisma, rows[50]?.id ?? '');
      expect(detail?.sameRequest.map((c) => c.id)).toEqual(
        [...rows.slice(0, 50), ...rows.slice(51, 101)].map((r) => r.id),
      );
    });

    it('finds nothing for an unknown or a malformed id', async () => {
      expect(await getCallDetail(test.db.prisma, '0193a3b2-0000-7000-8000-000000000000')).toBeUndefined();
      expect(await getCallDetail(test.db.prisma, 'not-a-call')).toBeUndefined();
      expect(await getCallDetail(test.db.prisma, "'; DROP TABLE ai_interaction; --")).toBeUndefined();
    });
  });

  describe('findCallId', () => {
    it('finds a call by its trace id and span id', async () => {
      expect(await findCallId(test.db.prisma, TRACE_A, spanIdOf(5))).toBe(idOf(5));
      expect(await findCallId(test.db.prisma, TRACE_A, spanIdOf(3))).toBeUndefined();
    });
  });
});
