// Columns that tests of the interaction store, the rollup and the dashboard queries give their rows.

/** The columns of a token count of `inputTokens`: the operation, and usage and cost that no call is billed for. */
export function tokenCount(inputTokens: number) {
  return {
    operation: 'token_count',
    inputTokens,
    cachedInputTokens: null,
    outputTokens: null,
    reasoningTokens: null,
    totalTokens: null,
    costUsd: null,
    costStatus: 'not_billable',
    priceRef: null,
  } as const;
}
