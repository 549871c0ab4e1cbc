// Persists one AIInteraction row per AI span. Writes are bulk and idempotent; while the database is
// unreachable, rows wait in a bounded buffer and are retried with backoff; shutdown flushes.
import { context, diag } from '@opentelemetry/api';
import { ExportResultCode, suppressTracing, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { insertIsolatingRejected } from './insert-isolating-rejected';
import { callToInteraction, fromReadableSpan, type InteractionRow } from '../ledger/span-to-interaction';
import type { InteractionSink } from '../ledger/interaction-sink';
import { sharedSpanReadings, type SpanReadings } from './span-readings';
import type { InteractionExporterConfig } from './types';

export interface InteractionExporterStats {
  /** Rows waiting to be written, including a batch being written now. */
  buffered: number;
  /** Rows inserted (duplicates skipped by the database are not counted). */
  written: number;
  /** Rows dropped because the buffer was full. */
  dropped: number;
  /** Rows the database refused to store (a value it cannot hold); dropped and reported, so they cannot block the rest. */
  rejected: number;
  /** Write attempts that failed. */
  failedWrites: number;
}

export class InteractionExporter implements SpanExporter {
  private readonly config: Required<Omit<InteractionExporterConfig, 'sink' | 'readings'>>;
  private readonly readings: SpanReadings;
  private readonly resolveSink: () => Promise<InteractionSink>;
  private sinkPromise: Promise<InteractionSink> | undefined;
  /** Rows waiting, oldest first. At most `maxBufferedRows`, plus the batch being written (`inFlight`). */
  private buffer: InteractionRow[] = [];
  private inFlight: InteractionRow[] = [];
  private writing: Promise<void> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryDelayMs: number;
  private droppedSinceReport = 0;
  private shutdownStarted = false;
  private readonly counters = { written: 0, dropped: 0, rejected: 0, failedWrites: 0 };

  constructor(config: InteractionExporterConfig) {
    const { sink } = config;
    this.resolveSink = typeof sink === 'function' ? sink : () => Promise.resolve(sink);
    this.config = {
      priceBook: config.priceBook,
      maxBufferedRows: config.maxBufferedRows ?? 10_000,
      maxBatchRows: config.maxBatchRows ?? 500,
      initialRetryDelayMs: config.initialRetryDelayMs ?? 500,
      maxRetryDelayMs: config.maxRetryDelayMs ?? 30_000,
      shutdownTimeoutMs: config.shutdownTimeoutMs ?? 10_000,
    };
    this.readings = config.readings ?? sharedSpanReadings;
    this.retryDelayMs = this.config.initialRetryDelayMs;
  }

  /**
   * Maps the AI spans to rows and writes them. Always reports success to the span processor: rows that
   * could not be written stay in this exporter's buffer and are retried, so the processor's queue never
   * backs up behind a database outage. While a write is in progress it answers at once: that write takes
   * these rows too.
   */
  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    if (this.shutdownStarted) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error('InteractionExporter is shut down') });
      return;
    }
    try {
      const { priceBook } = this.config;
      for (const span of spans) {
        // The reading and cost the cost processor made as the span ended, when it did with this price book.
        const call = this.readings.modelCallOf(span);
        if (call === undefined) continue;
        const cost = this.readings.costOf(span, call, priceBook);
        this.enqueue(callToInteraction(fromReadableSpan(span), call, { priceBook }, cost));
      }
    } catch (error) {
      diag.error('spendtrace: mapping spans to AIInteraction rows failed', error);
    }
    if (this.writing) {
      // The write in progress loops until the buffer is empty, so it takes these rows too. Waiting for it
      // would hold the caller, and its spans, for as long as the database is slow and calls keep coming:
      // under a stalled database that held every span made meanwhile (bench:memory).
      resultCallback({ code: ExportResultCode.SUCCESS });
      return;
    }
    this.drain().then(
      () => resultCallback({ code: ExportResultCode.SUCCESS }),
      () => resultCallback({ code: ExportResultCode.SUCCESS }),
    );
  }

  /** Tries once more to write everything buffered. A failure is reported through `diag`, not thrown. */
  async forceFlush(): Promise<void> {
    await this.drain().catch(() => undefined);
  }

  /** Writes what it holds, retrying until `shutdownTimeoutMs`; reports any rows it could not write. Safe to call twice. */
  async shutdown(): Promise<void> {
    this.shutdownStarted = true;
    this.clearRetry();
    const deadline = Date.now() + this.config.shutdownTimeoutMs;
    let delay = this.config.initialRetryDelayMs;
    while (this.buffer.length > 0 && Date.now() < deadline) {
      await this.drain().catch(() => undefined);
      if (this.buffer.length === 0) break;
      await new Promise((resolve) => setTimeout(resolve, Math.min(delay, Math.max(0, deadline - Date.now()))));
      delay = Math.min(delay * 2, this.config.maxRetryDelayMs);
    }
    if (this.buffer.length > 0) {
      diag.error(
        `spendtrace: shut down with ${this.buffer.length} AIInteraction rows unwritten (database unreachable)`,
      );
    }
    this.clearRetry();
  }

  stats(): InteractionExporterStats {
    return { buffered: this.buffer.length + this.inFlight.length, ...this.counters };
  }

  private enqueue(row: InteractionRow): void {
    this.buffer.push(row);
    this.enforceBound();
  }

  /** Past the bound, the oldest waiting rows go (counted and reported); the batch being written is never touched. */
  private enforceBound(): void {
    const excess = this.buffer.length - this.config.maxBufferedRows;
    if (excess <= 0) return;
    this.buffer.splice(0, excess);
    this.counters.dropped += excess;
    this.droppedSinceReport += excess;
  }

  /** One writer at a time; a second caller waits for the write in progress, then writes what is left. */
  private drain(): Promise<void> {
    const run = async (): Promise<void> => {
      while (this.writing) await this.writing.catch(() => undefined);
      if (this.buffer.length === 0) return;
      this.writing = this.writeAll();
      try {
        await this.writing;
      } finally {
        this.writing = undefined;
      }
    };
    return context.with(suppressTracing(context.active()), run);
  }

  private async writeAll(): Promise<void> {
    try {
      this.sinkPromise ??= this.resolveSink();
      const sink = await this.sinkPromise.catch((error: unknown) => {
        this.sinkPromise = undefined;
        throw error;
      });
      while (this.buffer.length > 0) {
        this.inFlight = this.buffer.splice(0, this.config.maxBatchRows);
        try {
          this.counters.written += await this.writeBatch(sink, this.inFlight);
        } catch (error) {
          // Back to the front of the queue: a retry cannot double a row (inserts skip existing ones).
          this.buffer.unshift(...this.inFlight);
          this.enforceBound();
          throw error;
        } finally {
          this.inFlight = [];
        }
      }
      this.retryDelayMs = this.config.initialRetryDelayMs;
      this.reportDrops();
    } catch (error) {
      this.counters.failedWrites += 1;
      diag.error(
        `spendtrace: writing ${this.buffer.length} AIInteraction rows failed; retrying in ${this.retryDelayMs} ms`,
        error,
      );
      this.reportDrops();
      this.scheduleRetry();
      throw error;
    }
  }

  /** Inserts a batch; rows the database refuses are dropped and reported, so they cannot block the rest. */
  private writeBatch(sink: InteractionSink, rows: InteractionRow[]): Promise<number> {
    return insertIsolatingRejected(sink, rows, (row, error) => {
      this.counters.rejected += 1;
      diag.error(
        `spendtrace: the database refused the AIInteraction row of span ${row.spanId} in trace ${row.traceId}; dropped it`,
        error,
      );
    });
  }

  private scheduleRetry(): void {
    if (this.retryTimer || this.shutdownStarted) return;
    const delay = this.retryDelayMs;
    this.retryDelayMs = Math.min(this.retryDelayMs * 2, this.config.maxRetryDelayMs);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.drain().catch(() => undefined);
    }, delay);
    this.retryTimer.unref();
  }

  private clearRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  private reportDrops(): void {
    if (this.droppedSinceReport === 0) return;
    diag.error(
      `spendtrace: dropped ${this.droppedSinceReport} AIInteraction rows: buffer full (${this.config.maxBufferedRows} rows) while the database was unreachable`,
    );
    this.droppedSinceReport = 0;
  }
}
