// Hands every ended AI span to the InteractionExporter, sampled or not. A BatchSpanProcessor exports sampled
// spans only, which is right for traces and wrong for a ledger: with LedgerSampler, an AI call in a trace
// the sampler dropped is recorded unsampled, and must still become its row.
import { context, diag } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { sharedSpanReadings, type SpanReadings } from './span-readings';

export interface LedgerSpanProcessorOptions {
  /** How long an ended AI span may wait for its batch. Default 1000 ms. */
  scheduledDelayMillis?: number;
  /** A batch goes as soon as it has this many spans. Default 512. */
  maxBatchSpans?: number;
  /** What is read of each ended span, shared with the cost processor and the exporter. Default: the shared one. */
  readings?: SpanReadings;
}

export class LedgerSpanProcessor implements SpanProcessor {
  private pending: ReadableSpan[] = [];
  private timer: NodeJS.Timeout | undefined;
  private exports = new Set<Promise<void>>();
  private stopped: Promise<void> | undefined;
  private readonly delayMs: number;
  private readonly maxBatch: number;
  private readonly readings: SpanReadings;

  constructor(
    private readonly exporter: SpanExporter,
    options: LedgerSpanProcessorOptions = {},
  ) {
    this.delayMs = options.scheduledDelayMillis ?? 1000;
    this.maxBatch = options.maxBatchSpans ?? 512;
    this.readings = options.readings ?? sharedSpanReadings;
  }

  onStart(): void {}

  onEnd(span: ReadableSpan): void {
    if (this.stopped) return;
    try {
      if (this.readings.modelCallOf(span) === undefined) return;
      // The exporter maps the span later: it reuses this reading and the cost processor's price.
      this.readings.keep(span);
      this.pending.push(span);
      if (this.pending.length >= this.maxBatch) void this.exportPending();
      else this.timer ??= setTimeout(() => void this.exportPending(), this.delayMs).unref();
    } catch (error) {
      diag.error('spendtrace: LedgerSpanProcessor.onEnd failed', error);
    }
  }

  async forceFlush(): Promise<void> {
    await this.exportPending();
    await Promise.all(this.exports);
    await this.exporter.forceFlush?.();
  }

  /** Exports what is pending, then shuts the exporter down (which writes what it holds). Safe to call twice. */
  shutdown(): Promise<void> {
    this.stopped ??= (async () => {
      await this.exportPending();
      await Promise.all(this.exports);
      await this.exporter.shutdown();
    })();
    return this.stopped;
  }

  private exportPending(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const spans = this.pending;
    if (spans.length === 0) return Promise.resolve();
    this.pending = [];
    const exported = (async () => {
      // As a batch processor does: the rows carry resource attributes (service.name) that detectors may
      // still be settling when the first spans end.
      const pending = new Set(spans.map((s) => s.resource).filter((r) => r.asyncAttributesPending));
      for (const resource of pending) await resource.waitForAsyncAttributes?.().catch(() => undefined);
      await new Promise<void>((resolve) => {
        // The exporter's own database calls must not become spans.
        context.with(suppressTracing(context.active()), () => {
          try {
            this.exporter.export(spans, () => resolve());
          } catch (error) {
            diag.error('spendtrace: exporting AI spans to the ledger failed', error);
            resolve();
          }
        });
      });
    })();
    this.exports.add(exported);
    void exported.then(() => this.exports.delete(exported));
    return exported;
  }
}
