// Shared by both OTLP decoders: turning OTLP ids, timestamps and attribute values into ours, and the
// checks that reject a span the mapping could not use.
import { SpanStatusCode, type AttributeValue, type Attributes } from '@opentelemetry/api';
import { keyText } from '../../lib/ledger/storable-text';
import type { SpanRecord } from '../../lib/ledger/span-to-interaction';

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
  /** Nanoseconds since the epoch; undefined when missing or unreadable. */
  startNanos: bigint | undefined;
  endNanos: bigint | undefined;
  attributes: Attributes;
  statusCode: number;
  serviceName: string | undefined;
  /** The resource's service.version, when a non-empty string. */
  serviceVersion?: string;
  /** The scope's name and version; undefined when the scope has no name. */
  scope: { name: string; version: string | undefined } | undefined;
}

/** Checks a decoded span; returns the record, or the reason it is rejected. */
export function toSpanRecord(raw: RawSpan): SpanRecord | string {
  if (!HEX32.test(raw.traceId) || raw.traceId === ZERO32) return 'invalid trace id';
  if (!HEX16.test(raw.spanId) || raw.spanId === ZERO16) return 'invalid span id';
  if (raw.parentSpanId !== '' && !HEX16.test(raw.parentSpanId)) return 'invalid parent span id';
  const { startNanos, endNanos } = raw;
  if (startNanos === undefined || endNanos === undefined || startNanos <= 0n || endNanos < startNanos) {
    return 'invalid start or end time';
  }
  return {
    traceId: raw.traceId,
    spanId: raw.spanId,
    parentSpanId: raw.parentSpanId === '' || raw.parentSpanId === ZERO16 ? undefined : raw.parentSpanId,
    name: raw.name,
    // Whole microseconds are exact in a double; nanoseconds since the epoch are not.
    startTimeMs: Number(startNanos / 1000n) / 1000,
    durationMs: Number(endNanos - startNanos) / 1e6,
    attributes: raw.attributes,
    statusCode:
      raw.statusCode === 2 ? SpanStatusCode.ERROR : raw.statusCode === 1 ? SpanStatusCode.OK : SpanStatusCode.UNSET,
    serviceName: raw.serviceName,
    ...(raw.serviceVersion === undefined ? {} : { serviceVersion: raw.serviceVersion }),
    scope: raw.scope,
  };
}

/** A resource's service as a span record keeps it: its name when a string, its version when a non-empty one. */
export function serviceOf(resource: Attributes): Pick<RawSpan, 'serviceName' | 'serviceVersion'> {
  const name = resource['service.name'];
  const version = resource['service.version'];
  return {
    serviceName: typeof name === 'string' ? name : undefined,
    serviceVersion: typeof version === 'string' && version !== '' ? version : undefined,
  };
}

/** An instrumentation scope as a span record keeps it: named, and cut to what a row would store. */
export function scopeOf(name: unknown, version: unknown): RawSpan['scope'] {
  if (typeof name !== 'string' || name === '') return undefined;
  return { name: keyText(name), version: typeof version === 'string' && version !== '' ? keyText(version) : undefined };
}

/** Nested attribute values deeper than this are cut, so a small body cannot cost unbounded work. */
export const MAX_VALUE_DEPTH = 32;
export const TOO_DEEP = `[cut: nested deeper than ${MAX_VALUE_DEPTH} levels]`;

/** An OTLP AnyValue as a plain JavaScript value, before it becomes a span attribute. */
export type PlainValue = string | number | boolean | null | PlainValue[] | { [key: string]: PlainValue };

/**
 * OTel attributes hold a primitive or an array of one primitive type; anything else (nested arrays,
 * key-value lists, mixed arrays) is kept as its JSON text, made once from the whole value.
 */
export function attributeValue(value: PlainValue | undefined): PrimitiveOrArray | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const first = value.find((v) => v !== null);
    const type = typeof first;
    if (
      (first === undefined || type === 'string' || type === 'number' || type === 'boolean') &&
      value.every((v) => v === null || typeof v === type)
    ) {
      return value as PrimitiveOrArray;
    }
  }
  return JSON.stringify(value);
}

/** Sets `attributes[key]`, a key `__proto__` included (an assignment would replace the prototype instead). */
export function putAttribute(attributes: Attributes, key: string, value: PrimitiveOrArray | undefined): void {
  // Only that key needs defineProperty, which costs several times an assignment (9.7% of the sink's CPU in
  // bench:sink when every attribute went through it).
  if (key === '__proto__') {
    Object.defineProperty(attributes, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    attributes[key] = value;
  }
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
