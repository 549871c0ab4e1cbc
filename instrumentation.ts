// Next.js calls register() once per server process, before the first request.
export async function register(): Promise<void> {
  // The edge runtime has no Node.js APIs for our exporter or database: telemetry is a no-op there.
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { startNodeServer } = await import('./lib/bootstrap/start-node-server');
    await startNodeServer();
  }
}
