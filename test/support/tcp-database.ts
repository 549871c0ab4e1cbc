// A database reachable over TCP, for tests that put a proxy between it and the app: a fresh database on
// TEST_DATABASE_URL's Postgres, or an in-memory PGlite served over the Postgres wire protocol.
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { openDatabase } from '../../lib/db/database';
import { InteractionStore } from '../../lib/db/interaction-store';
import type { InteractionRow } from '../../lib/ledger/span-to-interaction';
import { createPostgresDatabase, TEST_DATABASE_URL } from '../../harness/test-database';
import { freePort } from '../../harness/free-port';

export interface TcpDatabase {
  host: string;
  port: number;
  /** A URL for the database, with the host and port replaced by the given ones (a proxy's). */
  urlVia(port: number): string;
  /** A direct URL, bypassing any proxy. */
  url: string;
  close(): Promise<void>;
}

export async function startTcpDatabase(): Promise<TcpDatabase> {
  if (TEST_DATABASE_URL) {
    const created = await createPostgresDatabase(TEST_DATABASE_URL);
    const db = await openDatabase({ databaseUrl: created.url });
    await db.migrate();
    await db.close();
    const parsed = new URL(created.url);
    const port = Number(parsed.port || 5432);
    return {
      host: parsed.hostname,
      port,
      url: created.url,
      urlVia(p) {
        const u = new URL(created.url);
        u.hostname = '127.0.0.1';
        u.port = String(p);
        return u.toString();
      },
      close: () => created.drop(),
    };
  }
  const lite = await PGlite.create('memory://');
  const { applyMigrations, readMigrations } = await import('../../lib/db/apply-migrations');
  await applyMigrations(lite, await readMigrations());
  const port = await freePort();
  const server = new PGLiteSocketServer({ db: lite, host: '127.0.0.1', port, maxConnections: 20 });
  await server.start();
  const url = `postgresql://postgres@127.0.0.1:${port}/postgres?sslmode=disable`;
  return {
    host: '127.0.0.1',
    port,
    url,
    urlVia: (p) => `postgresql://postgres@127.0.0.1:${p}/postgres?sslmode=disable`,
    async close() {
      await server.stop();
      await lite.close();
    },
  };
}

/** Stores `rows` (through the interaction store, so the triggers fill the rollups) and returns each row's id by span id. */
export async function storeRows(
  database: Pick<TcpDatabase, 'url'>,
  rows: readonly InteractionRow[],
): Promise<Map<string, string>> {
  const db = await openDatabase({ databaseUrl: database.url });
  try {
    await new InteractionStore(db).insertMany(rows);
    const stored = await db.prisma.$queryRaw<{ span_id: string; id: string }[]>`
      SELECT span_id, id::text AS id FROM ai_interaction`;
    return new Map(stored.map((r) => [r.span_id, r.id]));
  } finally {
    await db.close();
  }
}
