// The collector sink as a process (`npm run collector`), fed by the official OTLP exporters (protobuf and
// JSON) from a real BasicTracerProvider, its rows read back from the database: PGlite served over the
// Postgres wire protocol by default, a fresh Postgres database when TEST_DATABASE_URL is set.
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CHAT_ATTRIBUTES,
  chatRowFields,
  newSpanId,
  newTraceId,
  OTLP_SPAN_KIND_CLIENT,
  OTLP_SPAN_KIND_SERVER,
  otlpJsonRequest,
} from '../support/otlp-json-request';
import { poll } from '../support/poll';
import { readInteractions, type StoredInteraction } from '../support/read-interactions';
import { startSink, type SinkProcess } from '../../harness/sink-process';
import { startTcpDatabase, type TcpDatabase } from '../support/tcp-database';
import { NO_USAGE } from '../../harness/interaction-rows';

const SERVICE = 'lead-service';
const ROUTE = '/api/leads/[id]/draft';

/** The row fields every priced gpt-4o-mini chat call of these tests has (20 + 10 tokens). */
const PRICED_CHAT = chatRowFields(SERVICE);

/** Passes spans to an official exporter and keeps each batch and its result. */
class RecordingExporter implements SpanExporter {
  readonly batches: ReadableSpan[][] = [];
  readonly results: ExportResult[] = [];

  constructor(readonly inner: SpanExporter) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.batches.push(spans);
    this.inner.export(spans, (result) => {
      this.results.push(result);
      done(result);
    });
  }

  /** Sends `spans` again through the same exporter, as a client retrying a batch does. */
  exportAgain(spans: ReadableSpan[]): Promise<ExportResult> {
    return new Promise((resolve) => this.inner.export(spans, resolve));
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}

interface Tracing {
  exporter: RecordingExporter;
  /** Starts a span, as a child of `parent` when given. */
  start(name: string, kind: SpanKind, attributes: Attributes, parent?: Span): Span;
  /** Exports every span ended so far, in one request. */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

/** A provider whose spans go out only on {@link Tracing.flush}, so a test decides what each request holds. */
function tracing(exporter: SpanExporter): Tracing {
  const recording = new RecordingExporter(exporter);
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': SERVICE }),
    spanProcessors: [new BatchSpanProcessor(recording, { scheduledDelayMillis: 3_600_000 })],
  });
  const tracer = provider.getTracer('lead-service-test');
  return {
    exporter: recording,
    start: (name, kind, attributes, parent) =>
      tracer.startSpan(name, { kind, attributes }, parent ? trace.setSpan(ROOT_CONTEXT, parent) : ROOT_CONTEXT),
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}

function idsOf(span: Span): { traceId: string; spanId: string } {
  const { traceId, spanId } = span.spanContext();
  return { traceId, spanId };
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

describe('the collector sink', () => {
  let database: TcpDatabase;
  let sink: SinkProcess;
  let auth: Record<string, string>;
  // Undone in reverse order after the tests, whatever got started before a failure.
  const teardown: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    database = await startTcpDatabase();
    teardown.push(() => database.close());
    sink = await startSink({ DATABASE_URL: database.url });
    teardown.push(() => sink.stop());
    auth = { authorization: `Bearer ${sink.token}` };
  });

  afterAll(async () => {
    for (const undo of teardown.reverse()) await undo();
  });

  /** The rows of one trace, by span id. */
  async function rowsOf(traceId: string): Promise<StoredInteraction[]> {
    const rows = await readInteractions({ databaseUrl: database.url });
    return rows.filter((row) => row.traceId === traceId).sort((a, b) => a.spanId.localeCompare(b.spanId));
  }

  async function metrics(): Promise<Record<string, number>> {
    const res = await fetch(`${sink.url}/metrics`);
    expect(res.status).toBe(200);
    return parseMetrics(await res.text());
  }

  describe.each<[string, () => SpanExporter]>([
    ['OTLP/protobuf', () => new ProtoTraceExporter({ url: sink.tracesUrl, headers: auth })],
    ['OTLP/JSON', () => new JsonTraceExporter({ url: sink.tracesUrl, headers: auth })],
  ])('POST /v1/traces from the official %s exporter', (_protocol, makeExporter) => {
    let t: Tracing;

    beforeAll(() => {
      t = tracing(makeExporter());
      teardown.push(() => t.shutdown());
    });

    /** A Next.js-like request: root SERVER span with its route, a database span, and the AI call's span. */
    function request(aiAttributes: Attributes): { root: Span; db: Span; ai: Span } {
      const root = t.start('GET', SpanKind.SERVER, { 'http.method': 'GET', 'http.route': ROUTE });
      const db = t.start('prisma:client:operation', SpanKind.INTERNAL, { 'db.system': 'postgresql' }, root);
      db.end();
      const ai = t.start('chat gpt-4o-mini', SpanKind.CLIENT, aiAttributes, root);
      return { root, db, ai };
    }

    it('writes an AI span that carries its own ai.source and ai.feature', async () => {
      const { root, ai } = request({
        ...CHAT_ATTRIBUTES,
        'ai.source': 'action:insights_chat.send_message',
        'ai.feature': 'insights_chat.answer',
        'ai.attr.customer_tier': 'gold',
      });
      ai.end();
      root.end();
      await t.flush();

      expect(t.exporter.results.at(-1)).toEqual({ code: ExportResultCode.SUCCESS });
      expect(await rowsOf(idsOf(ai).traceId)).toEqual([
        {
          ...idsOf(ai),
          parentSpanId: idsOf(root).spanId,
          source: 'action:insights_chat.send_message',
          sourceKind: 'action',
          featureId: 'insights_chat.answer',
          ...PRICED_CHAT,
          attributes: { customer_tier: 'gold' },
        },
      ]);
    });

    it("attributes an AI span without ai.source to its root's route when both come in one export", async () => {
      const { root, ai } = request({ ...CHAT_ATTRIBUTES });
      ai.end();
      root.end();
      await t.flush();

      expect(t.exporter.batches.at(-1)?.map((span) => span.name)).toEqual([
        'prisma:client:operation',
        'chat gpt-4o-mini',
        'GET',
      ]);
      expect(t.exporter.results.at(-1)).toEqual({ code: ExportResultCode.SUCCESS });
      expect(await rowsOf(idsOf(ai).traceId)).toEqual([
        {
          ...idsOf(ai),
          parentSpanId: idsOf(root).spanId,
          source: ROUTE,
          sourceKind: 'route',
          featureId: null,
          ...PRICED_CHAT,
          attributes: {},
        },
      ]);
    });

    it('writes the AI span unattributed, then corrects it when its root arrives in a later export', async () => {
      const correctedBefore = (await metrics()).spendtrace_sink_rows_corrected_total;
      const { root, ai } = request({ ...CHAT_ATTRIBUTES });
      ai.end();
      await t.flush();
      expect(t.exporter.batches.at(-1)?.map((span) => span.name)).toEqual([
        'prisma:client:operation',
        'chat gpt-4o-mini',
      ]);
      const unattributed = {
        ...idsOf(ai),
        parentSpanId: idsOf(root).spanId,
        source: null,
        sourceKind: 'unattributed',
        featureId: null,
        ...PRICED_CHAT,
        attributes: {},
      };
      expect(await rowsOf(idsOf(ai).traceId)).toEqual([unattributed]);

      root.end();
      await t.flush();
      expect(t.exporter.batches.at(-1)?.map((span) => span.name)).toEqual(['GET']);
      expect(t.exporter.results.slice(-2)).toEqual([
        { code: ExportResultCode.SUCCESS },
        { code: ExportResultCode.SUCCESS },
      ]);
      expect(
        await poll(
          () => rowsOf(idsOf(ai).traceId),
          (rows) => rows[0]?.source !== null,
        ),
      ).toEqual([{ ...unattributed, source: ROUTE, sourceKind: 'route' }]);
      expect((await metrics()).spendtrace_sink_rows_corrected_total).toBe((correctedBefore ?? Number.NaN) + 1);
    });

    it('records a failed AI call without usage as an error with cost status no_usage', async () => {
      const { root, ai } = request({
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o-mini',
        'error.type': 'RateLimitError',
      });
      ai.setStatus({ code: SpanStatusCode.ERROR, message: '429 Rate limit reached' });
      ai.end();
      root.end();
      await t.flush();

      expect(t.exporter.results.at(-1)).toEqual({ code: ExportResultCode.SUCCESS });
      expect(await rowsOf(idsOf(ai).traceId)).toEqual([
        {
          ...idsOf(ai),
          parentSpanId: idsOf(root).spanId,
          source: ROUTE,
          sourceKind: 'route',
          featureId: null,
          operation: 'chat',
          provider: 'openai',
          requestModel: 'gpt-4o-mini',
          responseModel: null,
          ...NO_USAGE,
          streamed: false,
          status: 'error',
          errorType: 'RateLimitError',
          serviceName: SERVICE,
          serviceVersion: null,
          attributes: {},
        },
      ]);
    });

    it('writes one row per span when the same batch is exported twice', async () => {
      const first = request({ ...CHAT_ATTRIBUTES, 'ai.source': 'job:weekly_digest' });
      const second = t.start('chat gpt-4o-mini', SpanKind.CLIENT, { ...CHAT_ATTRIBUTES }, first.root);
      first.ai.end();
      second.end();
      first.root.end();
      await t.flush();
      const writtenBefore = (await metrics()).spendtrace_sink_rows_written_total;
      const batch = t.exporter.batches.at(-1) ?? [];
      expect(batch).toHaveLength(4);

      expect(await t.exporter.exportAgain(batch)).toEqual({ code: ExportResultCode.SUCCESS });
      expect((await metrics()).spendtrace_sink_rows_written_total).toBe(writtenBefore);
      expect(await rowsOf(idsOf(first.ai).traceId)).toEqual(
        [
          {
            ...idsOf(first.ai),
            parentSpanId: idsOf(first.root).spanId,
            source: 'job:weekly_digest',
            sourceKind: 'job',
            featureId: null,
            ...PRICED_CHAT,
            attributes: {},
          },
          {
            ...idsOf(second),
            parentSpanId: idsOf(first.root).spanId,
            source: ROUTE,
            sourceKind: 'route',
            featureId: null,
            ...PRICED_CHAT,
            attributes: {},
          },
        ].sort((a, b) => a.spanId.localeCompare(b.spanId)),
      );
    });
  });

  describe('ExportTraceServiceResponse', () => {
    it('reports a span with an all-zero trace id in partialSuccess and writes the valid spans of the request', async () => {
      const valid = { traceId: newTraceId(), spanId: newSpanId() };
      const res = await fetch(sink.tracesUrl, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: otlpJsonRequest(SERVICE, [
          { ...valid, name: 'chat gpt-4o-mini', kind: OTLP_SPAN_KIND_CLIENT, attributes: { ...CHAT_ATTRIBUTES } },
          {
            traceId: '0'.repeat(32),
            spanId: newSpanId(),
            name: 'chat gpt-4o-mini',
            kind: OTLP_SPAN_KIND_CLIENT,
            attributes: { ...CHAT_ATTRIBUTES },
          },
        ]),
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/json');
      expect(await res.text()).toBe(
        '{"partialSuccess":{"rejectedSpans":1,"errorMessage":"rejected: invalid trace id"}}',
      );
      expect(await rowsOf(valid.traceId)).toEqual([
        {
          ...valid,
          parentSpanId: null,
          source: null,
          sourceKind: 'unattributed',
          featureId: null,
          ...PRICED_CHAT,
          attributes: {},
        },
      ]);
    });

    it('answers a fully accepted request with an empty response', async () => {
      const res = await fetch(sink.tracesUrl, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: otlpJsonRequest(SERVICE, [
          { traceId: newTraceId(), spanId: newSpanId(), name: 'GET', kind: OTLP_SPAN_KIND_SERVER, attributes: {} },
        ]),
      });
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('{}');
    });
  });

  describe('operational endpoints', () => {
    it('answers GET /healthz and /readyz', async () => {
      const health = await fetch(`${sink.url}/healthz`);
      expect([health.status, await health.text()]).toEqual([200, 'ok\n']);
      const ready = await fetch(`${sink.url}/readyz`);
      expect([ready.status, await ready.text()]).toEqual([200, 'ready\n']);
    });

    it('answers 404 on an unknown path', async () => {
      const res = await fetch(`${sink.url}/v1/metrics`);
      expect(res.status).toBe(404);
      expect(await res.text()).toBe(
        'Not found. The sink serves POST /v1/traces, GET /healthz, /readyz and /metrics.\n',
      );
    });

    it('counts exactly the traffic it was sent in GET /metrics', async () => {
      const before = await metrics();
      const t = tracing(new ProtoTraceExporter({ url: sink.tracesUrl, headers: auth }));
      teardown.push(() => t.shutdown());
      const root = t.start('GET', SpanKind.SERVER, { 'http.route': ROUTE });
      t.start('chat gpt-4o-mini', SpanKind.CLIENT, { ...CHAT_ATTRIBUTES }, root).end();
      t.start('render', SpanKind.INTERNAL, {}, root).end();
      root.end();
      await t.flush();
      expect(t.exporter.results.at(-1)).toEqual({ code: ExportResultCode.SUCCESS });
      const partial = await fetch(sink.tracesUrl, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: otlpJsonRequest(SERVICE, [
          { traceId: newTraceId(), spanId: newSpanId(), name: 'chat', kind: 3, attributes: { ...CHAT_ATTRIBUTES } },
          { traceId: newTraceId(), spanId: '0'.repeat(16), name: 'chat', kind: 3, attributes: { ...CHAT_ATTRIBUTES } },
        ]),
      });
      expect(partial.status).toBe(200);
      await partial.arrayBuffer();
      const unauthorized = await fetch(sink.tracesUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(unauthorized.status).toBe(401);
      await unauthorized.arrayBuffer();

      const after = await metrics();
      const delta = Object.fromEntries(
        Object.entries(after).map(([name, value]) => [name, value - (before[name] ?? 0)]),
      );
      expect(delta).toEqual({
        spendtrace_sink_spans_received_total: 5,
        spendtrace_sink_rows_written_total: 2,
        spendtrace_sink_spans_rejected_total: 1,
        spendtrace_sink_spans_retried_total: 0,
        spendtrace_sink_rows_corrected_total: 0,
        // One write per request: the two were sent one after the other, so none waited for another.
        spendtrace_sink_writes_total: 2,
        // Both rows' spans, read by the GenAI conventions' dialect.
        'spendtrace_sink_dialect_spans_total{dialect="gen_ai",kind="call"}': 2,
        'spendtrace_sink_requests_total{status="200"}': 2,
        'spendtrace_sink_requests_total{status="401"}': 1,
      });
    });
  });

  describe('shutdown', () => {
    it('finishes a request in flight on SIGTERM, then exits 0', async () => {
      const span = { traceId: newTraceId(), spanId: newSpanId() };
      const body = otlpJsonRequest(SERVICE, [
        { ...span, name: 'chat', kind: OTLP_SPAN_KIND_CLIENT, attributes: { ...CHAT_ATTRIBUTES, 'ai.source': ROUTE } },
      ]);
      // `Expect: 100-continue` tells us when the sink has the request in hand, before it has the body.
      const req = http.request(sink.tracesUrl, {
        method: 'POST',
        agent: false,
        headers: {
          ...auth,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          expect: '100-continue',
        },
      });
      const response = new Promise<{ status: number | undefined; body: string }>((resolve, reject) => {
        req.on('error', reject);
        req.on('response', (res) => {
          let text = '';
          res.on('data', (d: Buffer) => (text += d.toString()));
          res.on('end', () => resolve({ status: res.statusCode, body: text }));
        });
      });
      await new Promise((resolve) => req.once('continue', resolve));

      const exited = sink.stop();
      expect(
        await poll(
          () => sink.output().includes('shutting down: finishing requests in flight'),
          (seen) => seen,
        ),
      ).toBe(true);
      req.end(body);

      expect(await response).toEqual({ status: 200, body: '{}' });
      expect(await exited).toBe(0);
      expect(sink.output()).toContain('"msg":"stopped"');
      expect((await rowsOf(span.traceId)).map((row) => [row.spanId, row.source])).toEqual([[span.spanId, ROUTE]]);
    });
  });
});
