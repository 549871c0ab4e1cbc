// Emitter `ai-sdk-6-azure`: Vercel AI SDK 6 (`ai`, the app's version) with `@ai-sdk/azure` (the release built on the same
// @ai-sdk/provider 3 line), each call with `experimental_telemetry: { isEnabled: true }`, against the local provider's
// OpenAI routes under Azure's v1 path (/openai/v1/..., with the `api-key` header). `azure.chat(...)`, so the calls
// go to Chat Completions like the OpenAI emitters' (the default `azure(...)` would use the Responses API); the
// model id is the deployment name, here the model's own.
// Run by record.ts (FIXTURE_PROVIDER_URL, FIXTURE_OUTPUT).
import { createAzure } from '@ai-sdk/azure';
import { embedMany, generateText, streamText } from 'ai';

import { API_KEY, LONG_USER_PROMPT, PROVIDER_MODELS, SYSTEM_PROMPT } from './common';
import { emitThroughAiSdk } from './emit-ai-sdk';

const MODELS = PROVIDER_MODELS['ai-sdk-6-azure'];
emitThroughAiSdk('ai-sdk-6-azure', {
  generateText,
  streamText,
  embedMany,
  models: (providerUrl: string) => {
    const provider = createAzure({ baseURL: `${new URL(providerUrl).origin}/openai/v1`, apiKey: API_KEY });
    return { chat: () => provider.chat(MODELS.chat), embedding: () => provider.embedding(MODELS.embedding) };
  },
  telemetry: { experimental_telemetry: { isEnabled: true } },
  system: { system: SYSTEM_PROMPT },
  prompt: LONG_USER_PROMPT,
  packages: ['ai', '@ai-sdk/azure'],
});
