// The production server (`npm start`): Next.js inside an HTTP server of our own, so that a stop is an
// ordinary event. The configuration is checked before anything starts; on SIGTERM or SIGINT the server
// takes no new work, lets the requests in flight finish (streamed answers included) within the grace
// period, then flushes the rows and exits. `next start` cannot do this: it exits as soon as its server
// closes, without waiting for our exporters, and has no bound on how long that takes.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import next from 'next';
import { ConfigError, getConfig, type Config } from '../config/config';
import { closeDatabase } from '../db/get-database';
import { getLogger } from '../logger';
import { shutdownTelemetry } from '../bootstrap/app-telemetry';
import { stopAppBudgets } from '../bootstrap/app-budgets';
import { stopAppMaintenance } from '../bootstrap/app-maintenance';
import { callsInFlight } from '../telemetry/in-flight';
import { RequestDrain } from './request-drain';
import { stopOnSignals } from './stop-on-signals';

/** Starts Next.js from the built app in `dir` and serves it on the configured port until a signal. */
export async function startAppServer(dir: string): Promise<void> {
  const config = configOrExit();
  const logger = getLogger();
  const app = next({ dev: false, dir, port: config.port });
  try {
    // Runs instrumentation.ts: telemetry starts and the database opens (and, for PGlite, takes its lock).
    await app.prepare();
  } catch (error) {
    exitWith(`spendtrace: the app could not start: ${messageOf(error)}`);
  }
  const handle = app.getRequestHandler();
  const drain = new RequestDrain({ healthPath: '/healthz' });
  const server = http.createServer(
    drain.wrap((req, res) =>
      handle(req, res).catch((error: unknown) => {
        logger.error({ err: error, url: req.url }, 'request failed outside the app');
        if (!res.headersSent) res.writeHead(500);
        res.end();
      }),
    ),
  );
  const port = await listen(server, config.port);
  logger.info({ port, pid: process.pid }, `ready on http://localhost:${port}`);

  stopOnSignals({
    logger,
    graceMs: config.shutdownGraceMs,
    async stop(signal) {
      const began = Date.now();
      const graceMs = config.shutdownGraceMs;
      logger.info(
        { signal, requestsInFlight: drain.inFlight, aiCallsInFlight: callsInFlight(), graceMs },
        'shutting down: taking no new requests, finishing the ones in flight',
      );
      const { cut, elapsedMs } = await drain.drain(server, graceMs);
      if (cut > 0) {
        logger.error(
          { requestsCut: cut, aiCallsInFlight: callsInFlight(), graceMs },
          `shutdown: the grace period ran out; cut ${cut} requests in flight`,
        );
      }
      // The calls of answered requests have ended. A call outside any request gets what is left of the grace period.
      await shutdownTelemetry({ callsTimeoutMs: Math.max(0, graceMs - elapsedMs) });
      await app.close().catch((error: unknown) => logger.error({ err: error }, 'closing Next.js failed'));
      await stopAppBudgets();
      await stopAppMaintenance();
      await closeDatabase().catch((error: unknown) => logger.error({ err: error }, 'closing the database failed'));
      logger.info({ requestsCut: cut, elapsedMs: Date.now() - began }, 'stopped');
      return cut > 0 ? 1 : 0;
    },
  });
}

function configOrExit(): Config {
  try {
    return getConfig();
  } catch (error) {
    if (error instanceof ConfigError) exitWith(`spendtrace: ${error.message}`);
    throw error;
  }
}

function listen(server: http.Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function messageOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // Next.js wraps register()'s error: the cause says what is wrong.
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}

function exitWith(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}
