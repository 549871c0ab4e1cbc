// Finds a finished span by name, so a test reads the span it means rather than one at an index.
import type { InMemorySpanExporter, ReadableSpan } from '@opentelemetry/sdk-trace-base';

/** The first span named `name` that `exporter` holds; throws when there is none. */
export function finishedSpan(exporter: InMemorySpanExporter, name: string): ReadableSpan {
  const span = exporter.getFinishedSpans().find((candidate) => candidate.name === name);
  if (span === undefined) throw new Error(`no finished span named '${name}'`);
  return span;
}
