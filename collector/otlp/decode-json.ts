// Decodes an OTLP/HTTP JSON body. OTLP/JSON is protobuf's JSON mapping with two differences the
// specification makes: trace and span ids are hex strings (not base64), and enums are integers.
import type { Attributes } from '@opentelemetry/api';
import { DecodeError, type DecodedRequest, type OtlpSpan } from './otlp-span';
import { arrayValue, Rejections, toSpanRecord, type PrimitiveOrArray } from './otlp-values';

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

/** A uint64/int64 given as a JSON number or a decimal string. */
function int64(value: unknown): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^-?\d{1,20}$/.test(value)) return Number(value);
  return Number.NaN;
}

function anyValue(value: unknown): PrimitiveOrArray | undefined {
  if (!isObject(value)) return undefined;
  if (typeof value.stringValue === 'string') return value.stringValue;
  if (typeof value.boolValue === 'boolean') return value.boolValue;
  if (value.intValue !== undefined) {
    const n = int64(value.intValue);
    return Number.isNaN(n) ? undefined : n;
  }
  if (value.doubleValue !== undefined) {
    const n = Number(value.doubleValue);
    return Number.isNaN(n) && value.doubleValue !== 'NaN' ? undefined : n;
  }
  if (isObject(value.arrayValue)) {
    const values = Array.isArray(value.arrayValue.values) ? value.arrayValue.values : [];
    return arrayValue(values.map(anyValue));
  }
  if (isObject(value.kvlistValue)) {
    return JSON.stringify(
      Object.fromEntries(list(value.kvlistValue.values).map((kv) => [text(kv.key), anyValue(kv.value)])),
    );
  }
  if (typeof value.bytesValue === 'string') return value.bytesValue;
  return undefined;
}

function attributes(value: unknown): Attributes {
  const out: Attributes = {};
  for (const kv of list(value)) {
    const key = text(kv.key);
    if (key !== '') out[key] = anyValue(kv.value);
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
    const serviceName = attributes(resource.attributes)['service.name'];
    for (const scopeSpans of list(resourceSpans.scopeSpans)) {
      for (const span of list(scopeSpans.spans)) {
        const status = isObject(span.status) ? span.status : {};
        const record = toSpanRecord({
          traceId: text(span.traceId).toLowerCase(),
          spanId: text(span.spanId).toLowerCase(),
          parentSpanId: text(span.parentSpanId).toLowerCase(),
          name: text(span.name),
          startNanos: int64(span.startTimeUnixNano),
          endNanos: int64(span.endTimeUnixNano),
          attributes: attributes(span.attributes),
          statusCode: typeof status.code === 'number' ? status.code : 0,
          serviceName: typeof serviceName === 'string' ? serviceName : undefined,
        });
        if (typeof record === 'string') rejections.add(record);
        else spans.push({ record, kind: typeof span.kind === 'number' ? span.kind : 0 });
      }
    }
  }
  return { spans, rejected: rejections.count, rejectReasons: rejections.reasons };
}
