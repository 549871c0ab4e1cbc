// Emitter `ai-sdk-6-deepseek`: Vercel AI SDK 6 (`ai`, the app's version) with `@ai-sdk/deepseek` (the release built on the same
// @ai-sdk/provider 3 line), each call with `experimental_telemetry: { isEnabled: true }`, against the local provider's Chat
// Completions wire, which answers a `deepseek-*` model with DeepSeek's prompt_cache_hit_tokens and
// prompt_cache_miss_tokens beside OpenAI's usage fields. Two chats; the package has no embedding models.
// Run by record.ts (FIXTURE_PROVIDER_URL, FIXTURE_OUTPUT).
import { createDeepSeek } from '@ai-sdk/deepseek';
import { generateText, streamText } from 'ai';

import { API_KEY, LONG_USER_PROMPT, PROVIDER_MODELS, SYSTEM_PROMPT } from './common';
import { emitThroughAiSdk } from './emit-ai-sdk';

const MODELS = PROVIDER_MODELS['ai-sdk-6-deepseek'];
emitThroughAiSdk('ai-sdk-6-deepseek', {
  generateText,
  streamText,
  models: (providerUrl: string) => {
    const provider = createDeepSeek({ baseURL: providerUrl, apiKey: API_KEY });
    return { chat: () => provider(MODELS.chat) };
  },
  telemetry: { experimental_telemetry: { isEnabled: true } },
  system: { system: SYSTEM_PROMPT },
  prompt: LONG_USER_PROMPT,
  packages: ['ai', '@ai-sdk/deepseek'],
});
