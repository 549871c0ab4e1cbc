// InteractionStore against a real, migrated database (in-memory PGlite, or Postgres when TEST_DATABASE_URL
// is set): every field round-trips exactly, and a row already stored by (traceId, spanId) is skipped.
import { beforeEach, describe, expect, it } from 'vitest';

import { tokenCount } from '../../test/support/seed-rows';
import { testDatabaseWithStore } from '../../test/support/store-database';
import { storedRows } from '../../test/support/stored-rows';
import { RowsRejectedError } from '../ledger/rows-rejected-error';
import type { InteractionRow } from '../ledger/span-to-interaction';
import { openDatabase } from './database';
import { copyData, InteractionStore, RECORD_COLUMNS, toRecord } from './interaction-store';
import { NO_USAGE } from '../../harness/interaction-rows';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PRICE_REF = 'genai-prices@0.1.8:openai/gpt-4o-mini';
const SQL_LIKE = "'; DROP TABLE ai_interaction; --";
const HTML_LIKE = '<script>alert("x")</script><b>&amp;</b>';

/** A 16-hex-digit span id from a number. */
function spanId(n: number): string {
  return n.toString(16).padStart(16, '0');
}

/** A priced chat row with every field set. */
function row(n: number, overrides: Partial<InteractionRow> = {}): InteractionRow {
  return {
    startedAt: new Date(Date.UTC(2026, 10, 25, 12, 0, 0, n % 1000)),
    durationMs: 812.5,
    traceId: TRACE_ID,
    spanId: spanId(n),
    parentSpanId: '53995c3f42cd8ad8',
    source: '/api/leads/[id]/draft',
    sourceKind: 'route',
    featureId: 'lead.draft',
    operation: 'chat',
    provider: 'openai',
    requestModel: 'gpt-4o-mini',
    responseModel: 'gpt-4o-mini-2024-07-18',
    inputTokens: 1200,
    cachedInputTokens: 1024,
    outputTokens: 50,
    reasoningTokens: 0,
    totalTokens: 1250,
    costUsd: '0.000133200000',
    costStatus: 'priced',
    priceRef: PRICE_REF,
    streamed: true,
    status: 'ok',
    errorType: null,
    serviceName: 'spendtrace-app',
    attributes: { customer_tier: 'gold', seats: 12, trial: false, regions: ['eu', 'us'], scores: [1, 2.5, null] },
    ...overrides,
  };
}

describe('toRecord', () => {
  it('has one key per record column, in their order', () => {
    expect(Object.keys(toRecord(row(1), Date.parse('2026-11-26T00:00:00Z')))).toEqual(
      RECORD_COLUMNS.map(([name]) => name),
    );
  });

  it('sends a duration JSON cannot hold as text, which float8 reads', () => {
    expect(toRecord(row(1, { durationMs: Number.NaN }), 0).duration_ms).toBe('NaN');
    expect(toRecord(row(1, { durationMs: 12.5 }), 0).duration_ms).toBe(12.5);
  });
});

describe('copyData', () => {
  it('writes a record as one line, its values in the order of the record columns, separated by tabs', () => {
    // Each value its own column's name, so a value in the wrong place shows.
    const record = Object.fromEntries(RECORD_COLUMNS.map(([name]) => [name, name])) as unknown as ReturnType<
      typeof toRecord
    >;

    expect(copyData([record, record])).toBe(`${RECORD_COLUMNS.map(([name]) => name).join('\t')}\n`.repeat(2));
  });

  it('writes null as \\N, objects as JSON, and escapes the characters COPY reads specially', () => {
    const record = {
      ...toRecord(row(1), Date.parse('2026-11-26T00:00:00Z')),
      parent_span_id: null,
      source: 'a\tb\nc\rd\\e',
      attributes: { 'k\t': 'v\n' },
    };
    const values = copyData([record]).slice(0, -1).split('\t');
    const at = (column: string) => values[RECORD_COLUMNS.findIndex(([name]) => name === column)];

    expect(values).toHaveLength(RECORD_COLUMNS.length);
    expect(at('parent_span_id')).toBe('\\N');
    expect(at('source')).toBe('a\\tb\\nc\\rd\\\\e');
    expect(at('attributes')).toBe('{"k\\t":"v\\n"}'.replace(/\\/g, '\\\\'));
    expect(at('streamed')).toBe('true');
    expect(at('cost_usd')).toBe('0.000133200000');
  });
});

describe('InteractionStore', () => {
  const database = testDatabaseWithStore();

  beforeEach(async () => {
    await database.prisma.aIInteraction.deleteMany();
  });

  describe('insertMany', () => {
    it('stores rows with every field set, and every enum value, exactly', async () => {
      const rows: InteractionRow[] = [
        row(1),
        row(2, {
          source: 'action:insights_chat.send_message',
          sourceKind: 'action',
          featureId: 'insights.chat',
          operation: 'responses',
          requestModel: 'gpt-4o-mini',
          responseModel: 'gpt-4o-mini',
          inputTokens: 1,
          cachedInputTokens: 0,
          outputTokens: 0,
          reasoningTokens: 0,
          totalTokens: 1,
          // The smallest amount the column holds: one pico-dollar.
          costUsd: '0.000000000001',
          streamed: false,
          status: 'error',
          errorType: 'RateLimitError',
          attributes: { plan: 'pro', beta: true, ratio: 0.25 },
        }),
        row(3, {
          source: 'job:nightly_digest',
          sourceKind: 'job',
          featureId: null,
          operation: 'embeddings',
          requestModel: 'acme-embed-v9',
          responseModel: null,
          inputTokens: 16,
          cachedInputTokens: null,
          outputTokens: null,
          reasoningTokens: null,
          totalTokens: 16,
          costUsd: null,
          costStatus: 'unpriced',
          priceRef: null,
          streamed: false,
          attributes: {},
        }),
        row(4, {
          parentSpanId: null,
          source: null,
          sourceKind: 'unattributed',
          featureId: null,
          ...tokenCount(812),
          provider: 'unknown',
          requestModel: null,
          responseModel: null,
          streamed: false,
          serviceName: null,
          attributes: {},
        }),
        row(5, {
          ...NO_USAGE,
          status: 'error',
          errorType: '_OTHER',
        }),
      ];

      expect(await database.store.insertMany(rows)).toBe(5);

      expect(await storedRows(database.prisma)).toEqual(rows);
    });

    it('stores strings that look like SQL or HTML literally', async () => {
      const rows = [
        row(1, {
          source: `/api/${SQL_LIKE}`,
          featureId: SQL_LIKE,
          requestModel: HTML_LIKE,
          errorType: SQL_LIKE,
          serviceName: HTML_LIKE,
          attributes: { [SQL_LIKE]: HTML_LIKE, note: SQL_LIKE, list: [HTML_LIKE, SQL_LIKE] },
        }),
      ];

      expect(await database.store.insertMany(rows)).toBe(1);

      expect(await storedRows(database.prisma)).toEqual(rows);
      expect(await database.prisma.$queryRaw`SELECT to_regclass('ai_interaction')::text AS "table"`).toEqual([
        { table: 'ai_interaction' },
      ]);
    });

    it("stores the characters COPY's text format reads specially (tab, newline, backslash, \\N) literally", async () => {
      const rows = [
        row(1, {
          source: '/api/a\tb',
          featureId: 'line one\nline two\r\n',
          errorType: '\\N',
          serviceName: 'C:\\path\\',
          attributes: { 'k\t': 'v\n\\', end: '\\.', null: '\\N' },
        }),
      ];

      expect(await database.store.insertMany(rows)).toBe(1);

      expect(await storedRows(database.prisma)).toEqual(rows);
    });

    it.each([
      // A NUL character has no text form in Postgres: COPY refuses its byte, 22021 (invalid byte sequence).
      ['a NUL character in a string', { source: 'a\u0000b' }, '22021'],
      ['a token count beyond INTEGER', { inputTokens: 2 ** 40 }, '22003'],
      ['a start time that is not a date', { startedAt: new Date(Number.NaN) }, '23502'],
    ])('throws RowsRejectedError for %s, and stores none of the batch', async (_case, overrides, sqlState) => {
      const error = await database.store.insertMany([row(1), row(2, overrides)]).then(
        () => undefined,
        (e: unknown) => e,
      );

      expect(error).toBeInstanceOf(RowsRejectedError);
      expect((error as Error).message).toBe(`the database refused the rows (SQLSTATE ${sqlState})`);
      expect(await storedRows(database.prisma)).toEqual([]);
    });

    it("lets an unreachable database's error through as it is, not as a rejection", async () => {
      const unreachable = await openDatabase({
        databaseUrl: 'postgresql://postgres@127.0.0.1:1/none',
        onConnectionError: () => undefined,
      });
      try {
        const error = await new InteractionStore(unreachable).insertMany([row(1)]).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(Error);
        expect(error).not.toBeInstanceOf(RowsRejectedError);
        // The driver's own error: the connection refused, with no SQLSTATE to take for a refused row.
        expect(error).toMatchObject({ code: 'ECONNREFUSED', address: '127.0.0.1', port: 1 });
      } finally {
        await unreachable.close();
      }
    });

    it('skips every row of a batch stored before, so the table keeps one row per span', async () => {
      const rows = [row(1), row(2), row(3)];
      expect(await database.store.insertMany(rows)).toBe(3);

      expect(await database.store.insertMany(rows)).toBe(0);

      expect(await storedRows(database.prisma)).toEqual(rows);
    });

    it('returns only the count of new rows when a batch mixes new and stored ones', async () => {
      expect(await database.store.insertMany([row(1), row(2)])).toBe(2);

      // A retried row may differ (e.g. priced later); the first one stored wins.
      expect(await database.store.insertMany([row(2, { featureId: 'retried' }), row(3), row(1), row(4)])).toBe(2);

      expect(await storedRows(database.prisma)).toEqual([row(1), row(2), row(3), row(4)]);
    });

    it('counts a span that appears twice in one batch once', async () => {
      expect(await database.store.insertMany([row(1), row(1), row(2)])).toBe(2);

      expect(await storedRows(database.prisma)).toEqual([row(1), row(2)]);
    });

    it('tells spans apart by trace id as well as span id', async () => {
      const other = row(1, { traceId: 'a'.repeat(32) });

      expect(await database.store.insertMany([row(1), other])).toBe(2);

      expect(await storedRows(database.prisma)).toEqual([row(1), other]);
    });

    it('returns 0 for an empty batch without touching the database', async () => {
      // A client for a port nothing listens on: any query would fail.
      const unreachable = await openDatabase({
        databaseUrl: 'postgresql://postgres@127.0.0.1:1/none?sslmode=disable',
        onConnectionError: () => undefined,
      });
      try {
        expect(await new InteractionStore(unreachable).insertMany([])).toBe(0);
      } finally {
        await unreachable.close();
      }
      expect(await database.store.insertMany([])).toBe(0);
      expect(await database.prisma.aIInteraction.count()).toBe(0);
    });

    it('stores a thousand rows in one call', async () => {
      const rows = Array.from({ length: 1000 }, (_, i) =>
        row(i + 1, { inputTokens: i, totalTokens: i + 50, attributes: { i } }),
      );

      expect(await database.store.insertMany(rows)).toBe(1000);

      expect(await storedRows(database.prisma)).toEqual(rows);
    });
  });
});
