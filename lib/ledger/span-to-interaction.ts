// The one mapping from a finished span to an AIInteraction row, shared by the in-process exporter and
// the collector sink. Pure: same span and price book in, same row out.
import { SpanStatusCode, type Attributes } from '@opentelemetry/api';
import { hrTimeToMilliseconds } from '@opentelemetry/core';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { PriceBook } from './price-types';
import { costOfCall, type AICost, type CostStatus, type Operation } from './ai-span';
import { keyTextAttribute, MAX_TOKEN_COUNT, tokenCountAttribute } from './attribute-readers';
import { readModelCall, type ModelCall, type SpanView } from './dialects';
import { keyText, MAX_ATTRIBUTE_TEXT_BYTES } from './storable-text';
import {
  AI_ATTR_PREFIX,
  ATTR_AI_COUNTED_INPUT_TOKENS,
  ATTR_AI_FEATURE,
  ATTR_AI_SOURCE,
  ATTR_AI_STREAMED,
  ATTR_ERROR_TYPE,
  ATTR_SERVICE_NAME,
  ATTR_SERVICE_VERSION,
} from './attributes';
import { normalizeSource, sourceKindOf, type SourceKind } from './source-rules';

/** A finished span in transport-neutral form: from the SDK in-process, or decoded from OTLP by the sink. */
export interface SpanRecord {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  /** Milliseconds since the epoch, fractional. */
  startTimeMs: number;
  durationMs: number;
  attributes: Attributes;
  statusCode: SpanStatusCode;
  serviceName: string | undefined;
  /** The resource's service.version, where it has one. */
  serviceVersion?: string;
  /** The instrumentation scope that created the span, where known: some dialects depend on the emitter. */
  scope?: SpanView['scope'];
}

/** Developer attribute values, as stored in the row's JSON column. */
export type AttributeJson = Record<string, string | number | boolean | (string | number | boolean | null)[]>;

/** One AIInteraction row, as written by the interaction store. */
export interface InteractionRow {
  startedAt: Date;
  durationMs: number;
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  source: string | null;
  sourceKind: SourceKind;
  featureId: string | null;
  operation: Operation;
  provider: string;
  requestModel: string | null;
  responseModel: string | null;
  inputTokens: number | null;
  cachedInputTokens: number | null;
  outputTokens: number | null;
  reasoningTokens: number | null;
  totalTokens: number | null;
  costUsd: string | null;
  costStatus: CostStatus;
  priceRef: string | null;
  streamed: boolean;
  status: 'ok' | 'error';
  errorType: string | null;
  serviceName: string | null;
  attributes: AttributeJson;
  /** The release that made the call (service.version); absent or null when unknown. */
  serviceVersion?: string | null;
}

export function fromReadableSpan(span: ReadableSpan): SpanRecord {
  const context = span.spanContext();
  const serviceName = span.resource.attributes[ATTR_SERVICE_NAME];
  const serviceVersion = span.resource.attributes[ATTR_SERVICE_VERSION];
  return {
    traceId: context.traceId,
    spanId: context.spanId,
    parentSpanId: span.parentSpanContext?.spanId,
    name: span.name,
    startTimeMs: hrTimeToMilliseconds(span.startTime),
    durationMs: hrTimeToMilliseconds(span.duration),
    attributes: span.attributes,
    statusCode: span.status.code,
    serviceName: typeof serviceName === 'string' ? serviceName : undefined,
    serviceVersion: typeof serviceVersion === 'string' && serviceVersion !== '' ? serviceVersion : undefined,
    scope: { name: span.instrumentationScope.name, version: span.instrumentationScope.version },
  };
}

function developerAttributes(attributes: Attributes): AttributeJson {
  const out: AttributeJson = {};
  // `for…in` with an own-key check visits what Object.entries would, without an array of pairs per row.
  for (const key in attributes) {
    if (!key.startsWith(AI_ATTR_PREFIX) || !Object.hasOwn(attributes, key)) continue;
    const value = attributes[key];
    if (value === undefined) continue;
    // JSON has no undefined: an array's missing entries are stored as null.
    // Defined, not assigned: a key `__proto__` (from baggage or any OTLP client) is kept as a key.
    Object.defineProperty(out, keyText(key.slice(AI_ATTR_PREFIX.length)), {
      value: Array.isArray(value)
        ? value.map((v) => (typeof v === 'string' ? keyText(v, MAX_ATTRIBUTE_TEXT_BYTES) : (v ?? null)))
        : typeof value === 'string'
          ? keyText(value, MAX_ATTRIBUTE_TEXT_BYTES)
          : value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

export interface MappingOptions {
  priceBook: PriceBook;
  /** Source to use when the span carries no `ai.source` (the sink passes its trace root's route). */
  fallbackSource?: string | null;
}

/** Maps a span to its row, or null when the span is not an AI call. */
export function spanToInteraction(span: SpanRecord, options: MappingOptions): InteractionRow | null {
  const call = readModelCall(span);
  return call === undefined ? null : callToInteraction(span, call, options);
}

/**
 * The row of a span already read as `call` (see dialects/). `cost`, when the caller has it already (the exporter
 * reuses the cost processor's): the call's cost at `span.startTimeMs` with `options.priceBook`.
 */
export function callToInteraction(
  span: SpanRecord,
  call: ModelCall,
  options: MappingOptions,
  cost?: AICost,
): InteractionRow {
  const { attributes } = span;
  const { operation, usage } = call;
  const startedAt = new Date(span.startTimeMs);
  const { status, costUsd, priceRef } = cost ?? costOfCall(call, startedAt, options.priceBook);
  const given = keyTextAttribute(attributes, ATTR_AI_SOURCE) ?? options.fallbackSource;
  const source = given ? normalizeSource(given) : null;
  const failed = span.statusCode === SpanStatusCode.ERROR;
  const sum = (usage.inputTokens ?? 0) + (usage.outputTokens ?? 0);
  // Each count fits the INTEGER column; a sum that does not is no real call's total either.
  const totalTokens =
    (usage.inputTokens === undefined && usage.outputTokens === undefined) || sum > MAX_TOKEN_COUNT ? null : sum;
  return {
    startedAt,
    durationMs: span.durationMs,
    traceId: span.traceId,
    spanId: span.spanId,
    parentSpanId: span.parentSpanId ?? null,
    source,
    sourceKind: sourceKindOf(source),
    featureId: keyTextAttribute(attributes, ATTR_AI_FEATURE) ?? call.feature ?? null,
    operation,
    provider: call.provider,
    requestModel: call.requestModel ?? null,
    responseModel: call.responseModel ?? null,
    // A token-count request consumed nothing; its row keeps the count it returned.
    inputTokens:
      usage.inputTokens ??
      (operation === 'token_count' ? tokenCountAttribute(attributes, ATTR_AI_COUNTED_INPUT_TOKENS) : undefined) ??
      null,
    cachedInputTokens: usage.cachedInputTokens ?? null,
    outputTokens: usage.outputTokens ?? null,
    reasoningTokens: usage.reasoningTokens ?? null,
    totalTokens,
    costUsd,
    costStatus: status,
    priceRef,
    streamed: call.streamed ?? attributes[ATTR_AI_STREAMED] === true,
    status: failed ? 'error' : 'ok',
    errorType: failed ? (keyTextAttribute(attributes, ATTR_ERROR_TYPE) ?? '_OTHER') : null,
    serviceName: span.serviceName === undefined ? null : keyText(span.serviceName),
    attributes: developerAttributes(attributes),
    ...(span.serviceVersion === undefined ? {} : { serviceVersion: keyText(span.serviceVersion) }),
  };
}
