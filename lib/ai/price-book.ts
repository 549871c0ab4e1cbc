// The price book: what one AI call cost, in exact pico-dollars, at the price in force when it happened.
// Local overrides win; otherwise the price data bundled in @pydantic/genai-prices, never fetched at run time.
import { calcPrice, type ModelInfo, type ModelPrice, type Provider } from '@pydantic/genai-prices';

import { PRICE_OVERRIDES } from './price-overrides';

/**
 * Version of the bundled genai-prices data, recorded in every priceRef so a row says which price list it used.
 * A test checks it against the installed package, so upgrading the package fails loudly until this is bumped.
 * Never call genai-prices' updatePrices(): it is the library's only path to the network, and swapped data
 * would make this version a lie.
 */
export const GENAI_PRICES_VERSION = '0.1.8';

export interface TokenUsage {
  /** Total input tokens INCLUDING cached ones (OpenAI's prompt_tokens). */
  inputTokens: number;
  /** Of which read from cache. */
  cachedInputTokens?: number;
  /** Total output tokens INCLUDING reasoning (OpenAI's completion_tokens). */
  outputTokens: number;
  /** Of which reasoning. */
  reasoningTokens?: number;
}

export type PriceResult =
  { status: 'priced'; costPicoUsd: bigint; costUsd: string; priceRef: string } | { status: 'unpriced'; reason: string };

export interface PriceOverride {
  /** Model id, matched exactly (case-insensitive), e.g. 'ft:gpt-4o-mini:acme::abc123'. */
  model: string;
  /** Provider id, matched case-insensitively. Default 'openai'. */
  provider?: string;
  /** USD per million input tokens, decimal string e.g. '0.30'. */
  inputMtok: string;
  /** USD per million cached input tokens. Default: inputMtok. */
  cachedInputMtok?: string;
  /** USD per million output tokens (reasoning tokens included). */
  outputMtok: string;
  /** ISO date from which this price applies; default: always. Several entries for one model = a price history. */
  effectiveFrom?: string;
}

export interface PriceBook {
  /** Never throws: anything that cannot be priced comes back `unpriced` with the reason. */
  price(query: { provider: string; model: string; at: Date; usage: TokenUsage }): PriceResult;
}

type PriceQuery = Parameters<PriceBook['price']>[0];

/** A per-token price in pico-dollars, possibly tiered by the call's total input tokens (genai-prices' rule). */
interface Rate {
  base: bigint;
  /** Ascending by start; a tier applies when the call's input tokens exceed its start. */
  tiers: readonly { start: number; pico: bigint }[];
}

/** Per-token rates; null means the price list has no price for that kind of token. */
interface Rates {
  input: Rate | null;
  cachedInput: Rate | null;
  output: Rate | null;
  reasoning: Rate | null;
  /** Price of the call itself (genai-prices' requests_kcount), in pico-dollars. */
  perRequest: Rate | null;
  /** The list prices the model with no keys at all: it is free (e.g. OpenAI's moderation models). */
  free: boolean;
}

interface OverrideEntry {
  fromMs: number;
  rates: Rates;
  priceRef: string;
}

/** A genai-prices model as found for one (provider, model id) pair. */
interface CatalogModel {
  provider: Provider;
  model: ModelInfo;
  /** The provider cut down to this model, so date selection through calcPrice skips the model search. */
  scoped: Provider;
  /**
   * Dated prices in force per UTC day (days since the epoch), when all of the model's price changes fall on
   * whole UTC days; null for a fixed price or one that depends on the time of day. Saves ~10 µs of calcPrice
   * per call.
   */
  byDay: Map<number, CatalogPrice> | null;
}

interface CatalogPrice {
  price: ModelPrice;
  /** '@<start date>' when a dated variant of the price applies, else ''. */
  suffix: string;
}

const PICO_PER_USD = 1_000_000_000_000n;

// Model ids can arrive from other services through the collector sink; bound the cache so a stream of
// distinct ids cannot grow memory without limit. Clearing is crude but keeps the hot path a single Map lookup.
const MAX_CACHED_MODELS = 1_000;

const MAX_CACHED_DAYS = 100;
const MS_PER_DAY = 86_400_000;

const ZERO_USAGE = {};

/** Exact decimal string with 12 decimals, e.g. 1234n -> '0.000000001234'. */
export function formatPicoUsd(pico: bigint): string {
  const abs = pico < 0n ? -pico : pico;
  const fraction = (abs % PICO_PER_USD).toString().padStart(12, '0');
  return `${pico < 0n ? '-' : ''}${abs / PICO_PER_USD}.${fraction}`;
}

/**
 * Converts a USD-per-million-tokens price to exact integer pico-dollars per token ($1/MTok = 1,000,000).
 * Numbers go through their shortest round-trip decimal string, so 0.075 is read as the literal 0.075 and not
 * as the nearest binary double. Throws when the price is not a whole number of pico-dollars per token
 * (more than 6 decimals), rather than silently rounding money.
 */
export function usdPerMtokToPicoPerToken(value: number | string): bigint {
  return scaleDecimal(value, 6);
}

/** value * 10^scale as an exact bigint; throws if that is not an integer or value is not a non-negative decimal. */
function scaleDecimal(value: number | string, scale: number): bigint {
  const text = typeof value === 'number' ? String(value) : value.trim();
  if (typeof value === 'number' && !Number.isFinite(value)) throw new Error(`${text} is not a finite price`);
  // Numbers may stringify in exponent form (1e-7, 2.5e+21).
  const match = /^(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/i.exec(text);
  if (!match) throw new Error(`'${text}' is not a non-negative decimal number`);
  const [, whole = '', fraction = '', exponent = '0'] = match;
  const digits = BigInt(whole + fraction);
  const shift = Number(exponent) - fraction.length + scale;
  if (shift >= 0) return digits * 10n ** BigInt(shift);
  const divisor = 10n ** BigInt(-shift);
  if (digits % divisor !== 0n) {
    throw new Error(`${text} has more than ${scale} decimal places, finer than one pico-dollar per unit`);
  }
  return digits / divisor;
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

function ratesFromCatalog(price: ModelPrice): Rates {
  const input = toRate(price.input_mtok, 6);
  const output = toRate(price.output_mtok, 6);
  // Where the list has no separate cached or reasoning price, genai-prices bills those tokens at the plain
  // input or output rate (they are part of those totals); we do the same.
  return {
    input,
    cachedInput: toRate(price.cache_read_mtok, 6) ?? input,
    output,
    reasoning: toRate(price.output_reasoning_mtok, 6) ?? output,
    // $ per thousand requests -> pico-dollars per request.
    perRequest: toRate(price.requests_kcount, 9),
    free: Object.values(price).every((value) => value === undefined),
  };
}

function ratesFromOverride(override: PriceOverride): Rates {
  const flat = (value: string): Rate => ({ base: usdPerMtokToPicoPerToken(value), tiers: [] });
  const input = flat(override.inputMtok);
  const output = flat(override.outputMtok);
  return {
    input,
    cachedInput: override.cachedInputMtok === undefined ? input : flat(override.cachedInputMtok),
    output,
    reasoning: output,
    perRequest: null,
    free: false,
  };
}

function modelKey(provider: string, model: string): string {
  return `${provider.trim().toLowerCase()}\u0000${model.trim().toLowerCase()}`;
}

/** Validates and indexes overrides by model; throws on a bad entry so a typo fails at startup, not per call. */
function indexOverrides(overrides: readonly PriceOverride[]): Map<string, OverrideEntry[]> {
  const byModel = new Map<string, OverrideEntry[]>();
  for (const override of overrides) {
    const from = override.effectiveFrom;
    let rates: Rates;
    try {
      if (override.model.trim() === '') throw new Error('model is empty');
      for (const text of [override.inputMtok, override.cachedInputMtok, override.outputMtok]) {
        if (text !== undefined && !/^\d+(\.\d+)?$/.test(text)) {
          throw new Error(`'${text}' is not a decimal string`);
        }
      }
      if (from !== undefined && !(/^\d{4}-\d{2}-\d{2}/.test(from) && !Number.isNaN(Date.parse(from)))) {
        throw new Error(`effectiveFrom '${from}' is not an ISO date such as '2026-01-31'`);
      }
      rates = ratesFromOverride(override);
    } catch (error) {
      throw new Error(
        `Invalid price override for model '${override.model}': ${(error as Error).message}. ` +
          `Prices are US dollars per million tokens as decimal strings, e.g. '0.30'; fix lib/ai/price-overrides.ts.`,
      );
    }
    const key = modelKey(override.provider ?? 'openai', override.model);
    const entries = byModel.get(key) ?? [];
    const fromMs = from === undefined ? Number.NEGATIVE_INFINITY : Date.parse(from);
    if (entries.some((entry) => entry.fromMs === fromMs)) {
      throw new Error(
        `Price override for model '${override.model}' lists effectiveFrom ${from ?? '(always)'} twice; ` +
          `keep one entry per date in lib/ai/price-overrides.ts.`,
      );
    }
    entries.push({ fromMs, rates, priceRef: `override:${override.model}@${from ?? 'always'}` });
    entries.sort((a, b) => a.fromMs - b.fromMs);
    byModel.set(key, entries);
  }
  return byModel;
}

function usageProblem(usage: TokenUsage): string | undefined {
  const counts: [string, number | undefined][] = [
    ['inputTokens', usage.inputTokens],
    ['cachedInputTokens', usage.cachedInputTokens],
    ['outputTokens', usage.outputTokens],
    ['reasoningTokens', usage.reasoningTokens],
  ];
  for (const [name, count] of counts) {
    if (count !== undefined && !(Number.isSafeInteger(count) && count >= 0)) {
      return `invalid usage: ${name} must be a non-negative integer, got ${String(count)}`;
    }
  }
  const cached = usage.cachedInputTokens ?? 0;
  if (cached > usage.inputTokens) {
    return `invalid usage: cachedInputTokens (${cached}) exceeds inputTokens (${usage.inputTokens})`;
  }
  const reasoning = usage.reasoningTokens ?? 0;
  if (reasoning > usage.outputTokens) {
    return `invalid usage: reasoningTokens (${reasoning}) exceeds outputTokens (${usage.outputTokens})`;
  }
  return undefined;
}

/**
 * Exact cost. Cached and reasoning tokens are parts of the input and output totals, so each token is billed
 * once: uncached input, cached input, plain output and reasoning output, each at its own rate.
 */
function cost(rates: Rates, usage: TokenUsage): { pico: bigint } | { missing: string } {
  const cached = usage.cachedInputTokens ?? 0;
  // Only a separate reasoning price splits reasoning out; OpenAI bills reasoning at the output rate.
  const reasoning = rates.reasoning !== rates.output ? (usage.reasoningTokens ?? 0) : 0;
  const parts: [string, Rate | null, number][] = [
    ['input', rates.input, usage.inputTokens - cached],
    ['cached input', rates.cachedInput, cached],
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

/**
 * The genai-prices price in force at `at`, picked by the library's own date-effective rule. Conditional prices
 * are `ConditionalPrice[]` with `start_date` (or `time_of_date`) constraints; a plain object is a fixed price.
 */
function catalogPriceAt(found: CatalogModel, model: string, at: Date): CatalogPrice {
  const prices = found.model.prices;
  if (!Array.isArray(prices)) return { price: prices, suffix: '' };
  const day = Math.floor(at.getTime() / MS_PER_DAY);
  const known = found.byDay?.get(day);
  if (known) return known;
  const result = calcPrice(ZERO_USAGE, model, { provider: found.scoped, timestamp: at });
  const price = result?.model_price ?? prices[0]?.prices ?? {};
  // calcPrice returns the chosen variant's own price object, so identity finds its constraint for the ref.
  const constraint = prices.find((candidate) => candidate.prices === price)?.constraint;
  const suffix =
    constraint?.type === 'start_date'
      ? `@${constraint.start_date}`
      : constraint?.type === 'time_of_date'
        ? `@${constraint.start_time}-${constraint.end_time}`
        : '';
  if (found.byDay) {
    if (found.byDay.size >= MAX_CACHED_DAYS) found.byDay.clear();
    found.byDay.set(day, { price, suffix });
  }
  return { price, suffix };
}

/** genai-prices reads a 'YYYY-MM-DD' start date as UTC midnight, so such prices change only between UTC days. */
function changesOnlyOnUtcDays(model: ModelInfo): boolean {
  return (
    Array.isArray(model.prices) &&
    model.prices.every(
      ({ constraint }) =>
        constraint === undefined ||
        (constraint.type === 'start_date' && /^\d{4}-\d{2}-\d{2}$/.test(constraint.start_date)),
    )
  );
}

/**
 * Creates a price book. Overrides are validated here and throw on a bad entry; `price` itself never throws.
 * An override applies from its effectiveFrom on; before the first entry of a model's history, the call falls
 * back to genai-prices (so an override can record a negotiated price change of a listed model).
 */
export function createPriceBook(options?: { overrides?: readonly PriceOverride[] }): PriceBook {
  const overrides = indexOverrides(options?.overrides ?? []);
  // calcPrice searches every model with matchers on each call (~13 µs); cache what it found per model id.
  const catalog = new Map<string, CatalogModel | null>();
  // Keyed by genai-prices' own price objects, which live as long as its data.
  const catalogRates = new WeakMap<ModelPrice, Rates | Error>();

  function findInCatalog(provider: string, model: string): CatalogModel | null {
    const key = modelKey(provider, model);
    const cached = catalog.get(key);
    if (cached !== undefined) return cached;
    const result = calcPrice(ZERO_USAGE, model, { providerId: provider });
    const found: CatalogModel | null = result
      ? {
          provider: result.provider,
          model: result.model,
          scoped: { ...result.provider, models: [result.model], fallback_model_providers: undefined },
          byDay: changesOnlyOnUtcDays(result.model) ? new Map<number, CatalogPrice>() : null,
        }
      : null;
    if (catalog.size >= MAX_CACHED_MODELS) catalog.clear();
    catalog.set(key, found);
    return found;
  }

  function ratesOf(price: ModelPrice): Rates | Error {
    let rates = catalogRates.get(price);
    if (rates === undefined) {
      try {
        rates = ratesFromCatalog(price);
      } catch (error) {
        rates = error instanceof Error ? error : new Error(String(error));
      }
      catalogRates.set(price, rates);
    }
    return rates;
  }

  function priceOrThrow({ provider, model, at, usage }: PriceQuery): PriceResult {
    if (!(at instanceof Date) || Number.isNaN(at.getTime())) {
      return { status: 'unpriced', reason: `invalid call time for ${provider} model '${model}'` };
    }
    const problem = usageProblem(usage);
    if (problem) return { status: 'unpriced', reason: problem };

    const history = overrides.get(modelKey(provider, model));
    const override = history?.findLast((entry) => entry.fromMs <= at.getTime());
    let rates: Rates | Error;
    let priceRef: string;
    if (override) {
      rates = override.rates;
      priceRef = override.priceRef;
    } else {
      const found = findInCatalog(provider, model);
      if (!found) return { status: 'unpriced', reason: `no price for ${provider} model '${model}'` };
      const { price, suffix } = catalogPriceAt(found, model, at);
      rates = ratesOf(price);
      priceRef = `genai-prices@${GENAI_PRICES_VERSION}:${found.provider.id}/${found.model.id}${suffix}`;
    }
    if (rates instanceof Error) {
      return {
        status: 'unpriced',
        reason: `unusable price ${priceRef} for ${provider} model '${model}': ${rates.message}`,
      };
    }
    const result = cost(rates, usage);
    if ('missing' in result) {
      return {
        status: 'unpriced',
        reason: `${priceRef} has no ${result.missing} token price for ${provider} model '${model}'`,
      };
    }
    return { status: 'priced', costPicoUsd: result.pico, costUsd: formatPicoUsd(result.pico), priceRef };
  }

  return {
    price(query) {
      try {
        return priceOrThrow(query);
      } catch (error) {
        // Pricing runs inside telemetry for every AI span; a surprise in the price data must not break the call.
        const message = error instanceof Error ? error.message : String(error);
        return {
          status: 'unpriced',
          reason: `price lookup failed for ${query.provider} model '${query.model}': ${message}`,
        };
      }
    },
  };
}

let defaultPriceBook: PriceBook | undefined;

/** The app's price book (genai-prices plus PRICE_OVERRIDES), created on first use and shared. */
export function getDefaultPriceBook(): PriceBook {
  defaultPriceBook ??= createPriceBook({ overrides: PRICE_OVERRIDES });
  return defaultPriceBook;
}
