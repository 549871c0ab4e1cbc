// Emitter `openinference`: @arizeai/openinference-instrumentation-openai patching the `openai` SDK, registered with
// registerInstrumentations on a globally registered provider, as its README shows (NodeSDK stands in for
// NodeTracerProvider). Run by record.ts (FIXTURE_PROVIDER_URL, FIXTURE_OUTPUT).
import { OpenAIInstrumentation } from '@arizeai/openinference-instrumentation-openai';

import { emitThroughOpenAI } from './emit-openai-sdk';

emitThroughOpenAI('openinference', {
  instrumentation: { create: () => new OpenAIInstrumentation(), registeredBy: 'registerInstrumentations' },
  packages: ['@arizeai/openinference-instrumentation-openai'],
});
