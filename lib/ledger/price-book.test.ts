// Table tests for the price book: exact costs, hand-computed from genai-prices 0.1.8's OpenAI prices.
// Rates below are USD per million tokens ($/MTok); $1/MTok = 1,000,000 pico-dollars per token.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

import { calcPrice, findProvider, type MatchLogic } from '@pydantic/genai-prices';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { getDefaultPriceBook } from './default-price-book';
import { formatPicoUsd, usdPerMtokToPicoPerToken } from './pico-dollars';
import { createPriceBook, GENAI_PRICES_VERSION } from './price-book';
import { type PriceOverride, type PriceResult, type TokenUsage } from './price-types';

const AT = new Date('2026-11-25T12:00:00Z');
const REF = `genai-prices@${GENAI_PRICES_VERSION}:openai`;

function priced(costPicoUsd: bigint, costUsd: string, priceRef: string): PriceResult {
  return { status: 'priced', costPicoUsd, costUsd, priceRef };
}

/** A call of 20 input and 10 output tokens, which several rows price. */
const SMALL_CALL: TokenUsage = { inputTokens: 20, outputTokens: 10 };
/** SMALL_CALL on gpt-4o-mini (in 0.15, out 0.60): 20 * 150,000 + 10 * 600,000 = 9,000,000 pico. */
const SMALL_CALL_ON_MINI = priced(9_000_000n, '0.000009000000', `${REF}/gpt-4o-mini`);

interface Row {
  name: string;
  model: string;
  at?: Date;
  usage: TokenUsage;
  expected: PriceResult;
}

const rows: Row[] = [
  {
    // gpt-4o: in 2.50, cached 1.25, out 10.00.
    // 464 uncached * 2,500,000 = 1,160,000,000; 1536 cached * 1,250,000 = 1,920,000,000;
    // 400 out * 10,000,000 = 4,000,000,000; total 7,080,000,000 pico.
    name: 'gpt-4o with cached input',
    model: 'gpt-4o',
    usage: { inputTokens: 2000, cachedInputTokens: 1536, outputTokens: 400 },
    expected: priced(7_080_000_000n, '0.007080000000', `${REF}/gpt-4o`),
  },
  {
    // gpt-4o-mini: in 0.15, cached 0.075, out 0.60.
    // 176 uncached * 150,000 = 26,400,000; 1024 cached * 75,000 = 76,800,000; 50 out * 600,000 = 30,000,000;
    // total 133,200,000 pico.
    name: 'gpt-4o-mini with cached input',
    model: 'gpt-4o-mini',
    usage: { inputTokens: 1200, cachedInputTokens: 1024, outputTokens: 50 },
    expected: priced(133_200_000n, '0.000133200000', `${REF}/gpt-4o-mini`),
  },
  { name: 'gpt-4o-mini without cache', model: 'gpt-4o-mini', usage: SMALL_CALL, expected: SMALL_CALL_ON_MINI },
  {
    // A dated snapshot prices as its family (genai-prices lists 'gpt-4o-mini-2024-07-18' under gpt-4o-mini).
    name: 'dated id gpt-4o-mini-2024-07-18 prices as gpt-4o-mini',
    model: 'gpt-4o-mini-2024-07-18',
    usage: SMALL_CALL,
    expected: SMALL_CALL_ON_MINI,
  },
  {
    // gpt-4.1: in 2.00, cached 0.50, out 8.00.
    // 1808 uncached * 2,000,000 = 3,616,000,000; 8192 cached * 500,000 = 4,096,000,000;
    // 1000 out * 8,000,000 = 8,000,000,000; total 15,712,000,000 pico.
    name: 'gpt-4.1 with cached input',
    model: 'gpt-4.1',
    usage: { inputTokens: 10_000, cachedInputTokens: 8192, outputTokens: 1000 },
    expected: priced(15_712_000_000n, '0.015712000000', `${REF}/gpt-4.1`),
  },
  {
    // gpt-4.1-mini (dated id): in 0.40, out 1.60.
    // 3000 in * 400,000 = 1,200,000,000; 700 out * 1,600,000 = 1,120,000,000; total 2,320,000,000 pico.
    name: 'gpt-4.1-mini-2025-04-14',
    model: 'gpt-4.1-mini-2025-04-14',
    usage: { inputTokens: 3000, outputTokens: 700 },
    expected: priced(2_320_000_000n, '0.002320000000', `${REF}/gpt-4.1-mini`),
  },
  {
    // gpt-4.1-nano: in 0.10, cached 0.025, out 0.40.
    // 904 uncached * 100,000 = 90,400,000; 4096 cached * 25,000 = 102,400,000; 200 out * 400,000 = 80,000,000;
    // total 272,800,000 pico.
    name: 'gpt-4.1-nano with cached input',
    model: 'gpt-4.1-nano',
    usage: { inputTokens: 5000, cachedInputTokens: 4096, outputTokens: 200 },
    expected: priced(272_800_000n, '0.000272800000', `${REF}/gpt-4.1-nano`),
  },
  {
    // o4-mini: in 1.10, out 4.40; the 256 reasoning tokens are inside the 300 output tokens, billed once.
    // 100 in * 1,100,000 = 110,000,000; 300 out * 4,400,000 = 1,320,000,000; total 1,430,000,000 pico.
    name: 'o4-mini with reasoning tokens',
    model: 'o4-mini',
    usage: { inputTokens: 100, outputTokens: 300, reasoningTokens: 256 },
    expected: priced(1_430_000_000n, '0.001430000000', `${REF}/o4-mini`),
  },
  {
    // o3-mini: in 1.10, cached 0.55, out 4.40.
    // 476 uncached * 1,100,000 = 523,600,000; 1024 cached * 550,000 = 563,200,000;
    // 2000 out (1800 of them reasoning) * 4,400,000 = 8,800,000,000; total 9,886,800,000 pico.
    name: 'o3-mini with cached input and reasoning',
    model: 'o3-mini',
    usage: { inputTokens: 1500, cachedInputTokens: 1024, outputTokens: 2000, reasoningTokens: 1800 },
    expected: priced(9_886_800_000n, '0.009886800000', `${REF}/o3-mini`),
  },
  {
    // o1: in 15.00, out 60.00.
    // 1000 in * 15,000,000 = 15,000,000,000; 5000 out * 60,000,000 = 300,000,000,000; total 315,000,000,000 pico.
    name: 'o1 with reasoning tokens',
    model: 'o1',
    usage: { inputTokens: 1000, outputTokens: 5000, reasoningTokens: 4500 },
    expected: priced(315_000_000_000n, '0.315000000000', `${REF}/o1`),
  },
  {
    // o3 before OpenAI's 2025-06-10 price cut: in 10.00, out 40.00 (genai-prices' undated first variant).
    // 1000 * 10,000,000 + 1000 * 40,000,000 = 50,000,000,000 pico.
    name: 'o3 before its dated price change',
    model: 'o3',
    at: new Date('2025-05-01T00:00:00Z'),
    usage: { inputTokens: 1000, outputTokens: 1000 },
    expected: priced(50_000_000_000n, '0.050000000000', `${REF}/o3`),
  },
  {
    // o3 from 2025-06-10: in 2.00, out 8.00. 1000 * 2,000,000 + 1000 * 8,000,000 = 10,000,000,000 pico.
    name: 'o3 after its dated price change',
    model: 'o3',
    usage: { inputTokens: 1000, outputTokens: 1000 },
    expected: priced(10_000_000_000n, '0.010000000000', `${REF}/o3@2025-06-10`),
  },
  {
    // text-embedding-3-small: in 0.02. 16 * 20,000 = 320,000 pico.
    name: 'text-embedding-3-small',
    model: 'text-embedding-3-small',
    usage: { inputTokens: 16, outputTokens: 0 },
    expected: priced(320_000n, '0.000000320000', `${REF}/text-embedding-3-small`),
  },
  {
    // text-embedding-3-large: in 0.13. 8191 * 130,000 = 1,064,830,000 pico.
    name: 'text-embedding-3-large',
    model: 'text-embedding-3-large',
    usage: { inputTokens: 8191, outputTokens: 0 },
    expected: priced(1_064_830_000n, '0.001064830000', `${REF}/text-embedding-3-large`),
  },
  {
    // gpt-5: in 1.25, cached 0.125, out 10.00.
    // 1024 uncached * 1,250,000 = 1,280,000,000; 1024 cached * 125,000 = 128,000,000;
    // 1000 out (640 reasoning) * 10,000,000 = 10,000,000,000; total 11,408,000,000 pico.
    name: 'gpt-5 with cached input and reasoning',
    model: 'gpt-5',
    usage: { inputTokens: 2048, cachedInputTokens: 1024, outputTokens: 1000, reasoningTokens: 640 },
    expected: priced(11_408_000_000n, '0.011408000000', `${REF}/gpt-5`),
  },
  {
    // gpt-5-mini: in 0.25, out 2.00. 1 * 250,000 + 1 * 2,000,000 = 2,250,000 pico.
    name: 'gpt-5-mini one token each',
    model: 'gpt-5-mini',
    usage: { inputTokens: 1, outputTokens: 1 },
    expected: priced(2_250_000n, '0.000002250000', `${REF}/gpt-5-mini`),
  },
  {
    // gpt-5.4 is tiered on the call's input tokens; at 271,999 (not above the 271,999 start) the base applies:
    // in 2.50, out 15.00. 271,999 * 2,500,000 = 679,997,500,000; 1000 * 15,000,000 = 15,000,000,000;
    // total 694,997,500,000 pico.
    name: 'gpt-5.4 at the top of its base tier',
    model: 'gpt-5.4',
    usage: { inputTokens: 271_999, outputTokens: 1000 },
    expected: priced(694_997_500_000n, '0.694997500000', `${REF}/gpt-5.4`),
  },
  {
    // gpt-5.4 above 271,999 input tokens: the whole call at in 5.00, out 22.50 (genai-prices' tier rule).
    // 272,000 * 5,000,000 = 1,360,000,000,000; 1000 * 22,500,000 = 22,500,000,000; total 1,382,500,000,000 pico.
    name: 'gpt-5.4 in its long-context tier',
    model: 'gpt-5.4',
    usage: { inputTokens: 272_000, outputTokens: 1000 },
    expected: priced(1_382_500_000_000n, '1.382500000000', `${REF}/gpt-5.4`),
  },
  {
    // Surprise: the 2024-05-13 snapshot is NOT priced as gpt-4o but on its own at in 5.00, out 15.00, with no
    // cached price, so cached tokens are billed as plain input (as genai-prices does).
    // 2000 in * 5,000,000 = 10,000,000,000; 100 out * 15,000,000 = 1,500,000,000; total 11,500,000,000 pico.
    name: 'gpt-4o-2024-05-13 has its own price and no cache discount',
    model: 'gpt-4o-2024-05-13',
    usage: { inputTokens: 2000, cachedInputTokens: 1024, outputTokens: 100 },
    expected: priced(11_500_000_000n, '0.011500000000', `${REF}/gpt-4o-2024-05-13`),
  },
  // Ids are matched case-insensitively.
  { name: 'model id in capitals', model: 'GPT-4o-Mini', usage: SMALL_CALL, expected: SMALL_CALL_ON_MINI },
  {
    // A known model with no usage costs a real $0.
    name: 'known model with zero usage',
    model: 'gpt-4o',
    usage: { inputTokens: 0, outputTokens: 0 },
    expected: priced(0n, '0.000000000000', `${REF}/gpt-4o`),
  },
  {
    // genai-prices lists every id containing 'moderation' with an empty price: free.
    name: 'moderation model is free',
    model: 'omni-moderation-latest',
    usage: { inputTokens: 100, outputTokens: 0 },
    expected: priced(0n, '0.000000000000', `${REF}/moderation`),
  },
  {
    // The override example: in 0.30, cached 0.15, out 1.20.
    // 176 uncached * 300,000 = 52,800,000; 1024 cached * 150,000 = 153,600,000; 50 out * 1,200,000 = 60,000,000;
    // total 266,400,000 pico.
    name: 'fine-tune from PRICE_OVERRIDES',
    model: 'ft:gpt-4o-mini-2024-07-18:spendtrace::demo',
    usage: { inputTokens: 1200, cachedInputTokens: 1024, outputTokens: 50 },
    expected: priced(266_400_000n, '0.000266400000', 'override:ft:gpt-4o-mini-2024-07-18:spendtrace::demo@always'),
  },
  {
    name: 'unknown model',
    model: 'foo-1',
    usage: SMALL_CALL,
    expected: { status: 'unpriced', reason: "no price for openai model 'foo-1'" },
  },
  {
    // Only the snapshots genai-prices lists are matched; an unlisted date is unknown, not guessed.
    name: 'unlisted dated snapshot',
    model: 'gpt-4.1-2025-05-01',
    usage: SMALL_CALL,
    expected: { status: 'unpriced', reason: "no price for openai model 'gpt-4.1-2025-05-01'" },
  },
  {
    // whisper-1 is priced per audio hour; token usage cannot be priced, so the cost is unknown, not $0.
    name: 'model without a token price',
    model: 'whisper-1',
    usage: { inputTokens: 10, outputTokens: 0 },
    expected: {
      status: 'unpriced',
      reason: `${REF}/whisper-1 has no input token price for openai model 'whisper-1'`,
    },
  },
  {
    name: 'cached tokens above the input total',
    model: 'gpt-4o',
    usage: { inputTokens: 1000, cachedInputTokens: 1024, outputTokens: 1 },
    expected: {
      status: 'unpriced',
      reason: 'invalid usage: cachedInputTokens (1024) exceeds inputTokens (1000)',
    },
  },
  {
    name: 'fractional token count',
    model: 'gpt-4o',
    usage: { inputTokens: 1.5, outputTokens: 1 },
    expected: {
      status: 'unpriced',
      reason: 'invalid usage: inputTokens must be a non-negative integer, got 1.5',
    },
  },
];

const HISTORY: PriceOverride[] = [
  // Listed out of order on purpose: the book sorts a model's history by date.
  {
    model: 'acme-tuned-1',
    inputMtok: '0.50',
    cachedInputMtok: '0.10',
    outputMtok: '1.50',
    effectiveFrom: '2026-07-01',
  },
  { model: 'acme-tuned-1', inputMtok: '1.00', outputMtok: '2.00', effectiveFrom: '2026-01-01' },
  // A negotiated price for a listed model, from 2026-12-01 on; genai-prices applies before that.
  { model: 'gpt-4o', inputMtok: '2.00', outputMtok: '8.00', effectiveFrom: '2026-12-01' },
];

const historyRows: Row[] = [
  {
    name: 'before the first entry of a history falls back to genai-prices, which does not know the model',
    model: 'acme-tuned-1',
    at: new Date('2025-12-31T23:59:59Z'),
    usage: { inputTokens: 1000, cachedInputTokens: 500, outputTokens: 100 },
    expected: { status: 'unpriced', reason: "no price for openai model 'acme-tuned-1'" },
  },
  {
    // 2026-01-01 entry: in 1.00, cached defaults to in, out 2.00.
    // 1000 in * 1,000,000 = 1,000,000,000; 100 out * 2,000,000 = 200,000,000; total 1,200,000,000 pico.
    name: 'old price before the change',
    model: 'acme-tuned-1',
    at: new Date('2026-03-15T00:00:00Z'),
    usage: { inputTokens: 1000, cachedInputTokens: 500, outputTokens: 100 },
    expected: priced(1_200_000_000n, '0.001200000000', 'override:acme-tuned-1@2026-01-01'),
  },
  {
    // 2026-07-01 entry: in 0.50, cached 0.10, out 1.50.
    // 500 uncached * 500,000 = 250,000,000; 500 cached * 100,000 = 50,000,000; 100 out * 1,500,000 = 150,000,000;
    // total 450,000,000 pico.
    name: 'new price from the change on (the change instant itself included)',
    model: 'acme-tuned-1',
    at: new Date('2026-07-01T00:00:00Z'),
    usage: { inputTokens: 1000, cachedInputTokens: 500, outputTokens: 100 },
    expected: priced(450_000_000n, '0.000450000000', 'override:acme-tuned-1@2026-07-01'),
  },
  {
    // genai-prices gpt-4o before the override starts: 1000 * 2,500,000 + 100 * 10,000,000 = 3,500,000,000 pico.
    name: 'listed model before its override starts',
    model: 'gpt-4o',
    usage: { inputTokens: 1000, outputTokens: 100 },
    expected: priced(3_500_000_000n, '0.003500000000', `${REF}/gpt-4o`),
  },
  {
    // Override in 2.00, out 8.00: 1000 * 2,000,000 + 100 * 8,000,000 = 2,800,000,000 pico.
    name: 'listed model once its override applies',
    model: 'gpt-4o',
    at: new Date('2026-12-01T00:00:00Z'),
    usage: { inputTokens: 1000, outputTokens: 100 },
    expected: priced(2_800_000_000n, '0.002800000000', 'override:gpt-4o@2026-12-01'),
  },
];

/** The first id that a genai-prices matcher accepts, for walking its model list. */
function sampleId(match: MatchLogic): string | undefined {
  if ('equals' in match) return match.equals;
  if ('starts_with' in match) return match.starts_with;
  if ('contains' in match) return match.contains;
  if ('or' in match) return match.or.map(sampleId).find((id) => id !== undefined);
  return undefined;
}

describe('PriceBook', () => {
  describe('price', () => {
    const book = getDefaultPriceBook();

    afterEach(() => {
      vi.unstubAllGlobals();
    });

    it.each(rows)('$name', ({ model, at, usage, expected }) => {
      expect(book.price({ provider: 'openai', model, at: at ?? AT, usage })).toEqual(expected);
    });

    it.each(historyRows)('price history: $name', ({ model, at, usage, expected }) => {
      const withHistory = createPriceBook({ overrides: HISTORY });
      expect(withHistory.price({ provider: 'openai', model, at: at ?? AT, usage })).toEqual(expected);
    });

    it('prices the fine-tune from genai-prices when there is no override, cached tokens at the full input rate', () => {
      // genai-prices 'ft:gpt-4o-mini' (any 'ft:gpt-4o-mini-2024-*'): in 0.30, out 1.20, no cached price.
      // 1200 in * 300,000 = 360,000,000; 50 out * 1,200,000 = 60,000,000; total 420,000,000 pico.
      const plain = createPriceBook();
      const usage = { inputTokens: 1200, cachedInputTokens: 1024, outputTokens: 50 };
      expect(
        plain.price({
          provider: 'openai',
          model: 'ft:gpt-4o-mini-2024-07-18:spendtrace::demo',
          at: AT,
          usage,
        }),
      ).toEqual(priced(420_000_000n, '0.000420000000', `${REF}/ft:gpt-4o-mini`));
    });

    it('says an unknown provider is unpriced', () => {
      const usage = { inputTokens: 1, outputTokens: 1 };
      expect(book.price({ provider: 'acme', model: 'gpt-4o', at: AT, usage })).toEqual({
        status: 'unpriced',
        reason: "no price for acme model 'gpt-4o'",
      });
    });

    it('says an invalid call time is unpriced instead of throwing', () => {
      const usage = { inputTokens: 1, outputTokens: 1 };
      expect(book.price({ provider: 'openai', model: 'o3', at: new Date(Number.NaN), usage })).toEqual({
        status: 'unpriced',
        reason: "invalid call time for openai model 'o3'",
      });
    });

    it('gives the same answer from its cache as on first lookup', () => {
      const fresh = createPriceBook();
      const query = {
        provider: 'openai',
        model: 'o3',
        at: AT,
        usage: { inputTokens: 1000, outputTokens: 1000 },
      };
      const first = fresh.price(query);
      expect(fresh.price(query)).toEqual(first);
      expect(fresh.price({ ...query, at: new Date('2025-06-09T23:59:59.999Z') })).toEqual(
        priced(50_000_000_000n, '0.050000000000', `${REF}/o3`),
      );
      expect(first).toEqual(priced(10_000_000_000n, '0.010000000000', `${REF}/o3@2025-06-10`));
    });

    it('never uses the network', () => {
      // genai-prices only fetches through updatePrices(), which this module never calls.
      const fetchSpy = vi.fn(() => Promise.reject(new Error('offline')));
      vi.stubGlobal('fetch', fetchSpy);
      expect(createPriceBook().price({ provider: 'openai', model: 'gpt-4o-mini', at: AT, usage: SMALL_CALL })).toEqual(
        SMALL_CALL_ON_MINI,
      );
      expect(fetchSpy).not.toHaveBeenCalled();
    });

    it('agrees with genai-prices’ own float arithmetic for every OpenAI model it lists', () => {
      // A cross-check of our exact reading of its rules (cache, reasoning, tiers), not a source of expected values.
      const openai = findProvider({ providerId: 'openai' });
      const plain = createPriceBook();
      const usages: TokenUsage[] = [
        { inputTokens: 1200, cachedInputTokens: 1024, outputTokens: 50 },
        { inputTokens: 300_000, cachedInputTokens: 100_000, outputTokens: 2000, reasoningTokens: 1500 },
      ];
      let compared = 0;
      for (const model of openai?.models ?? []) {
        const id = sampleId(model.match);
        if (id === undefined) continue;
        for (const usage of usages) {
          const ours = plain.price({ provider: 'openai', model: id, at: AT, usage });
          const theirs = calcPrice(
            {
              input_tokens: usage.inputTokens,
              cache_read_tokens: usage.cachedInputTokens,
              output_tokens: usage.outputTokens,
              output_reasoning_tokens: usage.reasoningTokens,
            },
            id,
            { providerId: 'openai', timestamp: AT },
          );
          if (ours.status === 'unpriced') {
            // Only models without a token price (audio-priced ones) may be unpriced.
            expect(theirs?.model_price.input_mtok === undefined || theirs.model_price.output_mtok === undefined).toBe(
              true,
            );
            continue;
          }
          // priceRef is '<REF>/<genai-prices model id>' plus '@<start date>' for a dated variant.
          expect(ours.priceRef.slice(REF.length + 1).split('@')[0]).toBe(theirs?.model.id);
          expect(Number(ours.costUsd)).toBeCloseTo(theirs?.total_price ?? Number.NaN, 12);
          compared += 1;
        }
      }
      expect(compared).toBeGreaterThan(150);
    });
  });
});

describe('createPriceBook', () => {
  it.each([
    [
      { model: 'x', inputMtok: '0,30', outputMtok: '1' },
      "Invalid price override for model 'x': '0,30' is not a decimal string",
    ],
    [
      { model: 'x', inputMtok: '0.0000001', outputMtok: '1' },
      "Invalid price override for model 'x': 0.0000001 has more than 6 decimal places",
    ],
    [
      { model: 'x', inputMtok: '1', outputMtok: '1', effectiveFrom: 'next week' },
      "Invalid price override for model 'x': effectiveFrom 'next week' is not an ISO date",
    ],
  ] satisfies [PriceOverride, string][])('rejects a bad override at creation: %o', (override, message) => {
    expect(() => createPriceBook({ overrides: [override] })).toThrow(message);
  });

  it('rejects two entries for one model and date', () => {
    const entry = { model: 'x', inputMtok: '1', outputMtok: '1', effectiveFrom: '2026-01-01' };
    expect(() => createPriceBook({ overrides: [entry, { ...entry, model: 'X' }] })).toThrow(
      "Price override for model 'X' lists effectiveFrom 2026-01-01 twice",
    );
  });
});

describe('getDefaultPriceBook', () => {
  it('creates the book once', () => {
    expect(getDefaultPriceBook()).toBe(getDefaultPriceBook());
  });
});

describe('GENAI_PRICES_VERSION', () => {
  it('matches the installed @pydantic/genai-prices', () => {
    // The package's exports hide package.json, so find it next to the resolved entry point.
    const entry = createRequire(import.meta.url).resolve('@pydantic/genai-prices');
    const pkg = JSON.parse(readFileSync(entry.replace(/dist[\\/][^\\/]+$/, 'package.json'), 'utf8')) as {
      version: string;
    };
    expect(GENAI_PRICES_VERSION).toBe(pkg.version);
  });
});

describe('formatPicoUsd', () => {
  it.each([
    [0n, '0.000000000000'],
    [1n, '0.000000000001'],
    [1234n, '0.000000001234'],
    [133_200_000n, '0.000133200000'],
    [1_000_000_000_000n, '1.000000000000'],
    [99_999_999_999_999_999_999n, '99999999.999999999999'],
    [-5n, '-0.000000000005'],
  ])('formats %s pico-dollars as %s', (pico, usd) => {
    expect(formatPicoUsd(pico)).toBe(usd);
  });
});

describe('usdPerMtokToPicoPerToken', () => {
  it.each([
    [0.075, 75_000n],
    [2.5, 2_500_000n],
    [0.15, 150_000n],
    [1.1, 1_100_000n],
    [0.275, 275_000n],
    [0.0375, 37_500n],
    [224e-5, 2_240n],
    [60, 60_000_000n],
    [0, 0n],
    ['0.30', 300_000n],
    ['1.20', 1_200_000n],
    ['0.000001', 1n],
  ] as const)('converts %s $/MTok exactly to %s pico-dollars per token', (usd, pico) => {
    expect(usdPerMtokToPicoPerToken(usd)).toBe(pico);
  });

  it.each([
    // 0.1 + 0.2 is the double 0.30000000000000004: rejected rather than silently rounded.
    [0.1 + 0.2, '0.30000000000000004 has more than 6 decimal places'],
    ['0.0000001', '0.0000001 has more than 6 decimal places'],
    [-1, "'-1' is not a non-negative decimal number"],
    [Number.NaN, 'NaN is not a finite price'],
    ['1.2.3', "'1.2.3' is not a non-negative decimal number"],
  ] as const)('rejects %s', (usd, message) => {
    expect(() => usdPerMtokToPicoPerToken(usd)).toThrow(message);
  });
});
