// The price book's caches (the model found per id, the price in force per UTC day, per provider and model as
// given): a long-lived book answers exactly what a fresh one does, whatever it was asked before.
import { describe, expect, it } from 'vitest';

import { createPriceBook } from './price-book';
import { PRICE_OVERRIDES } from './price-overrides';
import type { PriceOverride } from './price-types';

describe('PriceBook cache', () => {
  // Overrides whose prices change in the middle of a UTC day, so no whole-day price may be kept for them.
  const MIDDAY: PriceOverride[] = [
    { model: 'acme-midday', inputMtok: '1.00', outputMtok: '2.00' },
    { model: 'acme-midday', inputMtok: '3.00', outputMtok: '4.00', effectiveFrom: '2026-07-01T12:00:00Z' },
    { model: 'gpt-4o-mini', inputMtok: '0.50', outputMtok: '0.50', effectiveFrom: '2026-09-01T06:30:00Z' },
    ...PRICE_OVERRIDES,
  ];
  const usage = {
    inputTokens: 1200,
    cachedInputTokens: 200,
    cacheWriteTokens: 100,
    outputTokens: 50,
    reasoningTokens: 10,
  };
  const models: [provider: string, model: string][] = [
    ['openai', 'gpt-4o-mini'],
    ['openai', 'GPT-4o-mini'],
    ['openai', 'gpt-4o-mini-2024-07-18'],
    ['openai', 'gpt-4o'],
    ['openai', 'o1'],
    ['openai', 'text-embedding-3-small'],
    ['openai', 'ft:gpt-4o-mini-2024-07-18:spendtrace::demo'],
    ['openai', 'acme-midday'],
    ['openai', 'no-such-model'],
    ['anthropic', 'claude-sonnet-4-5'],
    ['anthropic', 'claude-opus-4-1'],
    // Off-peak prices by the time of day.
    ['deepseek', 'deepseek-chat'],
    ['no-such-provider', 'gpt-4o-mini'],
  ];
  // Within one day both ways round, across the override changes, and across a dated price change (2026-03-13).
  const times = [
    '2026-07-01T11:59:59.999Z',
    '2026-07-01T12:00:00.000Z',
    '2026-07-01T00:00:00.000Z',
    '2026-07-01T23:59:59.999Z',
    '2026-07-01T16:29:59.000Z',
    '2026-07-01T16:30:01.000Z',
    '2026-09-01T06:29:59.999Z',
    '2026-09-01T06:30:00.000Z',
    '2026-09-01T00:00:00.000Z',
    '2026-03-12T23:59:59.999Z',
    '2026-03-13T00:00:00.000Z',
    '2026-03-12T12:00:00.000Z',
  ].map((iso) => new Date(iso));

  it('gives exactly what a fresh book gives, for every model, time and order of asking', () => {
    const cached = createPriceBook({ overrides: MIDDAY });
    for (const at of times) {
      for (const [provider, model] of models) {
        const query = { provider, model, at, usage };
        const fresh = createPriceBook({ overrides: MIDDAY }).price(query);
        expect(cached.price(query), `${provider}/${model} at ${at.toISOString()}`).toEqual(fresh);
        expect(cached.price(query), `${provider}/${model} at ${at.toISOString()}, asked again`).toEqual(fresh);
      }
    }
  });

  it('prices by the override in force on each side of a change within a day', () => {
    const cached = createPriceBook({ overrides: MIDDAY });
    const price = (iso: string) =>
      cached.price({
        provider: 'openai',
        model: 'acme-midday',
        at: new Date(iso),
        usage: { inputTokens: 1, outputTokens: 1 },
      });

    expect(price('2026-07-01T11:00:00Z')).toMatchObject({
      costUsd: '0.000003000000',
      priceRef: 'override:acme-midday@always',
    });
    expect(price('2026-07-01T13:00:00Z')).toMatchObject({
      costUsd: '0.000007000000',
      priceRef: 'override:acme-midday@2026-07-01T12:00:00Z',
    });
    expect(price('2026-07-01T11:00:00Z')).toMatchObject({ costUsd: '0.000003000000' });
  });
});
