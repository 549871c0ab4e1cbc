// The process's database, opened once from the configuration. The embedded database is migrated when
// it opens, so a fresh clone works with no setup; Postgres is migrated by `npm run db:migrate`.
import { getConfig } from '../config/config';
import { getLogger } from '../logger';
import { openDatabase, type Database } from './database';
import { applyBreakdownKeys } from './breakdown-keys';
import { InteractionStore } from './interaction-store';
import { applyPartitions } from './partitions';

const globalForDb = globalThis as unknown as { spendtraceDatabase?: Promise<Database> };

export function getDatabase(): Promise<Database> {
  globalForDb.spendtraceDatabase ??= (async () => {
    const config = getConfig();
    const db = await openDatabase({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      onConnectionError: (error) =>
        getLogger().warn({ err: error }, 'database connection lost; reconnecting on next use'),
    });
    if (db.kind === 'pglite') await db.migrate();
    await applyBreakdownKeys(db, config.breakdownKeys, getLogger());
    await applyPartitions(db, config.retentionDays, getLogger());
    return db;
  })().catch((error: unknown) => {
    globalForDb.spendtraceDatabase = undefined;
    throw error;
  });
  return globalForDb.spendtraceDatabase;
}

export async function getInteractionStore(): Promise<InteractionStore> {
  return new InteractionStore(await getDatabase());
}

/** Closes the process's database, if it was opened. A later `getDatabase()` opens it again. */
export async function closeDatabase(): Promise<void> {
  const opened = globalForDb.spendtraceDatabase;
  globalForDb.spendtraceDatabase = undefined;
  if (opened) await (await opened.catch(() => undefined))?.close();
}
