// The price book: what one AI call cost, in exact pico-dollars, at the price in force when it happened.
// Local overrides win; otherwise the price data bundled in @pydantic/genai-prices, never fetched at run time.
import { calcPrice, type ModelInfo, type ModelPrice, type Provider } from '@pydantic/genai-prices';

import { formatPicoUsd } from './pico-dollars';
import { indexOverrides, modelKey, type OverrideEntry } from './price-override-index';
import type { PriceBook, PriceOverride, PriceResult, TokenUsage } from './price-types';
import { costOfTokens, ratesFromCatalog, usageProblem, type Rates } from './token-rates';

/**
 * Version of the bundled genai-prices data, recorded in every priceRef so a row says which price list it used.
 * A test checks it against the installed package, so upgrading the package fails loudly until this is bumped.
 * Never call genai-prices' updatePrices(): it is the library's only path to the network, and swapped data
 * would make this version a lie.
 */
export const GENAI_PRICES_VERSION = '0.1.8';

type PriceQuery = Parameters<PriceBook['price']>[0];

/** A genai-prices model as found for one (provider, model id) pair. */
interface CatalogModel {
  provider: Provider;
  model: ModelInfo;
  /** The provider cut down to this model, so date selection through calcPrice skips the model search. */
  scoped: Provider;
  /**
   * Dated prices in force per UTC day (days since the epoch), when all of the model's price changes fall on
   * whole UTC days; null for a fixed price or one that depends on the time of day. Spares calcPrice's date
   * selection on every call.
   */
  byDay: Map<number, CatalogPrice> | null;
}

interface CatalogPrice {
  price: ModelPrice;
  /** '@<start date>' when a dated variant of the price applies, else ''. */
  suffix: string;
}

// Model ids can arrive from other services through the collector sink; bound the cache so a stream of
// distinct ids cannot grow memory without limit. Clearing is crude but keeps the hot path a single Map lookup.
const MAX_CACHED_MODELS = 1_000;

const MAX_CACHED_DAYS = 100;
const MS_PER_DAY = 86_400_000;

const ZERO_USAGE = {};

/** The price that applies to a call: its rates (or why they are unusable) and its ref, or why there is none. */
type Applicable = { rates: Rates | Error; priceRef: string } | { unpriced: string };

/**
 * What the book knows of one (provider, model) pair as callers spell it: its override history, and the price
 * that applies all through one UTC day, when nothing changes within that day (the last day asked for).
 */
interface ModelEntry {
  history: readonly OverrideEntry[] | undefined;
  day: number;
  applicable: Applicable | undefined;
  /**
   * The last result on that day, and the usage it priced: a call is priced as its span ends and again by the
   * cost processor, with the same usage, microseconds apart.
   */
  last: { usage: TokenUsage; result: PriceResult } | undefined;
}

function sameUsage(a: TokenUsage, b: TokenUsage): boolean {
  return (
    a.inputTokens === b.inputTokens &&
    a.outputTokens === b.outputTokens &&
    a.cachedInputTokens === b.cachedInputTokens &&
    a.cacheWriteTokens === b.cacheWriteTokens &&
    a.reasoningTokens === b.reasoningTokens
  );
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
  // calcPrice searches every model with matchers on each call; cache what it found per model id.
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

  // Every call is priced as it ends (and its span again by the processors): per (provider, model) as given, the
  // book keeps the entry and the day's price, so a call on a known day is two Map lookups before the arithmetic.
  const entries = new Map<string, Map<string, ModelEntry>>();
  let entryCount = 0;

  function entryOf(provider: string, model: string): ModelEntry {
    let byModel = entries.get(provider);
    let entry = byModel?.get(model);
    if (entry !== undefined) return entry;
    if (entryCount >= MAX_CACHED_MODELS) {
      entries.clear();
      entryCount = 0;
      byModel = undefined;
    }
    if (byModel === undefined) {
      byModel = new Map();
      entries.set(provider, byModel);
    }
    entry = {
      history: overrides.get(modelKey(provider, model)),
      day: Number.NaN,
      applicable: undefined,
      last: undefined,
    };
    byModel.set(model, entry);
    entryCount += 1;
    return entry;
  }

  /** The price that applies at `at`, and whether it applies all day (no override or dated price starts within it). */
  function applicableAt(entry: ModelEntry, provider: string, model: string, at: Date, day: number) {
    const dayStart = day * MS_PER_DAY;
    const wholeDay = !entry.history?.some((e) => e.fromMs > dayStart && e.fromMs < dayStart + MS_PER_DAY);
    const override = entry.history?.findLast((e) => e.fromMs <= at.getTime());
    if (override) return { applicable: { rates: override.rates, priceRef: override.priceRef }, wholeDay };
    const found = findInCatalog(provider, model);
    if (!found) return { applicable: { unpriced: `no price for ${provider} model '${model}'` }, wholeDay };
    const { price, suffix } = catalogPriceAt(found, model, at);
    const priceRef = `genai-prices@${GENAI_PRICES_VERSION}:${found.provider.id}/${found.model.id}${suffix}`;
    const daily = !Array.isArray(found.model.prices) || found.byDay !== null;
    return { applicable: { rates: ratesOf(price), priceRef }, wholeDay: wholeDay && daily };
  }

  function priceOrThrow({ provider, model, at, usage }: PriceQuery): PriceResult {
    if (!(at instanceof Date) || Number.isNaN(at.getTime())) {
      return { status: 'unpriced', reason: `invalid call time for ${provider} model '${model}'` };
    }
    const problem = usageProblem(usage);
    if (problem) return { status: 'unpriced', reason: problem };

    const entry = entryOf(provider, model);
    const day = Math.floor(at.getTime() / MS_PER_DAY);
    let applicable = entry.day === day ? entry.applicable : undefined;
    if (applicable !== undefined && entry.last !== undefined && sameUsage(entry.last.usage, usage)) {
      return entry.last.result;
    }
    let wholeDay = applicable !== undefined;
    if (applicable === undefined) {
      const found = applicableAt(entry, provider, model, at, day);
      applicable = found.applicable;
      wholeDay = found.wholeDay;
      if (wholeDay) {
        entry.day = day;
        entry.applicable = applicable;
        entry.last = undefined;
      }
    }
    const result = resultOf(applicable, provider, model, usage);
    if (wholeDay) {
      // Frozen: every caller asking with this usage on this day gets this object.
      entry.last = { usage: { ...usage }, result: Object.freeze(result) };
    }
    return result;
  }

  function resultOf(applicable: Applicable, provider: string, model: string, usage: TokenUsage): PriceResult {
    if ('unpriced' in applicable) return { status: 'unpriced', reason: applicable.unpriced };
    const { rates, priceRef } = applicable;
    if (rates instanceof Error) {
      return {
        status: 'unpriced',
        reason: `unusable price ${priceRef} for ${provider} model '${model}': ${rates.message}`,
      };
    }
    const result = costOfTokens(rates, usage);
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
