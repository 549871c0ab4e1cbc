// `npm run collector`: the OTLP sink as a process. Validates its configuration, opens the database,
// serves, and on SIGTERM/SIGINT stops accepting, finishes the requests in flight and closes the database.
import pino from 'pino';
import { getDefaultPriceBook } from '../lib/ai/price-book';
import { ConfigError } from '../lib/env-schema';
import { openDatabase } from '../lib/db/database';
import { InteractionStore } from '../lib/db/interaction-store';
import { loadCollectorConfig, type CollectorConfig } from './config';
import { RootRoutes } from './root-routes';
import { SinkMetrics } from './sink-metrics';
import { createSinkServer } from './sink-server';
import { TraceIngestor } from './trace-ingestor';

/** How long shutdown waits for requests in flight before closing their connections. */
const SHUTDOWN_GRACE_MS = 10_000;

async function main(): Promise<void> {
  let config: CollectorConfig;
  try {
    config = loadCollectorConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`spendtrace collector: ${error.message}\n`);
    process.exit(1);
  }
  const logger = pino({ level: config.logLevel, base: { service: 'spendtrace-collector' } });
  const db = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    onConnectionError: (error) => logger.warn({ err: error }, 'database connection lost; reconnecting on next use'),
  });
  // The embedded database is ours alone and migrates itself; Postgres is migrated by `npm run db:migrate`.
  if (db.kind === 'pglite') await db.migrate();

  const roots = new RootRoutes();
  const metrics = new SinkMetrics({ rootTraces: () => roots.size });
  const ingestor = new TraceIngestor({
    store: new InteractionStore(db.prisma),
    priceBook: getDefaultPriceBook(),
    roots,
    metrics,
    logger,
  });
  const server = createSinkServer({
    config,
    ingestor,
    metrics,
    logger,
    checkDatabase: async () => {
      await db.prisma.$queryRaw`SELECT 1`;
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info(
    { host: config.host, port, database: db.kind },
    `collector sink listening on http://${config.host}:${port}/v1/traces`,
  );

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing requests in flight');
    const force = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
    force.unref();
    server.close(() => {
      db.close()
        .catch((error: unknown) => logger.error({ err: error }, 'closing the database failed'))
        .finally(() => {
          logger.info('stopped');
          process.exit(0);
        });
    });
    server.closeIdleConnections();
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `spendtrace collector: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
