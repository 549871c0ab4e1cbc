// Emitter `ai-sdk-6-anthropic`: Vercel AI SDK 6 (`ai`, the app's version) with `@ai-sdk/anthropic` 3 (the 3.x
// release built on the same @ai-sdk/provider), each call with `experimental_telemetry: { isEnabled: true }`,
// against the local provider's Anthropic Messages wire (POST /v1/messages). Two calls, no embeddings (Anthropic
// has none): a generateText whose long system prompt is marked for caching (providerOptions.anthropic
// .cacheControl), so the provider reports cache reads and writes beside uncached input, and a streamText.
// Run by record.ts (FIXTURE_PROVIDER_URL, FIXTURE_OUTPUT).
import { createAnthropic } from '@ai-sdk/anthropic';
import { trace } from '@opentelemetry/api';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { generateText, streamText } from 'ai';

import {
  ANTHROPIC_MODEL,
  API_KEY,
  emitterEnv,
  LONG_SYSTEM_PROMPT,
  otlpExport,
  packageVersions,
  ROOT_TRACER_NAME,
  runEmitter,
  serviceNameFor,
  SHORT_USER_PROMPT,
  toFixtureSpan,
  withRootSpan,
  writeEmitterOutput,
} from './common';

async function main(): Promise<void> {
  const { providerUrl, output } = emitterEnv();
  const memory = new InMemorySpanExporter();
  const processor = new SimpleSpanProcessor(memory);
  const otlp = otlpExport();
  const sdk = new NodeSDK({
    serviceName: serviceNameFor('ai-sdk-6-anthropic'),
    spanProcessors: [processor, ...otlp.processors],
  });
  sdk.start();

  const anthropic = createAnthropic({ baseURL: providerUrl, apiKey: API_KEY });
  const telemetry = { isEnabled: true };
  await withRootSpan(trace.getTracer(ROOT_TRACER_NAME), async () => {
    await generateText({
      model: anthropic(ANTHROPIC_MODEL),
      system: {
        role: 'system',
        content: LONG_SYSTEM_PROMPT,
        providerOptions: { anthropic: { cacheControl: { type: 'ephemeral' } } },
      },
      prompt: SHORT_USER_PROMPT,
      experimental_telemetry: telemetry,
    });
    const stream = streamText({
      model: anthropic(ANTHROPIC_MODEL),
      prompt: SHORT_USER_PROMPT,
      experimental_telemetry: telemetry,
    });
    for await (const _delta of stream.textStream) {
      // Read the whole stream, as a caller would.
    }
    await stream.usage;
  });

  await processor.forceFlush();
  await otlp.flush();
  writeEmitterOutput(output, {
    packages: packageVersions(['ai', '@ai-sdk/anthropic']),
    spans: memory.getFinishedSpans().map(toFixtureSpan),
  });
  await sdk.shutdown();
}

runEmitter(main);
