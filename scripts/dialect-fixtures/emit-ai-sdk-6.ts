// Emitter `ai-sdk-6`: Vercel AI SDK 6 (`ai`) with `@ai-sdk/openai` 3, the versions the app itself depends on, each
// call with `experimental_telemetry: { isEnabled: true }`. The SDK traces with the global tracer provider,
// registered here by NodeSDK. The model is `openai.chat(...)`, so the calls go to Chat Completions like every
// other emitter's (the provider's default `openai(...)` would use the Responses API).
// Run by record.ts (FIXTURE_PROVIDER_URL, FIXTURE_OUTPUT).
import { createOpenAI } from '@ai-sdk/openai';
import { trace } from '@opentelemetry/api';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { embedMany, generateText, streamText } from 'ai';

import {
  API_KEY,
  CHAT_MODEL,
  EMBEDDING_INPUTS,
  EMBEDDING_MODEL,
  emitterEnv,
  LONG_USER_PROMPT,
  otlpExport,
  packageVersions,
  ROOT_TRACER_NAME,
  runEmitter,
  serviceNameFor,
  SHORT_USER_PROMPT,
  SYSTEM_PROMPT,
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
    serviceName: serviceNameFor('ai-sdk-6'),
    spanProcessors: [processor, ...otlp.processors],
  });
  sdk.start();

  const openai = createOpenAI({ baseURL: providerUrl, apiKey: API_KEY });
  const telemetry = { isEnabled: true };
  await withRootSpan(trace.getTracer(ROOT_TRACER_NAME), async () => {
    await generateText({
      model: openai.chat(CHAT_MODEL),
      system: SYSTEM_PROMPT,
      prompt: LONG_USER_PROMPT,
      experimental_telemetry: telemetry,
    });
    const stream = streamText({
      model: openai.chat(CHAT_MODEL),
      prompt: SHORT_USER_PROMPT,
      experimental_telemetry: telemetry,
    });
    for await (const _delta of stream.textStream) {
      // Read the whole stream, as a caller would.
    }
    await stream.usage;
    await embedMany({
      model: openai.embedding(EMBEDDING_MODEL),
      values: [...EMBEDDING_INPUTS],
      experimental_telemetry: telemetry,
    });
  });

  await processor.forceFlush();
  await otlp.flush();
  writeEmitterOutput(output, {
    packages: packageVersions(['ai', '@ai-sdk/openai']),
    spans: memory.getFinishedSpans().map(toFixtureSpan),
  });
  await sdk.shutdown();
}

runEmitter(main);
