// Emitter `ai-sdk-6-bedrock`: Vercel AI SDK 6 (`ai`, the app's version) with `@ai-sdk/amazon-bedrock` (the release
// built on the same @ai-sdk/provider 3 line), each call with `experimental_telemetry: { isEnabled: true }`, against
// the local provider's Bedrock Converse wire (POST /model/<modelId>/converse and /converse-stream), signed with
// SigV4 from fake credentials (the local provider does not check the signature). Two chats, no embeddings: a
// generateText whose long system prompt ends in a cachePoint (providerOptions.bedrock.cachePoint), so the provider
// reports cache reads and writes beside uncached input (Bedrock's inputTokens leaves both out), and a streamText.
// Run by record.ts (FIXTURE_PROVIDER_URL, FIXTURE_OUTPUT).
import { createAmazonBedrock } from '@ai-sdk/amazon-bedrock';
import { generateText, streamText } from 'ai';

import { LONG_SYSTEM_PROMPT, PROVIDER_MODELS, SHORT_USER_PROMPT } from './common';
import { emitThroughAiSdk } from './emit-ai-sdk';

const MODELS = PROVIDER_MODELS['ai-sdk-6-bedrock'];
emitThroughAiSdk('ai-sdk-6-bedrock', {
  generateText,
  streamText,
  models: (providerUrl: string) => {
    const bedrock = createAmazonBedrock({
      baseURL: new URL(providerUrl).origin,
      region: 'us-east-1',
      accessKeyId: 'test',
      secretAccessKey: 'test',
    });
    return { chat: () => bedrock(MODELS.chat) };
  },
  telemetry: { experimental_telemetry: { isEnabled: true } },
  system: {
    system: {
      role: 'system',
      content: LONG_SYSTEM_PROMPT,
      providerOptions: { bedrock: { cachePoint: { type: 'default' } } },
    },
  },
  prompt: SHORT_USER_PROMPT,
  packages: ['ai', '@ai-sdk/amazon-bedrock'],
});
