// A fresh, migrated database per test file: a new database on the Postgres at TEST_DATABASE_URL when
// it is set, else an in-memory PGlite. Tests run the same either way.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database } from '../lib/db/database';

export interface TestDatabase {
  db: Database;
  /** The Postgres URL of this database; undefined on PGlite. */
  url: string | undefined;
  drop(): Promise<void>;
}

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL?.trim() || undefined;

/** Creates an empty Postgres database next to TEST_DATABASE_URL and returns its URL. */
export async function createPostgresDatabase(adminUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `spendtrace_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

export async function createTestDatabase(): Promise<TestDatabase> {
  if (TEST_DATABASE_URL) {
    const created = await createPostgresDatabase(TEST_DATABASE_URL);
    const db = await openDatabase({ databaseUrl: created.url });
    await db.migrate();
    return {
      db,
      url: created.url,
      async drop() {
        await db.close();
        await created.drop();
      },
    };
  }
  const db = await openDatabase({ dataDir: 'memory://' });
  await db.migrate();
  return { db, url: undefined, drop: () => db.close() };
}
