// Emitter `ai-sdk-6-google`: Vercel AI SDK 6 (`ai`, the app's version) with `@ai-sdk/google` (the release built on the same
// @ai-sdk/provider 3 line), each call with `experimental_telemetry: { isEnabled: true }`, against the local
// provider's Gemini API wire (/v1beta/models/<model>:generateContent, :streamGenerateContent?alt=sse,
// :batchEmbedContents). gemini-2.5-flash thinks, so its answers carry thoughtsTokenCount.
// Run by record.ts (FIXTURE_PROVIDER_URL, FIXTURE_OUTPUT).
import { createGoogleGenerativeAI } from '@ai-sdk/google';
import { embedMany, generateText, streamText } from 'ai';

import { API_KEY, LONG_USER_PROMPT, PROVIDER_MODELS, SYSTEM_PROMPT } from './common';
import { emitThroughAiSdk } from './emit-ai-sdk';

const MODELS = PROVIDER_MODELS['ai-sdk-6-google'];
emitThroughAiSdk('ai-sdk-6-google', {
  generateText,
  streamText,
  embedMany,
  models: (providerUrl: string) => {
    const provider = createGoogleGenerativeAI({ baseURL: `${new URL(providerUrl).origin}/v1beta`, apiKey: API_KEY });
    return { chat: () => provider(MODELS.chat), embedding: () => provider.embedding(MODELS.embedding) };
  },
  telemetry: { experimental_telemetry: { isEnabled: true } },
  system: { system: SYSTEM_PROMPT },
  prompt: LONG_USER_PROMPT,
  packages: ['ai', '@ai-sdk/google'],
});
