// Emitter `contrib`: @opentelemetry/instrumentation-openai patching the `openai` SDK, given to NodeSDK as its
// README shows. Run by record.ts (FIXTURE_PROVIDER_URL, FIXTURE_OUTPUT).
import { OpenAIInstrumentation } from '@opentelemetry/instrumentation-openai';

import { emitThroughOpenAI } from './emit-openai-sdk';

emitThroughOpenAI('contrib', {
  instrumentation: { create: () => new OpenAIInstrumentation(), registeredBy: 'NodeSDK' },
  packages: ['@opentelemetry/instrumentation-openai'],
});
