// Reads an AI call out of a span's attributes — ours or another GenAI instrumentation's — and prices it.
// Shared by the cost processor, the OpenAI instrumentation and the pure row mapping, so all agree.
import type { Attributes } from '@opentelemetry/api';
import { keyTextAttribute, tokenCountAttribute } from './attribute-readers';
import type { PriceBook, TokenUsage } from './price-types';
import {
  ATTR_AI_OPERATION,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_SYSTEM,
  ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_COMPLETION_TOKENS,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_GEN_AI_USAGE_PROMPT_TOKENS,
  ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
} from './attributes';

export type Operation = 'chat' | 'responses' | 'embeddings' | 'token_count';
export type CostStatus = 'priced' | 'unpriced' | 'no_usage' | 'not_billable';

export interface AICost {
  status: CostStatus;
  /** Exact USD with 12 decimals; null unless priced. */
  costUsd: string | null;
  costPicoUsd: bigint | null;
  priceRef: string | null;
  /** Why the cost is unknown, when it is. */
  reason?: string;
}

const OPERATIONS: ReadonlySet<string> = new Set(['chat', 'responses', 'embeddings', 'token_count']);

/** The AI operation of a span, or undefined when the span is not an AI call. */
export function operationOf(attributes: Attributes): Operation | undefined {
  const ours = keyTextAttribute(attributes, ATTR_AI_OPERATION);
  if (ours && OPERATIONS.has(ours)) return ours as Operation;
  const genAi = keyTextAttribute(attributes, ATTR_GEN_AI_OPERATION_NAME);
  return genAi !== undefined && Object.hasOwn(GEN_AI_OPERATIONS, genAi) ? GEN_AI_OPERATIONS[genAi] : undefined;
}

/**
 * The GenAI operations that are one model call each. Agent and tool spans (`invoke_agent`,
 * `execute_tool`, ...) are not: they wrap model calls that have spans of their own, and counting their
 * usage too would count the same tokens twice.
 */
const GEN_AI_OPERATIONS: Readonly<Record<string, Operation>> = {
  chat: 'chat',
  text_completion: 'chat',
  generate_content: 'chat',
  embeddings: 'embeddings',
  count_tokens: 'token_count',
};

export function providerOf(attributes: Attributes): string {
  return (
    keyTextAttribute(attributes, ATTR_GEN_AI_PROVIDER_NAME) ??
    keyTextAttribute(attributes, ATTR_GEN_AI_SYSTEM) ??
    'unknown'
  );
}

/** The model billed: the one the provider answered with, else the one requested. */
export function billedModelOf(attributes: Attributes): string | undefined {
  return (
    keyTextAttribute(attributes, ATTR_GEN_AI_RESPONSE_MODEL) ?? keyTextAttribute(attributes, ATTR_GEN_AI_REQUEST_MODEL)
  );
}

export interface SpanUsage {
  inputTokens: number | undefined;
  cachedInputTokens: number | undefined;
  outputTokens: number | undefined;
  reasoningTokens: number | undefined;
}

export function usageOf(attributes: Attributes): SpanUsage {
  return {
    inputTokens:
      tokenCountAttribute(attributes, ATTR_GEN_AI_USAGE_INPUT_TOKENS) ??
      tokenCountAttribute(attributes, ATTR_GEN_AI_USAGE_PROMPT_TOKENS),
    cachedInputTokens: tokenCountAttribute(attributes, ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS),
    outputTokens:
      tokenCountAttribute(attributes, ATTR_GEN_AI_USAGE_OUTPUT_TOKENS) ??
      tokenCountAttribute(attributes, ATTR_GEN_AI_USAGE_COMPLETION_TOKENS),
    reasoningTokens: tokenCountAttribute(attributes, ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS),
  };
}

/**
 * The cost of one AI call at the time it started. Token-count requests are not billable; a call without
 * usage (failed, or streamed without usage) has no cost to compute; an unknown model is unpriced.
 */
export function costOf(attributes: Attributes, startedAt: Date, priceBook: PriceBook): AICost {
  const operation = operationOf(attributes);
  if (operation === 'token_count') return { status: 'not_billable', costUsd: null, costPicoUsd: null, priceRef: null };
  const usage = usageOf(attributes);
  if (usage.inputTokens === undefined && usage.outputTokens === undefined) {
    return {
      status: 'no_usage',
      costUsd: null,
      costPicoUsd: null,
      priceRef: null,
      reason: 'the span has no token usage',
    };
  }
  const model = billedModelOf(attributes);
  const provider = providerOf(attributes);
  if (model === undefined) {
    return { status: 'unpriced', costUsd: null, costPicoUsd: null, priceRef: null, reason: 'the span names no model' };
  }
  const tokens: TokenUsage = {
    inputTokens: usage.inputTokens ?? 0,
    cachedInputTokens: usage.cachedInputTokens,
    outputTokens: usage.outputTokens ?? 0,
    reasoningTokens: usage.reasoningTokens,
  };
  const result = priceBook.price({ provider, model, at: startedAt, usage: tokens });
  if (result.status === 'unpriced') {
    return { status: 'unpriced', costUsd: null, costPicoUsd: null, priceRef: null, reason: result.reason };
  }
  return { status: 'priced', costUsd: result.costUsd, costPicoUsd: result.costPicoUsd, priceRef: result.priceRef };
}
