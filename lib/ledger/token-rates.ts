// Per-token rates in pico-dollars, from genai-prices' price data or a local override, and the exact cost
// of one call's usage at those rates.
import type { ModelPrice } from '@pydantic/genai-prices';
import { scaleDecimal, usdPerMtokToPicoPerToken } from './pico-dollars';
import type { PriceOverride, TokenUsage } from './price-types';

/** A per-token price in pico-dollars, possibly tiered by the call's total input tokens (genai-prices' rule). */
export interface Rate {
  base: bigint;
  /** Ascending by start; a tier applies when the call's input tokens exceed its start. */
  tiers: readonly { start: number; pico: bigint }[];
}

/** Per-token rates; null means the price list has no price for that kind of token. */
export interface Rates {
  input: Rate | null;
  cachedInput: Rate | null;
  cacheWrite: Rate | null;
  output: Rate | null;
  reasoning: Rate | null;
  /** Price of the call itself (genai-prices' requests_kcount), in pico-dollars. */
  perRequest: Rate | null;
  /** The list prices the model with no keys at all: it is free (e.g. OpenAI's moderation models). */
  free: boolean;
}

function rateFor(rate: Rate, inputTokens: number): bigint {
  let pico = rate.base;
  for (const tier of rate.tiers) if (inputTokens > tier.start) pico = tier.pico;
  return pico;
}

/** genai-prices price value (number or {base, tiers}) to a Rate; `scale` turns its unit into pico-dollars. */
function toRate(value: ModelPrice[string], scale: number): Rate | null {
  if (value === undefined) return null;
  if (typeof value === 'number') return { base: scaleDecimal(value, scale), tiers: [] };
  return {
    base: scaleDecimal(value.base, scale),
    tiers: [...value.tiers]
      .sort((a, b) => a.start - b.start)
      .map((tier) => ({ start: tier.start, pico: scaleDecimal(tier.price, scale) })),
  };
}

export function ratesFromCatalog(price: ModelPrice): Rates {
  const input = toRate(price.input_mtok, 6);
  const output = toRate(price.output_mtok, 6);
  // Where the list has no separate cached or reasoning price, genai-prices bills those tokens at the plain
  // input or output rate (they are part of those totals); we do the same.
  return {
    input,
    cachedInput: toRate(price.cache_read_mtok, 6) ?? input,
    cacheWrite: toRate(price.cache_write_mtok, 6) ?? input,
    output,
    reasoning: toRate(price.output_reasoning_mtok, 6) ?? output,
    // $ per thousand requests -> pico-dollars per request.
    perRequest: toRate(price.requests_kcount, 9),
    free: Object.values(price).every((value) => value === undefined),
  };
}

export function ratesFromOverride(override: PriceOverride): Rates {
  const flat = (value: string): Rate => ({ base: usdPerMtokToPicoPerToken(value), tiers: [] });
  const input = flat(override.inputMtok);
  const output = flat(override.outputMtok);
  return {
    input,
    cachedInput: override.cachedInputMtok === undefined ? input : flat(override.cachedInputMtok),
    cacheWrite: input,
    output,
    reasoning: output,
    perRequest: null,
    free: false,
  };
}

export function usageProblem(usage: TokenUsage): string | undefined {
  // One check per count, in this order, without arrays: every priced call comes through here (twice).
  return (
    countProblem('inputTokens', usage.inputTokens) ??
    countProblem('cachedInputTokens', usage.cachedInputTokens) ??
    countProblem('cacheWriteTokens', usage.cacheWriteTokens) ??
    countProblem('outputTokens', usage.outputTokens) ??
    countProblem('reasoningTokens', usage.reasoningTokens) ??
    partsProblem(usage)
  );
}

function countProblem(name: string, count: number | undefined): string | undefined {
  return count !== undefined && !(Number.isSafeInteger(count) && count >= 0)
    ? `invalid usage: ${name} must be a non-negative integer, got ${String(count)}`
    : undefined;
}

function partsProblem(usage: TokenUsage): string | undefined {
  const cached = usage.cachedInputTokens ?? 0;
  if (cached > usage.inputTokens) {
    return `invalid usage: cachedInputTokens (${cached}) exceeds inputTokens (${usage.inputTokens})`;
  }
  const written = usage.cacheWriteTokens ?? 0;
  if (cached + written > usage.inputTokens) {
    return `invalid usage: cachedInputTokens + cacheWriteTokens (${cached + written}) exceed inputTokens (${usage.inputTokens})`;
  }
  const reasoning = usage.reasoningTokens ?? 0;
  if (reasoning > usage.outputTokens) {
    return `invalid usage: reasoningTokens (${reasoning}) exceeds outputTokens (${usage.outputTokens})`;
  }
  return undefined;
}

/**
 * Exact cost. Cache reads, cache writes and reasoning tokens are parts of the input and output totals, so each token is billed
 * once: uncached input, cache reads, cache writes, plain output and reasoning output, each at its own rate.
 */
export function costOfTokens(rates: Rates, usage: TokenUsage): { pico: bigint } | { missing: string } {
  const cached = usage.cachedInputTokens ?? 0;
  const written = usage.cacheWriteTokens ?? 0;
  // Only a separate reasoning price splits reasoning out; OpenAI bills reasoning at the output rate.
  const reasoning = rates.reasoning !== rates.output ? (usage.reasoningTokens ?? 0) : 0;
  const parts: [string, Rate | null, number][] = [
    ['input', rates.input, usage.inputTokens - cached - written],
    ['cached input', rates.cachedInput, cached],
    ['cache write', rates.cacheWrite, written],
    ['output', rates.output, usage.outputTokens - reasoning],
    ['reasoning', rates.reasoning, reasoning],
  ];
  let pico = 0n;
  for (const [kind, rate, tokens] of parts) {
    // A token we hold no price for makes the cost unknown rather than $0 (say, whisper-1 is priced by audio
    // hours), unless the list says the model is free.
    if (tokens === 0 || rates.free) continue;
    if (rate === null) return { missing: kind };
    pico += BigInt(tokens) * rateFor(rate, usage.inputTokens);
  }
  if (rates.perRequest) pico += rateFor(rates.perRequest, usage.inputTokens);
  return { pico };
}
