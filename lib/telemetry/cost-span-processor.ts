// Prices every span with GenAI usage — ours or another instrumentation's — and rolls per-request totals
// up to the trace's local root span, so an SRE can search Jaeger by what a request cost.
import { diag, SpanStatusCode, type Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { PriceBook } from '../ledger/price-types';
import { INEXACT_COST_STATUSES } from '../ledger/ai-span';
import {
  ATTR_AI_CALLS,
  ATTR_AI_COST_COMPLETE,
  ATTR_AI_COST_STATUS,
  ATTR_AI_COST_USD,
  ATTR_AI_INPUT_TOKENS,
  ATTR_AI_OUTPUT_TOKENS,
} from '../ledger/attributes';
import { costAttributes } from '../ledger/cost-attributes';
import { BoundedMap } from './bounded-map';
import { LocalRoots } from './local-roots';
import { sharedSpanReadings, type SpanReadings } from './span-readings';
import type { SpendObserver } from './spend-observer';
import type { CostSpanProcessorConfig } from './types';

// Looked up once: where modules are compiled to CommonJS (tsx runs the Node.js scripts so) an imported binding is a
// getter, and this is read as every span ends.
const COST_STATUS = ATTR_AI_COST_STATUS;

interface RequestTotals {
  calls: number;
  inputTokens: number;
  outputTokens: number;
  costPicoUsd: bigint;
  complete: boolean;
}

export class CostSpanProcessor implements SpanProcessor {
  private readonly priceBook: PriceBook;
  private readonly roots: LocalRoots;
  private readonly totals: BoundedMap<string, RequestTotals>;
  private readonly spendObserver: SpendObserver | undefined;
  private readonly readings: SpanReadings;

  constructor(config: CostSpanProcessorConfig) {
    this.priceBook = config.priceBook;
    this.spendObserver = config.spendObserver;
    this.readings = config.readings ?? sharedSpanReadings;
    const maxOpenTraces = config.maxOpenTraces ?? 10_000;
    this.roots = config.roots ?? new LocalRoots(maxOpenTraces);
    this.totals = new BoundedMap(maxOpenTraces);
  }

  onStart(span: Span, _parentContext: Context): void {
    this.roots.track(span);
  }

  /**
   * Sets the span's own cost before it is frozen. Called by SDKs that support the experimental hook
   * (sdk-trace-base 2.x with NodeSDK); `@vercel/otel` does not forward it, so our OpenAI instrumentation
   * sets the same attributes itself and the row mapping prices spans that arrive without them.
   */
  onEnding(span: Span): void {
    try {
      if (span.attributes[COST_STATUS] !== undefined) return;
      const call = this.readings.modelCallOf(span);
      if (call !== undefined) span.setAttributes(costAttributes(this.readings.costOf(span, call, this.priceBook)));
    } catch (error) {
      diag.error('spendtrace: CostSpanProcessor.onEnding failed', error);
    }
  }

  onEnd(span: ReadableSpan): void {
    const { traceId } = span.spanContext();
    try {
      const call = this.readings.modelCallOf(span);
      if (call === undefined || call.operation === 'token_count') return;
      // Kept with the span: the exporter's row reuses this reading and this cost.
      const cost = this.readings.costOf(span, call, this.priceBook);
      if (cost.costPicoUsd !== null && cost.costPicoUsd > 0n) {
        this.spendObserver?.spent(span.attributes, Number(cost.costPicoUsd) / 1e12);
      }
      const root = this.roots.openRootOf(traceId);
      if (root === undefined || root === span) return;
      const { usage } = call;
      const totals = this.totals.get(traceId) ?? {
        calls: 0,
        inputTokens: 0,
        outputTokens: 0,
        costPicoUsd: 0n,
        complete: true,
      };
      totals.calls += 1;
      totals.inputTokens += usage.inputTokens ?? 0;
      totals.outputTokens += usage.outputTokens ?? 0;
      totals.costPicoUsd += cost.costPicoUsd ?? 0n;
      // An unpriced model, or a call that succeeded (or was abandoned mid-stream) without reporting usage,
      // makes the total a lower bound; an estimated or upper-bound cost makes it inexact. A call the provider
      // refused without usage cost nothing.
      const unknown =
        cost.status === 'unpriced' ||
        INEXACT_COST_STATUSES.includes(cost.status) ||
        (cost.status === 'no_usage' && span.status.code !== SpanStatusCode.ERROR);
      totals.complete &&= !unknown;
      this.totals.set(traceId, totals);
      root.setAttributes({
        [ATTR_AI_CALLS]: totals.calls,
        [ATTR_AI_INPUT_TOKENS]: totals.inputTokens,
        [ATTR_AI_OUTPUT_TOKENS]: totals.outputTokens,
        [ATTR_AI_COST_USD]: Number(totals.costPicoUsd) / 1e12,
        [ATTR_AI_COST_COMPLETE]: totals.complete,
      });
    } catch (error) {
      diag.error('spendtrace: CostSpanProcessor.onEnd failed', error);
    } finally {
      this.roots.release(span);
      if (this.roots.openRootOf(traceId) === undefined) this.totals.delete(traceId);
    }
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    this.totals.clear();
    return Promise.resolve();
  }
}
