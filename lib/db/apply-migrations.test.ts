// applyMigrations against real databases: in-memory PGlite always, and a fresh Postgres database when
// TEST_DATABASE_URL is set. The same tests run on each.
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { createPostgresDatabase, TEST_DATABASE_URL } from '../../harness/test-database';
import { applyMigrations, readMigrations, type Migration, type SqlRunner } from './apply-migrations';

const INIT = '20261125000000_init';
// sha256 of the committed prisma/migrations/20261125000000_init/migration.sql.
const INIT_CHECKSUM = 'de81edd3758105ace2849a2fcfec91cf54d737fdd71e09144ea958088c81df21';
const ROLLUP = '20261126000000_dashboard_rollup';
// sha256 of the committed prisma/migrations/20261126000000_dashboard_rollup/migration.sql.
const ROLLUP_CHECKSUM = 'bc366c2264ae915a4dae40b87ef2ef9d9f3bed71f50c6cc1fd470dc5a56fd38f';
const INDEXES = '20261126010000_call_list_indexes';
// sha256 of the committed prisma/migrations/20261126010000_call_list_indexes/migration.sql.
const INDEXES_CHECKSUM = 'fd06320cfd00cd9dc27e0b15e2652470a87fb93ce98d26fdf44933f36013e88a';
const SALES = '20261126045608_sales_domain';
// sha256 of the committed prisma/migrations/20261126045608_sales_domain/migration.sql.
const SALES_CHECKSUM = '89afefcc147d34c0383e6fcea4bf0badd98f09dfc5488c9a29999b66ff10cd6f';
const LOCK_ORDER = '20261126060000_rollup_lock_order';
// sha256 of the committed prisma/migrations/20261126060000_rollup_lock_order/migration.sql.
const LOCK_ORDER_CHECKSUM = '38a052cc7cfdd54c9981bb0f01d5a9343f06e5d50b526cbfa52300e75e5c9594';
const COST_EXACTNESS = '20261203000000_cost_exactness';
// sha256 of the committed prisma/migrations/20261203000000_cost_exactness/migration.sql.
const COST_EXACTNESS_CHECKSUM = 'aab3806179dd13ba6838da5141c22eadf21bd94aacad1024cad40f3833027767';
const BUDGETS = '20261204022910_budgets';
// sha256 of the committed prisma/migrations/20261204022910_budgets/migration.sql.
const BUDGETS_CHECKSUM = 'deedc870a03f6d6396b01e5067c7700d48708af7f5e4c82ff96a05962f333222';
const REQUESTS = '20261204073827_requests';
// sha256 of the committed prisma/migrations/20261204073827_requests/migration.sql.
const REQUESTS_CHECKSUM = 'bd96b88a611076a141af1a17b5cf23882550de3aca85924b6f2e368f5a0493fc';
const TRACE_ROOTS = '20261204074726_trace_roots';
// sha256 of the committed prisma/migrations/20261204074726_trace_roots/migration.sql.
const TRACE_ROOTS_CHECKSUM = '8bd1f374a7cf2afc0e5e06f91c1f701eb9f2edb9b8befd6d703d2ec906b5a0e2';
const DASHBOARD_10M = '20261204090000_dashboard_10m';
// sha256 of the committed prisma/migrations/20261204090000_dashboard_10m/migration.sql.
const DASHBOARD_10M_CHECKSUM = 'b58206025d7c55ee217d53c4ff9183ef575be042f7f1b884e7263d2202a3bd2c';
const ATTRIBUTE_BLOCKS = '20261204120152_attribute_blocks';
// sha256 of the committed prisma/migrations/20261204120152_attribute_blocks/migration.sql.
const ATTRIBUTE_BLOCKS_CHECKSUM = '832a76cafa69cec7a466b409b3e40919f95286898421c3d45e269660d48339f8';
const PARTITIONED_LEDGER = '20261204123312_partitioned_ledger';
// sha256 of the committed prisma/migrations/20261204123312_partitioned_ledger/migration.sql.
const PARTITIONED_LEDGER_CHECKSUM = '94134a9beae4a3125ca5c2f6e780703eb21faaa7b02512e540a784848d296fe9';
const SHARED_ROWS_LAST = '20261204193000_rollup_shared_rows_last';
// sha256 of the committed prisma/migrations/20261204193000_rollup_shared_rows_last/migration.sql.
const SHARED_ROWS_LAST_CHECKSUM = 'ef0e950812b5f37c092c2e8ef801786fbf49b0a978d40a25cead8219a627d594';
const HISTOGRAMS_PLPGSQL = '20261204230000_rollup_histograms_plpgsql';
// sha256 of the committed prisma/migrations/20261204230000_rollup_histograms_plpgsql/migration.sql.
const HISTOGRAMS_PLPGSQL_CHECKSUM = 'b9efd8166a1045e0740badcb60d060767e3bbefdaec666a8a2d315ce51c7c800';
const UNATTRIBUTED_ROWS = '20261205080000_unattributed_rows_index';
// sha256 of the committed prisma/migrations/20261205080000_unattributed_rows_index/migration.sql.
const UNATTRIBUTED_ROWS_CHECKSUM = '4ce6aeb06b92c4669d0bc22338efda194c17e57e28eaec8018e2fab38724ad8d';
const ROLLUP_PLPGSQL = '20261205110000_rollup_functions_plpgsql';
// sha256 of the committed prisma/migrations/20261205110000_rollup_functions_plpgsql/migration.sql.
const ROLLUP_PLPGSQL_CHECKSUM = '9918bda9925d80515afd203750952aa457ad034da6efe9497d3968ea5ef3112f';
const DROP_MODEL_INDEX = '20261205122919_drop_response_model_index';
// sha256 of the committed prisma/migrations/20261205122919_drop_response_model_index/migration.sql.
const DROP_MODEL_INDEX_CHECKSUM = '8e4fc2f4caf89d0703113427ed0bcedece13b681210f2e27888786352edca936';
/** Every committed migration, in order. */
const COMMITTED = [
  INIT,
  ROLLUP,
  INDEXES,
  SALES,
  LOCK_ORDER,
  COST_EXACTNESS,
  BUDGETS,
  REQUESTS,
  TRACE_ROOTS,
  DASHBOARD_10M,
  ATTRIBUTE_BLOCKS,
  PARTITIONED_LEDGER,
  SHARED_ROWS_LAST,
  HISTOGRAMS_PLPGSQL,
  UNATTRIBUTED_ROWS,
  ROLLUP_PLPGSQL,
  DROP_MODEL_INDEX,
];

interface OpenedDatabase {
  runner: SqlRunner;
  close(): Promise<void>;
}

interface DatabaseKind {
  name: string;
  open(): Promise<OpenedDatabase>;
}

const pglite: DatabaseKind = {
  name: 'PGlite',
  async open() {
    const lite = await PGlite.create('memory://');
    return { runner: lite, close: () => lite.close() };
  },
};

function postgres(adminUrl: string): DatabaseKind {
  return {
    name: 'Postgres',
    async open() {
      const created = await createPostgresDatabase(adminUrl);
      const client = new pg.Client({ connectionString: created.url });
      await client.connect();
      // The same adapter lib/db/database.ts uses for `migrate()` on Postgres.
      const runner: SqlRunner = {
        exec: (sql) => client.query(sql),
        query: (sql, params) => client.query(sql, params),
      };
      return {
        runner,
        async close() {
          await client.end();
          await created.drop();
        },
      };
    },
  };
}

const DATABASES: DatabaseKind[] = TEST_DATABASE_URL ? [pglite, postgres(TEST_DATABASE_URL)] : [pglite];

function migration(name: string, sql: string): Migration {
  return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
}

interface ColumnRow {
  name: string;
  data_type: string;
  udt_name: string;
  length: number | null;
  precision: number | null;
  scale: number | null;
  datetime_precision: number | null;
  nullable: string;
  default: string | null;
}

/** One column as `{ name, type, nullable, default }`, with the type written as in the migration. */
function describeColumn(c: ColumnRow): { name: string; type: string; nullable: boolean; default: string | null } {
  let type = c.data_type;
  if (c.data_type === 'USER-DEFINED') type = c.udt_name;
  else if (c.length !== null) type = `${c.data_type}(${c.length})`;
  else if (c.data_type === 'numeric') type = `numeric(${c.precision ?? '?'},${c.scale ?? '?'})`;
  else if (c.data_type.startsWith('timestamp')) type = `${c.data_type}(${c.datetime_precision ?? '?'})`;
  return { name: c.name, type, nullable: c.nullable === 'YES', default: c.default };
}

async function columns(runner: SqlRunner, table: string): Promise<ReturnType<typeof describeColumn>[]> {
  const { rows } = await runner.query(
    `SELECT column_name::text AS name, data_type::text AS data_type, udt_name::text AS udt_name,
            character_maximum_length::int AS length, numeric_precision::int AS precision,
            numeric_scale::int AS scale, datetime_precision::int AS datetime_precision,
            is_nullable::text AS nullable, column_default::text AS default
     FROM information_schema.columns
     WHERE table_schema = 'public' AND table_name = $1
     ORDER BY ordinal_position`,
    [table],
  );
  return (rows as ColumnRow[]).map(describeColumn);
}

async function tableExists(runner: SqlRunner, table: string): Promise<boolean> {
  const { rows } = await runner.query('SELECT to_regclass($1) IS NOT NULL AS exists', [`public.${table}`]);
  return (rows as { exists: boolean }[])[0]?.exists ?? false;
}

async function recorded(runner: SqlRunner): Promise<unknown[]> {
  const { rows } = await runner.query(
    `SELECT id, checksum, migration_name, finished_at IS NOT NULL AS finished, rolled_back_at, logs,
            applied_steps_count
     FROM "_prisma_migrations" ORDER BY started_at, migration_name`,
  );
  return rows;
}

async function advisoryLocks(runner: SqlRunner): Promise<unknown[]> {
  const { rows } = await runner.query(
    `SELECT objid::text AS key FROM pg_locks WHERE locktype = 'advisory' AND database = (
       SELECT oid FROM pg_database WHERE datname = current_database())`,
  );
  return rows;
}

describe('readMigrations', () => {
  let dir: string | undefined;

  afterEach(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('reads the committed prisma/migrations with sha256 checksums', async () => {
    expect(await readMigrations()).toEqual([
      { name: INIT, sql: expect.stringContaining('CREATE TABLE "ai_interaction" ('), checksum: INIT_CHECKSUM },
      {
        name: ROLLUP,
        sql: expect.stringContaining('CREATE TABLE "ai_interaction_daily" ('),
        checksum: ROLLUP_CHECKSUM,
      },
      {
        name: INDEXES,
        sql: expect.stringContaining('CREATE INDEX "ai_interaction_billed_model_started_at_idx"'),
        checksum: INDEXES_CHECKSUM,
      },
      { name: SALES, sql: expect.stringContaining('CREATE TABLE "lead" ('), checksum: SALES_CHECKSUM },
      {
        name: LOCK_ORDER,
        sql: expect.stringContaining('ORDER BY 1, 2, 3, 4, 5, 6, 7, 8'),
        checksum: LOCK_ORDER_CHECKSUM,
      },
      {
        name: COST_EXACTNESS,
        sql: expect.stringContaining(`ALTER TYPE "CostStatus" ADD VALUE 'upper_bound';`),
        checksum: COST_EXACTNESS_CHECKSUM,
      },
      { name: BUDGETS, sql: expect.stringContaining('CREATE TABLE "budget" ('), checksum: BUDGETS_CHECKSUM },
      { name: REQUESTS, sql: expect.stringContaining('CREATE TABLE "ai_request" ('), checksum: REQUESTS_CHECKSUM },
      {
        name: TRACE_ROOTS,
        sql: expect.stringContaining('CREATE TABLE "trace_root" ('),
        checksum: TRACE_ROOTS_CHECKSUM,
      },
      {
        name: DASHBOARD_10M,
        sql: expect.stringContaining('CREATE INDEX "ai_interaction_cost_usd_idx"'),
        checksum: DASHBOARD_10M_CHECKSUM,
      },
      {
        name: ATTRIBUTE_BLOCKS,
        sql: expect.stringContaining('CREATE TABLE "ai_attribute_block" ('),
        checksum: ATTRIBUTE_BLOCKS_CHECKSUM,
      },
      {
        name: PARTITIONED_LEDGER,
        sql: expect.stringContaining(') PARTITION BY RANGE ("started_at");'),
        checksum: PARTITIONED_LEDGER_CHECKSUM,
      },
      {
        name: SHARED_ROWS_LAST,
        sql: expect.stringContaining('CREATE FUNCTION ai_request_rows('),
        checksum: SHARED_ROWS_LAST_CHECKSUM,
      },
      {
        name: HISTOGRAMS_PLPGSQL,
        sql: expect.stringContaining('CREATE OR REPLACE FUNCTION ai_weighted_histogram('),
        checksum: HISTOGRAMS_PLPGSQL_CHECKSUM,
      },
      {
        name: UNATTRIBUTED_ROWS,
        sql: expect.stringContaining('CREATE FUNCTION ai_attribute_awaiting(trace_ids TEXT[])'),
        checksum: UNATTRIBUTED_ROWS_CHECKSUM,
      },
      {
        name: ROLLUP_PLPGSQL,
        sql: expect.stringContaining('CREATE OR REPLACE FUNCTION ai_request_delta('),
        checksum: ROLLUP_PLPGSQL_CHECKSUM,
      },
      {
        name: DROP_MODEL_INDEX,
        sql: expect.stringContaining('DROP INDEX "ai_interaction_model_started_at_idx";'),
        checksum: DROP_MODEL_INDEX_CHECKSUM,
      },
    ]);
  });

  it('reads migration folders in name order and skips files beside them', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'spendtrace-migrations-'));
    // Created out of order, so the order returned is the sort and not the directory's.
    for (const [name, sql] of [
      ['20270102000000_second', 'SELECT 2;\n'],
      ['20270101000000_first', 'SELECT 1;\n'],
      ['20270103000000_third', ''],
    ]) {
      await mkdir(path.join(dir, name ?? ''));
      await writeFile(path.join(dir, name ?? '', 'migration.sql'), sql ?? '');
    }
    await writeFile(path.join(dir, 'migration_lock.toml'), 'provider = "postgresql"\n');

    expect(await readMigrations(dir)).toEqual([
      {
        name: '20270101000000_first',
        sql: 'SELECT 1;\n',
        checksum: 'b4e0497804e46e0a0b0b8c31975b062152d551bac49c3c2e80932567b4085dcd',
      },
      {
        name: '20270102000000_second',
        sql: 'SELECT 2;\n',
        checksum: 'a41109d24069b4822ddc5f367b25d484dc7e839bff338ce7a3e5da641caacda0',
      },
      {
        name: '20270103000000_third',
        sql: '',
        checksum: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      },
    ]);
  });
});

describe.each(DATABASES)('applyMigrations on $name', (kind) => {
  let db: OpenedDatabase;

  beforeEach(async () => {
    db = await kind.open();
  });

  afterEach(async () => {
    await db.close();
  });

  it('creates ai_interaction on an empty database', async () => {
    expect(await applyMigrations(db.runner, await readMigrations())).toEqual(COMMITTED);

    expect(await columns(db.runner, 'ai_interaction')).toEqual([
      { name: 'id', type: 'uuid', nullable: false, default: null },
      { name: 'created_at', type: 'timestamp with time zone(3)', nullable: false, default: 'CURRENT_TIMESTAMP' },
      { name: 'started_at', type: 'timestamp with time zone(3)', nullable: false, default: null },
      { name: 'duration_ms', type: 'double precision', nullable: false, default: null },
      { name: 'trace_id', type: 'character varying(32)', nullable: false, default: null },
      { name: 'span_id', type: 'character varying(16)', nullable: false, default: null },
      { name: 'parent_span_id', type: 'character varying(16)', nullable: true, default: null },
      { name: 'source', type: 'text', nullable: true, default: null },
      { name: 'source_kind', type: 'SourceKind', nullable: false, default: null },
      { name: 'feature_id', type: 'text', nullable: true, default: null },
      { name: 'operation', type: 'Operation', nullable: false, default: null },
      { name: 'provider', type: 'text', nullable: false, default: null },
      { name: 'request_model', type: 'text', nullable: true, default: null },
      { name: 'response_model', type: 'text', nullable: true, default: null },
      { name: 'input_tokens', type: 'integer', nullable: true, default: null },
      { name: 'cached_input_tokens', type: 'integer', nullable: true, default: null },
      { name: 'output_tokens', type: 'integer', nullable: true, default: null },
      { name: 'reasoning_tokens', type: 'integer', nullable: true, default: null },
      { name: 'total_tokens', type: 'integer', nullable: true, default: null },
      { name: 'cost_usd', type: 'numeric(20,12)', nullable: true, default: null },
      { name: 'cost_status', type: 'CostStatus', nullable: false, default: null },
      { name: 'price_ref', type: 'text', nullable: true, default: null },
      { name: 'streamed', type: 'boolean', nullable: false, default: 'false' },
      { name: 'status', type: 'InteractionStatus', nullable: false, default: null },
      { name: 'error_type', type: 'text', nullable: true, default: null },
      { name: 'service_name', type: 'text', nullable: true, default: null },
      { name: 'attributes', type: 'jsonb', nullable: false, default: "'{}'::jsonb" },
      { name: 'service_version', type: 'text', nullable: true, default: null },
    ]);
  });

  it('records the applied migrations in _prisma_migrations', async () => {
    await applyMigrations(db.runner, await readMigrations());

    expect(await recorded(db.runner)).toEqual(
      [
        [INIT, INIT_CHECKSUM],
        [ROLLUP, ROLLUP_CHECKSUM],
        [INDEXES, INDEXES_CHECKSUM],
        [SALES, SALES_CHECKSUM],
        [LOCK_ORDER, LOCK_ORDER_CHECKSUM],
        [COST_EXACTNESS, COST_EXACTNESS_CHECKSUM],
        [BUDGETS, BUDGETS_CHECKSUM],
        [REQUESTS, REQUESTS_CHECKSUM],
        [TRACE_ROOTS, TRACE_ROOTS_CHECKSUM],
        [DASHBOARD_10M, DASHBOARD_10M_CHECKSUM],
        [ATTRIBUTE_BLOCKS, ATTRIBUTE_BLOCKS_CHECKSUM],
        [PARTITIONED_LEDGER, PARTITIONED_LEDGER_CHECKSUM],
        [SHARED_ROWS_LAST, SHARED_ROWS_LAST_CHECKSUM],
        [HISTOGRAMS_PLPGSQL, HISTOGRAMS_PLPGSQL_CHECKSUM],
        [UNATTRIBUTED_ROWS, UNATTRIBUTED_ROWS_CHECKSUM],
        [ROLLUP_PLPGSQL, ROLLUP_PLPGSQL_CHECKSUM],
        [DROP_MODEL_INDEX, DROP_MODEL_INDEX_CHECKSUM],
      ].map(([name, checksum]) => ({
        id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
        checksum,
        migration_name: name,
        finished: true,
        rolled_back_at: null,
        logs: null,
        applied_steps_count: 1,
      })),
    );
  });

  it('applies nothing the second time', async () => {
    const migrations = await readMigrations();
    await applyMigrations(db.runner, migrations);

    expect(await applyMigrations(db.runner, migrations)).toEqual([]);
    expect(await recorded(db.runner)).toEqual(
      COMMITTED.map((name): unknown => expect.objectContaining({ migration_name: name })),
    );
  });

  it('applies only the migrations not yet recorded, in the order given', async () => {
    const migrations = await readMigrations();
    await applyMigrations(db.runner, migrations);

    const later = [
      migration('20270101000000_add_note', 'ALTER TABLE "ai_interaction" ADD COLUMN "note" TEXT;'),
      migration('20270102000000_add_team', 'ALTER TABLE "ai_interaction" ADD COLUMN "team" TEXT;'),
    ];
    expect(await applyMigrations(db.runner, [...migrations, ...later])).toEqual([
      '20270101000000_add_note',
      '20270102000000_add_team',
    ]);
    expect((await columns(db.runner, 'ai_interaction')).slice(-2)).toEqual([
      { name: 'note', type: 'text', nullable: true, default: null },
      { name: 'team', type: 'text', nullable: true, default: null },
    ]);
  });

  it('refuses a migration changed after it was applied', async () => {
    const migrations = await readMigrations();
    await applyMigrations(db.runner, migrations);
    const changed = migrations.map((m) => migration(m.name, `${m.sql}\n-- an edit after the fact\n`));

    await expect(applyMigrations(db.runner, changed)).rejects.toThrow(
      new Error(
        `Migration ${INIT} was changed after it was applied. Restore its migration.sql and add a new migration instead.`,
      ),
    );
    expect(await advisoryLocks(db.runner)).toEqual([]);
  });

  it('rolls back a failing migration and does not record it', async () => {
    const failing = migration(
      '20270101000000_broken',
      // The first statement succeeds; the second fails, so only a rollback removes half_done.
      'CREATE TABLE "half_done" ("id" INTEGER);\nINSERT INTO "no_such_table" VALUES (1);',
    );

    await expect(applyMigrations(db.runner, [...(await readMigrations()), failing])).rejects.toThrow(
      new Error('Migration 20270101000000_broken failed: relation "no_such_table" does not exist'),
    );
    expect(await tableExists(db.runner, 'half_done')).toEqual(false);
    // The migration before it was committed in its own transaction.
    expect(await tableExists(db.runner, 'ai_interaction')).toEqual(true);
    expect(await recorded(db.runner)).toEqual(
      COMMITTED.map((name): unknown => expect.objectContaining({ migration_name: name })),
    );
  });

  it('releases the advisory lock after a failure, so a later apply succeeds', async () => {
    const migrations = await readMigrations();
    const broken = migration('20270101000000_add_note', 'ALTER TABLE "ai_interaction" ADD COLUMN "note" NOTATYPE;');
    await expect(applyMigrations(db.runner, [...migrations, broken])).rejects.toThrow(
      new Error('Migration 20270101000000_add_note failed: type "notatype" does not exist'),
    );

    expect(await advisoryLocks(db.runner)).toEqual([]);
    const fixed = migration('20270101000000_add_note', 'ALTER TABLE "ai_interaction" ADD COLUMN "note" TEXT;');
    expect(await applyMigrations(db.runner, [...migrations, fixed])).toEqual(['20270101000000_add_note']);
    expect(await advisoryLocks(db.runner)).toEqual([]);
  });
});
