import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { decodeProtobuf } from '../collector/otlp/decode-protobuf';
import { replicaOfTrace, splitByTrace } from './otlp-split';

/** A request of `traces` two-span traces from two services (two resources), as an SDK exports it. */
function request(traces: number): Uint8Array {
  const memory = new InMemorySpanExporter();
  for (const service of ['web', 'worker']) {
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': service }),
      spanProcessors: [new SimpleSpanProcessor(memory)],
    });
    const tracer = provider.getTracer('split-test', '1.0.0');
    for (let t = 0; t < traces; t++) {
      const root = tracer.startSpan(`root ${t}`, { attributes: { n: t } });
      tracer.startSpan(`child ${t}`, {}, trace.setSpan(ROOT_CONTEXT, root)).end();
      root.end();
    }
  }
  const body = ProtobufTraceSerializer.serializeRequest(memory.getFinishedSpans());
  if (!body) throw new Error('no body');
  return body;
}

/** Each span as `service/name@traceId`, sorted. */
function spansOf(body: Uint8Array): string[] {
  return decodeProtobuf(body)
    .spans.map((s) => `${String(s.record.serviceName)}/${s.record.name}@${s.record.traceId}`)
    .sort();
}

describe('splitByTrace', () => {
  it('puts every span in exactly one part, each trace whole in the part its id routes to', () => {
    const body = request(40);
    const parts = splitByTrace(body, 3);

    expect(parts.flatMap((p) => spansOf(p.body)).sort()).toEqual(spansOf(body));
    parts.forEach((part, replica) => {
      const traceIds = decodeProtobuf(part.body).spans.map((s) => s.record.traceId);
      expect(new Set(traceIds)).toEqual(part.traceIds);
      expect(traceIds.length).toBe(part.spans);
      for (const id of traceIds) expect(replicaOfTrace(Buffer.from(id, 'hex'), 3)).toBe(replica);
    });
    expect(parts.every((p) => p.spans > 0)).toBe(true);
  });

  it('keeps the resource and scope of every span', () => {
    const [part] = splitByTrace(request(5), 2);
    const span = decodeProtobuf(part?.body ?? new Uint8Array()).spans[0]?.record;
    expect(span?.scope).toEqual({ name: 'split-test', version: '1.0.0' });
  });

  it('returns the request unchanged for one replica', () => {
    const body = request(3);
    const [only] = splitByTrace(body, 1);
    expect(only?.body.equals(Buffer.from(body))).toBe(true);
  });
});
