// One database handle for the process: embedded PGlite by default, Postgres when DATABASE_URL is set.
// Both run the same schema and the same committed migrations.
import { mkdir } from 'node:fs/promises';
import type { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { applyMigrations, readMigrations, type SqlRunner } from './apply-migrations';
import { lockDataDir, type DataDirLock } from './data-dir-lock';
import { PrismaClient } from './generated/client';

export interface DatabaseOptions {
  /** Postgres URL; unset selects PGlite. */
  databaseUrl?: string;
  /**
   * PGlite data directory, or `memory://` for a throwaway database. Default `.data/pglite`. One process at a
   * time: opening a directory another live process holds throws `DataDirLockedError`.
   */
  dataDir?: string;
  /** Folder of committed migrations. Default `prisma/migrations`. */
  migrationsDir?: string;
  /** Told of errors on idle Postgres connections (the server went away); the pool reconnects by itself. */
  onConnectionError?: (error: Error) => void;
}

export interface Database {
  kind: 'pglite' | 'postgres';
  prisma: PrismaClient;
  /**
   * Runs one statement straight on the driver (the `pg` pool Prisma uses, or PGlite), not through Prisma's query
   * engine, and returns the rows it affected. For the ledger's bulk insert, whose one large parameter cost about
   * 15 µs of CPU a row in Prisma's engine (`docs/benchmarks.md`, "Persistence"). Errors are the driver's own:
   * Postgres's SQLSTATE in `code`.
   */
  execute(sql: string, params: readonly unknown[]): Promise<number>;
  /** Like {@link execute}, for a statement that returns rows: resolves to them, as the driver reads them. */
  query<T>(sql: string, params: readonly unknown[]): Promise<T[]>;
  /** Applies pending migrations; returns the names applied. */
  migrate(): Promise<string[]>;
  close(): Promise<void>;
}

export async function openDatabase(options: DatabaseOptions = {}): Promise<Database> {
  const migrationsDir = options.migrationsDir;
  if (options.databaseUrl) {
    const url = options.databaseUrl;
    // One pool for Prisma and for `execute`. A database that does not answer fails a write in 5 s instead of
    // hanging it. Sessions in UTC: the driver sends timestamps without a zone, and the rollup's days are UTC days.
    const pool = new pg.Pool({ connectionString: url, connectionTimeoutMillis: 5_000, options: '-c TimeZone=UTC' });
    // Listened to from the start: an idle connection's error with no listener would end the process.
    pool.on('error', (error) => options.onConnectionError?.(error));
    const adapter = new PrismaPg(pool, { onConnectionError: options.onConnectionError });
    const prisma = new PrismaClient({ adapter });
    return {
      kind: 'postgres',
      prisma,
      execute: async (sql, params) => (await pool.query(sql, params as unknown[])).rowCount ?? 0,
      query: async <T>(sql: string, params: readonly unknown[]) =>
        (await pool.query(sql, params as unknown[])).rows as T[],
      async migrate() {
        const client = new pg.Client({ connectionString: url, options: '-c TimeZone=UTC' });
        await client.connect();
        try {
          const runner: SqlRunner = {
            exec: (sql) => client.query(sql),
            query: (sql, params) => client.query(sql, params),
          };
          return await applyMigrations(runner, await readMigrations(migrationsDir));
        } finally {
          await client.end();
        }
      },
      async close() {
        try {
          await prisma.$disconnect();
        } finally {
          if (!pool.ended) await pool.end();
        }
      },
    };
  }
  // Loaded only here: PGlite's module alone adds about 60 MiB of resident memory to a process on Postgres.
  const [{ PGlite: Lite }, { PrismaPGlite }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('pglite-prisma-adapter'),
  ]);
  const dataDir = options.dataDir ?? '.data/pglite';
  let lock: DataDirLock | undefined;
  if (!dataDir.startsWith('memory://')) {
    await mkdir(dataDir, { recursive: true });
    // Before PGlite touches the directory: a second process on it would corrupt it (DataDirLockedError).
    lock = await lockDataDir(dataDir);
  }
  let lite: PGlite;
  try {
    lite = await Lite.create(dataDir);
    // One connection, so one session: UTC, like the Postgres sessions above.
    await lite.exec("SET TIME ZONE 'UTC'");
  } catch (error) {
    await lock?.release();
    throw error;
  }
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(lite) });
  return {
    kind: 'pglite',
    prisma,
    execute: async (sql, params) => (await lite.query(sql, params as unknown[])).affectedRows ?? 0,
    query: async <T>(sql: string, params: readonly unknown[]) => (await lite.query<T>(sql, params as unknown[])).rows,
    async migrate() {
      return applyMigrations(lite, await readMigrations(migrationsDir));
    },
    async close() {
      try {
        await prisma.$disconnect();
        await lite.close();
      } finally {
        await lock?.release();
      }
    },
  };
}
