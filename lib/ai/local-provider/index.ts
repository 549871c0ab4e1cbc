// A local server speaking OpenAI's wire format (and Anthropic's Messages API, POST /v1/messages), so tests and
// `npm run dev` without OPENAI_API_KEY can drive the real SDKs. Replies, usage and IDs are deterministic;
// `simulatedUsage` and `simulatedMessagesUsage` hold the token rules.
export {
  CACHE_BLOCK_TOKENS,
  CACHE_MIN_PROMPT_TOKENS,
  CHARS_PER_TOKEN,
  EMBEDDING_DIMENSIONS,
  isSimulatedReasoningModel,
  MESSAGE_OVERHEAD_TOKENS,
  REASONING_TOKENS,
  simulatedDeltas,
  simulatedEmbedding,
  simulatedMessagesUsage,
  simulatedReply,
  simulatedTextTokens,
  simulatedUsage,
  type SimulatedMessagesUsage,
  type SimulatedUsage,
} from './simulated-usage';
export { startLocalProvider } from './start-local-provider';
export type { LocalProvider, LocalProviderOptions, LocalProviderRequest } from './types';
