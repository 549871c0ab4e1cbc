// What the ledger reads of each ended span, kept with the span: the cost processor, the ledger processor and the
// exporter all need the span's provider call and its cost, and between them read and price it once.
import { hrTimeToMilliseconds } from '@opentelemetry/core';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { costOfCall, type AICost } from '../ledger/ai-span';
import type { ModelCall } from '../ledger/dialects';
import type { PriceBook } from '../ledger/price-types';
import { modelCallOf } from './span-view';

interface Reading {
  span: ReadableSpan;
  /** The attributes read. A span whose attributes are another object since (a hand-made one) is read again. */
  attributes: ReadableSpan['attributes'];
  call: ModelCall | undefined;
  /** The call's cost at the span's start, and the price book that gave it. */
  priced: { priceBook: PriceBook; cost: AICost } | undefined;
}

/**
 * The span whose own instrumentation (the app's client, `lib/ai/call-span.ts`) built the call it records from
 * what it gave the span, and priced it, just before ending it: the processors see the span as it ends,
 * right after, and take this reading rather than reading and pricing the span again. One span at a time, no
 * map: the client presets a span's reading as it ends it, and the processors (and the ledger's `keep`, for
 * the exporter) take it during that end. Module-wide because the client does not know which pipeline (which
 * `SpanReadings`) will see its span; on globalThis because Next.js bundles instrumentation.ts (the processors)
 * and the routes (the client) as separate module graphs, each with its own copy of this module.
 */
const shared = globalThis as unknown as {
  spendtracePresetReading?: { span: ReadableSpan; call: ModelCall | undefined; priced: Reading['priced'] };
};

/** Records the call `span` records and its cost by `priceBook`, as its own instrumentation read and priced it. */
export function presetReading(
  span: ReadableSpan,
  call: ModelCall | undefined,
  priceBook: PriceBook,
  cost: AICost,
): void {
  shared.spendtracePresetReading = { span, call, priced: { priceBook, cost } };
}

/**
 * One instance serves every processor and exporter of a pipeline (`createSpendtraceProcessors` passes one to
 * each). A span is read once it has ended, when its attributes can no longer change; before that (`onEnding`)
 * it is read afresh each time. The processors are told of a span in turn as it ends, so the reading of the
 * span that ended last is at hand; a span handed on to an exporter is kept (`keep`) until it is collected.
 */
export class SpanReadings {
  private last: Reading | undefined;
  private readonly kept = new WeakMap<ReadableSpan, Reading>();

  /** Whether a span's preset reading stands for reading it: only where spans are read the ledger's way. */
  private readonly usePresets: boolean;

  /** @param read how a span is read: default the ledger's dialects (`modelCallOf`). */
  constructor(private readonly read: (span: ReadableSpan) => ModelCall | undefined = modelCallOf) {
    this.usePresets = read === modelCallOf;
  }

  /** The provider call the span records, in any dialect the ledger reads; undefined for any other span. */
  modelCallOf(span: ReadableSpan): ModelCall | undefined {
    return span.ended ? this.readingOf(span).call : this.read(span);
  }

  /** The cost of `call` (read from `span`) at the span's start, priced once per span and price book. */
  costOf(span: ReadableSpan, call: ModelCall, priceBook: PriceBook): AICost {
    const reading = span.ended ? this.readingOf(span) : undefined;
    // Only the call this span's reading gave: a caller with a call of its own gets that call priced.
    const mine = reading !== undefined && reading.call === call;
    if (mine && reading.priced?.priceBook === priceBook) return reading.priced.cost;
    const cost = costOfCall(call, new Date(hrTimeToMilliseconds(span.startTime)), priceBook);
    if (mine) reading.priced = { priceBook, cost };
    return cost;
  }

  /** Keeps an ended span's reading (and cost) for as long as the span lives: for a span an exporter maps later. */
  keep(span: ReadableSpan): void {
    if (span.ended) this.kept.set(span, this.readingOf(span));
  }

  /** An ended span's reading, made on first use. */
  private readingOf(span: ReadableSpan): Reading {
    let reading = this.last?.span === span ? this.last : this.kept.get(span);
    if (reading === undefined || reading.attributes !== span.attributes) {
      const preset = this.usePresets ? shared.spendtracePresetReading : undefined;
      reading =
        preset?.span === span
          ? { span, attributes: span.attributes, call: preset.call, priced: preset.priced }
          : { span, attributes: span.attributes, call: this.read(span), priced: undefined };
    }
    this.last = reading;
    return reading;
  }
}

/** The instance processors and exporters use unless given one: sharing it is what makes a span read once. */
export const sharedSpanReadings = new SpanReadings();
