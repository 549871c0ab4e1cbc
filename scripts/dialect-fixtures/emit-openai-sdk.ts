// The emitters that trace the `openai` SDK under NodeSDK (contrib, openllmetry, openinference, langfuse): the
// shared run of node-sdk.ts with the three standard calls (`openaiCalls`) through a client made after the
// instrumentation is registered, since `loadOpenAI()` is what lets its require hook patch the SDK. openlit is not
// one of them: it builds its own tracer provider (emit-openlit.ts).
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import type OpenAI from 'openai';

import { API_KEY, loadOpenAI, openaiCalls, type Emitter } from './common';
import { runNodeSdkEmitter, type SpanRecorder } from './node-sdk';

export interface OpenAISdkEmitter {
  /**
   * The instrumentation patching `openai`, made when its README has it made: given to NodeSDK's `instrumentations`
   * option, or registered with `registerInstrumentations` once NodeSDK has registered the global provider.
   */
  instrumentation?: { create: () => Instrumentation; registeredBy: 'NodeSDK' | 'registerInstrumentations' };
  /** Wraps the client, for an emitter that traces a wrapper rather than patching the SDK (langfuse). */
  wrap?: (client: OpenAI) => OpenAI;
  recorder?: () => SpanRecorder;
  /** The emitter's packages; the `openai` version is recorded after them. */
  packages: string[];
}

export function emitThroughOpenAI(emitter: Emitter, options: OpenAISdkEmitter): void {
  const { instrumentation } = options;
  const wrap = options.wrap ?? ((client: OpenAI) => client);
  runNodeSdkEmitter({
    emitter,
    sdkInstrumentations: instrumentation?.registeredBy === 'NodeSDK' ? () => [instrumentation.create()] : undefined,
    afterStart:
      instrumentation?.registeredBy === 'registerInstrumentations'
        ? () => registerInstrumentations({ instrumentations: [instrumentation.create()] })
        : undefined,
    recorder: options.recorder,
    prepare: (providerUrl) => {
      const OpenAI = loadOpenAI();
      const client = wrap(new OpenAI({ baseURL: providerUrl, apiKey: API_KEY }));
      return () => openaiCalls(client);
    },
    packages: [...options.packages, 'openai'],
  });
}
