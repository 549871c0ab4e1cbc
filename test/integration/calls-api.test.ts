// The call log's JSON API on the built app, over real HTTP: sign-in required, pages that hold every seeded
// row exactly once in order, the filters, a 400 naming each bad parameter, one call in full, 404 for an
// unknown or malformed id, and 503 with Retry-After while the database is away.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type AppServer } from '../../harness/app-server';
import { NO_USAGE } from '../../harness/interaction-rows';
import { startTcpProxy, type TcpProxy } from '../../harness/tcp-proxy';
import { encodeCursor } from '../../lib/dashboard/call-log-filters';
import { addDays, startOfUtcDay } from '../../lib/dashboard/filters';
import type { InteractionRow } from '../../lib/ledger/span-to-interaction';
import { interactionRow, spanIdOf } from '../support/interaction-row';
import { startTcpDatabase, storeRows, type TcpDatabase } from '../support/tcp-database';

const TOKEN = 'calls-api-token-0123456789';
const AUTH = { authorization: `Bearer ${TOKEN}` };
const UNAUTHORIZED = { error: 'Sign in: send Authorization: Bearer <DASHBOARD_TOKEN> or use /sign-in.' };
const UNKNOWN_ID = '0193a3b2-0000-7000-8000-000000000000';
const TRACE_A = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const MINI_REF = 'genai-prices@0.1.8:openai/gpt-4o-mini';
const trace = (n: number) => n.toString(16).padStart(32, '0');

describe('the calls API', () => {
  let database: TcpDatabase;
  let proxy: TcpProxy;
  let app: AppServer;
  const teardown: (() => Promise<unknown>)[] = [];
  const yesterday = addDays(startOfUtcDay(new Date()), -1);
  const at = (hour: number) => new Date(yesterday.getTime() + hour * 3_600_000);
  /** Rows 1, 2 and 3 start in the same millisecond; row 8 is 40 days old, outside the default 30 days. */
  const seed: InteractionRow[] = [
    interactionRow(1, { startedAt: at(10), traceId: TRACE_A, costUsd: '0.000165000000', priceRef: MINI_REF }),
    interactionRow(2, { startedAt: at(10), traceId: TRACE_A, costUsd: '0.000100000000' }),
    interactionRow(3, { startedAt: at(10), traceId: trace(3), costUsd: '0.000200000000' }),
    interactionRow(4, {
      startedAt: at(11),
      traceId: trace(4),
      source: '/api/cron/followups',
      status: 'error',
      errorType: 'RateLimitError',
      ...NO_USAGE,
    }),
    interactionRow(5, {
      startedAt: at(12),
      traceId: TRACE_A,
      source: 'action:insights_chat.send_message',
      sourceKind: 'action',
      responseModel: 'gpt-4o-2024-08-06',
      costUsd: '0.002750000000',
      attributes: { customer_tier: 'pro' },
    }),
    interactionRow(6, {
      startedAt: at(13),
      traceId: trace(6),
      source: null,
      sourceKind: 'unattributed',
      requestModel: 'acme-llm-1',
      responseModel: 'acme-llm-1',
      costUsd: null,
      costStatus: 'unpriced',
      priceRef: null,
    }),
    interactionRow(7, {
      startedAt: at(14),
      traceId: trace(7),
      status: 'error',
      errorType: 'Timeout',
      costUsd: '0.000050000000',
    }),
    interactionRow(8, { startedAt: addDays(yesterday, -40), traceId: TRACE_A, costUsd: '0.000300000000' }),
  ];
  const ids = new Map<string, string>();

  const idOf = (n: number) => ids.get(spanIdOf(n)) ?? '';
  function rowOf(n: number): InteractionRow {
    const row = seed[n - 1];
    if (row === undefined) throw new Error(`no seed row ${n}`);
    return row;
  }

  /** Row n as the API answers it. */
  function item(n: number) {
    const r = rowOf(n);
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
      costUsd: r.costUsd,
      costStatus: r.costStatus,
      status: r.status,
      errorType: r.errorType,
      durationMs: r.durationMs,
      attributes: r.attributes,
    };
  }

  /** Rows newest first, ties by id descending. */
  function newestFirst(...spans: number[]): number[] {
    return spans.sort((a, b) => {
      const byTime = rowOf(b).startedAt.getTime() - rowOf(a).startedAt.getTime();
      return byTime !== 0 ? byTime : idOf(b) < idOf(a) ? -1 : 1;
    });
  }

  beforeAll(async () => {
    database = await startTcpDatabase();
    teardown.push(() => database.close());
    for (const [spanId, id] of await storeRows(database, seed)) ids.set(spanId, id);
    proxy = await startTcpProxy({ host: database.host, port: database.port });
    teardown.push(() => proxy.close());
    app = await startApp({ DATABASE_URL: database.urlVia(proxy.port), DASHBOARD_TOKEN: TOKEN });
    teardown.push(() => app.stop());
  });

  afterAll(async () => {
    for (const undo of teardown.reverse()) await undo();
  });

  async function get(pathAndQuery: string, headers: Record<string, string> = AUTH) {
    const res = await fetch(`${app.url}/api/dashboard/calls${pathAndQuery}`, { headers, redirect: 'manual' });
    return { status: res.status, body: (await res.json()) as unknown };
  }

  it('answers 401 without sign-in', async () => {
    for (const answer of [
      await get('', {}),
      await get(`/${UNKNOWN_ID}`, {}),
      await get('', { authorization: 'Bearer wrong-token-0123456789' }),
    ]) {
      expect(answer).toEqual({ status: 401, body: UNAUTHORIZED });
    }
  });

  it('gives the newest calls of the last 30 days with the cursor of the next page', async () => {
    const order = newestFirst(1, 2, 3, 4, 5, 6, 7);
    const third = order[2] ?? 0;
    expect(await get('?limit=3')).toEqual({
      status: 200,
      body: {
        items: order.slice(0, 3).map(item),
        nextCursor: encodeCursor({ startedAt: rowOf(third).startedAt, id: idOf(third) }),
      },
    });
  });

  it('pages through every row exactly once, in order, two at a time', async () => {
    const seen: number[] = [];
    let query = '?limit=2';
    for (let pages = 1; ; pages++) {
      const { status, body } = await get(query);
      const page = body as { items: { spanId: string }[]; nextCursor: string | null };
      expect({ status, size: page.items.length }).toEqual({ status: 200, size: pages === 4 ? 1 : 2 });
      seen.push(...page.items.map((i) => parseInt(i.spanId, 16)));
      if (page.nextCursor === null) break;
      query = `?limit=2&cursor=${page.nextCursor}`;
      expect(pages).toBeLessThan(4);
    }
    expect(seen).toEqual(newestFirst(1, 2, 3, 4, 5, 6, 7));
  });

  it.each<[string, string, number[]]>([
    ['a trace id (in capitals)', `trace=${TRACE_A.toUpperCase()}`, [1, 2, 5]],
    ['a trace id over 90 days', `trace=${TRACE_A}&period=90d`, [1, 2, 5, 8]],
    ['an error type', 'error=Timeout', [7]],
    ['a cost range, both ends inclusive', 'minCost=0.0001&maxCost=0.000200000000', [1, 2, 3]],
    ['a minimum cost', 'minCost=0.001', [5]],
    ['a source kind', 'kind=unattributed', [6]],
    ['a status', 'status=error', [4, 7]],
    ['a cost status', 'cost=unpriced', [6]],
    ['an attribute', 'attr=customer_tier=pro', [5]],
    ['the billed model', 'model=gpt-4o-2024-08-06', [5]],
    ['filters together', `trace=${TRACE_A}&maxCost=0.00015`, [2]],
  ])('narrows to %s', async (_case, query, spans) => {
    expect(await get(`?${query}`)).toEqual({
      status: 200,
      body: { items: newestFirst(...spans).map(item), nextCursor: null },
    });
  });

  it('answers 400 naming each bad parameter', async () => {
    expect(await get('?limit=0&trace=xyz&cursor=bogus&minCost=-1&kind=lambda')).toEqual({
      status: 400,
      body: {
        error: 'Invalid call log query.',
        issues: [
          { parameter: 'kind', message: 'Invalid option: expected one of "route"|"action"|"job"|"unattributed"' },
          { parameter: 'trace', message: 'must be a trace id: 32 hex digits' },
          { parameter: 'minCost', message: 'must be US dollars such as 0.01, with at most 12 decimals' },
          { parameter: 'limit', message: 'must be a whole number from 1 to 200' },
          { parameter: 'cursor', message: 'is not a cursor of this call log: start again without it' },
        ],
      },
    });
    expect(await get('?minCost=2&maxCost=1.5&period=custom')).toEqual({
      status: 400,
      body: {
        error: 'Invalid call log query.',
        issues: [
          { parameter: 'period', message: 'a custom period needs both from and to' },
          { parameter: 'maxCost', message: 'must not be below minCost' },
        ],
      },
    });
  });

  it('gives one call in full: every column, the cost split, the other calls of its request', async () => {
    const { status, body } = await get(`/${idOf(1)}`);
    const createdAt = (body as { createdAt: string }).createdAt;
    expect({ status, body }).toEqual({
      status: 200,
      body: {
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
        // Oldest first: the call 40 days ago too, whatever the period.
        sameRequest: [8, 2, 5].map(item),
      },
    });
    expect(Number.isNaN(Date.parse(createdAt))).toBe(false);
  });

  it('answers 404 for an unknown and a malformed id', async () => {
    for (const missing of [UNKNOWN_ID, 'not-a-call']) {
      expect(await get(`/${missing}`)).toEqual({
        status: 404,
        body: { error: `There is no call with id "${missing}".` },
      });
    }
  });

  it('answers 503 with Retry-After while the database is away', async () => {
    await proxy.cut();
    try {
      for (const [pathAndQuery, what] of [
        ['', 'listing the calls'],
        [`/${idOf(1)}`, 'reading the call'],
      ] as const) {
        const res = await fetch(`${app.url}/api/dashboard/calls${pathAndQuery}`, { headers: AUTH });
        expect({ status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.json() }).toEqual({
          status: 503,
          retryAfter: '30',
          body: { error: `The database is unavailable; ${what} can be retried.` },
        });
      }
    } finally {
      await proxy.restore();
    }
  });
});
