// The monthly partitions of ai_interaction (migration 20261204123312_partitioned_ledger, lib/db/partitions.ts)
// against a real database (in-memory PGlite, or Postgres when TEST_DATABASE_URL is set): rows land in their
// month, a retried batch adds nothing, a row of a month without a partition waits in the default one and moves
// when its month is made, making partitions is idempotent and safe at once, and retention drops old months
// while the rollups keep their history. Then the migration itself, on a database holding rows.
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { interactionRow } from '../../test/support/interaction-row';
import {
  createPostgresDatabase,
  createTestDatabase,
  TEST_DATABASE_URL,
  type TestDatabase,
} from '../../harness/test-database';
import { applyMigrations, readMigrations, type SqlRunner } from './apply-migrations';
import type { PrismaClient } from './generated/client';
import { InteractionStore } from './interaction-store';
import { applyRetention, ensurePartitions } from './partitions';

const PARTITIONED_LEDGER = '20261204123312_partitioned_ledger';

/** A 32-hex-digit trace id from a number. */
function traceOf(n: number): string {
  return n.toString(16).padStart(32, '0');
}

/** A call of its own trace (so each is one request), starting at `startedAt`. */
function call(n: number, startedAt: string, attributes: Record<string, string> = { tenant: 'acme' }) {
  return interactionRow(n, { traceId: traceOf(n), startedAt: new Date(startedAt), attributes });
}

/** The partition each call is stored in, by span id. */
async function partitionsOf(prisma: PrismaClient): Promise<Record<string, string>> {
  const rows = await prisma.$queryRaw<{ span_id: string; partition: string }[]>`
    SELECT span_id, tableoid::regclass::TEXT AS partition FROM ai_interaction ORDER BY span_id`;
  return Object.fromEntries(rows.map((r) => [r.span_id, r.partition]));
}

/** The partitions of ai_interaction, by name. */
async function partitionNames(prisma: PrismaClient): Promise<string[]> {
  const rows = await prisma.$queryRaw<{ name: string }[]>`
    SELECT c.relname AS name FROM pg_inherits AS i JOIN pg_class AS c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'ai_interaction'::regclass ORDER BY c.relname`;
  return rows.map((r) => r.name);
}

/** Every rollup table, whole, as JSON text: equal text is equal rollups. */
const ROLLUPS_SQL = `SELECT json_build_object(
  'daily', (SELECT json_agg(d ORDER BY d.day, d.source, d.source_kind, d.feature_id, d.model, d.operation, d.status, d.cost_status) FROM ai_interaction_daily AS d),
  'requestDaily', (SELECT json_agg(d ORDER BY d.day, d.source, d.source_kind, d.service_version) FROM ai_request_daily AS d),
  'attributeDaily', (SELECT json_agg(d ORDER BY d.day, d.key, d.value) FROM ai_attribute_daily AS d)
)::TEXT AS rollups`;

async function rollups(prisma: PrismaClient): Promise<string> {
  const rows = await prisma.$queryRawUnsafe<{ rollups: string }[]>(ROLLUPS_SQL);
  return rows[0]?.rollups ?? '';
}

async function requestTraces(prisma: PrismaClient): Promise<string[]> {
  const rows = await prisma.aIRequest.findMany({ select: { traceId: true }, orderBy: { traceId: 'asc' } });
  return rows.map((r) => r.traceId);
}

describe('ai_interaction partitions', () => {
  let database: TestDatabase;
  let prisma: PrismaClient;
  let store: InteractionStore;

  beforeAll(async () => {
    database = await createTestDatabase();
    prisma = database.db.prisma;
    store = new InteractionStore(database.db);
  });
  afterAll(async () => {
    await database.drop();
  });

  const batch = [
    call(1, '2025-01-31T23:59:59.999Z'),
    call(2, '2025-02-01T00:00:00.000Z'),
    call(3, '2025-03-15T12:00:00.000Z'),
    call(4, '2025-04-25T08:00:00.000Z'),
  ];

  describe('ensurePartitions', () => {
    it('makes the current month and the ones ahead, and puts each row in its month', async () => {
      expect(await ensurePartitions(prisma, new Date('2025-01-15T10:00:00.000Z'), 3)).toEqual([
        'ai_interaction_p2025_01',
        'ai_interaction_p2025_02',
        'ai_interaction_p2025_03',
        'ai_interaction_p2025_04',
      ]);
      expect(await store.insertMany(batch)).toEqual(4);

      expect(await partitionsOf(prisma)).toEqual({
        '0000000000000001': 'ai_interaction_p2025_01',
        '0000000000000002': 'ai_interaction_p2025_02',
        '0000000000000003': 'ai_interaction_p2025_03',
        '0000000000000004': 'ai_interaction_p2025_04',
      });
    });

    it('adds nothing for a retried batch, through the store', async () => {
      const before = await rollups(prisma);

      expect(await store.insertMany(batch)).toEqual(0);

      expect(await prisma.aIInteraction.count()).toEqual(4);
      expect(await rollups(prisma)).toEqual(before);
    });

    it('keeps a row of a month without a partition in the default one, and moves it when its month is made', async () => {
      expect(await store.insertMany([call(5, '1999-06-15T09:30:00.000Z')])).toEqual(1);
      expect((await partitionsOf(prisma))['0000000000000005']).toEqual('ai_interaction_default');
      const before = await rollups(prisma);
      expect(before).toContain('"day":"1999-06-15"');

      expect(await ensurePartitions(prisma, new Date('1999-06-01T00:00:00.000Z'), 0)).toEqual([
        'ai_interaction_p1999_06',
      ]);

      expect((await partitionsOf(prisma))['0000000000000005']).toEqual('ai_interaction_p1999_06');
      expect(await prisma.aIInteraction.count()).toEqual(5);
      // Moved by statements on the partitions by name: none of the parent's rollup triggers fired.
      expect(await rollups(prisma)).toEqual(before);
      // The moved row is still found, and still unique: a retry of it adds nothing.
      expect(await store.insertMany([call(5, '1999-06-15T09:30:00.000Z')])).toEqual(0);
    });

    it('is idempotent, and safe when two callers run at once', async () => {
      const now = new Date('2030-01-10T00:00:00.000Z');
      const [a, b] = await Promise.all([ensurePartitions(prisma, now, 2), ensurePartitions(prisma, now, 2)]);

      expect([...a, ...b].sort()).toEqual([
        'ai_interaction_p2030_01',
        'ai_interaction_p2030_02',
        'ai_interaction_p2030_03',
      ]);
      expect(await ensurePartitions(prisma, now, 2)).toEqual([]);
      const names = await partitionNames(prisma);
      expect(names.filter((n) => n.startsWith('ai_interaction_p2030'))).toEqual([
        'ai_interaction_p2030_01',
        'ai_interaction_p2030_02',
        'ai_interaction_p2030_03',
      ]);
    });
  });

  describe('applyRetention', () => {
    it('keeps everything when days is 0', async () => {
      const names = await partitionNames(prisma);

      expect(await applyRetention(prisma, new Date('2040-01-01T00:00:00.000Z'), 0)).toEqual({
        dropped: [],
        defaultRows: 0,
        requests: 0,
      });
      expect(await partitionNames(prisma)).toEqual(names);
    });

    it('drops the months older than the period and the old requests; the rollups keep the history', async () => {
      // One call far in the past and one far ahead, both in the default partition.
      expect(
        await store.insertMany([call(6, '1990-01-01T00:00:00.000Z'), call(7, '2040-05-05T00:00:00.000Z')]),
      ).toEqual(2);
      const before = await rollups(prisma);
      const namesBefore = await partitionNames(prisma);
      expect(await requestTraces(prisma)).toEqual([1, 2, 3, 4, 5, 6, 7].map(traceOf));

      // Cutoff 2025-04-20: March ends before it, April does not.
      const result = await applyRetention(prisma, new Date('2025-05-20T00:00:00.000Z'), 30);

      expect(result).toEqual({
        dropped: [
          'ai_interaction_p1999_06',
          'ai_interaction_p2025_01',
          'ai_interaction_p2025_02',
          'ai_interaction_p2025_03',
        ],
        defaultRows: 1,
        requests: 5,
      });
      expect(await partitionNames(prisma)).toEqual(namesBefore.filter((n) => !result.dropped.includes(n)));
      expect(await partitionsOf(prisma)).toEqual({
        '0000000000000004': 'ai_interaction_p2025_04',
        '0000000000000007': 'ai_interaction_default',
      });
      expect(await requestTraces(prisma)).toEqual([4, 7].map(traceOf));
      // The totals of the dropped period are the same: dropping fires no DELETE trigger, and ai_request has none.
      expect(await rollups(prisma)).toEqual(before);

      // Again: nothing more to do.
      expect(await applyRetention(prisma, new Date('2025-05-20T00:00:00.000Z'), 30)).toEqual({
        dropped: [],
        defaultRows: 0,
        requests: 0,
      });
    });
  });
});

interface Runner {
  runner: SqlRunner;
  close(): Promise<void>;
}

async function openRunner(): Promise<Runner> {
  if (!TEST_DATABASE_URL) {
    const lite = await PGlite.create('memory://');
    return { runner: lite, close: () => lite.close() };
  }
  const created = await createPostgresDatabase(TEST_DATABASE_URL);
  const client = new pg.Client({ connectionString: created.url });
  await client.connect();
  return {
    runner: { exec: (sql) => client.query(sql), query: (sql, params) => client.query(sql, params) },
    async close() {
      await client.end();
      await created.drop();
    },
  };
}

describe(`migration ${PARTITIONED_LEDGER}`, () => {
  let db: Runner;

  beforeAll(async () => {
    db = await openRunner();
  });
  afterAll(async () => {
    await db.close();
  });

  async function one<T>(sql: string): Promise<T> {
    const { rows } = await db.runner.query(sql);
    return rows[0] as T;
  }

  it('moves every row into its month, counted once, with every index and trigger', async () => {
    const migrations = await readMigrations();
    const mine = migrations.findIndex((m) => m.name === PARTITIONED_LEDGER);
    expect(mine).toBeGreaterThan(0);
    await applyMigrations(db.runner, migrations.slice(0, mine));
    // Rows written before the migration, counted in the rollups by the old table's triggers.
    await db.runner.exec(`INSERT INTO ai_interaction (id, started_at, duration_ms, trace_id, span_id, source,
        source_kind, operation, provider, response_model, input_tokens, output_tokens, cost_usd, cost_status,
        status, attributes, service_version)
      SELECT gen_random_uuid(), t, 100 + n, lpad(to_hex(n / 3), 32, '0'), lpad(to_hex(n), 16, '0'), '/api/chat',
        'route', 'chat', 'openai', 'gpt-4o-mini', 1000, 50, 0.000150000000 * n, 'priced', 'ok',
        jsonb_build_object('tenant', 'acme' || (n % 2)), '1.0.0'
      FROM generate_series(1, 60) AS n,
        LATERAL (SELECT TIMESTAMPTZ '2024-11-30 23:00:00+00' + n * INTERVAL '3 days' AS t) AS s`);
    const rowsBefore = await one<{ rows: string }>(
      `SELECT json_agg(r ORDER BY r.span_id)::TEXT AS rows FROM ai_interaction AS r`,
    );
    const before = await one<{ rollups: string }>(ROLLUPS_SQL);
    const requestsBefore = await one<{ requests: string }>(
      'SELECT json_agg(q ORDER BY q.trace_id)::TEXT AS requests FROM ai_request AS q',
    );

    expect(await applyMigrations(db.runner, migrations)).toEqual([
      PARTITIONED_LEDGER,
      ...migrations.slice(mine + 1).map((m) => m.name),
    ]);

    expect(await one(`SELECT json_agg(r ORDER BY r.span_id)::TEXT AS rows FROM ai_interaction AS r`)).toEqual(
      rowsBefore,
    );
    expect(await one(ROLLUPS_SQL)).toEqual(before);
    expect(await one('SELECT json_agg(q ORDER BY q.trace_id)::TEXT AS requests FROM ai_request AS q')).toEqual(
      requestsBefore,
    );
    // One every 3 days from 2024-12-03 to 2025-05-29: ten in each of six months, none in the default partition.
    const { rows: placed } = await db.runner.query(
      `SELECT tableoid::regclass::TEXT AS partition, count(*)::INTEGER AS n FROM ai_interaction GROUP BY 1 ORDER BY 1`,
    );
    expect(placed).toEqual([
      { partition: 'ai_interaction_p2024_12', n: 10 },
      { partition: 'ai_interaction_p2025_01', n: 10 },
      { partition: 'ai_interaction_p2025_02', n: 10 },
      { partition: 'ai_interaction_p2025_03', n: 10 },
      { partition: 'ai_interaction_p2025_04', n: 10 },
      { partition: 'ai_interaction_p2025_05', n: 10 },
    ]);
    expect(await one(`SELECT c.relkind FROM pg_class AS c WHERE c.oid = 'ai_interaction'::regclass`)).toEqual({
      relkind: 'p',
    });
    const { rows: indexes } = await db.runner.query(
      `SELECT indexname FROM pg_indexes WHERE tablename = 'ai_interaction' ORDER BY indexname`,
    );
    expect(indexes).toEqual(
      [
        'ai_interaction_attributes_idx',
        'ai_interaction_billed_model_started_at_idx',
        'ai_interaction_cost_usd_idx',
        'ai_interaction_errors_started_at_idx',
        'ai_interaction_feature_started_at_idx',
        'ai_interaction_pkey',
        'ai_interaction_source_started_at_idx',
        'ai_interaction_started_at_idx',
        'ai_interaction_trace_span_key',
        'ai_interaction_unattributed_trace_idx',
      ].map((indexname) => ({ indexname })),
    );
    const { rows: triggers } = await db.runner.query(
      `SELECT tgname FROM pg_trigger WHERE tgrelid = 'ai_interaction'::regclass AND NOT tgisinternal ORDER BY tgname`,
    );
    expect(triggers).toEqual(
      ['ai_interaction_rollup_delete', 'ai_interaction_rollup_insert', 'ai_interaction_rollup_update'].map(
        (tgname) => ({
          tgname,
        }),
      ),
    );
    expect(
      await one(`SELECT attstattarget::INTEGER AS target FROM pg_attribute
        WHERE attrelid = 'ai_interaction_p2025_01'::regclass AND attname = 'cost_usd'`),
    ).toEqual({ target: 1000 });

    // The triggers count a new row once, on the partitioned table.
    await db.runner.exec(`INSERT INTO ai_interaction (id, started_at, duration_ms, trace_id, span_id, source_kind,
        operation, provider, cost_usd, cost_status, status)
      VALUES (gen_random_uuid(), '2025-01-10 10:00:00+00', 10, 'ff', 'ff', 'route', 'chat', 'openai', 1, 'priced', 'ok')`);
    expect(
      await one(`SELECT sum(calls)::INTEGER AS calls, sum(cost_usd)::TEXT AS cost FROM ai_interaction_daily
        WHERE day = '2025-01-10'`),
    ).toEqual({ calls: 1, cost: '1.000000000000' });
  });
});
