// Decodes an OTLP/HTTP JSON body. OTLP/JSON is protobuf's JSON mapping with two differences the
// specification makes: trace and span ids are hex strings (not base64), and enums are integers.
import type { Attributes } from '@opentelemetry/api';
import { DecodeError, type DecodedRequest, type OtlpSpan } from './otlp-span';
import {
  attributeValue,
  MAX_VALUE_DEPTH,
  putAttribute,
  Rejections,
  scopeOf,
  serviceOf,
  TOO_DEEP,
  toSpanRecord,
  type PlainValue,
} from './otlp-values';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function list(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter(isObject) : [];
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

const MAX_UINT64 = 2n ** 64n - 1n;

/**
 * A fixed64 given as a decimal string (exact) or a JSON number (as exact as the number is); undefined past
 * the uint64 range, as protobuf could not carry it (and 1e300 nanoseconds is no date).
 */
function nanos(value: unknown): bigint | undefined {
  const n =
    typeof value === 'number' && Number.isFinite(value) && value >= 0
      ? BigInt(Math.trunc(value))
      : typeof value === 'string' && /^\d{1,20}$/.test(value)
        ? BigInt(value)
        : undefined;
  return n !== undefined && n <= MAX_UINT64 ? n : undefined;
}

/** An int64 attribute value, as a number. */
function int64(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) ? value : undefined;
  if (typeof value === 'string' && /^-?\d{1,20}$/.test(value)) return Number(value);
  return undefined;
}

/** A double: a JSON number, or a string the protobuf JSON mapping allows ("NaN", "Infinity", "1.5"). */
function double(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (value === 'NaN') return Number.NaN;
  if (value === 'Infinity') return Number.POSITIVE_INFINITY;
  if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
  if (typeof value === 'string' && /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(value)) return Number(value);
  return undefined;
}

function plainValue(value: unknown, depth: number): PlainValue | undefined {
  if (depth > MAX_VALUE_DEPTH) return TOO_DEEP;
  if (!isObject(value)) return undefined;
  if (typeof value.stringValue === 'string') return value.stringValue;
  if (typeof value.boolValue === 'boolean') return value.boolValue;
  if (value.intValue !== undefined) return int64(value.intValue);
  if (value.doubleValue !== undefined) return double(value.doubleValue);
  if (isObject(value.arrayValue)) {
    const values: unknown[] = Array.isArray(value.arrayValue.values) ? value.arrayValue.values : [];
    return values.map((v) => plainValue(v, depth + 1) ?? null);
  }
  if (isObject(value.kvlistValue)) {
    return Object.fromEntries(
      list(value.kvlistValue.values).map((kv) => [text(kv.key), plainValue(kv.value, depth + 1) ?? null]),
    );
  }
  if (typeof value.bytesValue === 'string') return value.bytesValue;
  return undefined;
}

function attributes(value: unknown): Attributes {
  const out: Attributes = {};
  for (const kv of list(value)) {
    const key = text(kv.key);
    if (key !== '') putAttribute(out, key, attributeValue(plainValue(kv.value, 1)));
  }
  return out;
}

export function decodeJson(body: string): DecodedRequest {
  let request: unknown;
  try {
    request = JSON.parse(body);
  } catch (error) {
    throw new DecodeError(`the body is not valid JSON: ${(error as Error).message}`);
  }
  if (!isObject(request)) throw new DecodeError('the body is not an OTLP ExportTraceServiceRequest object');
  if (request.resourceSpans !== undefined && !Array.isArray(request.resourceSpans)) {
    throw new DecodeError('resourceSpans must be an array');
  }
  const spans: OtlpSpan[] = [];
  const rejections = new Rejections();
  for (const resourceSpans of list(request.resourceSpans)) {
    const resource = isObject(resourceSpans.resource) ? resourceSpans.resource : {};
    const { serviceName, serviceVersion } = serviceOf(attributes(resource.attributes));
    for (const scopeSpans of list(resourceSpans.scopeSpans)) {
      const scope = isObject(scopeSpans.scope) ? scopeOf(scopeSpans.scope.name, scopeSpans.scope.version) : undefined;
      for (const span of list(scopeSpans.spans)) {
        const status = isObject(span.status) ? span.status : {};
        const record = toSpanRecord({
          traceId: text(span.traceId).toLowerCase(),
          spanId: text(span.spanId).toLowerCase(),
          parentSpanId: text(span.parentSpanId).toLowerCase(),
          name: text(span.name),
          startNanos: nanos(span.startTimeUnixNano),
          endNanos: nanos(span.endTimeUnixNano),
          attributes: attributes(span.attributes),
          statusCode: typeof status.code === 'number' ? status.code : 0,
          serviceName,
          serviceVersion,
          scope,
        });
        if (typeof record === 'string') rejections.add(record);
        else spans.push({ record, kind: typeof span.kind === 'number' ? span.kind : 0 });
      }
    }
  }
  return { spans, rejected: rejections.count, rejectReasons: rejections.reasons };
}
