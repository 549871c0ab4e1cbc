// Shared by both OTLP decoders: turning OTLP ids, timestamps and attribute values into ours, and the
// checks that reject a span the mapping could not use.
import { SpanStatusCode, type AttributeValue, type Attributes } from '@opentelemetry/api';
import type { SpanRecord } from '../../lib/telemetry/span-to-interaction';

const HEX32 = /^[0-9a-f]{32}$/;
const HEX16 = /^[0-9a-f]{16}$/;
const ZERO32 = '0'.repeat(32);
const ZERO16 = '0'.repeat(16);

/** At most this many distinct reasons are reported back in partial_success.error_message. */
export const MAX_REJECT_REASONS = 5;

export type PrimitiveOrArray = AttributeValue;

export interface RawSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  /** Nanoseconds since the epoch, as floats (sub-microsecond precision is not needed). */
  startNanos: number;
  endNanos: number;
  attributes: Attributes;
  statusCode: number;
  serviceName: string | undefined;
}

/** Checks a decoded span; returns the record, or the reason it is rejected. */
export function toSpanRecord(raw: RawSpan): SpanRecord | string {
  if (!HEX32.test(raw.traceId) || raw.traceId === ZERO32) return 'invalid trace id';
  if (!HEX16.test(raw.spanId) || raw.spanId === ZERO16) return 'invalid span id';
  if (raw.parentSpanId !== '' && !HEX16.test(raw.parentSpanId)) return 'invalid parent span id';
  if (!(raw.startNanos > 0) || !(raw.endNanos >= raw.startNanos)) return 'invalid start or end time';
  return {
    traceId: raw.traceId,
    spanId: raw.spanId,
    parentSpanId: raw.parentSpanId === '' || raw.parentSpanId === ZERO16 ? undefined : raw.parentSpanId,
    name: raw.name,
    startTimeMs: raw.startNanos / 1e6,
    durationMs: (raw.endNanos - raw.startNanos) / 1e6,
    attributes: raw.attributes,
    statusCode:
      raw.statusCode === 2 ? SpanStatusCode.ERROR : raw.statusCode === 1 ? SpanStatusCode.OK : SpanStatusCode.UNSET,
    serviceName: raw.serviceName,
  };
}

export function hex(bytes: Uint8Array | undefined): string {
  return bytes === undefined || bytes.length === 0 ? '' : Buffer.from(bytes).toString('hex');
}

/** OTel attribute arrays hold one primitive type; a mixed or nested array is kept as its JSON text. */
export function arrayValue(values: unknown[]): PrimitiveOrArray {
  const first = values.find((v) => v !== null && v !== undefined);
  const type = typeof first;
  if (
    (type === 'string' || type === 'number' || type === 'boolean' || first === undefined) &&
    values.every((v) => v === null || v === undefined || typeof v === type)
  ) {
    return values as PrimitiveOrArray;
  }
  return JSON.stringify(values);
}

/** Collects reasons, counted once each, for partial_success. */
export class Rejections {
  count = 0;
  readonly reasons: string[] = [];

  add(reason: string): void {
    this.count += 1;
    if (this.reasons.length < MAX_REJECT_REASONS && !this.reasons.includes(reason)) this.reasons.push(reason);
  }
}
