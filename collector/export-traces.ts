// One OTLP export request, decoded, written: shared by the OTLP/HTTP and OTLP/gRPC receivers, so both
// count, log and answer partial success the same way.
import type { Logger } from 'pino';
import type { DecodedRequest } from './otlp/otlp-span';
import type { SinkMetrics } from './sink-metrics';
import type { TraceIngestor } from './trace-ingestor';

/** An ExportTraceServiceResponse, as protobufjs encodes it: empty when every span was accepted. */
export interface ExportResponse {
  partialSuccess?: { rejectedSpans: number; errorMessage: string };
}

/** The database did not take the spans: the client should send the request again. */
export class DatabaseUnavailable extends Error {}

export interface ExportTracesDeps {
  ingestor: TraceIngestor;
  metrics: SinkMetrics;
  logger: Logger;
}

/** Writes the request's spans; throws {@link DatabaseUnavailable} when writing failed, for a retry. */
export async function exportTraces(
  { ingestor, metrics, logger }: ExportTracesDeps,
  decoded: DecodedRequest,
  retryAnswer: string,
): Promise<ExportResponse> {
  metrics.spansReceived += decoded.spans.length + decoded.rejected;
  let result;
  try {
    result = await ingestor.ingest(decoded);
  } catch (error) {
    metrics.spansRetried += decoded.spans.length;
    logger.error({ err: error }, `writing spans failed; answering ${retryAnswer} so the client retries`);
    throw new DatabaseUnavailable('The database is unavailable; retry later.', { cause: error });
  }
  if (result.rejected === 0) return {};
  return {
    partialSuccess: { rejectedSpans: result.rejected, errorMessage: `rejected: ${result.reasons.join('; ')}` },
  };
}
