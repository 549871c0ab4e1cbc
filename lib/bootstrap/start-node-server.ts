// What a Node.js server process does before its first request: check the configuration, start
// telemetry, open (and for PGlite, migrate) the database, read the budgets, start the database's upkeep.
// Called from instrumentation.ts.
import { ConfigError, getConfig, isBuildPhase } from '../config/config';
import { getDatabase } from '../db/get-database';
import { startAppBudgets } from './app-budgets';
import { startAppMaintenance } from './app-maintenance';
import { registerTelemetry } from './register';

export async function startNodeServer(): Promise<void> {
  // Only a running server needs its configuration and database.
  if (isBuildPhase()) return;
  try {
    getConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // A server that cannot be configured should not start half-working: say what is wrong and stop.
    process.stderr.write(`spendtrace: ${error.message}\n`);
    process.exit(1);
  }
  registerTelemetry();
  await getDatabase();
  await startAppBudgets();
  await startAppMaintenance();
}
