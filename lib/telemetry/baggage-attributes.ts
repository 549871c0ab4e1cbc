// The developer attributes (`ai.attr.*`) a baggage carries, which the source processor stamps on every span as
// it starts. Listing them means listing every entry (`Baggage.getAllEntries` copies the entries into a new
// array) at each span start; a baggage never changes (setting an entry makes a new one), so its list is made
// once: by `withAISource` and its kin as they make the baggage, or on first use for any other.
import type { Baggage } from '@opentelemetry/api';
import { AI_ATTR_PREFIX } from '../ledger/attributes';

/** `ai.attr.*` keys with their values, in the baggage's order. */
export type AttributeEntries = readonly (readonly [string, string])[];

const NONE: AttributeEntries = [];
const PREFIX = AI_ATTR_PREFIX;
// On globalThis: Next.js bundles instrumentation.ts (the source processor) and the routes (`withAISource`) as
// separate module graphs, each with its own copy of this module.
const shared = globalThis as unknown as { spendtraceBaggageAttributes?: WeakMap<Baggage, AttributeEntries> };
const listed = (shared.spendtraceBaggageAttributes ??= new WeakMap());

/** The developer attributes in `bag`. */
export function attributeEntriesOf(bag: Baggage | undefined): AttributeEntries {
  if (bag === undefined) return NONE;
  let entries = listed.get(bag);
  if (entries === undefined) {
    entries = bag
      .getAllEntries()
      .filter(([key]) => key.startsWith(PREFIX))
      .map(([key, entry]) => [key, entry.value] as const);
    listed.set(bag, entries);
  }
  return entries;
}

/**
 * Records the developer attributes of `bag`, made from `parent` (undefined: an empty baggage) by setting
 * `added` (`ai.attr.`-prefixed keys) in order: a key already there keeps its place with the new value.
 */
export function recordAttributeEntries(
  bag: Baggage,
  parent: Baggage | undefined,
  added: AttributeEntries = NONE,
): void {
  const inherited = attributeEntriesOf(parent);
  if (added.length === 0) {
    listed.set(bag, inherited);
    return;
  }
  const entries = new Map(inherited);
  for (const [key, value] of added) entries.set(key, value);
  listed.set(bag, [...entries]);
}
