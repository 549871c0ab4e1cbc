// `npm run db:query -- "<SQL>"`: one read-only query against the configured database (the embedded PGlite
// directory, or Postgres with DATABASE_URL), printed as a table. The embedded database has one process at
// a time: while the app runs on it, stop the app first (the refusal says which process holds it).
import { loadConfig } from '../lib/config/config';
import { isOperatorError } from '../lib/jobs/operator-error';
import { openDatabase } from '../lib/db/database';
import { formatRows } from '../lib/db/format-rows';

const USAGE =
  'Usage: npm run db:query -- "<SQL>"\n' +
  'For example: npm run db:query -- "select source, count(*), sum(cost_usd) from ai_interaction group by source"';

async function main(): Promise<void> {
  const sql = process.argv.slice(2).join(' ').trim();
  if (sql === '') {
    console.error(USAGE);
    process.exitCode = 2;
    return;
  }
  const config = loadConfig();
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    // The embedded database migrates when the app starts; a fresh directory has no tables until then.
    if (db.kind === 'pglite') await db.migrate();
    // Read only: a typo cannot change the ledger.
    const [, rows] = await db.prisma.$transaction([
      db.prisma.$executeRawUnsafe('SET TRANSACTION READ ONLY'),
      db.prisma.$queryRawUnsafe<Record<string, unknown>[]>(sql),
    ]);
    process.stdout.write(formatRows(rows));
  } finally {
    await db.close();
  }
}

main().catch((error: unknown) => {
  // What the user can act on is said plainly: the configuration, the lock, the database's own message.
  if (isOperatorError(error)) console.error(error.message);
  else console.error(`The query failed: ${databaseMessage(error)}`);
  process.exitCode = 1;
});

/** Postgres's own words for a failed raw query (Prisma's P2010 carries them in `meta`), else the error's message. */
function databaseMessage(error: unknown): string {
  const cause = (error as { meta?: { driverAdapterError?: { cause?: { message?: unknown; code?: unknown } } } }).meta
    ?.driverAdapterError?.cause;
  if (typeof cause?.message === 'string') return `${cause.message} (SQLSTATE ${String(cause.code)})`;
  return error instanceof Error ? error.message : String(error);
}
