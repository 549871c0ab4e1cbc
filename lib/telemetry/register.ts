// Starts OpenTelemetry with Spendtrace's processors: `registerTelemetry()` inside Next.js (through
// @vercel/otel), `registerNodeTelemetry()` in a plain Node.js process (a script, a worker).
import { diag } from '@opentelemetry/api';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { registerOTel } from '@vercel/otel';
import { getDefaultPriceBook } from '../ai/price-book';
import { getConfig } from '../config';
import { getInteractionStore } from '../db/get-database';
import { getLogger, installDiagLogger } from '../logger';
import { createSpendtraceProcessors, type SpendtraceProcessors } from './spendtrace-processors';
import type { RegisterTelemetryOptions } from './types';

const globalForTelemetry = globalThis as unknown as { spendtraceTelemetry?: SpendtraceProcessors };

function buildProcessors(options: RegisterTelemetryOptions): SpendtraceProcessors {
  const config = getConfig();
  installDiagLogger(getLogger());
  return createSpendtraceProcessors({
    priceBook: getDefaultPriceBook(),
    exporter: options.exporter ?? config.exporter,
    otlpProtocol: config.otlpProtocol,
    sink: getInteractionStore,
    maxBufferedRows: config.bufferMaxRows,
  });
}

/** Flushes what the exporters hold. Safe to call when telemetry never started. */
export async function shutdownTelemetry(): Promise<void> {
  await globalForTelemetry.spendtraceTelemetry?.shutdown();
}

/** For Next.js's `instrumentation.ts` on the Node.js runtime. Idempotent. */
export function registerTelemetry(options: RegisterTelemetryOptions = {}): SpendtraceProcessors {
  if (globalForTelemetry.spendtraceTelemetry) return globalForTelemetry.spendtraceTelemetry;
  const config = getConfig();
  const telemetry = buildProcessors(options);
  globalForTelemetry.spendtraceTelemetry = telemetry;
  registerOTel({
    serviceName: options.serviceName ?? config.serviceName,
    spanProcessors: telemetry.processors,
    propagators: ['tracecontext', 'baggage'],
  });
  flushOnSignals();
  return telemetry;
}

/** For a plain Node.js process. Returns the started SDK; call `sdk.shutdown()` (or `shutdownTelemetry()`) before exit. */
export function registerNodeTelemetry(options: RegisterTelemetryOptions = {}): NodeSDK {
  const config = getConfig();
  const telemetry = buildProcessors(options);
  globalForTelemetry.spendtraceTelemetry = telemetry;
  const sdk = new NodeSDK({
    serviceName: options.serviceName ?? config.serviceName,
    spanProcessors: telemetry.processors,
    instrumentations: [],
  });
  sdk.start();
  return sdk;
}

/**
 * Next.js leaves SIGTERM and SIGINT to the app when NEXT_MANUAL_SIG_HANDLE is set (our `npm start` sets
 * it): flush the rows we hold, then exit.
 */
function flushOnSignals(): void {
  if (!getConfig().manualSignalHandling) return;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      shutdownTelemetry()
        .catch((error: unknown) => diag.error('spendtrace: flushing telemetry on shutdown failed', error))
        .finally(() => process.exit(0));
    });
  }
}
