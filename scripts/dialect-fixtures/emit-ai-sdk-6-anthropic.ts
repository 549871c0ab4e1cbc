// Emitter `ai-sdk-6-anthropic`: Vercel AI SDK 6 (`ai`, the app's version) with `@ai-sdk/anthropic` 3 (the 3.x
// release built on the same @ai-sdk/provider), each call with `experimental_telemetry: { isEnabled: true }`,
// against the local provider's Anthropic Messages wire (POST /v1/messages). Two calls, no embeddings (Anthropic
// has none): a generateText whose long system prompt is marked for caching (providerOptions.anthropic
// .cacheControl), so the provider reports cache reads and writes beside uncached input, and a streamText.
// Run by record.ts (FIXTURE_PROVIDER_URL, FIXTURE_OUTPUT).
import { createAnthropic } from '@ai-sdk/anthropic';
import { generateText, streamText } from 'ai';

import { ANTHROPIC_MODEL, API_KEY, LONG_SYSTEM_PROMPT, SHORT_USER_PROMPT } from './common';
import { emitThroughAiSdk } from './emit-ai-sdk';

emitThroughAiSdk('ai-sdk-6-anthropic', {
  generateText,
  streamText,
  models: (providerUrl: string) => {
    const anthropic = createAnthropic({ baseURL: providerUrl, apiKey: API_KEY });
    return { chat: () => anthropic(ANTHROPIC_MODEL) };
  },
  telemetry: { experimental_telemetry: { isEnabled: true } },
  system: {
    system: {
      role: 'system',
      content: LONG_SYSTEM_PROMPT,
      providerOptions: { anthropic: { cacheControl: { type: 'ephemeral' } } },
    },
  },
  prompt: SHORT_USER_PROMPT,
  packages: ['ai', '@ai-sdk/anthropic'],
});
