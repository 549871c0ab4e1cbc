import { describe, expect, it } from 'vitest';
import { costAttributes } from './cost-attributes';
import { GENAI_PRICES_VERSION } from './price-book';

// 176 uncached * 150,000 + 1024 cached * 75,000 + 50 out * 600,000 = 133,200,000 pico ($0.0001332).
const CACHED_CHAT_PICO = 133_200_000n;
const GPT_4O_MINI_REF = `genai-prices@${GENAI_PRICES_VERSION}:openai/gpt-4o-mini`;

describe('costAttributes', () => {
  it('gives a priced call its status, cost as a double and price ref', () => {
    expect(
      costAttributes({
        status: 'priced',
        costUsd: '0.000133200000',
        costPicoUsd: CACHED_CHAT_PICO,
        priceRef: GPT_4O_MINI_REF,
      }),
    ).toEqual({ 'ai.cost.status': 'priced', 'ai.cost.usd': 0.0001332, 'ai.price.ref': GPT_4O_MINI_REF });
  });

  it('gives an unpriced call only its status', () => {
    expect(
      costAttributes({
        status: 'unpriced',
        costUsd: null,
        costPicoUsd: null,
        priceRef: null,
        reason: "no price for openai model 'gpt-unknown-9000'",
      }),
    ).toEqual({ 'ai.cost.status': 'unpriced' });
  });

  it('gives a call without usage only its status', () => {
    expect(
      costAttributes({
        status: 'no_usage',
        costUsd: null,
        costPicoUsd: null,
        priceRef: null,
        reason: 'the span has no token usage',
      }),
    ).toEqual({ 'ai.cost.status': 'no_usage' });
  });

  it('gives a not billable call only its status', () => {
    expect(costAttributes({ status: 'not_billable', costUsd: null, costPicoUsd: null, priceRef: null })).toEqual({
      'ai.cost.status': 'not_billable',
    });
  });

  it('keeps a priced cost of zero as 0, not absent', () => {
    expect(
      costAttributes({ status: 'priced', costUsd: '0.000000000000', costPicoUsd: 0n, priceRef: 'override:free' }),
    ).toEqual({
      'ai.cost.status': 'priced',
      'ai.cost.usd': 0,
      'ai.price.ref': 'override:free',
    });
  });
});
