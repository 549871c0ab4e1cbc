// Local prices that win over @pydantic/genai-prices: fine-tuned, custom or negotiated models.
// THIS IS THE FILE TO EDIT when a model is unpriced or its list price is not what you pay.
//
// Each entry prices one model id, matched exactly (case-insensitive), in US dollars per million tokens,
// written as decimal strings so the money stays exact. To record a price change, add a second entry for the
// same model with `effectiveFrom` and leave the old one in place: calls are priced at the entry in force when
// they happened, so a change never rewrites past rows. Before a model's first `effectiveFrom`, genai-prices'
// price (if it has one) applies. A bad entry makes the app fail at startup with a message naming it.
import type { PriceOverride } from './price-types';

export const PRICE_OVERRIDES: readonly PriceOverride[] = [
  {
    // Example: a gpt-4o-mini fine-tune. OpenAI bills fine-tuned gpt-4o-mini inference at $0.30 input,
    // $0.15 cached input and $1.20 output per million tokens. genai-prices 0.1.8 matches any
    // 'ft:gpt-4o-mini-2024-*' id but has no cached-input price for it, so without this entry cached tokens
    // would be billed at the full $0.30.
    model: 'ft:gpt-4o-mini-2024-07-18:spendtrace::demo',
    inputMtok: '0.30',
    cachedInputMtok: '0.15',
    outputMtok: '1.20',
  },
];
