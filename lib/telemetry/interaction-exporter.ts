// Persists one AIInteraction row per AI span. Writes are bulk and idempotent; while the database is
// unreachable, rows wait in a bounded buffer and are retried with backoff; shutdown flushes.
import { context, diag } from '@opentelemetry/api';
import { ExportResultCode, suppressTracing, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { fromReadableSpan, spanToInteraction, type InteractionRow } from './span-to-interaction';
import type { InteractionExporterConfig, InteractionSink } from './types';

export interface InteractionExporterStats {
  /** Rows waiting to be written. */
  buffered: number;
  /** Rows inserted (duplicates skipped by the database are not counted). */
  written: number;
  /** Rows dropped because the buffer was full. */
  dropped: number;
  /** Write attempts that failed. */
  failedWrites: number;
}

export class InteractionExporter implements SpanExporter {
  private readonly config: Required<Omit<InteractionExporterConfig, 'sink'>>;
  private readonly resolveSink: () => Promise<InteractionSink>;
  private sinkPromise: Promise<InteractionSink> | undefined;
  private buffer: InteractionRow[] = [];
  private writing: Promise<void> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryDelayMs: number;
  private droppedSinceReport = 0;
  private shutdownStarted = false;
  private readonly counters = { written: 0, dropped: 0, failedWrites: 0 };

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
    this.retryDelayMs = this.config.initialRetryDelayMs;
  }

  /**
   * Maps the AI spans to rows and writes them. Always reports success to the span processor: rows that
   * could not be written stay in this exporter's buffer and are retried, so the processor's queue never
   * backs up behind a database outage.
   */
  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    if (this.shutdownStarted) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error('InteractionExporter is shut down') });
      return;
    }
    try {
      for (const span of spans) {
        const row = spanToInteraction(fromReadableSpan(span), { priceBook: this.config.priceBook });
        if (row) this.enqueue(row);
      }
    } catch (error) {
      diag.error('spendtrace: mapping spans to AIInteraction rows failed', error);
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
    return { buffered: this.buffer.length, ...this.counters };
  }

  private enqueue(row: InteractionRow): void {
    if (this.buffer.length >= this.config.maxBufferedRows) {
      this.buffer.shift();
      this.counters.dropped += 1;
      this.droppedSinceReport += 1;
    }
    this.buffer.push(row);
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
        const batch = this.buffer.slice(0, this.config.maxBatchRows);
        this.counters.written += await sink.insertMany(batch);
        // Only now drop them: a failed insert leaves the batch buffered, and a retry cannot double it.
        this.buffer.splice(0, batch.length);
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
