// A span as the sink decodes it from OTLP (protobuf or JSON): the transport-neutral record the mapping
// takes, plus what the sink itself needs to find a trace's root.
import type { SpanRecord } from '../../lib/ledger/span-to-interaction';

/** OTLP SpanKind values. */
export const SPAN_KIND_SERVER = 2;

export interface OtlpSpan {
  record: SpanRecord;
  kind: number;
}

export interface DecodedRequest {
  spans: OtlpSpan[];
  /** Spans that could not be used (bad ids, no timestamps), with why. */
  rejected: number;
  rejectReasons: string[];
}

/** The request body could not be decoded at all: answered with 400. */
export class DecodeError extends Error {
  override name = 'DecodeError';
}
