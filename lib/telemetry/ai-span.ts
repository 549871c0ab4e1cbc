// Reads an AI call out of a span's attributes — ours or another GenAI instrumentation's — and prices it.
// Shared by the cost processor, the OpenAI instrumentation and the pure row mapping, so all agree.
import type { Attributes } from '@opentelemetry/api';
import type { PriceBook, TokenUsage } from '../ai/price-book';
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

/** A non-empty string attribute as a row can hold it: storable, and at most {@link MAX_KEY_TEXT_BYTES}. */
export function str(attributes: Attributes, key: string): string | undefined {
  const value = attributes[key];
  return typeof value === 'string' && value !== '' ? keyText(value) : undefined;
}

// U+0000, and a UTF-16 surrogate without its other half.
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const MAYBE_UNSTORABLE = /[\u0000\uD800-\uDFFF]/;

/**
 * Postgres text cannot hold U+0000 and its JSON cannot hold a lone surrogate; a span may hold both
 * (attributes come from baggage and from any OTLP client): each becomes U+FFFD.
 */
export function storable(value: string): string {
  // Nearly every text has neither: one cheap scan, and the replacement (with its look-arounds) only when needed.
  return MAYBE_UNSTORABLE.test(value) ? value.replace(UNSTORABLE, '\uFFFD') : value;
}

/**
 * Most UTF-8 bytes kept of a text the database indexes or groups by (source, feature, model, provider,
 * error type, service). Postgres refuses a btree index entry over 2,704 bytes, and the daily rollup's key
 * holds source, feature and model together: three times 512 leaves room for the rest of the key.
 */
export const MAX_KEY_TEXT_BYTES = 512;

/**
 * Most UTF-8 bytes kept of a developer attribute's value (`ai.attr.*`, each string of an array too): they
 * are tags such as `customer_tier`, and a megabyte value would cost the sink memory many times its size
 * on the way to the database.
 */
export const MAX_ATTRIBUTE_TEXT_BYTES = 1024;

/**
 * {@link storable}, cut to `maxBytes` (default {@link MAX_KEY_TEXT_BYTES}) at a character boundary and ended with `…` when
 * longer. The cut is a new string, so it never keeps a megabyte-long original alive.
 */
export function keyText(value: string, maxBytes = MAX_KEY_TEXT_BYTES): string {
  const text = storable(value);
  // A UTF-16 unit is at most 3 UTF-8 bytes: most texts are short enough without encoding them.
  if (text.length * 3 <= maxBytes || Buffer.byteLength(text) <= maxBytes) return text;
  const bytes = Buffer.from(text.slice(0, maxBytes), 'utf8');
  let end = maxBytes - Buffer.byteLength('…');
  // Back up to the first byte of a character (continuation bytes are 10xxxxxx).
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end -= 1;
  return `${bytes.subarray(0, end).toString('utf8')}…`;
}

/** Largest token count a row stores (a Postgres INTEGER); anything larger is not a real count. */
export const MAX_TOKEN_COUNT = 2_147_483_647;

/** A non-negative whole count, or undefined when the attribute is missing or not a plausible count. */
export function int(attributes: Attributes, key: string): number | undefined {
  const value = attributes[key];
  const n =
    typeof value === 'number' && Number.isFinite(value)
      ? Math.trunc(value)
      : typeof value === 'string' && /^\d{1,10}$/.test(value)
        ? Number(value)
        : undefined;
  return n !== undefined && n >= 0 && n <= MAX_TOKEN_COUNT ? n : undefined;
}

const OPERATIONS: ReadonlySet<string> = new Set(['chat', 'responses', 'embeddings', 'token_count']);

/** The AI operation of a span, or undefined when the span is not an AI call. */
export function operationOf(attributes: Attributes): Operation | undefined {
  const ours = str(attributes, ATTR_AI_OPERATION);
  if (ours && OPERATIONS.has(ours)) return ours as Operation;
  const genAi = str(attributes, ATTR_GEN_AI_OPERATION_NAME);
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
  return str(attributes, ATTR_GEN_AI_PROVIDER_NAME) ?? str(attributes, ATTR_GEN_AI_SYSTEM) ?? 'unknown';
}

/** The model billed: the one the provider answered with, else the one requested. */
export function billedModelOf(attributes: Attributes): string | undefined {
  return str(attributes, ATTR_GEN_AI_RESPONSE_MODEL) ?? str(attributes, ATTR_GEN_AI_REQUEST_MODEL);
}

export interface SpanUsage {
  inputTokens: number | undefined;
  cachedInputTokens: number | undefined;
  outputTokens: number | undefined;
  reasoningTokens: number | undefined;
}

export function usageOf(attributes: Attributes): SpanUsage {
  return {
    inputTokens: int(attributes, ATTR_GEN_AI_USAGE_INPUT_TOKENS) ?? int(attributes, ATTR_GEN_AI_USAGE_PROMPT_TOKENS),
    cachedInputTokens: int(attributes, ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS),
    outputTokens:
      int(attributes, ATTR_GEN_AI_USAGE_OUTPUT_TOKENS) ?? int(attributes, ATTR_GEN_AI_USAGE_COMPLETION_TOKENS),
    reasoningTokens: int(attributes, ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS),
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
