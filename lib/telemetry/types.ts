// Public configuration of Spendtrace's telemetry: each default stated once, here, and applied once.
import type { PriceBook } from '../ledger/price-types';
import type { LocalRoots } from './local-roots';
import type { SpanReadings } from './span-readings';
import type { SpendObserver } from './spend-observer';
import type { InteractionSink } from '../ledger/interaction-sink';

export interface CostSpanProcessorConfig {
  priceBook: PriceBook;
  /** Open traces whose root span is remembered for per-request totals. Default 10000. */
  maxOpenTraces?: number;
  /** The local roots to use, shared with the source processor. Default: its own, bounded by maxOpenTraces. */
  roots?: LocalRoots;
  /** Told of each priced call as its span ends (budgets keep their spend with it). Default: none. */
  spendObserver?: SpendObserver;
  /** What is read and priced of each ended span, shared with the exporter. Default: the process's shared one. */
  readings?: SpanReadings;
}

export interface InteractionExporterConfig {
  /** Lazily resolved, so the database is opened on the first export, not at startup. */
  sink: InteractionSink | (() => Promise<InteractionSink>);
  priceBook: PriceBook;
  /** Rows held while the database is unreachable; past it the oldest are dropped and counted. Default 10000. */
  maxBufferedRows?: number;
  /** Rows per INSERT. Default 500. */
  maxBatchRows?: number;
  /** First retry delay after a failed write, doubled each time. Default 500 ms. */
  initialRetryDelayMs?: number;
  /** Longest retry delay. Default 30000 ms. */
  maxRetryDelayMs?: number;
  /** How long shutdown keeps retrying to write what it holds. Default 10000 ms. */
  shutdownTimeoutMs?: number;
  /**
   * What is read and priced of each ended span, shared with the cost processor, whose reading and cost a row
   * reuses when its price book is this one. Default: the process's shared one.
   */
  readings?: SpanReadings;
}

export interface RegisterTelemetryOptions {
  /** Service name on every span. Default: `OTEL_SERVICE_NAME`, else `spendtrace-app`. */
  serviceName?: string;
  /** Default: from the configuration (`SPENDTRACE_EXPORTER`). */
  exporter?: 'database' | 'otlp' | 'both' | 'none';
}
