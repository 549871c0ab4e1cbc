// Builds OTLP/JSON trace export bodies by hand, for tests that need what the official exporters never
// send (invalid ids) or many requests from a plain `fetch` loop.
import { randomBytes } from 'node:crypto';

/** OTLP SpanKind and status code numbers, as OTLP/JSON writes them. */
export const OTLP_SPAN_KIND_SERVER = 2;
export const OTLP_SPAN_KIND_CLIENT = 3;

export interface JsonSpanInput {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Record<string, string | number | boolean>;
  /** 2 is ERROR. */
  statusCode?: number;
}

export function newTraceId(): string {
  return randomBytes(16).toString('hex');
}

export function newSpanId(): string {
  return randomBytes(8).toString('hex');
}

/** A priced chat call's GenAI attributes: gpt-4o-mini, 20 input and 10 output tokens ($0.000009). */
export const CHAT_ATTRIBUTES = {
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': 'openai',
  'gen_ai.request.model': 'gpt-4o-mini',
  'gen_ai.response.model': 'gpt-4o-mini',
  'gen_ai.usage.input_tokens': 20,
  'gen_ai.usage.output_tokens': 10,
} as const;

/** The row fields of a call with {@link CHAT_ATTRIBUTES} sent by `serviceName` (priced, no service.version). */
export function chatRowFields(serviceName: string) {
  return {
    operation: 'chat',
    provider: 'openai',
    requestModel: 'gpt-4o-mini',
    responseModel: 'gpt-4o-mini',
    inputTokens: 20,
    cachedInputTokens: null,
    outputTokens: 10,
    reasoningTokens: null,
    totalTokens: 30,
    costUsd: '0.000009000000',
    costStatus: 'priced',
    priceRef: 'genai-prices@0.1.8:openai/gpt-4o-mini',
    streamed: false,
    status: 'ok',
    errorType: null,
    serviceName,
    serviceVersion: null,
  } as const;
}

function anyValue(value: string | number | boolean): Record<string, unknown> {
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  return Number.isInteger(value) ? { intValue: value } : { doubleValue: value };
}

/** An ExportTraceServiceRequest in OTLP/JSON: one resource (`service.name`), one scope, the spans. */
export function otlpJsonRequest(serviceName: string, spans: readonly JsonSpanInput[]): string {
  const now = BigInt(Date.now()) * 1_000_000n;
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: serviceName } }] },
        scopeSpans: [
          {
            scope: { name: 'spendtrace-test' },
            spans: spans.map((span) => ({
              traceId: span.traceId,
              spanId: span.spanId,
              ...(span.parentSpanId !== undefined && { parentSpanId: span.parentSpanId }),
              name: span.name,
              kind: span.kind,
              startTimeUnixNano: String(now),
              endTimeUnixNano: String(now + 250_000_000n),
              attributes: Object.entries(span.attributes).map(([key, value]) => ({ key, value: anyValue(value) })),
              status: { code: span.statusCode ?? 0 },
            })),
          },
        ],
      },
    ],
  });
}
