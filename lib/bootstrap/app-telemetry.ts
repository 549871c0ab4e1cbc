// The process's Spendtrace processors, built once from the configuration, whichever SDK runs them.
import { getDefaultPriceBook } from '../ledger/default-price-book';
import { getConfig } from '../config/config';
import { getInteractionStore } from '../db/get-database';
import { getLogger, installDiagLogger } from '../logger';
import { diag } from '@opentelemetry/api';
import type { Sampler } from '@opentelemetry/sdk-trace-base';
import { ExporterStatsLogger } from '../telemetry/exporter-stats-logger';
import { waitForCalls } from '../telemetry/in-flight';
import { LedgerSampler, standardSampler } from '../telemetry/ledger-sampler';
import { createSpendtraceProcessors, type SpendtraceProcessors } from '../telemetry/spendtrace-processors';
import type { RegisterTelemetryOptions } from '../telemetry/types';

const globalForTelemetry = globalThis as unknown as {
  spendtraceTelemetry?: SpendtraceProcessors;
  spendtraceStatsLogger?: ExporterStatsLogger;
};

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
  const exporter = telemetry.interactionExporter;
  if (exporter && config.statsLogSeconds > 0) {
    globalForTelemetry.spendtraceStatsLogger?.stop();
    globalForTelemetry.spendtraceStatsLogger = new ExporterStatsLogger({
      stats: () => exporter.stats(),
      logger: getLogger(),
      intervalMs: config.statsLogSeconds * 1000,
      maxBufferedRows: config.bufferMaxRows,
    });
    globalForTelemetry.spendtraceStatsLogger.start();
  }
  return telemetry;
}

/**
 * The configured trace sampler (OTEL_TRACES_SAMPLER, OTEL_TRACES_SAMPLER_ARG), wrapped so that the spans the
 * ledger needs are recorded even in traces it drops.
 */
export function createAppSampler(): Sampler {
  const config = getConfig();
  return new LedgerSampler(standardSampler(config.tracesSampler, config.tracesSamplerRatio));
}

/** The processors already built in this process, if any. */
export function currentAppTelemetry(): SpendtraceProcessors | undefined {
  return globalForTelemetry.spendtraceTelemetry;
}

/**
 * Waits for the AI calls in flight (up to `callsTimeoutMs`, default 10 s), then flushes what the exporters
 * hold. Safe to call when telemetry never started, and twice.
 */
export async function shutdownTelemetry(options: { callsTimeoutMs?: number } = {}): Promise<void> {
  // An AI call already sent must end and be recorded before the flush; new ones may still start meanwhile.
  const open = await waitForCalls(options.callsTimeoutMs ?? 10_000);
  if (open > 0) diag.error(`spendtrace: shutting down with ${open} AI calls still in flight; they will have no row`);
  await globalForTelemetry.spendtraceTelemetry?.shutdown();
  // After the flush, so the last line shows what was written and what was left.
  globalForTelemetry.spendtraceStatsLogger?.stop();
}
