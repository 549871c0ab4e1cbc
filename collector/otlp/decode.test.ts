// decodeProtobuf and decodeJson: real spans, finished by a BasicTracerProvider and encoded by the official
// OpenTelemetry serializers, decode to exact records, the same from both encodings; hand-built bodies cover
// what those serializers never send (bad ids and times, every AnyValue shape, malformed and random bodies).
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type HrTime } from '@opentelemetry/api';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type IdGenerator,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';

import type { SpanRecord } from '../../lib/ledger/span-to-interaction';
import { decodeJson } from './decode-json';
import { decodeProtobuf } from './decode-protobuf';
import { ExportTraceServiceRequest } from './otlp-schema';
import { DecodeError, type DecodedRequest } from './otlp-span';

type JsonObject = Record<string, unknown>;

// 2025-11-25T12:00:00Z.
const T0_SECONDS = 1_764_072_000;
const T0_MS = T0_SECONDS * 1000;

/** The time `ms` milliseconds after T0, as the SDK's [seconds, nanoseconds]. */
function at(ms: number): HrTime {
  return [T0_SECONDS + Math.floor(ms / 1000), (ms % 1000) * 1_000_000];
}

const traceId = (n: number) => n.toString(16).padStart(32, '0');
const spanId = (n: number) => n.toString(16).padStart(16, '0');

/** Trace ids 1, 2, … and span ids 1, 2, … in the order spans start, so every id is known in advance. */
function sequentialIds(): IdGenerator {
  let traces = 0;
  let spans = 0;
  return { generateTraceId: () => traceId(++traces), generateSpanId: () => spanId(++spans) };
}

/** A real provider for a resource with `attributes`; its finished spans go to `exporter`. */
function providerFor(attributes: Attributes, exporter: InMemorySpanExporter, ids: IdGenerator): BasicTracerProvider {
  return new BasicTracerProvider({
    resource: resourceFromAttributes(attributes),
    idGenerator: ids,
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
}

/** One provider for service 'checkout' and the exporter holding what it finished. */
function checkoutTracing() {
  const exporter = new InMemorySpanExporter();
  const tracer = providerFor({ 'service.name': 'checkout' }, exporter, sequentialIds()).getTracer('spendtrace-test');
  return { tracer, exporter };
}

function serialized(body: Uint8Array | undefined): Uint8Array {
  if (body === undefined) throw new Error('the serializer returned no body');
  return body;
}

const protobufOf = (spans: ReadableSpan[]) => serialized(ProtobufTraceSerializer.serializeRequest(spans));
const jsonOf = (spans: ReadableSpan[]) =>
  new TextDecoder().decode(serialized(JsonTraceSerializer.serializeRequest(spans)));

/** Each decoder, fed what the official exporter of its encoding sends. */
const REAL_DECODERS = [
  { name: 'decodeProtobuf', decode: (spans: ReadableSpan[]) => decodeProtobuf(protobufOf(spans)) },
  { name: 'decodeJson', decode: (spans: ReadableSpan[]) => decodeJson(jsonOf(spans)) },
];

/**
 * A record of service 'checkout' from the tracer 'spendtrace-test' (no version), started at T0 with no
 * attributes; `fields` give the rest.
 */
function record(fields: Partial<SpanRecord> & Pick<SpanRecord, 'traceId' | 'spanId' | 'name'>): SpanRecord {
  return {
    parentSpanId: undefined,
    startTimeMs: T0_MS,
    durationMs: 0,
    attributes: {},
    statusCode: SpanStatusCode.UNSET,
    serviceName: 'checkout',
    scope: { name: 'spendtrace-test', version: undefined },
    ...fields,
  };
}

function accepted(...spans: DecodedRequest['spans']): DecodedRequest {
  return { spans, rejected: 0, rejectReasons: [] };
}

/** The request of one accepted span, the first of trace 1: OTLP kind `kind`, its record made of `fields`. */
function firstSpanOnly(kind: number, fields: Partial<SpanRecord> & Pick<SpanRecord, 'name'>): DecodedRequest {
  return accepted({ kind, record: record({ traceId: traceId(1), spanId: spanId(1), ...fields }) });
}

for (const { name, decode } of REAL_DECODERS) {
  describe(name, () => {
    describe('spans from the official OpenTelemetry serializer', () => {
      it('decodes attributes of every type OpenTelemetry allows', () => {
        // Decoded, they are exactly what the span was given.
        const attributes: Attributes = {
          'gen_ai.request.model': 'gpt-4o-mini',
          'gen_ai.usage.input_tokens': 20,
          'gen_ai.request.temperature': 0.25,
          'ai.streamed': true,
          'ai.attr.cached': false,
          'ai.attr.largest': Number.MAX_SAFE_INTEGER,
          'ai.attr.negative': -42,
          'ai.attr.blank': '',
          'gen_ai.response.finish_reasons': ['stop', 'length'],
          'ai.attr.scores': [1, 2.5, -3],
          'ai.attr.flags': [true, false],
          'ai.attr.none': [],
        };
        const { tracer, exporter } = checkoutTracing();
        tracer.startSpan('chat gpt-4o-mini', { kind: SpanKind.CLIENT, startTime: at(0), attributes }).end(at(812));

        expect(decode(exporter.getFinishedSpans())).toEqual(
          firstSpanOnly(3, { name: 'chat gpt-4o-mini', durationMs: 812, attributes }),
        );
      });

      it('links each child to its parent and leaves the root without one', () => {
        const { tracer, exporter } = checkoutTracing();
        const root = tracer.startSpan('GET /api/chat', { kind: SpanKind.SERVER, startTime: at(0) });
        const rootContext = trace.setSpan(ROOT_CONTEXT, root);
        const child = tracer.startSpan('chat gpt-4o-mini', { kind: SpanKind.CLIENT, startTime: at(120) }, rootContext);
        const grandchild = tracer.startSpan(
          'price lookup',
          { kind: SpanKind.INTERNAL, startTime: at(200) },
          trace.setSpan(ROOT_CONTEXT, child),
        );
        grandchild.end(at(200));
        child.end(at(932));
        root.end(at(1500));

        expect(decode(exporter.getFinishedSpans())).toEqual(
          accepted(
            {
              kind: 1,
              record: record({
                traceId: traceId(1),
                spanId: spanId(3),
                parentSpanId: spanId(2),
                name: 'price lookup',
                startTimeMs: T0_MS + 200,
                durationMs: 0,
              }),
            },
            {
              kind: 3,
              record: record({
                traceId: traceId(1),
                spanId: spanId(2),
                parentSpanId: spanId(1),
                name: 'chat gpt-4o-mini',
                startTimeMs: T0_MS + 120,
                durationMs: 812,
              }),
            },
            {
              kind: 2,
              record: record({ traceId: traceId(1), spanId: spanId(1), name: 'GET /api/chat', durationMs: 1500 }),
            },
          ),
        );
      });

      it.each([
        { sdkKind: SpanKind.INTERNAL, otlpKind: 1 },
        { sdkKind: SpanKind.SERVER, otlpKind: 2 },
        { sdkKind: SpanKind.CLIENT, otlpKind: 3 },
        { sdkKind: SpanKind.PRODUCER, otlpKind: 4 },
        { sdkKind: SpanKind.CONSUMER, otlpKind: 5 },
      ])('decodes SpanKind $sdkKind as OTLP kind $otlpKind', ({ sdkKind, otlpKind }) => {
        const { tracer, exporter } = checkoutTracing();
        tracer.startSpan('work', { kind: sdkKind, startTime: at(0) }).end(at(4));

        expect(decode(exporter.getFinishedSpans())).toEqual(firstSpanOnly(otlpKind, { name: 'work', durationMs: 4 }));
      });

      it.each([
        { status: { code: SpanStatusCode.ERROR, message: 'rate limited' }, expected: SpanStatusCode.ERROR },
        { status: { code: SpanStatusCode.OK }, expected: SpanStatusCode.OK },
        { status: undefined, expected: SpanStatusCode.UNSET },
      ])('maps status $status.code to SpanStatusCode $expected', ({ status, expected }) => {
        const { tracer, exporter } = checkoutTracing();
        const span = tracer.startSpan('chat', { kind: SpanKind.CLIENT, startTime: at(0) });
        if (status) span.setStatus(status);
        span.end(at(8));

        expect(decode(exporter.getFinishedSpans())).toEqual(
          firstSpanOnly(3, { name: 'chat', durationMs: 8, statusCode: expected }),
        );
      });

      it('takes serviceName from each resource, across its scopes', () => {
        const exporter = new InMemorySpanExporter();
        const ids = sequentialIds();
        const checkout = providerFor(
          { 'service.name': 'checkout', 'deployment.environment.name': 'test' },
          exporter,
          ids,
        );
        const worker = providerFor({ 'service.name': 'billing-worker' }, exporter, ids);
        const anonymous = providerFor({}, exporter, ids);
        const numbered = providerFor({ 'service.name': 7 }, exporter, ids);
        const next = checkout.getTracer('next.js', '16.0.0');
        const openai = checkout.getTracer('openai');
        const finish = (tracer: ReturnType<BasicTracerProvider['getTracer']>, name: string, startMs: number) =>
          tracer.startSpan(name, { startTime: at(startMs) }).end(at(startMs + 4));
        finish(next, 'GET /checkout', 0);
        finish(worker.getTracer('cron'), 'nightly digest', 8);
        finish(openai, 'chat', 16);
        finish(next, 'GET /cart', 24);
        finish(anonymous.getTracer('anonymous'), 'orphan', 32);
        finish(numbered.getTracer('numbered'), 'numbered', 40);

        // The serializer groups by resource, then by scope, each in the order first seen.
        // Each record names its scope, with the version where the tracer has one.
        const span = (n: number, name: string, startMs: number, serviceName: string | undefined, scope: string) => ({
          kind: 1,
          record: record({
            traceId: traceId(n),
            spanId: spanId(n),
            name,
            startTimeMs: T0_MS + startMs,
            durationMs: 4,
            serviceName,
            scope: { name: scope, version: scope === 'next.js' ? '16.0.0' : undefined },
          }),
        });
        expect(decode(exporter.getFinishedSpans())).toEqual(
          accepted(
            span(1, 'GET /checkout', 0, 'checkout', 'next.js'),
            span(4, 'GET /cart', 24, 'checkout', 'next.js'),
            span(3, 'chat', 16, 'checkout', 'openai'),
            span(2, 'nightly digest', 8, 'billing-worker', 'cron'),
            span(5, 'orphan', 32, undefined, 'anonymous'),
            span(6, 'numbered', 40, undefined, 'numbered'),
          ),
        );
      });

      // Nanoseconds since the epoch are not exact in a double (only to 256 ns today): the decoders keep them as
      // bigints, so a .250 s start and an 812.5 ms duration decode exactly, as the in-process path reads them.
      it('decodes a start at .250 s and a duration of 812.5 ms exactly, as fromReadableSpan does', () => {
        const { tracer, exporter } = checkoutTracing();
        tracer
          .startSpan('chat', { kind: SpanKind.CLIENT, startTime: [T0_SECONDS, 250_000_000] })
          .end([T0_SECONDS + 1, 62_500_000]);

        expect(decode(exporter.getFinishedSpans())).toEqual(
          firstSpanOnly(3, { name: 'chat', startTimeMs: T0_MS + 250, durationMs: 812.5 }),
        );
      });
    });
  });
}

// Hand-built requests, in OTLP/JSON form; the protobuf decoder gets the same request encoded with the sink's
// schema (ids as bytes), so one table covers both.
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';
const PARENT = '53995c3f42cd8ad8';
const START_NANOS = '1764072000000000000';
const END_NANOS = '1764072000812000000';

const ID_FIELDS = new Set(['traceId', 'spanId', 'parentSpanId']);

/** The request with its hex ids as bytes, as protobuf carries them. */
function withBinaryIds(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withBinaryIds);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, field]) => [
      key,
      ID_FIELDS.has(key) && typeof field === 'string' ? Buffer.from(field, 'hex') : withBinaryIds(field),
    ]),
  );
}

function toProtobuf(request: JsonObject): Uint8Array {
  return ExportTraceServiceRequest.encode(
    ExportTraceServiceRequest.fromObject(withBinaryIds(request) as JsonObject),
  ).finish();
}

const HAND_BUILT_DECODERS = [
  { name: 'decodeProtobuf', decode: (request: JsonObject) => decodeProtobuf(toProtobuf(request)) },
  { name: 'decodeJson', decode: (request: JsonObject) => decodeJson(JSON.stringify(request)) },
];

function otlpSpan(fields: JsonObject = {}): JsonObject {
  return {
    traceId: TRACE,
    spanId: SPAN,
    name: 'chat',
    kind: 3,
    startTimeUnixNano: START_NANOS,
    endTimeUnixNano: END_NANOS,
    ...fields,
  };
}

function otlpRequest(spans: JsonObject[], resourceAttributes: JsonObject[] = [serviceName('checkout')]): JsonObject {
  return {
    resourceSpans: [{ resource: { attributes: resourceAttributes }, scopeSpans: [{ scope: { name: 'hand' }, spans }] }],
  };
}

function serviceName(name: string): JsonObject {
  return { key: 'service.name', value: { stringValue: name } };
}

/** A request whose one span has the attribute `value` set to `anyValue`. */
function withValue(anyValue: JsonObject): JsonObject {
  return otlpRequest([otlpSpan({ attributes: [{ key: 'value', value: anyValue }] })]);
}

/** The record of otlpSpan() with `fields` changed. */
function handRecord(fields: Partial<SpanRecord> = {}): SpanRecord {
  return record({ traceId: TRACE, spanId: SPAN, name: 'chat', durationMs: 812, scope: HAND_SCOPE, ...fields });
}

/** The scope otlpRequest() puts its spans in. */
const HAND_SCOPE = { name: 'hand', version: undefined };

/** Nested arrays `depth` deep around the string "x". */
function nestedArray(depth: number): JsonObject {
  let value: JsonObject = { stringValue: 'x' };
  for (let level = 0; level < depth; level += 1) value = { arrayValue: { values: [value] } };
  return value;
}

for (const { name, decode } of HAND_BUILT_DECODERS) {
  describe(name, () => {
    describe('hand-built requests', () => {
      it.each([
        { problem: 'an all-zero trace id', fields: { traceId: '0'.repeat(32) }, reason: 'invalid trace id' },
        { problem: 'a trace id of 8 bytes', fields: { traceId: TRACE.slice(0, 16) }, reason: 'invalid trace id' },
        { problem: 'no trace id', fields: { traceId: '' }, reason: 'invalid trace id' },
        { problem: 'a span id of 5 bytes', fields: { spanId: 'abcdef0123' }, reason: 'invalid span id' },
        { problem: 'an all-zero span id', fields: { spanId: '0'.repeat(16) }, reason: 'invalid span id' },
        {
          problem: 'a parent span id of 4 bytes',
          fields: { parentSpanId: 'abcdef01' },
          reason: 'invalid parent span id',
        },
        {
          problem: 'an end before the start',
          fields: { endTimeUnixNano: '1763999999000000000' },
          reason: 'invalid start or end time',
        },
        { problem: 'no start time', fields: { startTimeUnixNano: undefined }, reason: 'invalid start or end time' },
        { problem: 'no end time', fields: { endTimeUnixNano: undefined }, reason: 'invalid start or end time' },
        {
          problem: 'a start time of zero',
          fields: { startTimeUnixNano: '0', endTimeUnixNano: '0' },
          reason: 'invalid start or end time',
        },
      ])('rejects a span with $problem', ({ fields, reason }) => {
        expect(decode(otlpRequest([otlpSpan(fields)]))).toEqual({ spans: [], rejected: 1, rejectReasons: [reason] });
      });

      it('counts every rejected span, lists each reason once in first-seen order, and keeps the good spans', () => {
        const decoded = decode(
          otlpRequest([
            otlpSpan({ endTimeUnixNano: '1' }),
            otlpSpan({ traceId: '0'.repeat(32) }),
            otlpSpan(),
            otlpSpan({ spanId: 'abcdef0123' }),
            otlpSpan({ traceId: '0'.repeat(32) }),
            otlpSpan({ parentSpanId: 'abcdef01' }),
            otlpSpan({ startTimeUnixNano: undefined }),
          ]),
        );

        expect(decoded).toEqual({
          spans: [{ kind: 3, record: handRecord() }],
          rejected: 6,
          rejectReasons: ['invalid start or end time', 'invalid trace id', 'invalid span id', 'invalid parent span id'],
        });
      });

      it.each([
        { parent: '', expected: undefined },
        { parent: '0'.repeat(16), expected: undefined },
        { parent: PARENT, expected: PARENT },
      ])('decodes parent span id "$parent" as $expected', ({ parent, expected }) => {
        expect(decode(otlpRequest([otlpSpan({ parentSpanId: parent })]))).toEqual(
          accepted({ kind: 3, record: handRecord({ parentSpanId: expected }) }),
        );
      });

      it('accepts an end equal to the start as a zero duration', () => {
        expect(decode(otlpRequest([otlpSpan({ endTimeUnixNano: START_NANOS })]))).toEqual(
          accepted({ kind: 3, record: handRecord({ durationMs: 0 }) }),
        );
      });

      it.each([
        { status: { code: 2, message: 'boom' }, expected: SpanStatusCode.ERROR },
        { status: { code: 1 }, expected: SpanStatusCode.OK },
        { status: { code: 0 }, expected: SpanStatusCode.UNSET },
        { status: { code: 7 }, expected: SpanStatusCode.UNSET },
        { status: undefined, expected: SpanStatusCode.UNSET },
      ])('maps status code $status.code to $expected', ({ status, expected }) => {
        expect(decode(otlpRequest([otlpSpan({ status })]))).toEqual(
          accepted({ kind: 3, record: handRecord({ statusCode: expected }) }),
        );
      });

      it.each([
        { shape: 'a string', value: { stringValue: 'gpt-4o' }, expected: 'gpt-4o' },
        { shape: 'a negative int', value: { intValue: -5 }, expected: -5 },
        { shape: 'a double', value: { doubleValue: 0.125 }, expected: 0.125 },
        { shape: 'false', value: { boolValue: false }, expected: false },
        {
          shape: 'a kvlist, as JSON text',
          value: {
            kvlistValue: {
              values: [
                { key: 'model', value: { stringValue: 'gpt-4o' } },
                { key: 'tokens', value: { intValue: 12 } },
                { key: 'tags', value: { arrayValue: { values: [{ stringValue: 'a' }, { stringValue: 'b' }] } } },
              ],
            },
          },
          expected: '{"model":"gpt-4o","tokens":12,"tags":["a","b"]}',
        },
        { shape: 'an empty kvlist, as JSON text', value: { kvlistValue: {} }, expected: '{}' },
        {
          shape: 'a mixed-type array, as JSON text',
          value: { arrayValue: { values: [{ stringValue: 'a' }, { intValue: 1 }, { boolValue: true }] } },
          expected: '["a",1,true]',
        },
        {
          shape: 'an array holding an array, as JSON text',
          value: nestedArray(2),
          expected: '[["x"]]',
        },
        {
          shape: 'an array with an empty value',
          value: { arrayValue: { values: [{ stringValue: 'a' }, {}] } },
          expected: ['a', null],
        },
        { shape: 'an empty array', value: { arrayValue: {} }, expected: [] },
        { shape: 'bytes, as base64', value: { bytesValue: 'AAEC/w==' }, expected: 'AAEC/w==' },
        { shape: 'an empty value', value: {}, expected: undefined },
      ])('decodes $shape', ({ value, expected }) => {
        expect(decode(withValue(value))).toEqual(
          accepted({ kind: 3, record: handRecord({ attributes: { value: expected } }) }),
        );
      });

      // A nested value becomes JSON text once, at the top: an inner kvlist is an object in it, not escaped text.
      it('keeps a kvlist inside a kvlist as one JSON text', () => {
        const inner = { kvlistValue: { values: [{ key: 'inner', value: { stringValue: 'x' } }] } };
        const decoded = decode(withValue({ kvlistValue: { values: [{ key: 'outer', value: inner }] } }));

        expect(decoded).toEqual(
          accepted({ kind: 3, record: handRecord({ attributes: { value: '{"outer":{"inner":"x"}}' } }) }),
        );
      });

      // Three arrays deep is one JSON text, not an array holding the text of the inner two.
      it('keeps an array three deep as its JSON text', () => {
        expect(decode(withValue(nestedArray(3)))).toEqual(
          accepted({ kind: 3, record: handRecord({ attributes: { value: '[[["x"]]]' } }) }),
        );
      });

      // Escaping again at each level would double the text per level (a 1 KB body growing to gigabytes);
      // made once, it grows with the depth.
      it('keeps an array 30 deep as a JSON text that grows with the depth, not exponentially', () => {
        const value = decode(withValue(nestedArray(30))).spans[0]?.record.attributes.value;

        expect(String(value).length).toBe('['.repeat(30).length + '"x"'.length + ']'.repeat(30).length);
      });

      it('ignores an attribute with an empty key', () => {
        const request = otlpRequest([
          otlpSpan({
            attributes: [
              { key: '', value: { stringValue: 'dropped' } },
              { key: 'kept', value: { stringValue: 'yes' } },
            ],
          }),
        ]);

        expect(decode(request)).toEqual(accepted({ kind: 3, record: handRecord({ attributes: { kept: 'yes' } }) }));
      });

      it.each([
        { resource: 'no service.name', attributes: [], expected: undefined },
        {
          resource: 'an int service.name',
          attributes: [{ key: 'service.name', value: { intValue: 7 } }],
          expected: undefined,
        },
        { resource: 'a blank service.name', attributes: [serviceName('')], expected: '' },
        { resource: 'service.name "billing"', attributes: [serviceName('billing')], expected: 'billing' },
      ])('takes serviceName $expected from a resource with $resource', ({ attributes, expected }) => {
        expect(decode(otlpRequest([otlpSpan()], attributes))).toEqual(
          accepted({ kind: 3, record: handRecord({ serviceName: expected }) }),
        );
      });

      it('decodes spans of several resources and scopes in order', () => {
        const request = {
          resourceSpans: [
            {
              resource: { attributes: [serviceName('checkout')] },
              scopeSpans: [
                { scope: { name: 'next.js' }, spans: [otlpSpan({ spanId: spanId(1), kind: 2 })] },
                { scope: { name: 'openai' }, spans: [otlpSpan({ spanId: spanId(2), parentSpanId: spanId(1) })] },
              ],
            },
            {
              resource: { attributes: [serviceName('worker')] },
              scopeSpans: [{ spans: [otlpSpan({ spanId: spanId(3) })] }],
            },
          ],
        };

        expect(decode(request)).toEqual(
          accepted(
            { kind: 2, record: handRecord({ spanId: spanId(1), scope: { name: 'next.js', version: undefined } }) },
            {
              kind: 3,
              record: handRecord({
                spanId: spanId(2),
                parentSpanId: spanId(1),
                scope: { name: 'openai', version: undefined },
              }),
            },
            { kind: 3, record: handRecord({ spanId: spanId(3), serviceName: 'worker', scope: undefined }) },
          ),
        );
      });

      it.each([
        { request: {} },
        { request: { resourceSpans: [] } },
        { request: { resourceSpans: [{}] } },
        { request: { resourceSpans: [{ scopeSpans: [{}] }] } },
      ])('decodes $request to no spans', ({ request }) => {
        expect(decode(request)).toEqual(accepted());
      });
    });
  });
}

/** What a decoder did: 'decoded', 'DecodeError', or the other error it threw. */
function outcomeOf(run: () => DecodedRequest): string {
  try {
    const decoded = run();
    return Array.isArray(decoded.spans) && Number.isInteger(decoded.rejected) && Array.isArray(decoded.rejectReasons)
      ? 'decoded'
      : `a malformed result: ${JSON.stringify(decoded)}`;
  } catch (error) {
    if (error instanceof DecodeError) return 'DecodeError';
    return error instanceof Error ? `${error.name}: ${error.message}` : `a thrown ${typeof error}`;
  }
}

/** The error `run` throws, and whether it is a DecodeError; fails the test when it throws nothing. */
function errorOf(run: () => unknown): { decodeError: boolean; message: string } {
  try {
    run();
  } catch (error) {
    if (!(error instanceof Error)) throw error;
    return { decodeError: error instanceof DecodeError, message: error.message };
  }
  throw new Error('expected an error; none was thrown');
}

/** A seeded linear congruential generator (Numerical Recipes constants): the same fuzz cases every run. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state;
  };
}

/** A real span with attributes of several types, as the official protobuf and JSON exporters send it. */
function realBodies(): { protobuf: Uint8Array; json: string } {
  const { tracer, exporter } = checkoutTracing();
  const root = tracer.startSpan('GET /api/chat', { kind: SpanKind.SERVER, startTime: at(0) });
  tracer
    .startSpan(
      'chat gpt-4o-mini',
      {
        kind: SpanKind.CLIENT,
        startTime: at(120),
        attributes: { 'gen_ai.usage.input_tokens': 20, 'ai.attr.tags': ['a', 'b'], 'ai.attr.score': 0.5 },
      },
      trace.setSpan(ROOT_CONTEXT, root),
    )
    .end(at(932));
  root.end(at(1500));
  const spans = exporter.getFinishedSpans();
  return { protobuf: protobufOf(spans), json: jsonOf(spans) };
}

/** One length-delimited protobuf field. */
function field(number: number, bytes: Uint8Array): Uint8Array {
  return protobuf.Writer.create()
    .uint32((number << 3) | 2)
    .bytes(bytes)
    .finish();
}

/**
 * A request whose one span has an attribute of arrays `depth` deep, written field by field: protobufjs will
 * not encode past its own depth limit.
 */
function deepProtobuf(depth: number): Uint8Array {
  let anyValue = field(1, Buffer.from('x')); // AnyValue.string_value
  for (let level = 0; level < depth; level += 1) anyValue = field(5, field(1, anyValue)); // array_value.values
  const keyValue = Buffer.concat([field(1, Buffer.from('value')), field(2, anyValue)]);
  return field(1, field(2, field(2, field(9, keyValue)))); // resource_spans.scope_spans.spans.attributes
}

describe('decodeJson', () => {
  describe('what only OTLP/JSON carries', () => {
    it('lowercases trace, span and parent ids given in uppercase hex', () => {
      const span = otlpSpan({
        traceId: TRACE.toUpperCase(),
        spanId: SPAN.toUpperCase(),
        parentSpanId: PARENT.toUpperCase(),
      });

      expect(decodeJson(JSON.stringify(otlpRequest([span])))).toEqual(
        accepted({ kind: 3, record: handRecord({ parentSpanId: PARENT }) }),
      );
    });

    it('rejects ids in base64, which OTLP/JSON replaces with hex', () => {
      const span = otlpSpan({ traceId: Buffer.from(TRACE, 'hex').toString('base64') });

      expect(decodeJson(JSON.stringify(otlpRequest([span])))).toEqual({
        spans: [],
        rejected: 1,
        rejectReasons: ['invalid trace id'],
      });
    });

    it.each([
      { form: 'decimal strings', start: START_NANOS, end: END_NANOS },
      { form: 'JSON numbers', start: 1_764_072_000_000_000_000, end: 1_764_072_000_812_000_000 },
      { form: 'a string and a number', start: START_NANOS, end: 1_764_072_000_812_000_000 },
    ])('reads timestamps given as $form', ({ start, end }) => {
      const span = otlpSpan({ startTimeUnixNano: start, endTimeUnixNano: end });

      expect(decodeJson(JSON.stringify(otlpRequest([span])))).toEqual(accepted({ kind: 3, record: handRecord() }));
    });

    it.each([
      { start: '1.764072e18' },
      { start: '0x1872f8' },
      { start: '' },
      { start: 'soon' },
      { start: '-1764072000000000000' },
      { start: true },
      { start: null },
      { start: {} },
    ])('rejects a start time of $start', ({ start }) => {
      const span = otlpSpan({ startTimeUnixNano: start });

      expect(decodeJson(JSON.stringify(otlpRequest([span])))).toEqual({
        spans: [],
        rejected: 1,
        rejectReasons: ['invalid start or end time'],
      });
    });

    it.each([
      { value: { intValue: '42' }, expected: 42 },
      { value: { intValue: '-42' }, expected: -42 },
      { value: { intValue: 42 }, expected: 42 },
      { value: { intValue: 'forty-two' }, expected: undefined },
      { value: { doubleValue: '2.5' }, expected: 2.5 },
      { value: { doubleValue: 'NaN' }, expected: Number.NaN },
      { value: { doubleValue: 'Infinity' }, expected: Number.POSITIVE_INFINITY },
      { value: { doubleValue: '-Infinity' }, expected: Number.NEGATIVE_INFINITY },
      { value: { doubleValue: 'two' }, expected: undefined },
      { value: { boolValue: 'true' }, expected: undefined },
      { value: { stringValue: 5 }, expected: undefined },
      { value: { bytesValue: 5 }, expected: undefined },
      { value: { arrayValue: [] }, expected: undefined },
      { value: 'gpt-4o', expected: undefined },
    ])('decodes the value $value as $expected', ({ value, expected }) => {
      const body = JSON.stringify(otlpRequest([otlpSpan({ attributes: [{ key: 'value', value }] })]));

      expect(decodeJson(body)).toEqual(accepted({ kind: 3, record: handRecord({ attributes: { value: expected } }) }));
    });

    // doubleValue takes a JSON number or a numeric string, as the protobuf JSON mapping allows; '', null, true
    // and [] are not numbers.
    it.each([
      { value: { doubleValue: '' }, number: 0 },
      { value: { doubleValue: null }, number: 0 },
      { value: { doubleValue: true }, number: 1 },
      { value: { doubleValue: [] }, number: 0 },
    ])('gives no value for $value, not the number $number', ({ value }) => {
      const body = JSON.stringify(otlpRequest([otlpSpan({ attributes: [{ key: 'value', value }] })]));

      expect(decodeJson(body)).toEqual(accepted({ kind: 3, record: handRecord({ attributes: { value: undefined } }) }));
    });

    it.each([
      { field: 'kind', span: { kind: 'SPAN_KIND_SERVER' }, expected: accepted({ kind: 0, record: handRecord() }) },
      {
        field: 'status code',
        span: { status: { code: 'STATUS_CODE_ERROR' } },
        expected: accepted({ kind: 3, record: handRecord() }),
      },
      { field: 'status', span: { status: 'error' }, expected: accepted({ kind: 3, record: handRecord() }) },
    ])('reads a $field given as a name, not an integer, as unset', ({ span, expected }) => {
      expect(decodeJson(JSON.stringify(otlpRequest([otlpSpan(span)])))).toEqual(expected);
    });

    it('ignores fields it does not know, at every level', () => {
      const body = JSON.stringify({
        resourceSpans: [
          {
            resource: { attributes: [serviceName('checkout')], droppedAttributesCount: 0, extra: [1, 2] },
            scopeSpans: [
              {
                scope: { name: 'hand', version: '1.0.0', attributes: [] },
                spans: [
                  otlpSpan({
                    traceState: 'vendor=1',
                    flags: 257,
                    events: [{ name: 'retry', timeUnixNano: START_NANOS }],
                    links: [{ traceId: PARENT, spanId: PARENT }],
                    droppedAttributesCount: 3,
                    status: { code: 2, message: 'boom', details: {} },
                    future: { nested: true },
                  }),
                ],
                schemaUrl: 'https://opentelemetry.io/schemas/1.30.0',
              },
            ],
            schemaUrl: 'https://opentelemetry.io/schemas/1.30.0',
          },
        ],
        partialSuccess: {},
      });

      expect(decodeJson(body)).toEqual(
        accepted({
          kind: 3,
          record: handRecord({ statusCode: SpanStatusCode.ERROR, scope: { name: 'hand', version: '1.0.0' } }),
        }),
      );
    });

    it('skips list entries that are not objects and lists that are not arrays', () => {
      const body = JSON.stringify({
        resourceSpans: [
          null,
          5,
          'resource',
          { resource: 'checkout', scopeSpans: 5 },
          { scopeSpans: [null, { spans: 'many' }, { spans: [7, otlpSpan({ attributes: 'model=gpt-4o' })] }] },
        ],
      });

      expect(decodeJson(body)).toEqual(
        accepted({ kind: 3, record: handRecord({ serviceName: undefined, scope: undefined }) }),
      );
    });
  });

  describe('bodies it cannot decode', () => {
    it.each([
      { body: '{"resourceSpans":[' },
      { body: '' },
      { body: 'resourceSpans' },
      { body: "{'resourceSpans':[]}" },
    ])('throws DecodeError for the malformed JSON $body', ({ body }) => {
      const parseError = errorOf(() => JSON.parse(body));

      expect(errorOf(() => decodeJson(body))).toEqual({
        decodeError: true,
        message: `the body is not valid JSON: ${parseError.message}`,
      });
    });

    it.each([
      { body: '[]', message: 'the body is not an OTLP ExportTraceServiceRequest object' },
      { body: 'null', message: 'the body is not an OTLP ExportTraceServiceRequest object' },
      { body: '"resourceSpans"', message: 'the body is not an OTLP ExportTraceServiceRequest object' },
      { body: '5', message: 'the body is not an OTLP ExportTraceServiceRequest object' },
      { body: '{"resourceSpans":5}', message: 'resourceSpans must be an array' },
      { body: '{"resourceSpans":{}}', message: 'resourceSpans must be an array' },
      { body: '{"resourceSpans":null}', message: 'resourceSpans must be an array' },
    ])('throws DecodeError for $body', ({ body, message }) => {
      expect(errorOf(() => decodeJson(body))).toEqual({ decodeError: true, message });
    });

    // JSON.parse accepts arrays 10,000 deep (a 280 KB body); the decoder must cut them (MAX_VALUE_DEPTH), not
    // overflow the stack into a 500. The protobuf decoder stops at protobufjs's depth limit (below).
    it('answers arrays nested 10,000 deep with a DecodeError or a decoded request, never another error', () => {
      const depth = 10_000;
      const value = `${'{"arrayValue":{"values":['.repeat(depth)}{"stringValue":"x"}${']}}'.repeat(depth)}`;
      const body = JSON.stringify(withValue({ stringValue: 'placeholder' })).replace(
        '{"stringValue":"placeholder"}',
        value,
      );

      expect(outcomeOf(() => decodeJson(body))).toMatch(/^(DecodeError|decoded)$/);
    });
  });

  describe('mutated bodies', () => {
    it('throws only DecodeError, or decodes, for 500 bodies cut or with characters replaced', () => {
      const { json } = realBodies();
      const next = lcg(20_251_125);
      const alphabet = '{}[]",:0123456789abcdefnulltrue-. \\';
      const outcomes = Array.from({ length: 500 }, (_, sample) => {
        if (sample % 5 === 0) return outcomeOf(() => decodeJson(json.slice(0, next() % json.length)));
        const chars = json.split('');
        for (let edit = 0; edit < 1 + (next() % 4); edit += 1) {
          chars[next() % chars.length] = alphabet[next() % alphabet.length] ?? ' ';
        }
        return outcomeOf(() => decodeJson(chars.join('')));
      });

      expect(outcomes.filter((outcome) => outcome !== 'DecodeError' && outcome !== 'decoded')).toEqual([]);
      expect(outcomes).toContain('decoded');
    });
  });
});

describe('decodeProtobuf', () => {
  describe('bodies it cannot decode', () => {
    it('decodes an empty body as an empty request', () => {
      expect(decodeProtobuf(new Uint8Array())).toEqual(accepted());
    });

    it('throws DecodeError for the real body cut at every length', () => {
      const { protobuf } = realBodies();
      const outcomes = new Set(
        Array.from({ length: protobuf.length - 1 }, (_, cut) =>
          outcomeOf(() => decodeProtobuf(protobuf.slice(0, cut + 1))),
        ),
      );

      expect(outcomes).toEqual(new Set(['DecodeError']));
    });

    it('says why a cut body cannot be decoded', () => {
      const { protobuf } = realBodies();

      expect(errorOf(() => decodeProtobuf(protobuf.slice(0, 10)))).toEqual({
        decodeError: true,
        message: 'the body is not a valid OTLP ExportTraceServiceRequest: index out of range',
      });
    });

    it('throws DecodeError for arrays nested deeper than protobufjs decodes', () => {
      expect(errorOf(() => decodeProtobuf(deepProtobuf(200)))).toEqual({
        decodeError: true,
        message: 'the body is not a valid OTLP ExportTraceServiceRequest: max depth exceeded',
      });
    });

    it('throws only DecodeError, or decodes, for 500 bodies of random bytes', () => {
      const next = lcg(4318);
      const outcomes = Array.from({ length: 500 }, () => {
        const body = Uint8Array.from({ length: next() % 200 }, () => next() >>> 24);
        return outcomeOf(() => decodeProtobuf(body));
      });

      expect(outcomes.filter((outcome) => outcome !== 'DecodeError' && outcome !== 'decoded')).toEqual([]);
    });

    it('throws only DecodeError, or decodes, for 500 real bodies with bytes replaced', () => {
      const { protobuf } = realBodies();
      const next = lcg(1_764_072);
      const outcomes = Array.from({ length: 500 }, () => {
        const body = protobuf.slice();
        for (let edit = 0; edit < 1 + (next() % 4); edit += 1) body[next() % body.length] = next() >>> 24;
        return outcomeOf(() => decodeProtobuf(body));
      });

      expect(outcomes.filter((outcome) => outcome !== 'DecodeError' && outcome !== 'decoded')).toEqual([]);
      expect(outcomes).toContain('decoded');
    });
  });
});
