// The database's upkeep in the app server (lib/db/maintenance.ts), started once the database is open and
// stopped before it closes.
import { getConfig } from '../config/config';
import { getDatabase } from '../db/get-database';
import { databaseTasks, Maintenance } from '../db/maintenance';
import { getLogger } from '../logger';

const globalForMaintenance = globalThis as unknown as { spendtraceMaintenance?: Promise<Maintenance> };

/** Starts the upkeep (idempotent); its first runs go on in the background. */
export function startAppMaintenance(): Promise<void> {
  globalForMaintenance.spendtraceMaintenance ??= (async () => {
    const maintenance = new Maintenance(
      databaseTasks((await getDatabase()).prisma, { retentionDays: getConfig().retentionDays }),
      getLogger(),
    );
    maintenance.start();
    return maintenance;
  })();
  return globalForMaintenance.spendtraceMaintenance.then(() => undefined);
}

/** Stops the upkeep and waits for its runs in flight. Safe when it never started, and twice. */
export async function stopAppMaintenance(): Promise<void> {
  const started = globalForMaintenance.spendtraceMaintenance;
  globalForMaintenance.spendtraceMaintenance = undefined;
  await (await started?.catch(() => undefined))?.stop();
}
