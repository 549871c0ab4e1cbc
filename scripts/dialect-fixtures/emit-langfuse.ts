// Emitter `langfuse`: `observeOpenAI` from @langfuse/openai wrapping an `openai` client, with the
// LangfuseSpanProcessor from @langfuse/otel on a NodeSDK provider, as their READMEs show. The processor's
// `exporter` option takes the place of its OTLP exporter to Langfuse, so the spans recorded are exactly those
// it would send (after its filter, masking and media handling); it does not export our root span (no
// `gen_ai.*` attribute, not a known LLM scope), which a second, plain processor on the same provider records.
// Run by record.ts (FIXTURE_PROVIDER_URL, FIXTURE_OUTPUT).
import { observeOpenAI } from '@langfuse/openai';
import { LangfuseSpanProcessor } from '@langfuse/otel';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';

import { ROOT_SPAN_NAME } from './common';
import { emitThroughOpenAI } from './emit-openai-sdk';
import { inMemoryRecorder, type SpanRecorder } from './node-sdk';

/** The root span from the plain recording, then what Langfuse's processor exported; says what it left out. */
function langfuseRecorder(): SpanRecorder {
  const exportedToLangfuse = new InMemorySpanExporter();
  const langfuse = new LangfuseSpanProcessor({ exporter: exportedToLangfuse, exportMode: 'immediate' });
  const everything = inMemoryRecorder();
  return {
    // A live export (after these) sends every span the provider ends, not only those Langfuse's passes on.
    processors: [langfuse, ...everything.processors],
    async flush() {
      await langfuse.forceFlush();
      await everything.flush();
    },
    spans() {
      const exported = exportedToLangfuse.getFinishedSpans();
      const exportedIds = new Set(exported.map((span) => span.spanContext().spanId));
      const all = everything.spans();
      const root = all.filter((span) => span.name === ROOT_SPAN_NAME && !span.parentSpanContext);
      const dropped = all.filter((span) => !exportedIds.has(span.spanContext().spanId) && !root.includes(span));
      for (const span of dropped) process.stderr.write(`langfuse: its processor did not export span '${span.name}'\n`);
      return [...root, ...exported];
    },
  };
}

emitThroughOpenAI('langfuse', {
  wrap: (client) => observeOpenAI(client),
  recorder: langfuseRecorder,
  packages: ['@langfuse/openai', '@langfuse/otel', '@langfuse/tracing'],
});
