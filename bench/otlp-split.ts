// Splits an OTLP ExportTraceServiceRequest (protobuf) by trace, as the OpenTelemetry Collector's load-balancing
// exporter with `routing_key: traceID` does: each span goes to the part its trace id routes to, under copies of
// its resource and scope, so every trace lands whole in one part. Works on the wire bytes (no decode), so
// `bench:sink` can split thousands of requests without spending its CPU on it.
import { crc32 } from 'node:zlib';

/** Where a field's bytes are: [start, end) the whole field (tag included), [valueStart, valueEnd) its value. */
interface Field {
  number: number;
  start: number;
  end: number;
  valueStart: number;
  valueEnd: number;
}

function readVarint(buf: Uint8Array, at: number): [value: number, next: number] {
  let value = 0;
  let scale = 1;
  for (let i = at; i < buf.length; i++) {
    const byte = buf[i] as number;
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return [value, i + 1];
    scale *= 128;
  }
  throw new Error(`a varint runs past the end of the message at byte ${at}`);
}

function varint(value: number): Buffer {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest % 128) | 0x80);
    rest = Math.floor(rest / 128);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}

function* fields(buf: Uint8Array, start: number, end: number): Generator<Field> {
  let at = start;
  while (at < end) {
    const [tag, afterTag] = readVarint(buf, at);
    const wire = tag & 7;
    let valueStart = afterTag;
    let valueEnd: number;
    if (wire === 0) valueEnd = readVarint(buf, afterTag)[1];
    else if (wire === 1) valueEnd = afterTag + 8;
    else if (wire === 5) valueEnd = afterTag + 4;
    else if (wire === 2) {
      const [length, afterLength] = readVarint(buf, afterTag);
      valueStart = afterLength;
      valueEnd = afterLength + length;
    } else throw new Error(`wire type ${wire} at byte ${at} is not one OTLP uses`);
    if (valueEnd > end) throw new Error(`field ${Math.floor(tag / 8)} at byte ${at} runs past its message`);
    yield { number: Math.floor(tag / 8), start: at, end: valueEnd, valueStart, valueEnd };
    at = valueEnd;
  }
}

/** A length-delimited field `number` holding `parts`. */
function message(number: number, parts: Buffer[]): Buffer {
  const length = parts.reduce((a, p) => a + p.length, 0);
  return Buffer.concat([varint(number * 8 + 2), varint(length), ...parts]);
}

/** The replica of `replicas` a trace goes to: CRC-32 of its 16 id bytes, modulo the replicas. */
export function replicaOfTrace(traceId: Uint8Array, replicas: number): number {
  return crc32(traceId) % replicas;
}

export interface RequestPart {
  /** An ExportTraceServiceRequest holding only this part's spans (empty when none routed here). */
  body: Buffer;
  /** The trace ids (hex) of this part's spans. */
  traceIds: Set<string>;
  spans: number;
}

/**
 * Splits `body` (an uncompressed ExportTraceServiceRequest) into `replicas` requests by
 * {@link replicaOfTrace}; part i is for replica i. Resources and scopes are copied into each part that has
 * spans under them; fields other than spans are kept as they are.
 */
export function splitByTrace(body: Uint8Array, replicas: number): RequestPart[] {
  const out = Array.from({ length: replicas }, () => ({
    resources: [] as Buffer[],
    traceIds: new Set<string>(),
    spans: 0,
  }));
  const bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  for (const resourceSpans of fields(bytes, 0, bytes.length)) {
    if (resourceSpans.number !== 1) continue;
    const resourceOther: Buffer[] = [];
    const scopesByPart = out.map(() => [] as Buffer[]);
    for (const field of fields(bytes, resourceSpans.valueStart, resourceSpans.valueEnd)) {
      if (field.number !== 2) {
        resourceOther.push(bytes.subarray(field.start, field.end));
        continue;
      }
      const scopeOther: Buffer[] = [];
      const spansByPart = out.map(() => [] as Buffer[]);
      for (const inner of fields(bytes, field.valueStart, field.valueEnd)) {
        if (inner.number !== 2) {
          scopeOther.push(bytes.subarray(inner.start, inner.end));
          continue;
        }
        let traceId: Buffer | undefined;
        for (const spanField of fields(bytes, inner.valueStart, inner.valueEnd)) {
          if (spanField.number === 1) traceId = bytes.subarray(spanField.valueStart, spanField.valueEnd);
        }
        const replica = traceId ? replicaOfTrace(traceId, replicas) : 0;
        const part = out[replica];
        if (!part) throw new Error(`no part ${replica}`);
        spansByPart[replica]?.push(bytes.subarray(inner.start, inner.end));
        part.traceIds.add(traceId?.toString('hex') ?? '');
        part.spans++;
      }
      spansByPart.forEach((spans, i) => {
        if (spans.length > 0) scopesByPart[i]?.push(message(2, [...scopeOther, ...spans]));
      });
    }
    scopesByPart.forEach((scopes, i) => {
      if (scopes.length > 0) out[i]?.resources.push(message(1, [...resourceOther, ...scopes]));
    });
  }
  return out.map((part) => ({ body: Buffer.concat(part.resources), traceIds: part.traceIds, spans: part.spans }));
}
