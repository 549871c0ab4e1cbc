// Decodes an OTLP/HTTP protobuf body (ExportTraceServiceRequest) into spans the sink can map.
import type { Attributes } from '@opentelemetry/api';
import { DecodeError, type DecodedRequest, type OtlpSpan } from './otlp-span';
import { ExportTraceServiceRequest } from './otlp-schema';
import {
  attributeValue,
  hex,
  MAX_VALUE_DEPTH,
  putAttribute,
  Rejections,
  scopeOf,
  TOO_DEEP,
  toSpanRecord,
  type PlainValue,
} from './otlp-values';

/** protobufjs's 64-bit integers (from the `long` package), as far as we read them. */
interface Long {
  high: number;
  low: number;
  toString(): string;
}

interface PbAnyValue {
  value?: string;
  stringValue?: string;
  boolValue?: boolean;
  intValue?: Long | number;
  doubleValue?: number;
  arrayValue?: { values?: PbAnyValue[] };
  kvlistValue?: { values?: PbKeyValue[] };
  bytesValue?: Uint8Array;
}
interface PbKeyValue {
  key?: string;
  value?: PbAnyValue;
}
interface PbSpan {
  traceId?: Uint8Array;
  spanId?: Uint8Array;
  parentSpanId?: Uint8Array;
  name?: string;
  kind?: number;
  startTimeUnixNano?: Long | number;
  endTimeUnixNano?: Long | number;
  attributes?: PbKeyValue[];
  status?: { code?: number };
}
interface PbRequest {
  resourceSpans?: {
    resource?: { attributes?: PbKeyValue[] };
    scopeSpans?: { scope?: { name?: string; version?: string }; spans?: PbSpan[] }[];
  }[];
}

function nanos(value: Long | number | undefined): bigint | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? BigInt(Math.trunc(value)) : undefined;
  return (BigInt(value.high >>> 0) << 32n) | BigInt(value.low >>> 0);
}

function plainValue(value: PbAnyValue | undefined, depth: number): PlainValue | undefined {
  if (depth > MAX_VALUE_DEPTH) return TOO_DEEP;
  switch (value?.value) {
    case 'stringValue':
      return value.stringValue;
    case 'boolValue':
      return value.boolValue;
    case 'intValue':
      return typeof value.intValue === 'number' ? value.intValue : Number(value.intValue?.toString());
    case 'doubleValue':
      return value.doubleValue;
    case 'arrayValue':
      return (value.arrayValue?.values ?? []).map((v) => plainValue(v, depth + 1) ?? null);
    case 'kvlistValue':
      return Object.fromEntries(
        (value.kvlistValue?.values ?? []).map((kv) => [kv.key ?? '', plainValue(kv.value, depth + 1) ?? null]),
      );
    case 'bytesValue':
      return Buffer.from(value.bytesValue ?? []).toString('base64');
    default:
      return undefined;
  }
}

function attributes(list: PbKeyValue[] | undefined): Attributes {
  const out: Attributes = {};
  for (const kv of list ?? []) {
    if (kv.key) putAttribute(out, kv.key, attributeValue(plainValue(kv.value, 1)));
  }
  return out;
}

export function decodeProtobuf(body: Uint8Array): DecodedRequest {
  let request: PbRequest;
  try {
    request = ExportTraceServiceRequest.decode(body) as PbRequest;
  } catch (error) {
    throw new DecodeError(`the body is not a valid OTLP ExportTraceServiceRequest: ${(error as Error).message}`);
  }
  const spans: OtlpSpan[] = [];
  const rejections = new Rejections();
  for (const resourceSpans of request.resourceSpans ?? []) {
    const resourceAttributes = attributes(resourceSpans.resource?.attributes);
    const serviceName = resourceAttributes['service.name'];
    const serviceVersion = resourceAttributes['service.version'];
    for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
      const scope = scopeOf(scopeSpans.scope?.name, scopeSpans.scope?.version);
      for (const span of scopeSpans.spans ?? []) {
        const record = toSpanRecord({
          traceId: hex(span.traceId),
          spanId: hex(span.spanId),
          parentSpanId: hex(span.parentSpanId),
          name: span.name ?? '',
          startNanos: nanos(span.startTimeUnixNano),
          endNanos: nanos(span.endTimeUnixNano),
          attributes: attributes(span.attributes),
          statusCode: span.status?.code ?? 0,
          serviceName: typeof serviceName === 'string' ? serviceName : undefined,
          serviceVersion: typeof serviceVersion === 'string' && serviceVersion !== '' ? serviceVersion : undefined,
          scope,
        });
        if (typeof record === 'string') rejections.add(record);
        else spans.push({ record, kind: span.kind ?? 0 });
      }
    }
  }
  return { spans, rejected: rejections.count, rejectReasons: rejections.reasons };
}
