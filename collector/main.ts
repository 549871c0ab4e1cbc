// `npm run collector`: the OTLP sink as a process. Validates its configuration, opens the database,
// serves, and on SIGTERM/SIGINT stops accepting, finishes the requests in flight and closes the database.
import pino from 'pino';
import { getDefaultPriceBook } from '../lib/ledger/default-price-book';
import { ConfigError } from '../lib/config/env-schema';
import { failureText } from '../lib/jobs/operator-error';
import { openDatabase } from '../lib/db/database';
import { applyBreakdownKeys } from '../lib/db/breakdown-keys';
import { InteractionStore } from '../lib/db/interaction-store';
import { applyPartitions } from '../lib/db/partitions';
import { databaseTasks, Maintenance } from '../lib/db/maintenance';
import { DEFAULT_ROOT_TTL_MS, TraceRootStore } from '../lib/db/trace-roots';
import { BudgetAlerter } from '../lib/budgets/alerts/budget-alerter';
import { RequestDrain } from '../lib/server/request-drain';
import { stopOnSignals } from '../lib/server/stop-on-signals';
import { loadCollectorConfig, type CollectorConfig } from './config';
import { GrpcSinkServer } from './grpc-sink-server';
import { SinkMetrics } from './sink-metrics';
import { createSinkServer } from './sink-server';
import { TraceIngestor } from './trace-ingestor';

/** How often old trace roots are deleted. */
const ROOT_EXPIRY_INTERVAL_MS = 60_000;

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
  await applyBreakdownKeys(db, config.breakdownKeys, logger);
  await applyPartitions(db, config.retentionDays, logger);

  const roots = new TraceRootStore(db);
  const metrics = new SinkMetrics();
  const ingestor = new TraceIngestor({
    store: new InteractionStore(db),
    priceBook: getDefaultPriceBook(),
    roots,
    metrics,
    logger,
  });
  // While draining, a request on a connection still open is refused as OTLP asks: 503, so the Collector retries.
  const drain = new RequestDrain({ refusal: { code: 14, message: 'The sink is shutting down; retry.' } });
  const server = createSinkServer({
    drain,
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
  // OTLP/gRPC beside OTLP/HTTP, for the Collector's load_balancing exporter; COLLECTOR_GRPC_PORT=off: none.
  let grpc: GrpcSinkServer | undefined;
  if (config.grpcPort !== undefined) {
    grpc = new GrpcSinkServer({ config, ingestor, metrics, logger });
    const grpcPort = await grpc.listen(config.host, config.grpcPort);
    logger.info(
      { host: config.host, grpcPort },
      `collector sink listening for OTLP/gRPC on ${config.host}:${grpcPort}`,
    );
  }

  // The sink's rows count toward budgets: it records and posts due alerts too (each once, across processes).
  const alerter = new BudgetAlerter({
    prisma: db.prisma,
    webhookUrl: config.alertWebhookUrl,
    spikeFactor: config.spikeFactor,
    intervalMs: config.alertIntervalSeconds * 1000,
    logger,
  });
  alerter.start();

  // Roots older than the TTL are forgotten, by every replica alike (the delete is idempotent); and the upkeep
  // the app server runs too, which any number of processes may run at once.
  const maintenance = new Maintenance(
    [
      {
        name: 'trace roots',
        everyMs: ROOT_EXPIRY_INTERVAL_MS,
        run: async (now) => {
          await roots.expire(new Date(now.getTime() - DEFAULT_ROOT_TTL_MS));
        },
      },
      ...databaseTasks(db.prisma, { retentionDays: config.retentionDays }),
    ],
    logger,
  );
  maintenance.start();

  stopOnSignals({
    logger,
    graceMs: config.shutdownGraceMs,
    async stop(signal) {
      const graceMs = config.shutdownGraceMs;
      logger.info(
        { signal, requestsInFlight: drain.inFlight, grpcCallsInFlight: grpc?.inFlight ?? 0, graceMs },
        'shutting down: finishing requests in flight',
      );
      const [http, rpc] = await Promise.all([drain.drain(server, graceMs), grpc?.drain(graceMs)]);
      const cut = http.cut + (rpc?.cut ?? 0);
      // A cut request was answered by no one: the Collector sends it again, and its rows are written once.
      if (cut > 0)
        logger.error({ requestsCut: cut, graceMs }, `shutdown: the grace period ran out; cut ${cut} requests`);
      await maintenance.stop();
      await alerter.stop();
      await db.close().catch((error: unknown) => logger.error({ err: error }, 'closing the database failed'));
      logger.info({ requestsCut: cut }, 'stopped');
      return cut > 0 ? 1 : 0;
    },
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`spendtrace collector: failed to start: ${failureText(error)}\n`);
  process.exit(1);
});
