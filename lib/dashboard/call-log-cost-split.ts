// A call's cost by token class (uncached input, cached input, output), each with its rate, from the app's price
// book at the call's time. Shown only when the parts add up exactly to the cost the row holds.
import type { PriceBook, TokenUsage } from '../ledger/price-types';
import { formatPicoUsd } from '../ledger/pico-dollars';
import { compareDecimal } from './format';

/** What of a row the split needs. */
export interface CostSplitInput {
  provider: string;
  /** The billed model: the response model, else the requested one. */
  model: string | null;
  startedAt: Date;
  inputTokens: number | null;
  cachedInputTokens: number | null;
  outputTokens: number | null;
  reasoningTokens: number | null;
  costUsd: string | null;
  priceRef: string | null;
}

export interface CostPart {
  tokens: number;
  /** Exact US dollars per million tokens; null when the price has none for this class (and there are no such tokens). */
  usdPerMillion: string | null;
  /** Exact US dollars, 12 decimals. */
  costUsd: string;
}

export interface CostSplit {
  /** The price the parts come from; null when there are no parts. */
  priceRef: string | null;
  uncachedInput: CostPart | null;
  cachedInput: CostPart | null;
  /** Output tokens, reasoning included unless the price bills reasoning apart (OpenAI's do not). */
  output: CostPart | null;
  /** Reasoning tokens, only when the price bills them apart from output. */
  reasoning: CostPart | null;
  /** A price per call on top of the tokens, only when the model has one. */
  perCallUsd: string | null;
  /** The parts' sum: exactly the row's cost. */
  totalUsd: string | null;
  /** Why there are no parts, when there are none. */
  reason: string | null;
}

const NO_PARTS = {
  priceRef: null,
  uncachedInput: null,
  cachedInput: null,
  output: null,
  reasoning: null,
  perCallUsd: null,
  totalUsd: null,
} as const;

const PICO_PER_MICRO = 1_000_000n;

/** Pico-dollars per token as exact US dollars per million tokens (6 decimals). */
function perMillion(pico: bigint): string {
  return `${pico / PICO_PER_MICRO}.${(pico % PICO_PER_MICRO).toString().padStart(6, '0')}`;
}

function part(tokens: number, rate: bigint | null): CostPart {
  return {
    tokens,
    usdPerMillion: rate === null ? null : perMillion(rate),
    costUsd: formatPicoUsd(rate === null ? 0n : BigInt(tokens) * rate),
  };
}

/**
 * The split of a priced row. The price book answers only whole calls, so the rates are read from it by
 * difference, each with the call's own input count (a tiered price picks its tier by the input tokens):
 * one more output token, one input token read from cache instead, no tokens at all (a price per call).
 * The parts are then checked to add up to the whole call's price, and that to the row's cost.
 */
export function splitCost(row: CostSplitInput, priceBook: PriceBook): CostSplit {
  if (row.costUsd === null || row.priceRef === null) {
    return { ...NO_PARTS, reason: 'The call has no cost to split.' };
  }
  if (row.model === null) return { ...NO_PARTS, reason: 'The call names no model.' };
  const model = row.model;
  const price = (usage: TokenUsage): bigint | null => {
    const result = priceBook.price({ provider: row.provider, model, at: row.startedAt, usage });
    return result.status === 'priced' ? result.costPicoUsd : null;
  };
  const input = row.inputTokens ?? 0;
  const cached = row.cachedInputTokens ?? 0;
  const output = row.outputTokens ?? 0;
  const reasoning = row.reasoningTokens ?? 0;
  const whole = priceBook.price({
    provider: row.provider,
    model,
    at: row.startedAt,
    usage: { inputTokens: input, cachedInputTokens: cached, outputTokens: output, reasoningTokens: reasoning },
  });
  if (whole.status !== 'priced') return { ...NO_PARTS, reason: `The price book cannot price it now: ${whole.reason}.` };
  if (whole.priceRef !== row.priceRef || compareDecimal(whole.costUsd, row.costUsd) !== 0) {
    return {
      ...NO_PARTS,
      reason:
        `The row was priced at ${row.costUsd} USD with ${row.priceRef}; the price book now gives ` +
        `${whole.costUsd} USD with ${whole.priceRef}, so a split would not add up to the row's cost.`,
    };
  }

  const probeInput = Math.max(input, 1);
  const perCall = price({ inputTokens: 0, outputTokens: 0 }) ?? 0n;
  const base = price({ inputTokens: probeInput, outputTokens: 0 });
  const oneCached = price({ inputTokens: probeInput, cachedInputTokens: 1, outputTokens: 0 });
  const oneOut = price({ inputTokens: probeInput, outputTokens: 1 });
  const oneReasoning = price({ inputTokens: probeInput, outputTokens: 1, reasoningTokens: 1 });
  const inputRate = base === null ? null : (base - perCall) / BigInt(probeInput);
  const cachedRate = inputRate === null || base === null || oneCached === null ? null : inputRate + oneCached - base;
  const outputRate = base === null || oneOut === null ? null : oneOut - base;
  const reasoningRate = base === null || oneReasoning === null ? null : oneReasoning - base;
  const reasoningApart = reasoningRate !== null && outputRate !== null && reasoningRate !== outputRate;

  const split = {
    priceRef: whole.priceRef,
    uncachedInput: part(input - cached, inputRate),
    cachedInput: part(cached, cachedRate),
    output: part(output - (reasoningApart ? reasoning : 0), outputRate),
    reasoning: reasoningApart ? part(reasoning, reasoningRate) : null,
    perCallUsd: perCall === 0n ? null : formatPicoUsd(perCall),
    totalUsd: whole.costUsd,
    reason: null,
  };
  const sum = [split.uncachedInput, split.cachedInput, split.output, split.reasoning].reduce(
    (total, p) => total + (p === null ? 0n : BigInt(p.costUsd.replace('.', ''))),
    perCall,
  );
  if (sum !== whole.costPicoUsd) {
    return { ...NO_PARTS, reason: `The price of ${whole.priceRef} cannot be split by token class.` };
  }
  return split;
}
