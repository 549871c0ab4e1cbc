// The process's Spendtrace processors, built once from the configuration, whichever SDK runs them.
import { getDefaultPriceBook } from '../ai/price-book';
import { getConfig } from '../config';
import { getInteractionStore } from '../db/get-database';
import { getLogger, installDiagLogger } from '../logger';
import { createSpendtraceProcessors, type SpendtraceProcessors } from './spendtrace-processors';
import type { RegisterTelemetryOptions } from './types';

const globalForTelemetry = globalThis as unknown as { spendtraceTelemetry?: SpendtraceProcessors };

/** Builds the processors (database and OTLP exporters as configured) and routes `diag` to pino. */
export function createAppTelemetry(options: RegisterTelemetryOptions): SpendtraceProcessors {
  const config = getConfig();
  installDiagLogger(getLogger());
  const telemetry = createSpendtraceProcessors({
    priceBook: getDefaultPriceBook(),
    exporter: options.exporter ?? config.exporter,
    otlpProtocol: config.otlpProtocol,
    sink: getInteractionStore,
    maxBufferedRows: config.bufferMaxRows,
  });
  globalForTelemetry.spendtraceTelemetry = telemetry;
  return telemetry;
}

/** The processors already built in this process, if any. */
export function currentAppTelemetry(): SpendtraceProcessors | undefined {
  return globalForTelemetry.spendtraceTelemetry;
}

/** Flushes what the exporters hold. Safe to call when telemetry never started, and twice. */
export async function shutdownTelemetry(): Promise<void> {
  await globalForTelemetry.spendtraceTelemetry?.shutdown();
}
