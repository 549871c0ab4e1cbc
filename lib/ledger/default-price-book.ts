// The app's price book: genai-prices plus the local overrides of price-overrides.ts.
import { createPriceBook } from './price-book';
import { PRICE_OVERRIDES } from './price-overrides';
import type { PriceBook } from './price-types';

let defaultPriceBook: PriceBook | undefined;

/** The app's price book (genai-prices plus PRICE_OVERRIDES), created on first use and shared. */
export function getDefaultPriceBook(): PriceBook {
  defaultPriceBook ??= createPriceBook({ overrides: PRICE_OVERRIDES });
  return defaultPriceBook;
}
