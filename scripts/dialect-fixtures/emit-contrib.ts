// Emitter `contrib`: @opentelemetry/instrumentation-openai patching the `openai` SDK, under NodeSDK as its
// README shows. Run by record.ts (FIXTURE_PROVIDER_URL, FIXTURE_OUTPUT).
import { trace } from '@opentelemetry/api';
import { OpenAIInstrumentation } from '@opentelemetry/instrumentation-openai';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

import {
  API_KEY,
  emitterEnv,
  loadOpenAI,
  openaiCalls,
  otlpExport,
  packageVersions,
  ROOT_TRACER_NAME,
  runEmitter,
  serviceNameFor,
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
    serviceName: serviceNameFor('contrib'),
    spanProcessors: [processor, ...otlp.processors],
    instrumentations: [new OpenAIInstrumentation()],
  });
  sdk.start();

  const OpenAI = loadOpenAI();
  const client = new OpenAI({ baseURL: providerUrl, apiKey: API_KEY });
  await withRootSpan(trace.getTracer(ROOT_TRACER_NAME), () => openaiCalls(client));

  await processor.forceFlush();
  await otlp.flush();
  writeEmitterOutput(output, {
    packages: packageVersions(['@opentelemetry/instrumentation-openai', 'openai']),
    spans: memory.getFinishedSpans().map(toFixtureSpan),
  });
  await sdk.shutdown();
}

runEmitter(main);
