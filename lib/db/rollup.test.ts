// The daily rollup (ai_interaction_daily) kept by the statement-level triggers of the migration
// 20261126000000_dashboard_rollup, against a real database (in-memory PGlite, or Postgres when
// TEST_DATABASE_URL is set): inserts add, skipped duplicates add nothing, updates move, deletes subtract.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { interactionRow } from '../../test/support/interaction-row';
import { tokenCount } from '../../test/support/seed-rows';
import { testDatabaseWithStore } from '../../test/support/store-database';
import { createTestDatabase, type TestDatabase } from '../../harness/test-database';
import type { InteractionRow } from '../ledger/span-to-interaction';
import { openDatabase, type Database } from './database';
import type { PrismaClient } from './generated/client';
import { InteractionStore } from './interaction-store';
import { NO_USAGE } from '../../harness/interaction-rows';

/** One rollup row with plain values: the day as YYYY-MM-DD, counts as numbers, cost as a 12-decimal string. */
interface DailyRow {
  day: string;
  source: string;
  sourceKind: string;
  featureId: string;
  model: string;
  operation: string;
  status: string;
  costStatus: string;
  calls: number;
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  costUsd: string;
  durationMsSum: number;
  latencyHistogram: number[];
}

const KEY: (keyof DailyRow)[] = [
  'day',
  'source',
  'sourceKind',
  'featureId',
  'model',
  'operation',
  'status',
  'costStatus',
];

/** Every rollup row, ordered by key (compared in JavaScript, so the database's collation does not matter). */
async function rollupRows(prisma: PrismaClient): Promise<DailyRow[]> {
  const rows = await prisma.aIInteractionDaily.findMany();
  return rows
    .map((r) => ({
      day: r.day.toISOString().slice(0, 10),
      source: r.source,
      sourceKind: r.sourceKind,
      featureId: r.featureId,
      model: r.model,
      operation: r.operation,
      status: r.status,
      costStatus: r.costStatus,
      calls: Number(r.calls),
      inputTokens: Number(r.inputTokens),
      cachedInputTokens: Number(r.cachedInputTokens),
      outputTokens: Number(r.outputTokens),
      reasoningTokens: Number(r.reasoningTokens),
      costUsd: r.costUsd.toFixed(12),
      // A sum of doubles depends on the order of addition; durations are kept to the nanosecond.
      durationMsSum: Math.round(r.durationMsSum * 1e6) / 1e6 + 0, // + 0: no -0 from a sum back to zero
      latencyHistogram: r.latencyHistogram,
    }))
    .sort(byKey);
}

function byKey(a: DailyRow, b: DailyRow): number {
  for (const field of KEY) {
    const x = String(a[field]);
    const y = String(b[field]);
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** A 66-bucket histogram with the given counts. */
function latencyHistogram(counts: Record<number, number> = {}): number[] {
  const out = new Array<number>(66).fill(0);
  for (const [bucket, n] of Object.entries(counts)) out[Number(bucket)] = n;
  return out;
}

/** The bucket of a duration by its definition: 0 under 1 ms, k when 2^((k-1)/4) ≤ ms < 2^(k/4), at most 65. */
function bucketOf(ms: number): number {
  if (ms < 1) return 0;
  let k = 1;
  while (k < 65 && ms >= 2 ** (k / 4)) k++;
  return k;
}

/** A rollup row for the default key of interactionRow, zero everywhere, with some fields changed. */
function daily(overrides: Partial<DailyRow>): DailyRow {
  return {
    day: '2026-11-25',
    source: '/api/leads/[id]/draft',
    sourceKind: 'route',
    featureId: 'followups.draft',
    model: 'gpt-4o-mini-2024-07-18',
    operation: 'chat',
    status: 'ok',
    costStatus: 'priced',
    calls: 0,
    inputTokens: 0,
    cachedInputTokens: 0,
    outputTokens: 0,
    reasoningTokens: 0,
    costUsd: '0.000000000000',
    durationMsSum: 0,
    latencyHistogram: latencyHistogram(),
    ...overrides,
  };
}

const UNATTRIBUTED_TRACE = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const OTHER_TRACE = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';

/** Rows of five keys, with durations on and around bucket boundaries. */
const KNOWN_ROWS: InteractionRow[] = [
  // A priced route call, six times: 0.5 ms → 0, 1 → 1 ([1, 1.189)), 1.19 and 1.2 → 2 ([1.189, 1.414)),
  // 100 → 27 ([90.5, 107.6)), 60,000 → 64 ([55,109, 65,536)).
  interactionRow(1, { durationMs: 0.5, costUsd: '0.000150000000' }),
  interactionRow(2, { durationMs: 1, costUsd: '0.000000000001' }),
  interactionRow(3, { durationMs: 1.19, costUsd: '0.123456789012', reasoningTokens: 64 }),
  interactionRow(4, { durationMs: 1.2, costUsd: '1.000000000000' }),
  interactionRow(5, { durationMs: 100, costUsd: '0.000150000000' }),
  interactionRow(6, { durationMs: 60_000, costUsd: '2.500000000000' }),
  // A failed server action; the response model wins over the requested one. 4 ms → 9, 16 ms → 17 (powers of 2
  // open a bucket).
  ...[7, 8].map((n) =>
    interactionRow(n, {
      durationMs: n === 7 ? 4 : 16,
      source: 'action:insights_chat.send_message',
      sourceKind: 'action',
      featureId: 'insights_chat.answer',
      operation: 'responses',
      requestModel: 'gpt-4o-mini',
      responseModel: 'gpt-4o',
      inputTokens: n === 7 ? 10 : 20,
      cachedInputTokens: n === 7 ? null : 0,
      outputTokens: n === 7 ? 5 : null,
      reasoningTokens: n === 7 ? null : 7,
      totalTokens: null,
      costUsd: '0.010000000000',
      status: 'error',
      errorType: 'RateLimitError',
    }),
  ),
  // An unattributed failed call without usage or response: the requested model. 2 ms → 5.
  interactionRow(9, {
    durationMs: 2,
    traceId: UNATTRIBUTED_TRACE,
    source: null,
    sourceKind: 'unattributed',
    featureId: null,
    responseModel: null,
    ...NO_USAGE,
    status: 'error',
    errorType: 'APIConnectionError',
  }),
  // A job embedding with an unpriced model and an unregistered feature. 65,536 ms and 1,000,000 ms → 65 (the cap).
  ...[10, 11].map((n) =>
    interactionRow(n, {
      durationMs: n === 10 ? 65_536 : 1_000_000,
      source: 'job:weekly_digest',
      sourceKind: 'job',
      featureId: 'digest.unregistered',
      operation: 'embeddings',
      requestModel: 'acme-embed-v9',
      responseModel: null,
      inputTokens: n === 10 ? 16 : 32,
      cachedInputTokens: null,
      outputTokens: null,
      reasoningTokens: null,
      totalTokens: null,
      costUsd: null,
      costStatus: 'unpriced',
      priceRef: null,
    }),
  ),
  // A token count with no model at all. 8 ms → 13; 0.999 ms → 0.
  ...[12, 13].map((n) =>
    interactionRow(n, {
      durationMs: n === 12 ? 8 : 0.999,
      ...tokenCount(812),
      provider: 'unknown',
      requestModel: null,
      responseModel: null,
    }),
  ),
];

const KNOWN_ROLLUP: DailyRow[] = [
  daily({
    calls: 6,
    inputTokens: 6000,
    cachedInputTokens: 1200,
    outputTokens: 300,
    reasoningTokens: 64,
    costUsd: '3.623756789013',
    durationMsSum: 60_103.89,
    latencyHistogram: latencyHistogram({ 0: 1, 1: 1, 2: 2, 27: 1, 64: 1 }),
  }),
  daily({
    model: '',
    operation: 'token_count',
    costStatus: 'not_billable',
    calls: 2,
    inputTokens: 1624,
    durationMsSum: 8.999,
    latencyHistogram: latencyHistogram({ 0: 1, 13: 1 }),
  }),
  daily({
    source: '',
    sourceKind: 'unattributed',
    featureId: '',
    model: 'gpt-4o-mini',
    status: 'error',
    costStatus: 'no_usage',
    calls: 1,
    durationMsSum: 2,
    latencyHistogram: latencyHistogram({ 5: 1 }),
  }),
  daily({
    source: 'action:insights_chat.send_message',
    sourceKind: 'action',
    featureId: 'insights_chat.answer',
    model: 'gpt-4o',
    operation: 'responses',
    status: 'error',
    calls: 2,
    inputTokens: 30,
    outputTokens: 5,
    reasoningTokens: 7,
    costUsd: '0.020000000000',
    durationMsSum: 20,
    latencyHistogram: latencyHistogram({ 9: 1, 17: 1 }),
  }),
  daily({
    source: 'job:weekly_digest',
    sourceKind: 'job',
    featureId: 'digest.unregistered',
    model: 'acme-embed-v9',
    operation: 'embeddings',
    costStatus: 'unpriced',
    calls: 2,
    inputTokens: 48,
    durationMsSum: 1_065_536,
    latencyHistogram: latencyHistogram({ 65: 2 }),
  }),
].sort(byKey);

describe('ai_interaction_daily rollup', () => {
  const database = testDatabaseWithStore();

  beforeEach(async () => {
    await database.prisma.aIInteraction.deleteMany();
    await database.prisma.aIInteractionDaily.deleteMany();
  });

  describe('on insert', () => {
    it('sums the rows of each key: calls, tokens, exact cost, duration and latency buckets', async () => {
      expect(await database.store.insertMany(KNOWN_ROWS)).toBe(13);

      expect(await rollupRows(database.prisma)).toEqual(KNOWN_ROLLUP);
    });

    it('adds a later insert to the rows already there', async () => {
      await database.store.insertMany(KNOWN_ROWS.slice(0, 3));
      await database.store.insertMany(KNOWN_ROWS.slice(3));

      expect(await rollupRows(database.prisma)).toEqual(KNOWN_ROLLUP);
    });

    it.each([
      ['0 ms', 0, 0],
      ['0.999 ms', 0, 0.999],
      ['1 ms', 1, 1],
      ['1.18 ms', 1, 1.18],
      ['1.19 ms', 2, 1.19],
      ['1.2 ms', 2, 1.2],
      ['1.5 ms', 3, 1.5],
      ['2 ms', 5, 2],
      ['8 ms', 13, 8],
      ['100 ms', 27, 100],
      ['1,024 ms', 41, 1024],
      ['60,000 ms', 64, 60_000],
      ['65,535 ms', 64, 65_535],
      ['65,536 ms', 65, 65_536],
      ['an hour', 65, 3_600_000],
    ])('counts a call of %s in bucket %i', async (_case, bucket, durationMs) => {
      await database.store.insertMany([interactionRow(1, { durationMs })]);

      expect((await rollupRows(database.prisma)).map((r) => r.latencyHistogram)).toEqual([
        latencyHistogram({ [bucket]: 1 }),
      ]);
    });

    it('splits calls at midnight UTC into two days', async () => {
      await database.store.insertMany([
        interactionRow(1, { startedAt: new Date('2026-11-25T00:00:00.000Z'), costUsd: '0.000000000001' }),
        interactionRow(2, { startedAt: new Date('2026-11-25T23:59:59.999Z'), costUsd: '0.000000000002' }),
        interactionRow(3, { startedAt: new Date('2026-11-26T00:00:00.000Z'), costUsd: '0.000000000004' }),
      ]);

      const perCall = { inputTokens: 1000, cachedInputTokens: 200, outputTokens: 50 };
      expect(await rollupRows(database.prisma)).toEqual([
        daily({
          day: '2026-11-25',
          calls: 2,
          inputTokens: 2 * perCall.inputTokens,
          cachedInputTokens: 2 * perCall.cachedInputTokens,
          outputTokens: 2 * perCall.outputTokens,
          costUsd: '0.000000000003',
          durationMsSum: 200,
          latencyHistogram: latencyHistogram({ 27: 2 }),
        }),
        daily({
          day: '2026-11-26',
          calls: 1,
          ...perCall,
          costUsd: '0.000000000004',
          durationMsSum: 100,
          latencyHistogram: latencyHistogram({ 27: 1 }),
        }),
      ]);
    });

    it('rolls up a batch of 1,000 rows written in one statement', async () => {
      // Counts the INSERT statements on ai_interaction, to know the batch really was one.
      await database.prisma.$executeRawUnsafe('CREATE TABLE IF NOT EXISTS test_insert_statements (at TIMESTAMPTZ)');
      await database.prisma.$executeRawUnsafe('DELETE FROM test_insert_statements');
      await database.prisma.$executeRawUnsafe(
        `CREATE OR REPLACE FUNCTION test_count_insert_statement() RETURNS TRIGGER LANGUAGE plpgsql AS $$
         BEGIN INSERT INTO test_insert_statements VALUES (now()); RETURN NULL; END $$`,
      );
      await database.prisma.$executeRawUnsafe(
        `CREATE OR REPLACE TRIGGER test_count_insert_statement AFTER INSERT ON ai_interaction
         FOR EACH STATEMENT EXECUTE FUNCTION test_count_insert_statement()`,
      );
      try {
        const sources = ['/api/a', 'action:b', 'job:c', null] as const;
        const rows = Array.from({ length: 1000 }, (_, i) => {
          const source = sources[i % 4] ?? null;
          return interactionRow(i + 1, {
            startedAt: new Date(Date.UTC(2026, 10, 20 + (i % 3), 12)),
            durationMs: i,
            source,
            sourceKind:
              source === null
                ? 'unattributed'
                : source.startsWith('/')
                  ? 'route'
                  : source.startsWith('action:')
                    ? 'action'
                    : 'job',
            status: i % 7 === 0 ? 'error' : 'ok',
            inputTokens: i,
            cachedInputTokens: 0,
            outputTokens: 1,
            reasoningTokens: 0,
            costUsd: `0.${String(i).padStart(12, '0')}`,
          });
        });

        expect(await database.store.insertMany(rows)).toBe(1000);

        // The expected rollup, aggregated here from the rows (costs in pico-dollars, as integers).
        const expected = new Map<string, DailyRow & { pico: number }>();
        for (const [i, row] of rows.entries()) {
          const key = daily({
            day: row.startedAt.toISOString().slice(0, 10),
            source: row.source ?? '',
            sourceKind: row.sourceKind,
            status: row.status,
          });
          const id = KEY.map((field) => key[field]).join('|');
          const sum = expected.get(id) ?? { ...key, pico: 0 };
          sum.calls += 1;
          sum.inputTokens += i;
          sum.outputTokens += 1;
          sum.pico += i;
          sum.durationMsSum += i;
          sum.latencyHistogram[bucketOf(i)] = (sum.latencyHistogram[bucketOf(i)] ?? 0) + 1;
          expected.set(id, sum);
        }
        const expectedRows = [...expected.values()]
          .map(({ pico, ...r }) => ({ ...r, costUsd: `0.${String(pico).padStart(12, '0')}` }))
          .sort(byKey);

        expect(await rollupRows(database.prisma)).toEqual(expectedRows);
        expect(expectedRows.length).toBe(24);
        expect(
          await database.prisma.$queryRawUnsafe('SELECT count(*)::int AS statements FROM test_insert_statements'),
        ).toEqual([{ statements: 1 }]);
      } finally {
        await database.prisma.$executeRawUnsafe('DROP TRIGGER test_count_insert_statement ON ai_interaction');
      }
    });
  });

  describe('on a skipped duplicate', () => {
    it('changes nothing when a whole batch is stored again', async () => {
      await database.store.insertMany(KNOWN_ROWS);

      expect(await database.store.insertMany(KNOWN_ROWS)).toBe(0);

      expect(await rollupRows(database.prisma)).toEqual(KNOWN_ROLLUP);
    });

    it('adds only the new rows of a batch that mixes new and stored ones, even when a stored one differs', async () => {
      await database.store.insertMany(KNOWN_ROWS.slice(0, 5));

      // Row 1 retried with another cost and model: the row stored first wins, so the rollup keeps its values.
      const retried = interactionRow(1, { durationMs: 0.5, costUsd: '9.000000000000', responseModel: 'gpt-4o' });
      expect(await database.store.insertMany([retried, ...KNOWN_ROWS.slice(5)])).toBe(8);

      expect(await rollupRows(database.prisma)).toEqual(KNOWN_ROLLUP);
    });

    it('counts a span that appears twice in one batch once', async () => {
      const row = interactionRow(1, { costUsd: '0.000000000005' });

      expect(await database.store.insertMany([row, row])).toBe(1);

      expect(await rollupRows(database.prisma)).toEqual([
        daily({
          calls: 1,
          inputTokens: 1000,
          cachedInputTokens: 200,
          outputTokens: 50,
          costUsd: '0.000000000005',
          durationMsSum: 100,
          latencyHistogram: latencyHistogram({ 27: 1 }),
        }),
      ]);
    });
  });

  describe('on update (attributeTrace)', () => {
    const unattributed = (n: number, overrides: Partial<InteractionRow> = {}): InteractionRow =>
      interactionRow(n, {
        traceId: UNATTRIBUTED_TRACE,
        source: null,
        sourceKind: 'unattributed',
        costUsd: '0.100000000000',
        ...overrides,
      });

    it("moves a trace's rows from the unattributed key to the route's, leaving the old key at zero", async () => {
      await database.store.insertMany([
        unattributed(1, { durationMs: 3 }),
        unattributed(2, { durationMs: 300, costUsd: '0.200000000000' }),
        // Another trace, also unattributed: it stays where it is.
        unattributed(3, { traceId: OTHER_TRACE, durationMs: 0.5 }),
      ]);

      expect(await database.store.attributeTrace(UNATTRIBUTED_TRACE, '/api/insights/chat')).toBe(2);

      expect(await rollupRows(database.prisma)).toEqual(
        [
          daily({
            source: '/api/insights/chat',
            calls: 2,
            inputTokens: 2000,
            cachedInputTokens: 400,
            outputTokens: 100,
            costUsd: '0.300000000000',
            durationMsSum: 303,
            // 3 ms → 7 ([2.83, 3.36)), 300 ms → 33 ([256, 304.4)).
            latencyHistogram: latencyHistogram({ 7: 1, 33: 1 }),
          }),
          daily({
            source: '',
            sourceKind: 'unattributed',
            calls: 1,
            inputTokens: 1000,
            cachedInputTokens: 200,
            outputTokens: 50,
            costUsd: '0.100000000000',
            durationMsSum: 0.5,
            latencyHistogram: latencyHistogram({ 0: 1 }),
          }),
        ].sort(byKey),
      );
    });

    it("leaves the old key's row with zero calls once all of its rows moved", async () => {
      await database.store.insertMany([unattributed(1), unattributed(2)]);

      await database.store.attributeTrace(UNATTRIBUTED_TRACE, 'action:insights_chat.send_message');

      expect(await rollupRows(database.prisma)).toEqual(
        [
          daily({ source: '', sourceKind: 'unattributed' }),
          daily({
            source: 'action:insights_chat.send_message',
            sourceKind: 'action',
            calls: 2,
            inputTokens: 2000,
            cachedInputTokens: 400,
            outputTokens: 100,
            costUsd: '0.200000000000',
            durationMsSum: 200,
            latencyHistogram: latencyHistogram({ 27: 2 }),
          }),
        ].sort(byKey),
      );
    });

    it('changes nothing when the trace has no unattributed rows left', async () => {
      await database.store.insertMany([unattributed(1)]);
      await database.store.attributeTrace(UNATTRIBUTED_TRACE, '/api/insights/chat');
      const before = await rollupRows(database.prisma);

      expect(await database.store.attributeTrace(UNATTRIBUTED_TRACE, 'job:other')).toBe(0);

      expect(await rollupRows(database.prisma)).toEqual(before);
    });

    it('moves a call to another latency bucket and cost when those change', async () => {
      await database.store.insertMany([interactionRow(1), interactionRow(2)]);

      await database.prisma.aIInteraction.updateMany({
        where: { spanId: interactionRow(2).spanId },
        data: { durationMs: 60_000, costUsd: '1.000000000000' },
      });

      expect(await rollupRows(database.prisma)).toEqual([
        daily({
          calls: 2,
          inputTokens: 2000,
          cachedInputTokens: 400,
          outputTokens: 100,
          costUsd: '1.000150000000',
          durationMsSum: 60_100,
          latencyHistogram: latencyHistogram({ 27: 1, 64: 1 }),
        }),
      ]);
    });
  });

  describe('on delete', () => {
    it('subtracts the deleted rows', async () => {
      await database.store.insertMany(KNOWN_ROWS);

      // Rows 5 (100 ms) and 6 (60,000 ms) of the route key, and row 9 (the only unattributed one).
      await database.prisma.aIInteraction.deleteMany({
        where: { spanId: { in: [5, 6, 9].map((n) => interactionRow(n).spanId) } },
      });

      expect(await rollupRows(database.prisma)).toEqual(
        KNOWN_ROLLUP.map((row) =>
          row.source === '/api/leads/[id]/draft' && row.operation === 'chat'
            ? daily({
                calls: 4,
                inputTokens: 4000,
                cachedInputTokens: 800,
                outputTokens: 200,
                reasoningTokens: 64,
                costUsd: '1.123606789013',
                durationMsSum: 3.89,
                latencyHistogram: latencyHistogram({ 0: 1, 1: 1, 2: 2 }),
              })
            : row.sourceKind === 'unattributed'
              ? { ...row, calls: 0, durationMsSum: 0, latencyHistogram: latencyHistogram() }
              : row,
        ),
      );
    });

    it('leaves every key at zero when all rows are deleted', async () => {
      await database.store.insertMany(KNOWN_ROWS);

      await database.prisma.aIInteraction.deleteMany();

      expect(await rollupRows(database.prisma)).toEqual(
        KNOWN_ROLLUP.map((row) => daily({ ...Object.fromEntries(KEY.map((field) => [field, row[field]])) })),
      );
    });
  });
});

describe('ai_interaction_daily rollup on a database whose time zone is not UTC', () => {
  let database: TestDatabase;
  let db: Database;
  let dataDir: string | undefined;

  beforeAll(async () => {
    database = await createTestDatabase();
    if (database.url === undefined) {
      // An embedded database whose default zone is local time, reopened as the app opens it.
      dataDir = await mkdtemp(path.join(tmpdir(), 'spendtrace-tz-'));
      const first = await openDatabase({ dataDir });
      await first.migrate();
      await first.prisma.$executeRawUnsafe("ALTER DATABASE postgres SET timezone TO 'Asia/Tokyo'");
      await first.close();
      db = await openDatabase({ dataDir });
    } else {
      // A Postgres server or database configured for local time; new connections take the setting.
      const admin = new pg.Client({ connectionString: database.url });
      await admin.connect();
      await admin.query(`ALTER DATABASE "${new URL(database.url).pathname.slice(1)}" SET timezone TO 'Asia/Tokyo'`);
      await admin.end();
      db = await openDatabase({ databaseUrl: database.url });
    }
  });

  afterAll(async () => {
    await db.close();
    await database.drop();
    if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
  });

  it('still counts each call on its UTC day', async () => {
    await new InteractionStore(db).insertMany([
      interactionRow(1, { startedAt: new Date('2026-11-25T00:30:00.000Z') }),
      interactionRow(2, { startedAt: new Date('2026-11-25T23:30:00.000Z') }),
    ]);

    // The driver sends a Date as a timestamp without zone; our sessions are UTC, so the server's zone
    // cannot move a call to another day.
    expect(await rollupRows(db.prisma)).toEqual([
      daily({
        calls: 2,
        inputTokens: 2000,
        cachedInputTokens: 400,
        outputTokens: 100,
        costUsd: '0.000300000000',
        durationMsSum: 200,
        latencyHistogram: latencyHistogram({ 27: 2 }),
      }),
    ]);
  });
});
