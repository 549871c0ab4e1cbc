// Emitter `ai-sdk-6-vertex`: Vercel AI SDK 6 (`ai`, the app's version) with `@ai-sdk/google-vertex` (the release
// built on the same @ai-sdk/provider 3 line; it brings its own `@ai-sdk/google`, whose Gemini model it uses), each
// call with `experimental_telemetry: { isEnabled: true }`, against the local provider's copy of Vertex AI's
// generateContent wire (/v1/projects/<project>/locations/<location>/publishers/google/models/<model>:generateContent
// and :streamGenerateContent?alt=sse). Express mode: an API key (sent as x-goog-api-key), so google-auth-library is
// never asked for a token. Two chats; Vertex's embeddings (:predict) are not on the local provider.
// Run by record.ts (FIXTURE_PROVIDER_URL, FIXTURE_OUTPUT).
import { createVertex } from '@ai-sdk/google-vertex';
import { generateText, streamText } from 'ai';

import { API_KEY, LONG_USER_PROMPT, PROVIDER_MODELS, SYSTEM_PROMPT } from './common';
import { emitThroughAiSdk } from './emit-ai-sdk';

const MODELS = PROVIDER_MODELS['ai-sdk-6-vertex'];
emitThroughAiSdk('ai-sdk-6-vertex', {
  generateText,
  streamText,
  models: (providerUrl: string) => {
    const origin = new URL(providerUrl).origin;
    const provider = createVertex({
      baseURL: `${origin}/v1/projects/spendtrace-fixtures/locations/us-central1/publishers/google`,
      apiKey: API_KEY,
    });
    return { chat: () => provider(MODELS.chat) };
  },
  telemetry: { experimental_telemetry: { isEnabled: true } },
  system: { system: SYSTEM_PROMPT },
  prompt: LONG_USER_PROMPT,
  packages: ['ai', '@ai-sdk/google-vertex', ['@ai-sdk/google', '@ai-sdk/google-vertex/node_modules/@ai-sdk/google']],
});
