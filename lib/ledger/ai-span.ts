// Prices one provider call read from a span (see dialects/): ours or another GenAI instrumentation's.
// Shared by the cost processor, our client's call span and the pure row mapping, so all agree.
import type { ModelCall } from './dialects';
import type { PriceBook, TokenUsage } from './price-types';

export type { Operation } from './dialects';

/**
 * Whether a row's cost is known, and how well:
 * - `priced`: the provider's usage at the listed price: exact;
 * - `upper_bound`: priced, but the emitter drops cache reads, so cached tokens were billed at the full rate;
 * - `estimated`: priced from token counts the emitter estimated, not the provider's usage;
 * - `unpriced`: usage known, but no price for the model;
 * - `no_usage`: the call reported no usage (it failed, or streamed without usage);
 * - `not_billable`: a token-count request, which costs nothing.
 */
export type CostStatus = 'priced' | 'upper_bound' | 'estimated' | 'unpriced' | 'no_usage' | 'not_billable';

/** The statuses whose cost is a figure but not the exact one: never "complete" on the dashboard. */
export const INEXACT_COST_STATUSES: readonly CostStatus[] = ['upper_bound', 'estimated'];

export interface AICost {
  status: CostStatus;
  /** Exact USD with 12 decimals of what was priced; null when nothing was. */
  costUsd: string | null;
  costPicoUsd: bigint | null;
  priceRef: string | null;
  /** Why the cost is unknown or inexact, when it is. */
  reason?: string;
}

const NOT_PRICED = { costUsd: null, costPicoUsd: null, priceRef: null } as const;

/** The model billed: the one the provider answered with, else the one requested. */
export function billedModelOf(call: ModelCall): string | undefined {
  return call.responseModel ?? call.requestModel;
}

/**
 * The cost of one AI call at the time it started. Token-count requests are not billable; a call without
 * usage (failed, or streamed without usage) has no cost to compute; an unknown model is unpriced.
 */
export function costOfCall(call: ModelCall, startedAt: Date, priceBook: PriceBook): AICost {
  if (call.operation === 'token_count') return { status: 'not_billable', ...NOT_PRICED };
  const { usage } = call;
  if (usage.inputTokens === undefined && usage.outputTokens === undefined) {
    return { status: 'no_usage', ...NOT_PRICED, reason: 'the span has no token usage' };
  }
  const model = billedModelOf(call);
  if (model === undefined) return { status: 'unpriced', ...NOT_PRICED, reason: 'the span names no model' };
  const tokens: TokenUsage = {
    inputTokens: usage.inputTokens ?? 0,
    cachedInputTokens: usage.cachedInputTokens,
    cacheWriteTokens: usage.cacheWriteTokens,
    outputTokens: usage.outputTokens ?? 0,
    reasoningTokens: usage.reasoningTokens,
  };
  const result = priceBook.price({ provider: call.provider, model, at: startedAt, usage: tokens });
  if (result.status === 'unpriced') return { status: 'unpriced', ...NOT_PRICED, reason: result.reason };
  const priced = { costUsd: result.costUsd, costPicoUsd: result.costPicoUsd, priceRef: result.priceRef };
  switch (call.quality) {
    case 'reported':
      return { status: 'priced', ...priced };
    case 'cache_unreported':
      return {
        status: 'upper_bound',
        ...priced,
        reason: `${call.dialect} spans do not report cache reads: cached input was priced at the full input rate`,
      };
    case 'estimated':
      return {
        status: 'estimated',
        ...priced,
        reason: `${call.dialect} estimated the tokens; the provider's usage is unknown`,
      };
  }
}
