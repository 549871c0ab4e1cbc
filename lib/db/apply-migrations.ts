// Applies the committed Prisma migrations (prisma/migrations/*/migration.sql) offline, to PGlite or
// Postgres, recording them in Prisma's own `_prisma_migrations` table so `prisma migrate deploy` agrees.
import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

/** The two things a migration needs from a connection; PGlite and a `pg` client both provide them. */
export interface SqlRunner {
  /** Runs a script of several statements (simple query protocol). */
  exec(sql: string): Promise<unknown>;
  query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
}

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

// Same key as Prisma's migrate lock, so our migrator and Prisma's never run at once.
const ADVISORY_LOCK_KEY = 72707369;

/** Reads the committed migrations; by default from `prisma/migrations` under the working directory. */
export async function readMigrations(dir?: string): Promise<Migration[]> {
  dir ??= path.join(process.cwd(), 'prisma', 'migrations');
  const entries = await readdir(/*turbopackIgnore: true*/ dir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    }),
  );
}

/**
 * Applies every migration not yet recorded as finished, each in its own transaction, in name order.
 * Returns the names it applied. Fails loudly when an applied migration's file has changed since.
 */
export async function applyMigrations(runner: SqlRunner, migrations: readonly Migration[]): Promise<string[]> {
  await runner.exec(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id" VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum" VARCHAR(64) NOT NULL,
    "finished_at" TIMESTAMPTZ,
    "migration_name" VARCHAR(255) NOT NULL,
    "logs" TEXT,
    "rolled_back_at" TIMESTAMPTZ,
    "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count" INTEGER NOT NULL DEFAULT 0
  )`);
  await runner.query('SELECT pg_advisory_lock($1)', [ADVISORY_LOCK_KEY]);
  try {
    const { rows } = (await runner.query(
      'SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
    )) as { rows: { migration_name: string; checksum: string }[] };
    const applied = new Map(rows.map((r) => [r.migration_name, r.checksum]));
    const done: string[] = [];
    for (const m of migrations) {
      const checksum = applied.get(m.name);
      if (checksum !== undefined) {
        if (checksum !== m.checksum) {
          throw new Error(
            `Migration ${m.name} was changed after it was applied. Restore its migration.sql and add a new migration instead.`,
          );
        }
        continue;
      }
      const id = randomUUID();
      await runner.exec('BEGIN');
      try {
        await runner.exec(m.sql);
        await runner.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, finished_at, applied_steps_count)
           VALUES ($1, $2, $3, now(), 1)`,
          [id, m.checksum, m.name],
        );
        await runner.exec('COMMIT');
      } catch (error) {
        await runner.exec('ROLLBACK');
        throw new Error(`Migration ${m.name} failed: ${(error as Error).message}`, { cause: error });
      }
      done.push(m.name);
    }
    return done;
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [ADVISORY_LOCK_KEY]);
  }
}
