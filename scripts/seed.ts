// `npm run db:seed`: adds the demo leads (lib/domain/leads.ts) that are not there yet, so the follow-up
// engine has quiet leads on a fresh install. Safe to run again. PGlite is migrated first, as the app does;
// run `npm run db:migrate` before this on Postgres.
import { loadConfig } from '../lib/config/config';
import { failureText } from '../lib/jobs/operator-error';
import { openDatabase } from '../lib/db/database';
import { DEMO_LEADS, seedDemoLeads } from '../lib/domain/leads';

async function main(): Promise<void> {
  const config = loadConfig();
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    if (db.kind === 'pglite') await db.migrate();
    const added = await seedDemoLeads(db.prisma, new Date());
    console.log(`Demo leads: added ${added} of ${DEMO_LEADS.length} (the others were there already).`);
  } finally {
    await db.close();
  }
}

main().catch((error: unknown) => {
  console.error(failureText(error));
  process.exit(1);
});
