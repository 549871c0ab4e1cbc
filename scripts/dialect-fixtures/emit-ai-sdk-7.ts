// Emitter `ai-sdk-7`: Vercel AI SDK 7 (`ai`, installed as `ai-v7`: the app depends on `ai` 6) with
// `@ai-sdk/openai` 4 (installed as `ai-sdk-openai-v4`), traced by `@ai-sdk/otel`'s `OpenTelemetry` integration
// (registered with `registerTelemetry`, as the SDK's telemetry docs show; it follows the GenAI semantic
// conventions and uses the global tracer provider, registered here by NodeSDK). Each call passes
// `telemetry: { isEnabled: true }` (7's name for 6's `experimental_telemetry`). The model is `openai.chat(...)`,
// so the calls go to Chat Completions like every other emitter's.
// `@ai-sdk/otel` depends on `ai` 7 itself, so npm installs it its own copy (node_modules/@ai-sdk/otel/node_modules/
// ai) beside `ai-v7`. The two copies still meet: `registerTelemetry` keeps integrations on `globalThis`
// (AI_SDK_TELEMETRY_INTEGRATIONS), where either copy's calls find them, and the integration uses the copy only
// for `RetryError.isInstance` (a Symbol.for marker) and a pure helper. `checkSameAi` makes sure both copies are
// the same version, so the fixture's `ai` version is the one the integration was built with.
// Run by record.ts (FIXTURE_PROVIDER_URL, FIXTURE_OUTPUT).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { OpenTelemetry } from '@ai-sdk/otel';
import { trace } from '@opentelemetry/api';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createOpenAI } from 'ai-sdk-openai-v4';
import { embedMany, generateText, registerTelemetry, streamText } from 'ai-v7';

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

/** The `ai` that `@ai-sdk/otel` resolves (its own copy) is the version installed as `ai-v7`. */
function checkSameAi(aiVersion: string | undefined): void {
  const otel = createRequire(require.resolve('@ai-sdk/otel/package.json'));
  const manifest = JSON.parse(readFileSync(otel.resolve('ai/package.json'), 'utf8')) as { version: string };
  if (manifest.version !== aiVersion) {
    throw new Error(`@ai-sdk/otel uses ai ${manifest.version}, but ai-v7 is ai ${String(aiVersion)}`);
  }
}

async function main(): Promise<void> {
  const { providerUrl, output } = emitterEnv();
  const memory = new InMemorySpanExporter();
  const processor = new SimpleSpanProcessor(memory);
  const otlp = otlpExport();
  const sdk = new NodeSDK({
    serviceName: serviceNameFor('ai-sdk-7'),
    spanProcessors: [processor, ...otlp.processors],
  });
  sdk.start();
  registerTelemetry(new OpenTelemetry());

  const openai = createOpenAI({ baseURL: providerUrl, apiKey: API_KEY });
  const telemetry = { isEnabled: true };
  await withRootSpan(trace.getTracer(ROOT_TRACER_NAME), async () => {
    await generateText({
      model: openai.chat(CHAT_MODEL),
      instructions: SYSTEM_PROMPT,
      prompt: LONG_USER_PROMPT,
      telemetry,
    });
    const stream = streamText({ model: openai.chat(CHAT_MODEL), prompt: SHORT_USER_PROMPT, telemetry });
    for await (const _delta of stream.textStream) {
      // Read the whole stream, as a caller would.
    }
    await stream.usage;
    await embedMany({ model: openai.embedding(EMBEDDING_MODEL), values: [...EMBEDDING_INPUTS], telemetry });
  });

  await processor.forceFlush();
  await otlp.flush();
  const packages = packageVersions([['ai', 'ai-v7'], ['@ai-sdk/openai', 'ai-sdk-openai-v4'], '@ai-sdk/otel']);
  checkSameAi(packages.ai);
  writeEmitterOutput(output, {
    packages,
    spans: memory.getFinishedSpans().map(toFixtureSpan),
  });
  await sdk.shutdown();
}

runEmitter(main);
