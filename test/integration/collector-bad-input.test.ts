// The collector sink as a process, sent what a misconfigured or hostile client sends: each request is
// answered with the status the OTLP/HTTP specification gives it, nothing is written, and the sink stays up.
import { SpanKind } from '@opentelemetry/api';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { gzipSync } from 'node:zlib';
import pg from 'pg';
import protobuf from 'protobufjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  CHAT_ATTRIBUTES,
  newSpanId,
  newTraceId,
  OTLP_SPAN_KIND_CLIENT,
  otlpJsonRequest,
} from '../support/otlp-json-request';
import { chunkedBody, rawHttpExchange } from '../support/raw-http-exchange';
import { startRequestRecorder } from '../support/request-recorder';
import { startSink, type SinkProcess } from '../../harness/sink-process';
import { startTcpDatabase, type TcpDatabase } from '../support/tcp-database';

const MAX_BODY_BYTES = 65_536;
const MAX_DECOMPRESSED_BYTES = 8 * MAX_BODY_BYTES;
const MiB = 1024 * 1024;

/** google.rpc.Status as the OTLP/HTTP specification defines it, for reading protobuf error bodies. */
const RpcStatus = new protobuf.Type('Status')
  .add(new protobuf.Field('code', 1, 'int32'))
  .add(new protobuf.Field('message', 2, 'string'));

interface Answer {
  status: number;
  headers: Headers;
  body: Buffer;
}

/** Deterministic pseudo-random bytes (a linear congruential generator), so a failure can be replayed. */
function pseudoRandomBytes(seed: number, length: number): Buffer {
  const out = Buffer.alloc(length);
  let state = seed >>> 0;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    out[i] = state >>> 24;
  }
  return out;
}

describe('the collector sink given bad input', () => {
  let database: TcpDatabase;
  let sink: SinkProcess;
  /** A valid OTLP/protobuf request with one AI span, exactly as the official exporter sent it. */
  let protobufBody: Buffer;
  // Undone in reverse order after the tests, whatever got started before a failure.
  const teardown: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    database = await startTcpDatabase();
    teardown.push(() => database.close());
    sink = await startSink({ DATABASE_URL: database.url, COLLECTOR_MAX_BODY_BYTES: String(MAX_BODY_BYTES) });
    teardown.push(() => sink.stop());

    const recorder = await startRequestRecorder();
    teardown.push(() => recorder.close());
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'lead-service' }),
      spanProcessors: [new SimpleSpanProcessor(new ProtoTraceExporter({ url: recorder.url }))],
    });
    provider
      .getTracer('test')
      .startSpan('chat gpt-4o-mini', { kind: SpanKind.CLIENT, attributes: CHAT_ATTRIBUTES })
      .end();
    await provider.shutdown();
    const [recorded] = recorder.bodies;
    if (recorded === undefined) throw new Error('the exporter sent nothing');
    protobufBody = recorded;
  });

  afterAll(async () => {
    for (const undo of teardown.reverse()) await undo();
  });

  afterEach(async () => {
    const res = await fetch(`${sink.url}/healthz`);
    expect(res.status).toBe(200);
    await res.arrayBuffer();
  });

  async function countRows(): Promise<number> {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM ai_interaction');
      return Number(rows[0]?.n);
    } finally {
      await client.end();
    }
  }

  async function post(
    body: Uint8Array | string | ReadableStream<Uint8Array>,
    headers: Record<string, string>,
  ): Promise<Answer> {
    const res = await fetch(sink.tracesUrl, {
      method: 'POST',
      headers,
      body,
      ...(body instanceof ReadableStream && { duplex: 'half' }),
    } as RequestInit);
    return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
  }

  function json(answer: Answer): unknown {
    expect(answer.headers.get('content-type')).toBe('application/json');
    return JSON.parse(answer.body.toString('utf8'));
  }

  function rpcStatus(answer: Answer): unknown {
    expect(answer.headers.get('content-type')).toBe('application/x-protobuf');
    return RpcStatus.toObject(RpcStatus.decode(answer.body), { defaults: true });
  }

  const port = () => Number(new URL(sink.url).port);
  const authorized = () => ({ authorization: `Bearer ${sink.token}` });
  const asJson = () => ({ ...authorized(), 'content-type': 'application/json' });
  const asProtobuf = () => ({ ...authorized(), 'content-type': 'application/x-protobuf' });
  const oneAiSpan = () =>
    otlpJsonRequest('lead-service', [
      {
        traceId: newTraceId(),
        spanId: newSpanId(),
        name: 'chat gpt-4o-mini',
        kind: OTLP_SPAN_KIND_CLIENT,
        attributes: { ...CHAT_ATTRIBUTES },
      },
    ]);

  describe('authorization', () => {
    it('answers 401 with WWW-Authenticate: Bearer without a token', async () => {
      const before = await countRows();
      const answer = await post(oneAiSpan(), { 'content-type': 'application/json' });
      expect(answer.status).toBe(401);
      expect(answer.headers.get('www-authenticate')).toBe('Bearer');
      expect(json(answer)).toEqual({
        code: 16,
        message: 'Missing or wrong bearer token: send Authorization: Bearer <COLLECTOR_TOKEN>.',
      });
      expect(await countRows()).toBe(before);
    });

    it('answers 401 to a wrong token, in the encoding of the request', async () => {
      const before = await countRows();
      const answer = await post(protobufBody, {
        'content-type': 'application/x-protobuf',
        authorization: 'Bearer not-the-collector-token',
      });
      expect(answer.status).toBe(401);
      expect(answer.headers.get('www-authenticate')).toBe('Bearer');
      expect(rpcStatus(answer)).toEqual({
        code: 16,
        message: 'Missing or wrong bearer token: send Authorization: Bearer <COLLECTOR_TOKEN>.',
      });
      expect(await countRows()).toBe(before);
    });

    it('answers 401 to the token in the query string, as Basic credentials, in another case or longer', async () => {
      const before = await countRows();
      const token = sink.token;
      const attempts: { url: string; authorization?: string }[] = [
        { url: `${sink.tracesUrl}?access_token=${token}` },
        { url: `${sink.tracesUrl}?token=${token}` },
        { url: sink.tracesUrl, authorization: `Basic ${Buffer.from(`otel:${token}`).toString('base64')}` },
        { url: sink.tracesUrl, authorization: `Basic ${token}` },
        { url: sink.tracesUrl, authorization: `Bearer ${token.toUpperCase()}` },
        { url: sink.tracesUrl, authorization: `Bearer ${token}0` },
        { url: sink.tracesUrl, authorization: `Bearer ${token.slice(0, -1)}` },
      ];
      const answers = [];
      for (const { url, authorization } of attempts) {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(authorization && { authorization }) },
          body: oneAiSpan(),
        });
        answers.push({ status: res.status, body: await res.json() });
      }
      expect(answers).toEqual(
        attempts.map(() => ({
          status: 401,
          body: { code: 16, message: 'Missing or wrong bearer token: send Authorization: Bearer <COLLECTOR_TOKEN>.' },
        })),
      );
      expect(await countRows()).toBe(before);
    });

    it('accepts the scheme in lower case', async () => {
      const before = await countRows();
      const answer = await post(oneAiSpan(), {
        'content-type': 'application/json',
        authorization: `bearer ${sink.token}`,
      });
      expect(answer.status).toBe(200);
      expect(json(answer)).toEqual({});
      expect(await countRows()).toBe(before + 1);
    });
  });

  describe('method, media type and encoding', () => {
    it('answers 405 to GET /v1/traces', async () => {
      const res = await fetch(sink.tracesUrl, { headers: authorized() });
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe('POST');
      expect(await res.json()).toEqual({ code: 12, message: 'Use POST.' });
    });

    it('answers 415 to text/plain', async () => {
      const before = await countRows();
      const answer = await post(oneAiSpan(), { ...authorized(), 'content-type': 'text/plain' });
      expect(answer.status).toBe(415);
      expect(json(answer)).toEqual({
        code: 2,
        message: 'Content-Type must be application/x-protobuf or application/json.',
      });
      expect(await countRows()).toBe(before);
    });

    it('answers 415 to Content-Encoding: br', async () => {
      const before = await countRows();
      const answer = await post(oneAiSpan(), { ...asJson(), 'content-encoding': 'br' });
      expect(answer.status).toBe(415);
      expect(json(answer)).toEqual({ code: 2, message: 'Content-Encoding br is not supported; use gzip or none.' });
      expect(await countRows()).toBe(before);
    });

    it('accepts a gzipped request', async () => {
      const before = await countRows();
      const answer = await post(gzipSync(oneAiSpan()), { ...asJson(), 'content-encoding': 'gzip' });
      expect(answer.status).toBe(200);
      expect(json(answer)).toEqual({});
      expect(await countRows()).toBe(before + 1);
    });

    it('answers 400 to a body that is not gzip', async () => {
      const before = await countRows();
      const answer = await post(oneAiSpan(), { ...asJson(), 'content-encoding': 'gzip' });
      expect(answer.status).toBe(400);
      expect(json(answer)).toEqual({ code: 3, message: 'The body is not valid gzip: incorrect header check' });
      expect(await countRows()).toBe(before);
    });

    it('answers 400 to a request that is not HTTP', async () => {
      expect(await rawHttpExchange(port(), 'HELLO SINK\r\n\r\n')).toEqual({
        received: 'HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n',
        error: undefined,
      });
    });
  });

  describe('undecodable bodies', () => {
    it('answers 400 to a truncated protobuf request', async () => {
      const before = await countRows();
      const answer = await post(protobufBody.subarray(0, Math.floor(protobufBody.length / 2)), asProtobuf());
      expect(answer.status).toBe(400);
      expect(rpcStatus(answer)).toEqual({
        code: 3,
        message: 'the body is not a valid OTLP ExportTraceServiceRequest: index out of range',
      });
      expect(await countRows()).toBe(before);
    });

    it('answers 400, or 200 with nothing written, to random bytes as protobuf; never 500', async () => {
      const before = await countRows();
      const statuses = new Set<number>();
      for (let seed = 1; seed <= 40; seed++) {
        const answer = await post(pseudoRandomBytes(seed, 16 + seed * 37), asProtobuf());
        statuses.add(answer.status);
      }
      expect([...statuses].filter((status) => status !== 200 && status !== 400)).toEqual([]);
      expect(await countRows()).toBe(before);
    });

    it('answers 400 to malformed JSON', async () => {
      const before = await countRows();
      const answer = await post('{"resourceSpans": [', asJson());
      expect(answer.status).toBe(400);
      expect(json(answer)).toEqual({
        code: 3,
        message: expect.stringMatching(/^the body is not valid JSON: /),
      });
      expect(await countRows()).toBe(before);
    });

    it('answers 400 to JSON that is not a request object', async () => {
      const before = await countRows();
      const array = await post('[]', asJson());
      expect(array.status).toBe(400);
      expect(json(array)).toEqual({ code: 3, message: 'the body is not an OTLP ExportTraceServiceRequest object' });
      const notArray = await post('{"resourceSpans":{}}', asJson());
      expect(notArray.status).toBe(400);
      expect(json(notArray)).toEqual({ code: 3, message: 'resourceSpans must be an array' });
      expect(await countRows()).toBe(before);
    });
  });

  describe('size limits', () => {
    it('answers 413 to a body over COLLECTOR_MAX_BODY_BYTES with Content-Length', async () => {
      const before = await countRows();
      const answer = await post(Buffer.alloc(MAX_BODY_BYTES + 4_464, 0x20), asJson());
      expect(answer.status).toBe(413);
      expect(json(answer)).toEqual({ code: 3, message: 'The body is 70000 bytes; the limit is 65536 bytes.' });
      expect(await countRows()).toBe(before);
    });

    it('answers 413 to a chunked body that grows over COLLECTOR_MAX_BODY_BYTES', async () => {
      const before = await countRows();
      const { received, error } = await rawHttpExchange(
        port(),
        Buffer.concat([
          Buffer.from(
            'POST /v1/traces HTTP/1.1\r\nhost: 127.0.0.1\r\n' +
              `authorization: Bearer ${sink.token}\r\ncontent-type: application/json\r\n` +
              'transfer-encoding: chunked\r\nconnection: close\r\n\r\n',
          ),
          chunkedBody(Array.from({ length: 16 }, () => Buffer.alloc(8_192, 0x20))),
        ]),
      );
      expect(error).toBeUndefined();
      const [head = '', body] = received.split('\r\n\r\n');
      const [statusLine, ...headerLines] = head.split('\r\n');
      const headers = new Map(headerLines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line]));
      expect([statusLine, headers.get('content-type')]).toEqual([
        'HTTP/1.1 413 Payload Too Large',
        'content-type: application/json',
      ]);
      expect(JSON.parse(body ?? '')).toEqual({ code: 3, message: 'The body is over the limit of 65536 bytes.' });
      expect(await countRows()).toBe(before);
    });

    // A body that passes the limit while it is being read: the sink reads and drops the rest (up to 16 times
    // the limit) before answering, so the client reads the 413 instead of failing to write into a closed
    // socket (which an OTLP client would retry, re-sending a batch that can never fit). RFC 9112 §9.6.
    it('lets a client that is still sending its body read the 413', async () => {
      const results: string[] = [];
      for (let attempt = 0; attempt < 20; attempt++) {
        let sent = 0;
        const body = new ReadableStream<Uint8Array>({
          pull(controller) {
            if (sent >= 4 * MAX_BODY_BYTES) return controller.close();
            sent += 8_192;
            controller.enqueue(Buffer.alloc(8_192, 0x20));
          },
        });
        try {
          results.push(String((await post(body, asJson())).status));
        } catch (error) {
          results.push(String((error as { cause?: { code?: string } }).cause?.code ?? error));
        }
      }
      expect(results).toEqual(Array.from({ length: 20 }, () => '413'));
    });

    it('answers 413 to gzip bombs, its memory staying bounded', async () => {
      const before = await countRows();
      const bomb = gzipSync(Buffer.alloc(50 * MiB));
      expect(bomb.length).toBeLessThan(MAX_BODY_BYTES);
      const answers = await Promise.all(
        Array.from({ length: 10 }, () => post(bomb, { ...asJson(), 'content-encoding': 'gzip' })),
      );
      for (const answer of answers) {
        expect(answer.status).toBe(413);
        expect(json(answer)).toEqual({
          code: 3,
          message: `The body is over the limit of ${MAX_DECOMPRESSED_BYTES} bytes once decompressed.`,
        });
      }
      // Generous: the sink needs about 160 MiB; with no decompression limit these ten bombs took it past 1 GiB.
      expect({ peak: sink.peakRssBytes() < 300 * MiB, now: sink.rssBytes() < 300 * MiB }).toEqual({
        peak: true,
        now: true,
      });
      expect(await countRows()).toBe(before);
    });
  });

  describe('load', () => {
    it('answers 200 concurrent valid requests with 200 and writes each span once', async () => {
      const before = await countRows();
      const statuses = await Promise.all(
        Array.from({ length: 200 }, async () => (await post(oneAiSpan(), asJson())).status),
      );
      expect(statuses).toEqual(Array.from({ length: 200 }, () => 200));
      expect(await countRows()).toBe(before + 200);
    });
  });
});
