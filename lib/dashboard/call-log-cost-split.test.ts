// The cost split by token class, with the app's real price book: exact parts and rates that add up to the
// row's cost, and no parts (with the reason) when the row is not priced or the book prices it differently now.
import { describe, expect, it } from 'vitest';
import { getDefaultPriceBook } from '../ledger/default-price-book';
import type { PriceBook } from '../ledger/price-types';
import { splitCost, type CostSplit, type CostSplitInput } from './call-log-cost-split';

const AT = new Date('2026-11-25T12:00:00.000Z');
const MINI = 'genai-prices@0.1.8:openai/gpt-4o-mini';

function row(overrides: Partial<CostSplitInput> = {}): CostSplitInput {
  return {
    provider: 'openai',
    model: 'gpt-4o-mini-2024-07-18',
    startedAt: AT,
    inputTokens: 1000,
    cachedInputTokens: 200,
    outputTokens: 50,
    reasoningTokens: 0,
    costUsd: '0.000165000000',
    priceRef: MINI,
    ...overrides,
  };
}

const none = (reason: string): CostSplit => ({
  priceRef: null,
  uncachedInput: null,
  cachedInput: null,
  output: null,
  reasoning: null,
  perCallUsd: null,
  totalUsd: null,
  reason,
});

describe('splitCost', () => {
  const book = getDefaultPriceBook();

  it.each<[string, CostSplitInput, CostSplit]>([
    [
      'gpt-4o-mini: $0.15 input, $0.075 cached, $0.60 output per million',
      row(),
      {
        priceRef: MINI,
        uncachedInput: { tokens: 800, usdPerMillion: '0.150000', costUsd: '0.000120000000' },
        cachedInput: { tokens: 200, usdPerMillion: '0.075000', costUsd: '0.000015000000' },
        output: { tokens: 50, usdPerMillion: '0.600000', costUsd: '0.000030000000' },
        reasoning: null,
        perCallUsd: null,
        totalUsd: '0.000165000000',
        reason: null,
      },
    ],
    [
      'o3-mini: reasoning billed as output, inside the output part',
      row({
        model: 'o3-mini',
        inputTokens: 1000,
        cachedInputTokens: 200,
        outputTokens: 50,
        reasoningTokens: 10,
        costUsd: '0.001210000000',
        priceRef: 'genai-prices@0.1.8:openai/o3-mini',
      }),
      {
        priceRef: 'genai-prices@0.1.8:openai/o3-mini',
        uncachedInput: { tokens: 800, usdPerMillion: '1.100000', costUsd: '0.000880000000' },
        cachedInput: { tokens: 200, usdPerMillion: '0.550000', costUsd: '0.000110000000' },
        output: { tokens: 50, usdPerMillion: '4.400000', costUsd: '0.000220000000' },
        reasoning: null,
        perCallUsd: null,
        totalUsd: '0.001210000000',
        reason: null,
      },
    ],
    [
      'a local override, no cached tokens',
      row({
        model: 'ft:gpt-4o-mini-2024-07-18:spendtrace::demo',
        cachedInputTokens: null,
        reasoningTokens: null,
        costUsd: '0.000360000000',
        priceRef: 'override:ft:gpt-4o-mini-2024-07-18:spendtrace::demo@always',
      }),
      {
        priceRef: 'override:ft:gpt-4o-mini-2024-07-18:spendtrace::demo@always',
        uncachedInput: { tokens: 1000, usdPerMillion: '0.300000', costUsd: '0.000300000000' },
        cachedInput: { tokens: 0, usdPerMillion: '0.150000', costUsd: '0.000000000000' },
        output: { tokens: 50, usdPerMillion: '1.200000', costUsd: '0.000060000000' },
        reasoning: null,
        perCallUsd: null,
        totalUsd: '0.000360000000',
        reason: null,
      },
    ],
    [
      'an embedding: no output price, and no output tokens',
      row({
        model: 'text-embedding-3-small',
        inputTokens: 500,
        cachedInputTokens: null,
        outputTokens: 0,
        reasoningTokens: null,
        costUsd: '0.000010000000',
        priceRef: 'genai-prices@0.1.8:openai/text-embedding-3-small',
      }),
      {
        priceRef: 'genai-prices@0.1.8:openai/text-embedding-3-small',
        uncachedInput: { tokens: 500, usdPerMillion: '0.020000', costUsd: '0.000010000000' },
        cachedInput: { tokens: 0, usdPerMillion: '0.020000', costUsd: '0.000000000000' },
        output: { tokens: 0, usdPerMillion: null, costUsd: '0.000000000000' },
        reasoning: null,
        perCallUsd: null,
        totalUsd: '0.000010000000',
        reason: null,
      },
    ],
    ['an unpriced row', row({ costUsd: null, priceRef: null }), none('The call has no cost to split.')],
    ['a row without a model', row({ model: null }), none('The call names no model.')],
    [
      'a row the book now prices differently',
      row({ costUsd: '0.000150000000' }),
      none(
        `The row was priced at 0.000150000000 USD with ${MINI}; the price book now gives 0.000165000000 USD ` +
          `with ${MINI}, so a split would not add up to the row's cost.`,
      ),
    ],
    [
      'a model the book cannot price',
      row({ model: 'acme-llm-1', priceRef: 'override:acme-llm-1@always' }),
      none("The price book cannot price it now: no price for openai model 'acme-llm-1'."),
    ],
  ])('%s', (_case, input, expected) => {
    expect(splitCost(input, book)).toEqual(expected);
  });

  it('adds up exactly to the row cost whatever the counts', () => {
    for (const [input, cached, output] of [
      [1, 0, 0],
      [1_234_567, 1_000_001, 98_765],
      [0, 0, 7],
    ] as const) {
      const whole = book.price({
        provider: 'openai',
        model: 'gpt-4o-2024-08-06',
        at: AT,
        usage: { inputTokens: input, cachedInputTokens: cached, outputTokens: output },
      });
      if (whole.status !== 'priced') throw new Error('gpt-4o should be priced');
      const split = splitCost(
        row({
          model: 'gpt-4o-2024-08-06',
          inputTokens: input,
          cachedInputTokens: cached,
          outputTokens: output,
          costUsd: whole.costUsd,
          priceRef: whole.priceRef,
        }),
        book,
      );
      const parts = [split.uncachedInput, split.cachedInput, split.output].map((p) =>
        BigInt(p?.costUsd.replace('.', '') ?? 'x'),
      );
      expect({ sum: parts.reduce((a, b) => a + b, 0n), total: split.totalUsd }).toEqual({
        sum: whole.costPicoUsd,
        total: whole.costUsd,
      });
    }
  });

  it('shows a price per call and reasoning billed apart, from a book that has them', () => {
    // A book whose price is 2 pico per input token, 1 cached, 5 output, 9 reasoning, plus 1000 per call.
    const book: PriceBook = {
      price: ({ usage }) => {
        const cached = usage.cachedInputTokens ?? 0;
        const reasoning = usage.reasoningTokens ?? 0;
        const pico =
          BigInt(usage.inputTokens - cached) * 2n +
          BigInt(cached) +
          BigInt(usage.outputTokens - reasoning) * 5n +
          BigInt(reasoning) * 9n +
          1000n;
        return {
          status: 'priced',
          costPicoUsd: pico,
          costUsd: `0.${pico.toString().padStart(12, '0')}`,
          priceRef: 'test',
        };
      },
    };
    const input = row({ inputTokens: 10, cachedInputTokens: 4, outputTokens: 3, reasoningTokens: 2 });
    expect(splitCost({ ...input, costUsd: '0.000000001039', priceRef: 'test' }, book)).toEqual({
      priceRef: 'test',
      uncachedInput: { tokens: 6, usdPerMillion: '0.000002', costUsd: '0.000000000012' },
      cachedInput: { tokens: 4, usdPerMillion: '0.000001', costUsd: '0.000000000004' },
      output: { tokens: 1, usdPerMillion: '0.000005', costUsd: '0.000000000005' },
      reasoning: { tokens: 2, usdPerMillion: '0.000009', costUsd: '0.000000000018' },
      perCallUsd: '0.000000001000',
      totalUsd: '0.000000001039',
      reason: null,
    });
  });
});
