// A local server speaking OpenAI's wire format, so tests and `npm run dev` without OPENAI_API_KEY can drive
// the real `openai` SDK. Replies, usage and IDs are deterministic; `simulatedUsage` holds the token rule.
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
  simulatedReply,
  simulatedTextTokens,
  simulatedUsage,
  type SimulatedUsage,
} from './simulated-usage';
export { startLocalProvider } from './start-local-provider';
export type { LocalProvider, LocalProviderOptions, LocalProviderRequest } from './types';
