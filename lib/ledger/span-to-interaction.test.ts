// The one span-to-row mapping, on hand-built SpanRecords (exact whole rows, real price book), and
// fromReadableSpan on a span finished by a real BasicTracerProvider.
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { describe, expect, it } from 'vitest';

import { NO_USAGE } from '../../harness/interaction-rows';
import { inMemoryTracing } from '../../test/support/in-memory-tracing';
import { createPriceBook, GENAI_PRICES_VERSION } from './price-book';
import type { SourceKind } from './source-rules';
import { fromReadableSpan, spanToInteraction, type InteractionRow, type SpanRecord } from './span-to-interaction';

const priceBook = createPriceBook();
const REF = `genai-prices@${GENAI_PRICES_VERSION}:openai`;
const STARTED_MS = Date.parse('2026-11-25T12:00:00.000Z');
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';
const PARENT_SPAN_ID = '53995c3f42cd8ad8';

function record(attributes: Attributes, overrides: Partial<SpanRecord> = {}): SpanRecord {
  return {
    traceId: TRACE_ID,
    spanId: SPAN_ID,
    parentSpanId: PARENT_SPAN_ID,
    name: 'chat gpt-4o-mini',
    startTimeMs: STARTED_MS,
    durationMs: 812.5,
    attributes,
    statusCode: SpanStatusCode.UNSET,
    serviceName: 'spendtrace-app',
    ...overrides,
  };
}

/** What a gpt-4o-mini chat span carries from its start, before the response. */
const CHAT_REQUEST: Attributes = {
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': 'openai',
  'gen_ai.request.model': 'gpt-4o-mini',
};

/** A minimal successful chat call, for the tests about one field. */
const CHAT: Attributes = { ...CHAT_REQUEST, 'gen_ai.usage.input_tokens': 20, 'gen_ai.usage.output_tokens': 10 };

/** The row of CHAT, for the tests that change one field of it. */
const CHAT_ROW: InteractionRow = {
  startedAt: new Date('2026-11-25T12:00:00.000Z'),
  durationMs: 812.5,
  traceId: TRACE_ID,
  spanId: SPAN_ID,
  parentSpanId: PARENT_SPAN_ID,
  source: null,
  sourceKind: 'unattributed',
  featureId: null,
  operation: 'chat',
  provider: 'openai',
  requestModel: 'gpt-4o-mini',
  responseModel: null,
  inputTokens: 20,
  cachedInputTokens: null,
  outputTokens: 10,
  reasoningTokens: null,
  totalTokens: 30,
  // 20 in * 150,000 + 10 out * 600,000 pico.
  costUsd: '0.000009000000',
  costStatus: 'priced',
  priceRef: `${REF}/gpt-4o-mini`,
  streamed: false,
  status: 'ok',
  errorType: null,
  serviceName: 'spendtrace-app',
  attributes: {},
};

describe('spanToInteraction', () => {
  it('maps a chat span with cached input tokens', () => {
    const span = record({
      ...CHAT_REQUEST,
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.usage.input_tokens': 1200,
      'gen_ai.usage.cache_read.input_tokens': 1024,
      'gen_ai.usage.output_tokens': 50,
      'ai.operation': 'chat',
      'ai.source': '/api/leads/[id]/draft',
      'ai.feature': 'lead_draft',
      'ai.streamed': false,
    });

    expect(spanToInteraction(span, { priceBook })).toEqual({
      ...CHAT_ROW,
      source: '/api/leads/[id]/draft',
      sourceKind: 'route',
      featureId: 'lead_draft',
      responseModel: 'gpt-4o-mini-2024-07-18',
      inputTokens: 1200,
      cachedInputTokens: 1024,
      outputTokens: 50,
      totalTokens: 1250,
      // 176 uncached * 150,000 + 1024 cached * 75,000 + 50 out * 600,000 = 133,200,000 pico.
      costUsd: '0.000133200000',
    } satisfies InteractionRow);
  });

  it('maps an embeddings span', () => {
    const span = record(
      {
        'gen_ai.operation.name': 'embeddings',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'text-embedding-3-small',
        'gen_ai.response.model': 'text-embedding-3-small',
        'gen_ai.usage.input_tokens': 16,
        'ai.source': 'job:reindex_leads',
      },
      { name: 'embeddings text-embedding-3-small', durationMs: 95 },
    );

    expect(spanToInteraction(span, { priceBook })).toEqual({
      ...CHAT_ROW,
      durationMs: 95,
      source: 'job:reindex_leads',
      sourceKind: 'job',
      operation: 'embeddings',
      requestModel: 'text-embedding-3-small',
      responseModel: 'text-embedding-3-small',
      inputTokens: 16,
      outputTokens: null,
      totalTokens: 16,
      // 16 in * 20,000 pico.
      costUsd: '0.000000320000',
      priceRef: `${REF}/text-embedding-3-small`,
    } satisfies InteractionRow);
  });

  it('maps a streamed responses span with reasoning tokens', () => {
    const span = record(
      {
        ...CHAT_REQUEST,
        'gen_ai.request.model': 'o4-mini',
        'gen_ai.response.model': 'o4-mini-2025-04-16',
        'gen_ai.usage.input_tokens': 100,
        'gen_ai.usage.output_tokens': 300,
        'gen_ai.usage.reasoning.output_tokens': 256,
        'ai.operation': 'responses',
        'ai.streamed': true,
        'ai.source': 'action:insights_chat.send_message',
        'ai.feature': 'insights_chat',
      },
      { name: 'responses o4-mini' },
    );

    expect(spanToInteraction(span, { priceBook })).toEqual({
      ...CHAT_ROW,
      source: 'action:insights_chat.send_message',
      sourceKind: 'action',
      featureId: 'insights_chat',
      operation: 'responses',
      requestModel: 'o4-mini',
      responseModel: 'o4-mini-2025-04-16',
      inputTokens: 100,
      outputTokens: 300,
      reasoningTokens: 256,
      totalTokens: 400,
      // o4-mini: 100 in * 1,100,000 + 300 out (reasoning included) * 4,400,000 pico.
      costUsd: '0.001430000000',
      priceRef: `${REF}/o4-mini`,
      streamed: true,
    } satisfies InteractionRow);
  });

  it('maps a token_count span as not billable, with no cost', () => {
    const span = record({
      'ai.operation': 'token_count',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.usage.input_tokens': 812,
    });

    expect(spanToInteraction(span, { priceBook })).toEqual({
      ...CHAT_ROW,
      operation: 'token_count',
      inputTokens: 812,
      outputTokens: null,
      totalTokens: 812,
      costUsd: null,
      costStatus: 'not_billable',
      priceRef: null,
    } satisfies InteractionRow);
  });

  it('maps a failed call with its error type and no usage', () => {
    const span = record({ ...CHAT_REQUEST, 'error.type': 'RateLimitError' }, { statusCode: SpanStatusCode.ERROR });

    expect(spanToInteraction(span, { priceBook })).toEqual({
      ...CHAT_ROW,
      ...NO_USAGE,
      status: 'error',
      errorType: 'RateLimitError',
    } satisfies InteractionRow);
  });

  it("gives a failed call without error.type the error type '_OTHER'", () => {
    const span = record(CHAT, { statusCode: SpanStatusCode.ERROR });

    expect(spanToInteraction(span, { priceBook })).toEqual({
      ...CHAT_ROW,
      status: 'error',
      errorType: '_OTHER',
    } satisfies InteractionRow);
  });

  it('gives a call that did not fail no error type, even with error.type set', () => {
    const span = record({ ...CHAT, 'error.type': 'RateLimitError' }, { statusCode: SpanStatusCode.OK });

    expect(spanToInteraction(span, { priceBook })).toEqual(CHAT_ROW);
  });

  it('maps an unknown model as unpriced with a null cost, never 0', () => {
    const unknown = 'gpt-unknown-9000';
    const span = record({ ...CHAT, 'gen_ai.request.model': unknown, 'gen_ai.response.model': unknown });

    expect(spanToInteraction(span, { priceBook })).toEqual({
      ...CHAT_ROW,
      requestModel: unknown,
      responseModel: unknown,
      costUsd: null,
      costStatus: 'unpriced',
      priceRef: null,
    } satisfies InteractionRow);
  });

  it('reads the deprecated gen_ai.system and prompt/completion token names', () => {
    // The deprecated names, then the current ones.
    const span = record({
      'gen_ai.system': 'openai',
      'gen_ai.usage.prompt_tokens': 20,
      'gen_ai.usage.completion_tokens': 10,
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'gpt-4o-mini',
    });

    expect(spanToInteraction(span, { priceBook })).toEqual(CHAT_ROW);
  });

  it('returns null for a span that is not an AI call', () => {
    const span = record(
      { 'http.target': '/api/leads/42/draft', 'ai.source': '/api/leads/[id]/draft' },
      { name: 'GET' },
    );

    expect(spanToInteraction(span, { priceBook })).toBeNull();
  });

  it.each(['invoke_agent', 'execute_tool', 'create_agent', 'constructor'])(
    'returns null for gen_ai.operation.name %s, which is not one model call',
    (operation) => {
      const span = record({ ...CHAT, 'gen_ai.operation.name': operation });

      expect(spanToInteraction(span, { priceBook })).toBeNull();
    },
  );

  it('replaces NUL characters, which Postgres text cannot hold, with U+FFFD in every string it stores', () => {
    const span = record(
      { ...CHAT, 'ai.source': '/api/\u0000x', 'ai.feature': 'f\u0000', 'ai.attr.k\u0000': ['a\u0000', 'b'] },
      { serviceName: 'svc\u0000' },
    );

    expect(spanToInteraction(span, { priceBook })).toEqual({
      ...CHAT_ROW,
      source: '/api/\uFFFDx',
      sourceKind: 'route',
      featureId: 'f\uFFFD',
      serviceName: 'svc\uFFFD',
      attributes: { 'k\uFFFD': ['a\uFFFD', 'b'] },
    });
  });

  it('replaces lone surrogates, which Postgres JSON and UTF-8 cannot hold, with U+FFFD', () => {
    const span = record({ ...CHAT, 'ai.feature': 'f\uD800', 'ai.attr.k': '\uDC00x', 'ai.attr.e': '\uD83D\uDE00' });

    expect(spanToInteraction(span, { priceBook })).toEqual({
      ...CHAT_ROW,
      featureId: 'f\uFFFD',
      attributes: { k: '\uFFFDx', e: '\uD83D\uDE00' },
    });
  });

  it('cuts the texts it indexes and groups by to 512 UTF-8 bytes at a character boundary, ending them with …', () => {
    const span = record(
      {
        ...CHAT,
        'ai.source': `/${'a'.repeat(600)}`,
        'ai.feature': '€'.repeat(200),
        'gen_ai.response.model': '😀'.repeat(200),
        'gen_ai.provider.name': 'p'.repeat(513),
        'ai.attr.long': 'v'.repeat(1025),
      },
      { serviceName: 's'.repeat(512) },
    );

    expect(spanToInteraction(span, { priceBook })).toEqual({
      ...CHAT_ROW,
      source: `/${'a'.repeat(508)}…`,
      sourceKind: 'route',
      // 169 × 3 bytes + 3.
      featureId: `${'€'.repeat(169)}…`,
      // 127 × 4 bytes + 3.
      responseModel: `${'😀'.repeat(127)}…`,
      provider: `${'p'.repeat(509)}…`,
      costUsd: null,
      costStatus: 'unpriced',
      priceRef: null,
      serviceName: 's'.repeat(512),
      // Developer attributes: up to 1,024 bytes each.
      attributes: { long: `${'v'.repeat(1021)}…` },
    });
  });

  it('stores a raw route path with ids as its template, from the span or from fallbackSource', () => {
    const own = record({ ...CHAT, 'ai.source': '/api/leads/123/draft?x=1' });
    const fallback = record(CHAT);

    expect([
      spanToInteraction(own, { priceBook })?.source,
      spanToInteraction(fallback, { priceBook, fallbackSource: '/api/leads/0f8fad5b-d9cb-469f-a165-70867728950e' })
        ?.source,
    ]).toEqual(['/api/leads/[id]/draft', '/api/leads/[id]']);
  });

  it('stores SQL and HTML in a source and feature literally', () => {
    const span = record({
      ...CHAT,
      'ai.source': "'); DROP TABLE ai_interaction; --",
      'ai.feature': '<script>alert(1)</script>',
    });

    expect(spanToInteraction(span, { priceBook })).toEqual({
      ...CHAT_ROW,
      source: "'); DROP TABLE ai_interaction; --",
      sourceKind: 'unattributed',
      featureId: '<script>alert(1)</script>',
    });
  });

  it('leaves total tokens null when the sum of two real counts would not fit a Postgres INTEGER', () => {
    const span = record({ ...CHAT, 'gen_ai.usage.input_tokens': 2 ** 31 - 1, 'gen_ai.usage.output_tokens': 1 });

    expect(spanToInteraction(span, { priceBook })).toEqual({
      ...CHAT_ROW,
      inputTokens: 2 ** 31 - 1,
      outputTokens: 1,
      totalTokens: null,
      // 2,147,483,647 in × 150,000 pico + 1 out × 600,000 pico.
      costUsd: '322.122547650000',
    });
  });

  it('ignores token counts that cannot be real (negative, fractional strings, beyond a Postgres INTEGER)', () => {
    const span = record({
      ...CHAT,
      'gen_ai.usage.input_tokens': 2 ** 31,
      'gen_ai.usage.output_tokens': -1,
      'gen_ai.usage.cache_read.input_tokens': '12.5',
    });

    expect(spanToInteraction(span, { priceBook })).toEqual({ ...CHAT_ROW, ...NO_USAGE });
  });

  // The test, the span's attributes, and the source and kind its row gets with fallbackSource '/api/cron/followups'.
  it.each<[string, Attributes, string, SourceKind]>([
    ['uses fallbackSource when the span has no ai.source', CHAT, '/api/cron/followups', 'route'],
    [
      'prefers the span ai.source over fallbackSource',
      { ...CHAT, 'ai.source': 'action:leads.draft' },
      'action:leads.draft',
      'action',
    ],
  ])('%s', (_test, attributes, source, sourceKind) => {
    expect(spanToInteraction(record(attributes), { priceBook, fallbackSource: '/api/cron/followups' })).toEqual({
      ...CHAT_ROW,
      source,
      sourceKind,
    } satisfies InteractionRow);
  });

  it('records a span without any source as unattributed', () => {
    expect(spanToInteraction(record(CHAT), { priceBook, fallbackSource: null })).toEqual(CHAT_ROW);
  });

  const sourceRows: [string, SourceKind][] = [
    ['action:insights_chat.send_message', 'action'],
    ['job:weekly_digest', 'job'],
    ['/api/leads/[id]/draft', 'route'],
    ['leads', 'unattributed'],
  ];

  it.each(sourceRows)('gives source %s the kind %s', (source, sourceKind) => {
    expect(spanToInteraction(record({ ...CHAT, 'ai.source': source }), { priceBook })).toEqual({
      ...CHAT_ROW,
      source,
      sourceKind,
    } satisfies InteractionRow);
  });

  it('keeps developer attributes without their ai.attr. prefix', () => {
    const span = record({ ...CHAT, 'ai.attr.customer_tier': 'pro', 'ai.attr.seats': 12, 'ai.attributes': 'not ours' });

    expect(spanToInteraction(span, { priceBook })).toEqual({
      ...CHAT_ROW,
      attributes: { customer_tier: 'pro', seats: 12 },
    } satisfies InteractionRow);
  });

  it('stores missing entries of an array developer attribute as null', () => {
    const span = record({ ...CHAT, 'ai.attr.tags': ['vip', null, undefined] });

    expect(spanToInteraction(span, { priceBook })).toEqual({
      ...CHAT_ROW,
      attributes: { tags: ['vip', null, null] },
    } satisfies InteractionRow);
  });

  it('maps a record without parent or service name to nulls', () => {
    const span = record(CHAT, { parentSpanId: undefined, serviceName: undefined });

    expect(spanToInteraction(span, { priceBook })).toEqual({
      ...CHAT_ROW,
      parentSpanId: null,
      serviceName: null,
    } satisfies InteractionRow);
  });

  it('dates the row at the span start, to the millisecond', () => {
    const span = record(CHAT, { startTimeMs: Date.parse('2025-03-01T08:30:00.250Z') + 0.75 });

    expect(spanToInteraction(span, { priceBook })).toEqual({
      ...CHAT_ROW,
      startedAt: new Date('2025-03-01T08:30:00.250Z'),
    } satisfies InteractionRow);
  });
});

describe('fromReadableSpan', () => {
  it('reads a finished SDK span into a SpanRecord', () => {
    const { tracer, exporter } = inMemoryTracing({
      resource: resourceFromAttributes({ 'service.name': 'lead-service' }),
    });
    const parent = tracer.startSpan('GET', { kind: SpanKind.SERVER, startTime: new Date(STARTED_MS - 5) });
    const child = tracer.startSpan(
      'chat gpt-4o-mini',
      {
        kind: SpanKind.CLIENT,
        attributes: { ...CHAT, 'ai.source': '/api/leads/[id]/draft' },
        startTime: new Date(STARTED_MS),
      },
      trace.setSpan(ROOT_CONTEXT, parent),
    );
    child.setStatus({ code: SpanStatusCode.ERROR });
    child.end(new Date(STARTED_MS + 250));
    parent.end(new Date(STARTED_MS + 300));
    const [finishedChild, finishedParent] = exporter.getFinishedSpans();
    if (finishedChild === undefined || finishedParent === undefined) throw new Error('expected two finished spans');

    const childRecord = fromReadableSpan(finishedChild);
    expect(childRecord).toEqual({
      traceId: parent.spanContext().traceId,
      spanId: child.spanContext().spanId,
      parentSpanId: parent.spanContext().spanId,
      name: 'chat gpt-4o-mini',
      startTimeMs: STARTED_MS,
      durationMs: 250,
      attributes: { ...CHAT, 'ai.source': '/api/leads/[id]/draft' },
      statusCode: SpanStatusCode.ERROR,
      serviceName: 'lead-service',
      scope: { name: 'spendtrace-test', version: undefined },
    } satisfies SpanRecord);
    expect(fromReadableSpan(finishedParent)).toEqual({
      traceId: parent.spanContext().traceId,
      spanId: parent.spanContext().spanId,
      parentSpanId: undefined,
      name: 'GET',
      startTimeMs: STARTED_MS - 5,
      durationMs: 305,
      attributes: {},
      statusCode: SpanStatusCode.UNSET,
      serviceName: 'lead-service',
      scope: { name: 'spendtrace-test', version: undefined },
    } satisfies SpanRecord);

    expect(spanToInteraction(childRecord, { priceBook })).toEqual({
      ...CHAT_ROW,
      durationMs: 250,
      traceId: parent.spanContext().traceId,
      spanId: child.spanContext().spanId,
      parentSpanId: parent.spanContext().spanId,
      source: '/api/leads/[id]/draft',
      sourceKind: 'route',
      status: 'error',
      errorType: '_OTHER',
      serviceName: 'lead-service',
    } satisfies InteractionRow);
  });

  it('leaves serviceName undefined when the resource has no string service.name', () => {
    const { tracer, exporter } = inMemoryTracing({ resource: resourceFromAttributes({ 'service.name': 42 }) });
    tracer.startSpan('chat').end();
    const [span] = exporter.getFinishedSpans();
    if (span === undefined) throw new Error('expected a finished span');

    expect(fromReadableSpan(span).serviceName).toBeUndefined();
  });
});
