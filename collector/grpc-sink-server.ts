// The sink's OTLP/gRPC receiver: TraceService/Export, unary, for clients that speak only gRPC (the
// Collector's loadbalancing exporter). Same token, decoder, size limit, ingest and answers as OTLP/HTTP,
// with the status codes the OTLP specification gives gRPC: UNAVAILABLE is the one a client retries.
import {
  Server,
  ServerCredentials,
  status,
  type sendUnaryData,
  type ServerUnaryCall,
  type ServiceDefinition,
} from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { bearerMatches } from '../lib/http/bearer';
import type { CollectorConfig } from './config';
import { DatabaseUnavailable, exportTraces, type ExportResponse } from './export-traces';
import { decodeProtobuf } from './otlp/decode-protobuf';
import { DecodeError } from './otlp/otlp-span';
import { ExportTraceServiceResponse } from './otlp/otlp-schema';
import type { SinkMetrics } from './sink-metrics';
import type { TraceIngestor } from './trace-ingestor';

export const TRACE_SERVICE_EXPORT_PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';

/** Bytes in, bytes out: the request is decoded by our own protobuf decoder, like an OTLP/HTTP body. */
const TRACE_SERVICE: ServiceDefinition = {
  Export: {
    path: TRACE_SERVICE_EXPORT_PATH,
    requestStream: false,
    responseStream: false,
    requestSerialize: (message: Buffer) => message,
    requestDeserialize: (bytes: Buffer) => bytes,
    responseSerialize: (message: Uint8Array) => Buffer.from(message),
    responseDeserialize: (bytes: Buffer) => bytes,
  },
};

export interface GrpcSinkServerDeps {
  config: CollectorConfig;
  ingestor: TraceIngestor;
  metrics: SinkMetrics;
  logger: Logger;
}

class GrpcError extends Error {
  constructor(
    readonly code: status,
    message: string,
  ) {
    super(message);
  }
}

export class GrpcSinkServer {
  private readonly server: Server;
  private calls = 0;

  constructor(private readonly deps: GrpcSinkServerDeps) {
    // The message limit applies as sent and once decompressed (grpc-js refuses either with RESOURCE_EXHAUSTED).
    this.server = new Server({ 'grpc.max_receive_message_length': deps.config.maxBodyBytes });
    this.server.addService(TRACE_SERVICE, {
      Export: (call: ServerUnaryCall<Buffer, Uint8Array>, callback: sendUnaryData<Uint8Array>) => {
        void this.export(call, callback);
      },
    });
  }

  /** Calls being answered now. */
  get inFlight(): number {
    return this.calls;
  }

  /** Listens on `host:port` (0: a free port); resolves to the port. */
  listen(host: string, port: number): Promise<number> {
    const address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
    return new Promise((resolve, reject) => {
      this.server.bindAsync(address, ServerCredentials.createInsecure(), (error, bound) => {
        if (!error) return resolve(bound);
        const hint = 'set COLLECTOR_GRPC_PORT to a free port, or to off for no OTLP/gRPC';
        reject(new Error(`cannot listen for OTLP/gRPC on ${address} (${error.message}): ${hint}`, { cause: error }));
      });
    });
  }

  /**
   * Takes no new calls and waits until those in flight are answered, or `graceMs` passes; then cuts the rest.
   * Resolves to the number cut.
   */
  async drain(graceMs: number): Promise<{ cut: number }> {
    let timer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      new Promise<boolean>((resolve) => this.server.tryShutdown(() => resolve(true))),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), graceMs))),
    ]);
    clearTimeout(timer);
    const cut = finished ? 0 : this.calls;
    if (!finished) this.server.forceShutdown();
    return { cut };
  }

  private async export(call: ServerUnaryCall<Buffer, Uint8Array>, callback: sendUnaryData<Uint8Array>): Promise<void> {
    const { metrics, logger } = this.deps;
    this.calls += 1;
    let code = status.OK;
    try {
      const response = await this.answer(call);
      callback(null, ExportTraceServiceResponse.encode(response).finish());
    } catch (error) {
      if (error instanceof GrpcError) {
        code = error.code;
        callback({ code, details: error.message });
      } else {
        // Only a bug gets here: a condition a retry would fix is UNAVAILABLE, never INTERNAL.
        logger.error({ err: error }, 'unexpected error handling an OTLP/gRPC export');
        code = status.INTERNAL;
        callback({ code, details: 'Internal error.' });
      }
    } finally {
      this.calls -= 1;
      metrics.countGrpcRequest(status[code]);
    }
  }

  private async answer(call: ServerUnaryCall<Buffer, Uint8Array>): Promise<ExportResponse> {
    const { config, ingestor, metrics, logger } = this.deps;
    const [authorization] = call.metadata.get('authorization');
    if (!bearerMatches(typeof authorization === 'string' ? authorization : null, config.token)) {
      throw new GrpcError(
        status.UNAUTHENTICATED,
        'Missing or wrong bearer token: send the metadata authorization: Bearer <COLLECTOR_TOKEN>.',
      );
    }
    let decoded;
    try {
      decoded = decodeProtobuf(call.request);
    } catch (error) {
      if (error instanceof DecodeError) throw new GrpcError(status.INVALID_ARGUMENT, error.message);
      throw error;
    }
    try {
      return await exportTraces({ ingestor, metrics, logger }, decoded, 'UNAVAILABLE');
    } catch (error) {
      if (error instanceof DatabaseUnavailable) throw new GrpcError(status.UNAVAILABLE, error.message);
      throw error;
    }
  }
}
