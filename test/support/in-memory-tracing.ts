// A real BasicTracerProvider whose finished spans are kept in memory, for tests that read what was recorded.
import type { Tracer } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';

export interface InMemoryTracing {
  provider: BasicTracerProvider;
  /** A tracer of `provider`. */
  tracer: Tracer;
  /** Holds every span `provider` finishes. */
  exporter: InMemorySpanExporter;
}

/**
 * A provider that runs `processors` (default: none) and then exports each finished span to memory.
 * `resource` defaults to the SDK's default resource.
 */
export function inMemoryTracing(options: { processors?: SpanProcessor[]; resource?: Resource } = {}): InMemoryTracing {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    ...(options.resource && { resource: options.resource }),
    spanProcessors: [...(options.processors ?? []), new SimpleSpanProcessor(exporter)],
  });
  return { provider, tracer: provider.getTracer('spendtrace-test'), exporter };
}
