// The price book's public types: a call's token usage, what pricing it gives, and a local price override.

export interface TokenUsage {
  /** Total input tokens INCLUDING cache reads and cache writes (OpenAI's prompt_tokens; Anthropic's three summed). */
  inputTokens: number;
  /** Of which read from cache. */
  cachedInputTokens?: number;
  /** Of which written to the cache (Anthropic's cache_creation_input_tokens). */
  cacheWriteTokens?: number;
  /** Total output tokens INCLUDING reasoning (OpenAI's completion_tokens). */
  outputTokens: number;
  /** Of which reasoning. */
  reasoningTokens?: number;
}

export type PriceResult =
  { status: 'priced'; costPicoUsd: bigint; costUsd: string; priceRef: string } | { status: 'unpriced'; reason: string };

export interface PriceOverride {
  /** Model id, matched exactly (case-insensitive), e.g. 'ft:gpt-4o-mini:acme::abc123'. */
  model: string;
  /** Provider id, matched case-insensitively. Default 'openai'. */
  provider?: string;
  /** USD per million input tokens, decimal string e.g. '0.30'. */
  inputMtok: string;
  /** USD per million cached input tokens. Default: inputMtok. */
  cachedInputMtok?: string;
  /** USD per million output tokens (reasoning tokens included). */
  outputMtok: string;
  /** ISO date from which this price applies; default: always. Several entries for one model = a price history. */
  effectiveFrom?: string;
}

export interface PriceBook {
  /** Never throws: anything that cannot be priced comes back `unpriced` with the reason. */
  price(query: { provider: string; model: string; at: Date; usage: TokenUsage }): PriceResult;
}
