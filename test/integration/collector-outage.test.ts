// The collector sink's database goes away while clients send spans: the sink answers 503 with Retry-After
// and reports not ready, clients retry, and once the database is back every span has exactly one row.
import { SpanKind, trace, ROOT_CONTEXT } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CHAT_ATTRIBUTES,
  newSpanId,
  newTraceId,
  OTLP_SPAN_KIND_CLIENT,
  otlpJsonRequest,
} from '../support/otlp-json-request';
import { poll } from '../support/poll';
import { startSink, type SinkProcess } from '../../harness/sink-process';
import { startTcpDatabase, type TcpDatabase } from '../support/tcp-database';
import { startTcpProxy, type TcpProxy } from '../../harness/tcp-proxy';

const REQUESTS = 20;
const SPANS_PER_REQUEST = 25;
/** Attempts per request before the sending loop gives up, as an OTLP client bounds its retries. */
const MAX_ATTEMPTS = 30;

interface Attempt {
  request: number;
  status: number;
  retryAfter: string | null;
}

/** Finished spans of one request: a root SERVER span on a route and `aiCalls` AI calls under it. */
function finishedTrace(aiCalls: number): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'lead-service' }),
    spanProcessors: [new SimpleSpanProcessor(memory)],
  });
  const tracer = provider.getTracer('lead-service-test');
  const root = tracer.startSpan('GET', {
    kind: SpanKind.SERVER,
    attributes: { 'http.route': '/api/leads/[id]/draft' },
  });
  for (let i = 0; i < aiCalls; i++) {
    tracer
      .startSpan(
        'chat gpt-4o-mini',
        { kind: SpanKind.CLIENT, attributes: CHAT_ATTRIBUTES },
        trace.setSpan(ROOT_CONTEXT, root),
      )
      .end();
  }
  root.end();
  return memory.getFinishedSpans();
}

describe('the collector sink during a database outage', () => {
  let database: TcpDatabase;
  let proxy: TcpProxy;
  let sink: SinkProcess;
  // Undone in reverse order after the tests, whatever got started before a failure.
  const teardown: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    database = await startTcpDatabase();
    teardown.push(() => database.close());
    proxy = await startTcpProxy({ host: database.host, port: database.port });
    teardown.push(() => proxy.close());
    sink = await startSink({ DATABASE_URL: database.urlVia(proxy.port), COLLECTOR_RETRY_AFTER_SECONDS: '1' });
    teardown.push(() => sink.stop());
  });

  afterAll(async () => {
    for (const undo of teardown.reverse()) await undo();
  });

  /** Rows and distinct (trace id, span id) pairs, read past the proxy. */
  async function countRows(traceIds?: string[]): Promise<{ rows: number; distinct: number }> {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ rows: string; distinct: string }>(
        `SELECT count(*) AS rows, count(DISTINCT (trace_id, span_id)) AS distinct FROM ai_interaction
         WHERE $1::text[] IS NULL OR trace_id = ANY($1::text[])`,
        [traceIds ?? null],
      );
      return { rows: Number(rows[0]?.rows), distinct: Number(rows[0]?.distinct) };
    } finally {
      await client.end();
    }
  }

  async function readiness(): Promise<{ status: number; retryAfter: string | null }> {
    const res = await fetch(`${sink.url}/readyz`);
    await res.arrayBuffer();
    return { status: res.status, retryAfter: res.headers.get('retry-after') };
  }

  async function answered503(): Promise<number> {
    const res = await fetch(`${sink.url}/metrics`);
    const line = (await res.text())
      .split('\n')
      .find((l) => l.startsWith('spendtrace_sink_requests_total{status="503"} '));
    return line === undefined ? 0 : Number(line.split(' ')[1]);
  }

  it('answers 503 with Retry-After while the database is away, and writes every span once when it returns', async () => {
    const attempts: Attempt[] = [];
    let completed = 0;
    let releaseSender = () => {};
    const outageStarted = new Promise<void>((resolve) => (releaseSender = resolve));

    /** One request, retried on 503 after the Retry-After the sink gives, as an OTLP client does. */
    async function send(request: number, body: string): Promise<number> {
      for (let attempt = 1; ; attempt++) {
        const res = await fetch(sink.tracesUrl, {
          method: 'POST',
          headers: { authorization: `Bearer ${sink.token}`, 'content-type': 'application/json' },
          body,
        });
        await res.arrayBuffer();
        const retryAfter = res.headers.get('retry-after');
        attempts.push({ request, status: res.status, retryAfter });
        if (res.status !== 503 || attempt === MAX_ATTEMPTS) return res.status;
        await new Promise((r) => setTimeout(r, Number(retryAfter ?? '1') * 1_000));
      }
    }

    const sender = (async () => {
      const statuses: number[] = [];
      for (let request = 0; request < REQUESTS; request++) {
        // The database is cut after the first five requests, while the rest are still to be sent.
        if (request === 5) await outageStarted;
        const spans = Array.from({ length: SPANS_PER_REQUEST }, () => ({
          traceId: newTraceId(),
          spanId: newSpanId(),
          name: 'chat gpt-4o-mini',
          kind: OTLP_SPAN_KIND_CLIENT,
          attributes: { ...CHAT_ATTRIBUTES, 'ai.source': 'job:backfill' },
        }));
        statuses.push(await send(request, otlpJsonRequest('backfill-worker', spans)));
        completed += 1;
      }
      return statuses;
    })();

    await poll(
      () => completed,
      (n) => n >= 5,
    );
    await proxy.cut();
    releaseSender();
    expect(
      await poll(
        () => readiness(),
        (r) => r.status === 503,
      ),
    ).toEqual({ status: 503, retryAfter: '1' });
    // Keep the database away until the sender has been refused and has retried a few times (about 3 s).
    await poll(
      () => attempts.filter((a) => a.status === 503).length,
      (n) => n >= 3,
    );
    await proxy.restore();
    expect(
      await poll(
        () => readiness(),
        (r) => r.status === 200,
      ),
    ).toEqual({ status: 200, retryAfter: null });

    expect(await sender).toEqual(Array.from({ length: REQUESTS }, () => 200));
    const refused = attempts.filter((a) => a.status === 503);
    expect(refused.length).toBeGreaterThanOrEqual(3);
    expect(new Set(refused.map((a) => a.retryAfter))).toEqual(new Set(['1']));
    expect(new Set(attempts.map((a) => a.status))).toEqual(new Set([200, 503]));
    expect(await countRows()).toEqual({ rows: REQUESTS * SPANS_PER_REQUEST, distinct: REQUESTS * SPANS_PER_REQUEST });
    expect(sink.output()).toContain('writing spans failed; answering 503 so the client retries');
  });

  describe('the official OTLP/protobuf exporter', () => {
    const exportSpans = (spans: ReadableSpan[]) => {
      const exporter = new ProtoTraceExporter({
        url: sink.tracesUrl,
        headers: { authorization: `Bearer ${sink.token}` },
      });
      teardown.push(() => exporter.shutdown());
      return new Promise<ExportResult>((resolve) => exporter.export(spans, resolve));
    };

    it('retries through a short outage, honouring Retry-After, and its spans are written once', async () => {
      const spans = finishedTrace(3);
      const traceId = spans[0]?.spanContext().traceId ?? '';
      await proxy.cut();
      expect((await poll(readiness, (r) => r.status === 503)).status).toBe(503);
      const refusedBefore = await answered503();

      const result = exportSpans(spans);
      // Refused once and retried at least once, one Retry-After (1 s) apart.
      expect(await poll(answered503, (n) => n >= refusedBefore + 2)).toBeGreaterThanOrEqual(refusedBefore + 2);
      await proxy.restore();

      expect(await result).toEqual({ code: ExportResultCode.SUCCESS });
      expect(await countRows([traceId])).toEqual({ rows: 3, distinct: 3 });
    });

    it('reports failure when the outage outlasts its retries, and nothing is written', async () => {
      const spans = finishedTrace(2);
      const traceId = spans[0]?.spanContext().traceId ?? '';
      await proxy.cut();
      expect((await poll(readiness, (r) => r.status === 503)).status).toBe(503);
      const refusedBefore = await answered503();

      const result = await exportSpans(spans);
      await proxy.restore();

      expect(result.code).toBe(ExportResultCode.FAILED);
      expect(result.error?.message).toBe('Export failed with retryable status');
      // One attempt and the exporter's five retries (otlp-exporter-base MAX_ATTEMPTS), 1 s apart: all within
      // its 10 s export timeout.
      expect((await answered503()) - refusedBefore).toBe(6);
      expect(await countRows([traceId])).toEqual({ rows: 0, distinct: 0 });
      expect((await poll(readiness, (r) => r.status === 200)).status).toBe(200);
    });
  });
});
