// Emitter `ai-sdk-6-mistral`: Vercel AI SDK 6 (`ai`, the app's version) with `@ai-sdk/mistral` (the release built on the same
// @ai-sdk/provider 3 line), each call with `experimental_telemetry: { isEnabled: true }`, against the local provider's Chat
// Completions and embeddings wires, which stream usage for a Mistral model without stream_options, on the chunk
// with finish_reason, as Mistral's API does.
// Run by record.ts (FIXTURE_PROVIDER_URL, FIXTURE_OUTPUT).
import { createMistral } from '@ai-sdk/mistral';
import { embedMany, generateText, streamText } from 'ai';

import { API_KEY, LONG_USER_PROMPT, PROVIDER_MODELS, SYSTEM_PROMPT } from './common';
import { emitThroughAiSdk } from './emit-ai-sdk';

const MODELS = PROVIDER_MODELS['ai-sdk-6-mistral'];
emitThroughAiSdk('ai-sdk-6-mistral', {
  generateText,
  streamText,
  embedMany,
  models: (providerUrl: string) => {
    const provider = createMistral({ baseURL: providerUrl, apiKey: API_KEY });
    return { chat: () => provider(MODELS.chat), embedding: () => provider.embedding(MODELS.embedding) };
  },
  telemetry: { experimental_telemetry: { isEnabled: true } },
  system: { system: SYSTEM_PROMPT },
  prompt: LONG_USER_PROMPT,
  packages: ['ai', '@ai-sdk/mistral'],
});
