// The run every emitter but openlit shares: a NodeSDK provider (registered globally, which the instrumentations
// and the AI SDK trace with), an in-memory recording beside the optional live export (`otlpExport`), the root
// span around the emitter's calls, then the hand-off to record.ts. An emit script names only what is its own:
// how its instrumentation is registered, the calls it makes and the packages it records.
import { trace } from '@opentelemetry/api';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { NodeSDK } from '@opentelemetry/sdk-node';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';

import {
  emitterEnv,
  otlpExport,
  packageVersions,
  ROOT_TRACER_NAME,
  runEmitter,
  serviceNameFor,
  toFixtureSpan,
  withRootSpan,
  writeEmitterOutput,
  type Emitter,
} from './common';

/** Where the fixture's spans are taken from: processors on the provider, flushed before `spans()` is read. */
export interface SpanRecorder {
  processors: SpanProcessor[];
  flush(): Promise<void>;
  spans(): ReadableSpan[];
}

/** Every span the provider ends, through a SimpleSpanProcessor into memory. */
export function inMemoryRecorder(): SpanRecorder {
  const memory = new InMemorySpanExporter();
  const processor = new SimpleSpanProcessor(memory);
  return { processors: [processor], flush: () => processor.forceFlush(), spans: () => memory.getFinishedSpans() };
}

export interface NodeSdkEmitter {
  emitter: Emitter;
  /** Instrumentations given to NodeSDK's own `instrumentations` option (created when the SDK is). */
  sdkInstrumentations?: () => Instrumentation[];
  /** What the emitter registers once the SDK is started (registerInstrumentations, registerTelemetry). */
  afterStart?: () => void;
  /** The fixture's recording; `inMemoryRecorder()` unless the emitter filters spans itself (langfuse). */
  recorder?: () => SpanRecorder;
  /** Builds the client or models against the local provider; returns the calls to run under the root span. */
  prepare: (providerUrl: string) => () => Promise<unknown>;
  packages: Parameters<typeof packageVersions>[0];
  /** Throws if the installed packages do not fit together (ai-sdk-7's two copies of `ai`). */
  checkPackages?: (packages: Record<string, string>) => void;
}

async function emit(run: NodeSdkEmitter): Promise<void> {
  const { providerUrl, output } = emitterEnv();
  const recorder = (run.recorder ?? inMemoryRecorder)();
  const otlp = otlpExport();
  const sdk = new NodeSDK({
    serviceName: serviceNameFor(run.emitter),
    spanProcessors: [...recorder.processors, ...otlp.processors],
    instrumentations: run.sdkInstrumentations?.(),
  });
  sdk.start();
  run.afterStart?.();

  const calls = run.prepare(providerUrl);
  await withRootSpan(trace.getTracer(ROOT_TRACER_NAME), calls);

  await recorder.flush();
  await otlp.flush();
  const packages = packageVersions(run.packages);
  run.checkPackages?.(packages);
  writeEmitterOutput(output, { packages, spans: recorder.spans().map(toFixtureSpan) });
  await sdk.shutdown();
}

/** Runs the emitter as this process's main (see `runEmitter`). */
export function runNodeSdkEmitter(run: NodeSdkEmitter): void {
  runEmitter(() => emit(run));
}
