// Sampling for traces, never for the ledger. Wraps the configured sampler (OTEL_TRACES_SAMPLER): what it
// samples stays sampled; of what it drops, the spans the ledger needs are still recorded, unsampled, so
// Spendtrace's processors see them while trace exporters (which export sampled spans only) do not.
import { SpanKind, type Attributes, type Context, type Link } from '@opentelemetry/api';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  SamplingDecision,
  TraceIdRatioBasedSampler,
  type Sampler,
  type SamplingResult,
} from '@opentelemetry/sdk-trace-base';
import { ATTR_HTTP_ROUTE, ATTR_NEXT_ROUTE } from '../ledger/attributes';
import { mayBeModelCall } from '../ledger/dialects';
import type { TracesSamplerName } from '../config/sampler-names';

/** The standard sampler an OTEL_TRACES_SAMPLER value names; `ratio` is OTEL_TRACES_SAMPLER_ARG (default 1). */
export function standardSampler(name: TracesSamplerName, ratio = 1): Sampler {
  switch (name) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(ratio);
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) });
  }
}

/**
 * A span the ledger needs, judged from what it has at start: an AI call (a marker attribute of any dialect:
 * `gen_ai.operation.name`, `ai.operation`, the AI SDK's `ai.operationId`, …), a span naming its route (`next.route`, `http.route`: where a route's source comes from),
 * or a SERVER span (the local root, which holds the request's source and totals).
 */
export function ledgerNeeds(kind: SpanKind, attributes: Attributes): boolean {
  return (
    kind === SpanKind.SERVER ||
    mayBeModelCall(attributes) ||
    attributes[ATTR_NEXT_ROUTE] !== undefined ||
    attributes[ATTR_HTTP_ROUTE] !== undefined
  );
}

export class LedgerSampler implements Sampler {
  constructor(private readonly delegate: Sampler) {}

  shouldSample(
    context: Context,
    traceId: string,
    spanName: string,
    spanKind: SpanKind,
    attributes: Attributes,
    links: Link[],
  ): SamplingResult {
    const result = this.delegate.shouldSample(context, traceId, spanName, spanKind, attributes, links);
    if (result.decision !== SamplingDecision.NOT_RECORD || !ledgerNeeds(spanKind, attributes)) return result;
    return { ...result, decision: SamplingDecision.RECORD };
  }

  toString(): string {
    return `LedgerSampler{${this.delegate.toString()}}`;
  }
}
