// The sink's HTTP server: OTLP/HTTP trace export (protobuf or JSON, gzip or not, bearer token) and the
// operational endpoints. Status codes follow the OTLP/HTTP specification, so a Collector retries exactly
// what a retry can fix (503 with Retry-After) and drops what it cannot (400, 401, 413, 415).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import { gunzip, gunzipSync } from 'node:zlib';
import type { Logger } from 'pino';
import { bearerMatches } from '../lib/http/bearer';
import type { RequestDrain } from '../lib/server/request-drain';
import type { CollectorConfig } from './config';
import { DatabaseUnavailable, exportTraces, type ExportResponse } from './export-traces';
import { decodeJson } from './otlp/decode-json';
import { decodeProtobuf } from './otlp/decode-protobuf';
import { DecodeError, type DecodedRequest } from './otlp/otlp-span';
import { ExportTraceServiceResponse, RpcStatus } from './otlp/otlp-schema';
import type { SinkMetrics } from './sink-metrics';
import type { TraceIngestor } from './trace-ingestor';

const gunzipAsync = promisify(gunzip);
/**
 * Bodies up to this size (gzipped) are inflated on the event loop: a Collector's batch of a few hundred spans
 * is about 16 KiB and inflates in well under a millisecond, less than the thread pool's round trip costs
 * (bench:sink). Larger ones inflate on the thread pool, so a big body does not hold other requests up.
 */
const INFLATE_INLINE_BYTES = 64 * 1024;

type Encoding = 'protobuf' | 'json';

export interface SinkServerDeps {
  config: CollectorConfig;
  ingestor: TraceIngestor;
  metrics: SinkMetrics;
  logger: Logger;
  /** Resolves when the database answers; rejects otherwise. */
  checkDatabase: () => Promise<void>;
  /** Counts requests in flight so a stop can let them finish. */
  drain?: RequestDrain;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

function encodingOf(contentType: string | undefined): Encoding | undefined {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  if (type === 'application/x-protobuf') return 'protobuf';
  if (type === 'application/json') return 'json';
  return undefined;
}

/**
 * Reads the body, refusing it with 413 as soon as it passes `limit` bytes. Events rather than `for await`:
 * leaving an async iterator destroys the request, and the client would see a reset instead of our 413.
 */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    return Promise.reject(new HttpError(413, `The body is ${declared} bytes; the limit is ${limit} bytes.`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (refused) return;
      if (size > limit) {
        refused = true;
        chunks.length = 0;
        reject(new HttpError(413, `The body is over the limit of ${limit} bytes.`));
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => {
      if (!refused) resolve(Buffer.concat(chunks, size));
    });
    req.once('error', reject);
  });
}

/**
 * Reads and drops what is left of a refused request's body, up to `bound` bytes, so the client reads our
 * answer instead of failing to write into a closed socket (RFC 9112 §9.6). True when the body ended.
 */
function discardBody(req: IncomingMessage, bound: number): Promise<boolean> {
  if (req.readableEnded) return Promise.resolve(true);
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > bound) return Promise.resolve(false);
  return new Promise((resolve) => {
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > bound) resolve(false);
    });
    req.once('end', () => resolve(true));
    req.once('error', () => resolve(false));
    req.once('close', () => resolve(req.readableEnded));
    req.resume();
  });
}

async function decompress(body: Buffer, contentEncoding: string | undefined, limit: number): Promise<Buffer> {
  const coding = (contentEncoding ?? 'identity').trim().toLowerCase();
  if (coding === 'identity' || coding === '') return body;
  if (coding !== 'gzip') throw new HttpError(415, `Content-Encoding ${coding} is not supported; use gzip or none.`);
  try {
    // maxOutputLength stops a gzip bomb while it inflates, not after. Inline, a small body can still inflate
    // to the limit: it is bounded by the limit, as on the thread pool.
    if (body.length <= INFLATE_INLINE_BYTES) return gunzipSync(body, { maxOutputLength: limit });
    return await gunzipAsync(body, { maxOutputLength: limit });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new HttpError(413, `The body is over the limit of ${limit} bytes once decompressed.`);
    }
    throw new HttpError(400, `The body is not valid gzip: ${(error as Error).message}`);
  }
}

function send(
  res: ServerResponse,
  status: number,
  body: string | Uint8Array,
  contentType: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': String(Buffer.byteLength(body)), ...headers });
  res.end(body);
}

/** An error answer in the request's encoding: a google.rpc.Status, as the OTLP/HTTP specification asks. */
function sendStatus(
  res: ServerResponse,
  encoding: Encoding,
  status: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  // gRPC codes for the body: INVALID_ARGUMENT, UNAUTHENTICATED, UNAVAILABLE, else UNKNOWN.
  const code = status === 400 || status === 413 ? 3 : status === 401 ? 16 : status === 503 ? 14 : 2;
  if (encoding === 'protobuf') {
    send(res, status, RpcStatus.encode({ code, message }).finish(), 'application/x-protobuf', headers);
  } else {
    send(res, status, JSON.stringify({ code, message }), 'application/json', headers);
  }
}

export function createSinkServer(deps: SinkServerDeps): Server {
  const { config, ingestor, metrics, logger } = deps;

  async function answerExport(req: IncomingMessage, res: ServerResponse): Promise<number> {
    const encoding = encodingOf(req.headers['content-type']) ?? 'json';
    try {
      if (!bearerMatches(req.headers.authorization ?? null, config.token)) {
        throw new HttpError(401, 'Missing or wrong bearer token: send Authorization: Bearer <COLLECTOR_TOKEN>.', {
          'www-authenticate': 'Bearer',
        });
      }
      if (encodingOf(req.headers['content-type']) === undefined) {
        throw new HttpError(415, 'Content-Type must be application/x-protobuf or application/json.');
      }
      const raw = await readBody(req, config.maxBodyBytes);
      const body = await decompress(raw, req.headers['content-encoding'], config.maxDecompressedBytes);
      let decoded: DecodedRequest;
      try {
        decoded = encoding === 'protobuf' ? decodeProtobuf(body) : decodeJson(body.toString('utf8'));
      } catch (error) {
        if (error instanceof DecodeError) throw new HttpError(400, error.message);
        throw error;
      }
      let response: ExportResponse;
      try {
        response = await exportTraces({ ingestor, metrics, logger }, decoded, '503');
      } catch (error) {
        if (!(error instanceof DatabaseUnavailable)) throw error;
        throw new HttpError(503, error.message, { 'retry-after': String(config.retryAfterSeconds) });
      }
      if (encoding === 'protobuf') {
        send(res, 200, ExportTraceServiceResponse.encode(response).finish(), 'application/x-protobuf');
      } else {
        send(res, 200, JSON.stringify(response), 'application/json');
      }
      return 200;
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      // Read and drop the rest of a refused body (a too-large one up to 16 times the limit); past that, the
      // connection is closed after the answer rather than read any further.
      const bound = config.maxBodyBytes * (error.status === 413 ? 16 : 1);
      if (!(await discardBody(req, bound))) res.setHeader('connection', 'close');
      sendStatus(res, encoding, error.status, error.message, error.headers);
      return error.status;
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/v1/traces') {
      if (req.method !== 'POST') {
        res.setHeader('connection', 'close');
        send(res, 405, JSON.stringify({ code: 12, message: 'Use POST.' }), 'application/json', { allow: 'POST' });
        metrics.countRequest(405);
        return;
      }
      metrics.countRequest(await answerExport(req, res));
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, 405, 'Use GET.\n', 'text/plain', { allow: 'GET, HEAD' });
      return;
    }
    if (path === '/healthz') return send(res, 200, 'ok\n', 'text/plain');
    if (path === '/readyz') {
      try {
        await deps.checkDatabase();
        return send(res, 200, 'ready\n', 'text/plain');
      } catch (error) {
        logger.warn({ err: error }, 'readiness check: database unavailable');
        return send(res, 503, 'database unavailable\n', 'text/plain', {
          'retry-after': String(config.retryAfterSeconds),
        });
      }
    }
    if (path === '/metrics') return send(res, 200, metrics.render(), 'text/plain; version=0.0.4');
    send(res, 404, 'Not found. The sink serves POST /v1/traces, GET /healthz, /readyz and /metrics.\n', 'text/plain');
  }

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch((error: unknown) => {
      // Only a bug gets here: a condition a retry would fix is a 503 above, never a 500.
      logger.error({ err: error }, 'unexpected error handling a request');
      if (!res.headersSent)
        send(res, 500, JSON.stringify({ code: 13, message: 'Internal error.' }), 'application/json');
      else res.destroy();
    });
  };
  const server = createServer(deps.drain ? deps.drain.wrap(handler) : handler);
  server.on('clientError', (error, socket) => {
    logger.debug({ err: error }, 'malformed HTTP request');
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    else socket.destroy();
  });
  return server;
}
