// Emitter `langfuse`: `observeOpenAI` from @langfuse/openai wrapping an `openai` client, with the
// LangfuseSpanProcessor from @langfuse/otel on a NodeSDK provider, as their READMEs show. The processor's
// `exporter` option takes the place of its OTLP exporter to Langfuse, so the spans recorded are exactly those
// it would send (after its filter, masking and media handling); it does not export our root span (no
// `gen_ai.*` attribute, not a known LLM scope), which a second, plain processor on the same provider records.
// Run by record.ts (FIXTURE_PROVIDER_URL, FIXTURE_OUTPUT).
import { observeOpenAI } from '@langfuse/openai';
import { LangfuseSpanProcessor } from '@langfuse/otel';
import { trace } from '@opentelemetry/api';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

import {
  API_KEY,
  emitterEnv,
  loadOpenAI,
  openaiCalls,
  otlpExport,
  packageVersions,
  ROOT_SPAN_NAME,
  ROOT_TRACER_NAME,
  runEmitter,
  serviceNameFor,
  toFixtureSpan,
  withRootSpan,
  writeEmitterOutput,
} from './common';

async function main(): Promise<void> {
  const { providerUrl, output } = emitterEnv();
  const exportedToLangfuse = new InMemorySpanExporter();
  const langfuse = new LangfuseSpanProcessor({ exporter: exportedToLangfuse, exportMode: 'immediate' });
  const everything = new InMemorySpanExporter();
  const plain = new SimpleSpanProcessor(everything);
  // A live export sends every span the provider ends, not only those Langfuse's processor passes on.
  const otlp = otlpExport();
  const sdk = new NodeSDK({
    serviceName: serviceNameFor('langfuse'),
    spanProcessors: [langfuse, plain, ...otlp.processors],
  });
  sdk.start();

  const OpenAI = loadOpenAI();
  const client = observeOpenAI(new OpenAI({ baseURL: providerUrl, apiKey: API_KEY }));
  await withRootSpan(trace.getTracer(ROOT_TRACER_NAME), () => openaiCalls(client));

  await langfuse.forceFlush();
  await plain.forceFlush();
  await otlp.flush();
  const exported = exportedToLangfuse.getFinishedSpans();
  const exportedIds = new Set(exported.map((span) => span.spanContext().spanId));
  const root = everything.getFinishedSpans().filter((span) => span.name === ROOT_SPAN_NAME && !span.parentSpanContext);
  const dropped = everything
    .getFinishedSpans()
    .filter((span) => !exportedIds.has(span.spanContext().spanId) && !root.includes(span));
  for (const span of dropped) process.stderr.write(`langfuse: its processor did not export span '${span.name}'\n`);
  writeEmitterOutput(output, {
    packages: packageVersions(['@langfuse/openai', '@langfuse/otel', '@langfuse/tracing', 'openai']),
    spans: [...root, ...exported].map(toFixtureSpan),
  });
  await sdk.shutdown();
}

runEmitter(main);
