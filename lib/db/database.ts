// One database handle for the process: embedded PGlite by default, Postgres when DATABASE_URL is set.
// Both run the same schema and the same committed migrations.
import { mkdir } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { from as copyFromStdin } from 'pg-copy-streams';
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
  /**
   * `COPY <target> FROM` the given data, in COPY's text format (a line per row, values separated by tabs, `\N` for
   * null), straight on the driver as {@link execute} is; returns the rows copied. All or nothing: an error copies
   * no row. `target`: a table and its column list. Undefined, copying nothing, when the server cannot take `COPY
   * FROM STDIN`: PGlite served over the wire (`@electric-sql/pglite-socket`) answers as Postgres but does not.
   */
  copyFrom(target: string, data: string): Promise<number | undefined>;
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
    let copyIn: Promise<boolean> | undefined;
    return {
      kind: 'postgres',
      prisma,
      execute: async (sql, params) => (await pool.query(sql, params as unknown[])).rowCount ?? 0,
      query: async <T>(sql: string, params: readonly unknown[]) =>
        (await pool.query(sql, params as unknown[])).rows as T[],
      async copyFrom(target, data) {
        // Asked once: a wasm build of Postgres is PGlite behind a socket, which would wait forever for the data.
        copyIn ??= pool.query<{ version: string }>('SELECT version()').then(
          ({ rows }) => !rows[0]?.version.includes('wasm32'),
          (error: unknown) => {
            copyIn = undefined;
            throw error;
          },
        );
        if (!(await copyIn)) return undefined;
        return copyOnClient(await pool.connect(), target, data);
      },
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
    // PGlite reads COPY's data from a blob it names /dev/blob.
    copyFrom: async (target, data) =>
      (await lite.query(`COPY ${target} FROM '/dev/blob'`, [], { blob: new Blob([data]) })).affectedRows ?? 0,
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

/**
 * Runs one COPY FROM STDIN on a pool client and gives the client back: destroyed unless the server itself
 * refused the data. A COPY whose connection is cut (the server or a proxy gone) does not settle by itself, so
 * the client's `end` and `error` events fail it too.
 */
async function copyOnClient(client: pg.PoolClient, target: string, data: string): Promise<number> {
  let broken: Error | undefined;
  let onGone: (error?: Error) => void = () => undefined;
  const gone = new Promise<never>((_, reject) => {
    onGone = (error) => reject(error ?? new Error('the database connection ended during COPY'));
  });
  client.once('end', onGone);
  client.once('error', onGone);
  try {
    const copy = client.query(copyFromStdin(`COPY ${target} FROM STDIN`));
    await Promise.race([pipeline(Readable.from([data]), copy), gone]);
    return copy.rowCount;
  } catch (error) {
    // The server refused the data: the connection is fine. Anything else (it broke): drop the connection.
    if (!(error instanceof pg.DatabaseError)) broken = error as Error;
    throw error;
  } finally {
    client.off('end', onGone);
    client.off('error', onGone);
    client.release(broken ?? false);
  }
}
