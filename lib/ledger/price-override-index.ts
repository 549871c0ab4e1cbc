// Local price overrides (price-overrides.ts), validated and indexed by model, each model's entries in date order.
import type { PriceOverride } from './price-types';
import { ratesFromOverride, type Rates } from './token-rates';

export interface OverrideEntry {
  fromMs: number;
  rates: Rates;
  priceRef: string;
}

export function modelKey(provider: string, model: string): string {
  return `${provider.trim().toLowerCase()}\u0000${model.trim().toLowerCase()}`;
}

/** Validates and indexes overrides by model; throws on a bad entry so a typo fails at startup, not per call. */
export function indexOverrides(overrides: readonly PriceOverride[]): Map<string, OverrideEntry[]> {
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
          `Prices are US dollars per million tokens as decimal strings, e.g. '0.30'; fix lib/ledger/price-overrides.ts.`,
      );
    }
    const key = modelKey(override.provider ?? 'openai', override.model);
    const entries = byModel.get(key) ?? [];
    const fromMs = from === undefined ? Number.NEGATIVE_INFINITY : Date.parse(from);
    if (entries.some((entry) => entry.fromMs === fromMs)) {
      throw new Error(
        `Price override for model '${override.model}' lists effectiveFrom ${from ?? '(always)'} twice; ` +
          `keep one entry per date in lib/ledger/price-overrides.ts.`,
      );
    }
    entries.push({ fromMs, rates, priceRef: `override:${override.model}@${from ?? 'always'}` });
    entries.sort((a, b) => a.fromMs - b.fromMs);
    byModel.set(key, entries);
  }
  return byModel;
}
