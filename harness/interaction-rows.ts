// Columns that tests of the ledger write and expect again and again.

/** The usage and cost columns of a call that reported no usage (a failed call, or a stream without usage). */
export const NO_USAGE = {
  inputTokens: null,
  cachedInputTokens: null,
  outputTokens: null,
  reasoningTokens: null,
  totalTokens: null,
  costUsd: null,
  costStatus: 'no_usage',
  priceRef: null,
} as const;
