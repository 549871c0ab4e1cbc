// Emitter `ai-sdk-6`: Vercel AI SDK 6 (`ai`) with `@ai-sdk/openai` 3, the versions the app itself depends on, each
// call with `experimental_telemetry: { isEnabled: true }`. The SDK traces with the global tracer provider,
// registered here by NodeSDK. The model is `openai.chat(...)`, so the calls go to Chat Completions like every
// other emitter's (the provider's default `openai(...)` would use the Responses API).
// Run by record.ts (FIXTURE_PROVIDER_URL, FIXTURE_OUTPUT).
import { createOpenAI } from '@ai-sdk/openai';
import { embedMany, generateText, streamText } from 'ai';

import { LONG_USER_PROMPT, SYSTEM_PROMPT } from './common';
import { emitThroughAiSdk, openaiModels } from './emit-ai-sdk';

const models = openaiModels(createOpenAI);
emitThroughAiSdk('ai-sdk-6', {
  models,
  generateText,
  streamText,
  embedMany,
  telemetry: { experimental_telemetry: { isEnabled: true } },
  system: { system: SYSTEM_PROMPT },
  prompt: LONG_USER_PROMPT,
  packages: ['ai', '@ai-sdk/openai'],
});
