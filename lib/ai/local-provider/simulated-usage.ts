// The documented, deterministic rule behind every reply, token count and embedding the local provider sends,
// so tests can compute the expected values without running the server.

/** Prompt text is charged at one token per this many characters (JS string length), rounded up. */
export const CHARS_PER_TOKEN = 4;
/** Tokens added per prompt message (chat message, Responses input item, or `instructions`). */
export const MESSAGE_OVERHEAD_TOKENS = 4;
/**
 * Prompts of at least this many tokens report a cache hit. OpenAI's threshold is 1024 tokens; ours is
 * lower so a single 1 KB message is enough to exercise cached-token pricing.
 */
export const CACHE_MIN_PROMPT_TOKENS = 256;
/** Cached tokens come in blocks of this size, as OpenAI's do. */
export const CACHE_BLOCK_TOKENS = 128;
/** Reasoning tokens reported by reasoning models (see `isSimulatedReasoningModel`) on every answer. */
export const REASONING_TOKENS = 64;
/** Dimensions of simulated embeddings unless the request sets `dimensions`. */
export const EMBEDDING_DIMENSIONS = 8;

export interface SimulatedUsage {
  promptTokens: number;
  /** Part of promptTokens. */
  cachedTokens: number;
  /** Includes reasoningTokens, as OpenAI's completion_tokens / output_tokens do. */
  completionTokens: number;
  reasoningTokens: number;
  totalTokens: number;
}

/** Tokens for a piece of text: ceil(length / 4). */
export function simulatedTextTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

/** o1, o3, o4-mini, gpt-5, gpt-5-mini..., and gemini-2.5-pro / -flash (which think by default, -lite does not)
 * answer with reasoning tokens. */
export function isSimulatedReasoningModel(model: string): boolean {
  return /^(o\d|gpt-5|gemini-2\.5-(pro|flash)(?!-lite))/.test(model);
}

/** Replies echo the whole user text when it is at most this many characters (JS string length). */
const REPLY_ECHO_MAX_CHARS = 200;
/** Longer user texts are echoed cut to this many characters. */
const REPLY_ECHO_CUT_CHARS = 40;

/**
 * The reply to a prompt whose last user message is `lastUserText`: `Simulated reply to: ` followed by the whole
 * text when it is at most 200 characters, otherwise by its first 40 characters.
 */
export function simulatedReply(lastUserText: string): string {
  const echoed =
    lastUserText.length <= REPLY_ECHO_MAX_CHARS ? lastUserText : lastUserText.slice(0, REPLY_ECHO_CUT_CHARS);
  return `Simulated reply to: ${echoed}`;
}

/**
 * The usage the provider reports. `prompt` holds one string per message (the message's text parts
 * concatenated; Responses `instructions` count as one more message):
 * - promptTokens = Σ (ceil(chars / 4) + 4)
 * - cachedTokens = promptTokens >= 256 ? floor(promptTokens / 128) * 128 : 0
 * - reasoningTokens = 64 for reasoning models (`isSimulatedReasoningModel`), else 0
 * - completionTokens = ceil(reply chars / 4) + reasoningTokens, where the reply (`simulatedReply`) is
 *   `Simulated reply to: ` (20 chars) plus the whole last user text when it is at most 200 chars, else its first 40
 * - totalTokens = promptTokens + completionTokens
 */
export function simulatedUsage(input: { model: string; prompt: readonly string[]; reply: string }): SimulatedUsage {
  const promptTokens = input.prompt.reduce((sum, text) => sum + simulatedTextTokens(text) + MESSAGE_OVERHEAD_TOKENS, 0);
  const cachedTokens =
    promptTokens >= CACHE_MIN_PROMPT_TOKENS ? Math.floor(promptTokens / CACHE_BLOCK_TOKENS) * CACHE_BLOCK_TOKENS : 0;
  const reasoningTokens = isSimulatedReasoningModel(input.model) ? REASONING_TOKENS : 0;
  const completionTokens = simulatedTextTokens(input.reply) + reasoningTokens;
  return {
    promptTokens,
    cachedTokens,
    completionTokens,
    reasoningTokens,
    totalTokens: promptTokens + completionTokens,
  };
}

/** Anthropic's usage for a prompt: the same total, split into uncached input, cache reads and cache writes. */
export interface SimulatedMessagesUsage {
  /** Excludes the cache reads and writes, as Anthropic's `input_tokens` does. */
  inputTokens: number;
  cacheReadInputTokens: number;
  cacheCreationInputTokens: number;
  outputTokens: number;
}

/**
 * The usage the Messages wire reports. `prompt` holds the system text (when there is one) and then each message's
 * text, each counted as one message; `cachedPrefix` is how many of them, from the first, end at the last one
 * carrying a `cache_control` block (0 when none does). With total = promptTokens and reads = cachedTokens of
 * `simulatedUsage` for the same prompt:
 * - cacheReadInputTokens = reads (total >= 256 ? floor(total / 128) * 128 : 0, with or without cache_control)
 * - cacheCreationInputTokens = max(0, tokens of the cached prefix - reads): the part of the marked prefix that
 *   the cached blocks do not cover is written. Stateless, so a repeated request writes again.
 * - inputTokens = total - reads - writes
 * - outputTokens = completionTokens of `simulatedUsage`
 */
export function simulatedMessagesUsage(input: {
  model: string;
  prompt: readonly string[];
  cachedPrefix: number;
  reply: string;
}): SimulatedMessagesUsage {
  const usage = simulatedUsage(input);
  const prefixTokens = simulatedUsage({ ...input, prompt: input.prompt.slice(0, input.cachedPrefix) }).promptTokens;
  const cacheCreationInputTokens = Math.max(0, prefixTokens - usage.cachedTokens);
  return {
    inputTokens: usage.promptTokens - usage.cachedTokens - cacheCreationInputTokens,
    cacheReadInputTokens: usage.cachedTokens,
    cacheCreationInputTokens,
    outputTokens: usage.completionTokens,
  };
}

/**
 * A unit-length vector derived from the text by FNV-1a hashing. Components are float32 values, so the
 * `float` and `base64` encodings decode to the same numbers.
 */
export function simulatedEmbedding(text: string, dimensions: number = EMBEDDING_DIMENSIONS): number[] {
  const raw = Array.from({ length: dimensions }, (_, dim) => fnv1a(`${dim}:${text}`) / 0xffffffff - 0.5);
  const norm = Math.hypot(...raw) || 1;
  return raw.map((value) => Math.fround(value / norm));
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** The reply split into streamed deltas: each word with the whitespace that follows it. */
export function simulatedDeltas(reply: string): string[] {
  return reply.match(/\s+|\S+\s*/gy) ?? [];
}
