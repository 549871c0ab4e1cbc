// Builds OTLP/protobuf trace export bodies as a service's spans reach the sink: real spans, finished by a
// BasicTracerProvider and serialized by the official ProtobufTraceSerializer, with the AI calls they hold.
import { ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { CHAT_ATTRIBUTES } from './otlp-json-request';

export interface AiTraceRequestShape {
  traces: number;
  /** Chat spans under each trace's root; they carry no ai.source, so the sink attributes them to the root. */
  aiCallsPerTrace: number;
  /** Spans under each root that are not AI calls (database queries): the sink writes no row for them. */
  otherSpansPerTrace: number;
  /** The root SERVER span's http.route, the source the AI rows get. */
  route: string;
}

export interface AiTraceRequest {
  /** A serialized ExportTraceServiceRequest. */
  body: Uint8Array;
  /** `<trace id>:<span id>` of each AI call in it: one row each once the sink has it. */
  aiSpans: string[];
}

export function aiTraceRequest(shape: AiTraceRequestShape): AiTraceRequest {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'lead-service' }),
    spanProcessors: [new SimpleSpanProcessor(memory)],
  });
  const tracer = provider.getTracer('spendtrace-fault-test');
  const aiSpans: string[] = [];
  for (let t = 0; t < shape.traces; t++) {
    const root = tracer.startSpan('POST', { kind: SpanKind.SERVER, attributes: { 'http.route': shape.route } });
    const parent = trace.setSpan(ROOT_CONTEXT, root);
    for (let i = 0; i < shape.aiCallsPerTrace; i++) {
      const span = tracer.startSpan('chat gpt-4o-mini', { kind: SpanKind.CLIENT, attributes: CHAT_ATTRIBUTES }, parent);
      span.end();
      aiSpans.push(`${span.spanContext().traceId}:${span.spanContext().spanId}`);
    }
    for (let i = 0; i < shape.otherSpansPerTrace; i++) {
      tracer.startSpan('prisma:client:operation', { kind: SpanKind.INTERNAL }, parent).end();
    }
    root.end();
  }
  const body = ProtobufTraceSerializer.serializeRequest(memory.getFinishedSpans());
  if (body === undefined) throw new Error('the serializer returned no body');
  return { body, aiSpans };
}
