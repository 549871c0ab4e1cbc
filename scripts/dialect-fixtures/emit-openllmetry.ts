// Emitter `openllmetry`: @traceloop/instrumentation-openai patching the `openai` SDK, registered with
// registerInstrumentations on a globally registered provider, as its README shows (NodeSDK stands in for
// NodeTracerProvider). Run by record.ts (FIXTURE_PROVIDER_URL, FIXTURE_OUTPUT).
import { OpenAIInstrumentation } from '@traceloop/instrumentation-openai';

import { emitThroughOpenAI } from './emit-openai-sdk';

emitThroughOpenAI('openllmetry', {
  instrumentation: { create: () => new OpenAIInstrumentation(), registeredBy: 'registerInstrumentations' },
  packages: ['@traceloop/instrumentation-openai'],
});
