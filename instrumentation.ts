// Next.js calls register() once per server process, before the first request.
export async function register(): Promise<void> {
  // The edge runtime has no Node.js APIs for our exporter or database: telemetry is a no-op there.
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { registerTelemetry } = await import('./lib/telemetry/register');
  registerTelemetry();
  // `next build` loads this file too; only a running server opens (and migrates) the embedded database.
  if (process.env.NEXT_PHASE === 'phase-production-build') return;
  const { getDatabase } = await import('./lib/db/get-database');
  await getDatabase();
}
