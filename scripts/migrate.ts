// `npm run db:migrate`: applies the committed migrations to the configured database, offline:
// Postgres when DATABASE_URL is set, else the embedded PGlite database under SPENDTRACE_DATA_DIR.
import { loadConfig } from '../lib/config/config';
import { failureText } from '../lib/jobs/operator-error';
import { openDatabase } from '../lib/db/database';
import { breakdownKeysText, syncBreakdownKeys } from '../lib/db/breakdown-keys';
import { maintainPartitions } from '../lib/db/partitions';

async function main(): Promise<void> {
  const config = loadConfig();
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    const applied = await db.migrate();
    const keys = await syncBreakdownKeys(db.prisma, config.breakdownKeys);
    if (keys.added.length + keys.removed.length > 0) console.log(breakdownKeysText(keys));
    await maintainPartitions(db.prisma, new Date(), config.retentionDays, {
      info: (_obj, msg) => console.log(msg),
      warn: (_obj, msg) => console.warn(msg),
    });
    const where = db.kind === 'postgres' ? 'Postgres (DATABASE_URL)' : `PGlite at ${config.dataDir}`;
    console.log(
      applied.length === 0
        ? `${where}: up to date.`
        : `${where}: applied ${applied.length} migration(s):\n${applied.map((n) => `  ${n}`).join('\n')}`,
    );
  } finally {
    await db.close();
  }
}

main().catch((error: unknown) => {
  console.error(failureText(error));
  process.exit(1);
});
