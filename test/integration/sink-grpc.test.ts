// The collector sink's OTLP/gRPC receiver (TraceService/Export), the sink started as a process and fed by
// the official OTLP/gRPC exporter from a real BasicTracerProvider, and by a raw grpc-js client for what an
// exporter never sends. Rows read back from PGlite over the wire protocol, or Postgres with TEST_DATABASE_URL.
import { credentials, Client, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { ROOT_CONTEXT, SpanKind, trace, type Attributes, type Span } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRACE_SERVICE_EXPORT_PATH } from '../../collector/grpc-sink-server';
import { ExportTraceServiceRequest, ExportTraceServiceResponse } from '../../collector/otlp/otlp-schema';
import { freePort } from '../../harness/free-port';
import { startSink, type SinkProcess } from '../../harness/sink-process';
import { startTcpProxy, type TcpProxy } from '../../harness/tcp-proxy';
import {
  CHAT_ATTRIBUTES,
  chatRowFields,
  newSpanId,
  newTraceId,
  OTLP_SPAN_KIND_CLIENT,
} from '../support/otlp-json-request';
import { poll } from '../support/poll';
import { readInteractions, type StoredInteraction } from '../support/read-interactions';
import { startTcpDatabase, type TcpDatabase } from '../support/tcp-database';

const SERVICE = 'lead-service';
const ROUTE = '/api/leads/[id]/draft';

/** The row fields every priced gpt-4o-mini chat call of these tests has (20 + 10 tokens). */
const PRICED_CHAT = chatRowFields(SERVICE);

/** Metadata with `authorization: Bearer <token>`. */
function bearer(token: string): Metadata {
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  return metadata;
}

/** A root SERVER span with its route and an AI call under it, both ended, exported by `exporter` at once. */
function aiRequest(): { root: ReadableSpan; ai: ReadableSpan; spans: ReadableSpan[] } {
  const ended: ReadableSpan[] = [];
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': SERVICE }),
    spanProcessors: [
      new SimpleSpanProcessor({
        export: (spans, done) => {
          ended.push(...spans);
          done({ code: ExportResultCode.SUCCESS });
        },
        shutdown: () => Promise.resolve(),
      }),
    ],
  });
  const tracer = provider.getTracer('lead-service-test');
  const root: Span = tracer.startSpan('GET', { kind: SpanKind.SERVER, attributes: { 'http.route': ROUTE } });
  const attributes: Attributes = { ...CHAT_ATTRIBUTES };
  tracer.startSpan('chat gpt-4o-mini', { kind: SpanKind.CLIENT, attributes }, trace.setSpan(ROOT_CONTEXT, root)).end();
  root.end();
  const [ai, rootSpan] = ended;
  if (!ai || !rootSpan) throw new Error('expected two ended spans');
  return { root: rootSpan, ai, spans: [ai, rootSpan] };
}

/** The spans as an OTLP/protobuf ExportTraceServiceRequest, as the official exporters serialize them. */
function serialized(spans: ReadableSpan[]): Buffer {
  const bytes = ProtobufTraceSerializer.serializeRequest(spans);
  if (!bytes) throw new Error('the serializer returned nothing');
  return Buffer.from(bytes);
}

function exportWith(exporter: OTLPTraceExporter, spans: ReadableSpan[]): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(spans, resolve));
}

/** One unary Export call with a raw body; resolves to the response bytes or the error. */
function rawExport(client: Client, body: Buffer, metadata: Metadata): Promise<Buffer | ServiceError> {
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      TRACE_SERVICE_EXPORT_PATH,
      (message: Buffer) => message,
      (bytes: Buffer) => bytes,
      body,
      metadata,
      (error, response) => resolve(error ?? response ?? Buffer.alloc(0)),
    );
  });
}

/** Prometheus text to `{ 'name{labels}': value }`. */
function parseMetrics(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out[line.slice(0, at)] = Number(line.slice(at + 1));
  }
  return out;
}

describe('the collector sink over OTLP/gRPC', () => {
  let database: TcpDatabase;
  let proxy: TcpProxy;
  let sink: SinkProcess;
  let address: string;
  let exporter: OTLPTraceExporter;
  let client: Client;
  const teardown: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    database = await startTcpDatabase();
    teardown.push(() => database.close());
    // Through a proxy, so a test can slow the database down and hold a call in flight.
    proxy = await startTcpProxy({ host: database.host, port: database.port });
    teardown.push(() => proxy.close());
    const grpcPort = await freePort();
    sink = await startSink({ DATABASE_URL: database.urlVia(proxy.port), COLLECTOR_GRPC_PORT: String(grpcPort) });
    teardown.push(() => sink.stop());
    address = `127.0.0.1:${grpcPort}`;
    exporter = new OTLPTraceExporter({ url: `http://${address}`, metadata: bearer(sink.token) });
    teardown.push(() => exporter.shutdown());
    client = new Client(address, credentials.createInsecure());
    teardown.push(() => Promise.resolve(client.close()));
  });

  afterAll(async () => {
    for (const undo of teardown.reverse()) await undo();
  });

  async function rowsOf(traceId: string): Promise<StoredInteraction[]> {
    const rows = await readInteractions({ databaseUrl: database.url });
    return rows.filter((row) => row.traceId === traceId);
  }

  async function metrics(): Promise<Record<string, number>> {
    return parseMetrics(await (await fetch(`${sink.url}/metrics`)).text());
  }

  it('stores an AI span attributed to the root exported with it, and counts the call', async () => {
    const before = await metrics();
    const { root, ai, spans } = aiRequest();

    expect(await exportWith(exporter, spans)).toEqual({ code: ExportResultCode.SUCCESS });
    expect(await rowsOf(ai.spanContext().traceId)).toEqual([
      {
        traceId: ai.spanContext().traceId,
        spanId: ai.spanContext().spanId,
        parentSpanId: root.spanContext().spanId,
        source: ROUTE,
        sourceKind: 'route',
        featureId: null,
        ...PRICED_CHAT,
        attributes: {},
      },
    ]);
    const after = await metrics();
    expect({
      received: (after.spendtrace_sink_spans_received_total ?? 0) - (before.spendtrace_sink_spans_received_total ?? 0),
      written: (after.spendtrace_sink_rows_written_total ?? 0) - (before.spendtrace_sink_rows_written_total ?? 0),
      ok:
        (after['spendtrace_sink_grpc_requests_total{code="OK"}'] ?? 0) -
        (before['spendtrace_sink_grpc_requests_total{code="OK"}'] ?? 0),
    }).toEqual({ received: 2, written: 1, ok: 1 });
  });

  it('refuses a wrong token with UNAUTHENTICATED, which the exporter does not retry', async () => {
    const wrong = new OTLPTraceExporter({ url: `http://${address}`, metadata: bearer('not-the-sink-token-0123') });
    try {
      const { ai, spans } = aiRequest();
      const result = await exportWith(wrong, spans);
      expect({ code: result.code, grpcCode: (result.error as Partial<ServiceError> | undefined)?.code }).toEqual({
        code: ExportResultCode.FAILED,
        grpcCode: status.UNAUTHENTICATED,
      });
      expect(await rowsOf(ai.spanContext().traceId)).toEqual([]);
    } finally {
      await wrong.shutdown();
    }
  });

  it('refuses a call without a token with UNAUTHENTICATED and says what to send', async () => {
    const error = await rawExport(client, Buffer.alloc(0), new Metadata());
    expect({ code: (error as ServiceError).code, details: (error as ServiceError).details }).toEqual({
      code: status.UNAUTHENTICATED,
      details: 'Missing or wrong bearer token: send the metadata authorization: Bearer <COLLECTOR_TOKEN>.',
    });
  });

  it('refuses bytes that are not an ExportTraceServiceRequest with INVALID_ARGUMENT', async () => {
    const before = await metrics();
    const error = await rawExport(client, Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]), bearer(sink.token));
    expect((error as ServiceError).code).toBe(status.INVALID_ARGUMENT);
    const after = await metrics();
    const invalid = 'spendtrace_sink_grpc_requests_total{code="INVALID_ARGUMENT"}';
    expect((after[invalid] ?? 0) - (before[invalid] ?? 0)).toBe(1);
  });

  it('answers partial_success for a span with an all-zero trace id and writes the valid one', async () => {
    const valid = { traceId: newTraceId(), spanId: newSpanId() };
    const now = Date.now() * 1_000_000;
    const span = (traceId: string, spanId: string) => ({
      traceId: Buffer.from(traceId, 'hex'),
      spanId: Buffer.from(spanId, 'hex'),
      name: 'chat gpt-4o-mini',
      kind: OTLP_SPAN_KIND_CLIENT,
      startTimeUnixNano: now,
      endTimeUnixNano: now + 1_000_000,
      attributes: Object.entries(CHAT_ATTRIBUTES).map(([key, value]) => ({
        key,
        value: typeof value === 'string' ? { stringValue: value } : { intValue: value },
      })),
    });
    const body = ExportTraceServiceRequest.encode(
      ExportTraceServiceRequest.fromObject({
        resourceSpans: [
          {
            resource: { attributes: [{ key: 'service.name', value: { stringValue: SERVICE } }] },
            scopeSpans: [{ spans: [span(valid.traceId, valid.spanId), span('0'.repeat(32), newSpanId())] }],
          },
        ],
      }),
    ).finish();

    const response = await rawExport(client, Buffer.from(body), bearer(sink.token));
    expect(response).toBeInstanceOf(Buffer);
    expect(
      ExportTraceServiceResponse.toObject(ExportTraceServiceResponse.decode(response as Buffer), { longs: Number }),
    ).toEqual({
      partialSuccess: { rejectedSpans: 1, errorMessage: 'rejected: invalid trace id' },
    });
    expect((await rowsOf(valid.traceId)).map((row) => ({ spanId: row.spanId, sourceKind: row.sourceKind }))).toEqual([
      { spanId: valid.spanId, sourceKind: 'unattributed' },
    ]);
  });

  it('answers UNAVAILABLE while the database is unreachable, and stores the retried request once it is back', async () => {
    const retried = 'spendtrace_sink_spans_retried_total';
    const before = await metrics();
    const { ai, spans } = aiRequest();
    const body = serialized(spans);
    await proxy.cut();
    try {
      const error = await rawExport(client, body, bearer(sink.token));
      expect({ code: (error as ServiceError).code, details: (error as ServiceError).details }).toEqual({
        code: status.UNAVAILABLE,
        details: 'The database is unavailable; retry later.',
      });
    } finally {
      await proxy.restore();
    }
    const after = await metrics();
    expect({
      retried: (after[retried] ?? 0) - (before[retried] ?? 0),
      unavailable: after['spendtrace_sink_grpc_requests_total{code="UNAVAILABLE"}'],
    }).toEqual({ retried: 2, unavailable: 1 });

    // The client sends the same request again, as the Collector's retry does.
    const retry = await poll(
      () => rawExport(client, body, bearer(sink.token)),
      (answer) => answer instanceof Buffer,
    );
    expect(retry).toEqual(Buffer.alloc(0));
    expect((await rowsOf(ai.spanContext().traceId)).map((row) => row.source)).toEqual([ROUTE]);
  });

  // Last: it stops the sink.
  it('finishes a call in flight on SIGTERM, then exits 0', async () => {
    const received = async () => (await metrics()).spendtrace_sink_spans_received_total ?? 0;
    const before = await received();
    // Every database round trip now takes 400 ms: the write is still going when the signal comes.
    proxy.setLatency(200);
    const { root, ai, spans } = aiRequest();
    const result = exportWith(exporter, spans);
    expect(await poll(received, (n) => n > before, { intervalMs: 20 })).toBe(before + 2);

    const code = await sink.stop();
    expect({ result: await result, code }).toEqual({ result: { code: ExportResultCode.SUCCESS }, code: 0 });
    proxy.setLatency(0);
    expect((await rowsOf(ai.spanContext().traceId)).map((row) => [row.parentSpanId, row.source])).toEqual([
      [root.spanContext().spanId, ROUTE],
    ]);
    expect(sink.output()).toContain('"grpcCallsInFlight":1');
  });
});
