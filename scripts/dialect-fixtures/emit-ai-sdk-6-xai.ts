// Emitter `ai-sdk-6-xai`: Vercel AI SDK 6 (`ai`, the app's version) with `@ai-sdk/xai` (the release built on the same
// @ai-sdk/provider 3 line), each call with `experimental_telemetry: { isEnabled: true }`, against the local provider's Chat
// Completions wire (`xai(...)` is the chat model). Two chats; the package has no embedding models.
// Run by record.ts (FIXTURE_PROVIDER_URL, FIXTURE_OUTPUT).
import { createXai } from '@ai-sdk/xai';
import { generateText, streamText } from 'ai';

import { API_KEY, LONG_USER_PROMPT, PROVIDER_MODELS, SYSTEM_PROMPT } from './common';
import { emitThroughAiSdk } from './emit-ai-sdk';

const MODELS = PROVIDER_MODELS['ai-sdk-6-xai'];
emitThroughAiSdk('ai-sdk-6-xai', {
  generateText,
  streamText,
  models: (providerUrl: string) => {
    const provider = createXai({ baseURL: providerUrl, apiKey: API_KEY });
    return { chat: () => provider(MODELS.chat) };
  },
  telemetry: { experimental_telemetry: { isEnabled: true } },
  system: { system: SYSTEM_PROMPT },
  prompt: LONG_USER_PROMPT,
  packages: ['ai', '@ai-sdk/xai'],
});
