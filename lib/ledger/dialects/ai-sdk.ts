// The Vercel AI SDK up to version 6 (`experimental_telemetry`): spans carry `ai.operationId`. Only the
// provider-call spans (`ai.generateText.doGenerate`, `ai.streamText.doStream`, `ai.embed.doEmbed`, …) are calls;
// the outer `ai.generateText`, `ai.streamText`, `ai.embedMany` spans sum their steps, and tool calls are no
// model calls at all.
import type { Attributes } from '@opentelemetry/api';
import { keyTextAttribute, tokenCountAttribute } from '../attribute-readers';
import { ATTR_GEN_AI_REQUEST_MODEL, ATTR_GEN_AI_RESPONSE_MODEL, ATTR_GEN_AI_SYSTEM } from '../attributes';
import { providerId } from '../provider-ids';
import { genAiUsage } from './gen-ai';
import type { CallUsage, Dialect, UsageQuality } from './model-call';

export const ATTR_AI_SDK_OPERATION_ID = 'ai.operationId';
const ATTR_AI_SDK_MODEL_ID = 'ai.model.id';
const ATTR_AI_SDK_MODEL_PROVIDER = 'ai.model.provider';
const ATTR_AI_SDK_RESPONSE_MODEL = 'ai.response.model';
/** `experimental_telemetry.functionId`: "used to group telemetry data by function", the call's feature. */
const ATTR_AI_SDK_FUNCTION_ID = 'ai.telemetry.functionId';

/**
 * Usage in the SDK's own names: version 5 and later, then version 4's, then embeddings' single count. From
 * version 6 on, `inputTokens` is every input token for every provider (for Anthropic the SDK adds the cache
 * reads and writes back in), and `inputTokenDetails` splits it.
 */
function sdkUsage(attributes: Attributes): { usage: CallUsage; legacy: boolean } {
  const count = (key: string) => tokenCountAttribute(attributes, `ai.usage.${key}`);
  const inputTokens = count('inputTokens');
  const outputTokens = count('outputTokens');
  if (inputTokens !== undefined || outputTokens !== undefined) {
    return {
      usage: {
        inputTokens,
        cachedInputTokens: count('cachedInputTokens') ?? count('inputTokenDetails.cacheReadTokens'),
        cacheWriteTokens: count('inputTokenDetails.cacheWriteTokens'),
        outputTokens,
        reasoningTokens: count('reasoningTokens'),
      },
      legacy: false,
    };
  }
  const promptTokens = count('promptTokens') ?? count('tokens');
  const completionTokens = count('completionTokens');
  if (promptTokens !== undefined || completionTokens !== undefined) {
    return {
      usage: {
        inputTokens: promptTokens,
        cachedInputTokens: undefined,
        cacheWriteTokens: undefined,
        outputTokens: completionTokens,
        reasoningTokens: undefined,
      },
      legacy: true,
    };
  }
  return { usage: genAiUsage(attributes), legacy: false };
}

export const aiSdkDialect: Dialect = {
  name: 'ai_sdk',
  markers: [ATTR_AI_SDK_OPERATION_ID],
  read(span) {
    const { attributes } = span;
    const operationId = keyTextAttribute(attributes, ATTR_AI_SDK_OPERATION_ID);
    if (operationId === undefined) return undefined;
    const step = /\.(doGenerate|doStream|doEmbed)$/.exec(operationId)?.[1];
    if (step === undefined) return 'wrapper';
    const operation = step === 'doEmbed' ? 'embeddings' : 'chat';
    const { usage, legacy } = sdkUsage(attributes);
    // Version 4 reported no cache reads: a chat priced from it is billed at the full input rate.
    const quality: UsageQuality = legacy && operation === 'chat' ? 'cache_unreported' : 'reported';
    const provider =
      keyTextAttribute(attributes, ATTR_AI_SDK_MODEL_PROVIDER) ?? keyTextAttribute(attributes, ATTR_GEN_AI_SYSTEM);
    return {
      dialect: 'ai_sdk',
      operation,
      provider: provider === undefined ? 'unknown' : providerId(provider),
      requestModel:
        keyTextAttribute(attributes, ATTR_AI_SDK_MODEL_ID) ?? keyTextAttribute(attributes, ATTR_GEN_AI_REQUEST_MODEL),
      responseModel:
        keyTextAttribute(attributes, ATTR_AI_SDK_RESPONSE_MODEL) ??
        keyTextAttribute(attributes, ATTR_GEN_AI_RESPONSE_MODEL),
      usage,
      quality,
      streamed: step === 'doStream',
      feature: keyTextAttribute(attributes, ATTR_AI_SDK_FUNCTION_ID),
    };
  },
};
