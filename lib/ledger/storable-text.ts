// Text as the database can hold it: Postgres text takes no U+0000 and its JSON no lone surrogate, and an
// indexed text has a size limit. Every text a row takes from a span passes through here.

// U+0000, and a UTF-16 surrogate without its other half.
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const MAYBE_UNSTORABLE = /[\u0000\uD800-\uDFFF]/;

/**
 * Postgres text cannot hold U+0000 and its JSON cannot hold a lone surrogate; a span may hold both
 * (attributes come from baggage and from any OTLP client): each becomes U+FFFD.
 */
export function storable(value: string): string {
  // Nearly every text has neither: one cheap scan, and the replacement (with its look-arounds) only when needed.
  return MAYBE_UNSTORABLE.test(value) ? value.replace(UNSTORABLE, '\uFFFD') : value;
}

/**
 * Most UTF-8 bytes kept of a text the database indexes or groups by (source, feature, model, provider,
 * error type, service). Postgres refuses a btree index entry over 2,704 bytes, and the daily rollup's key
 * holds source, feature and model together: three times 512 leaves room for the rest of the key.
 */
export const MAX_KEY_TEXT_BYTES = 512;

/**
 * Most UTF-8 bytes kept of a developer attribute's value (`ai.attr.*`, each string of an array too): they
 * are tags such as `customer_tier`, and a megabyte value would cost the sink memory many times its size
 * on the way to the database.
 */
export const MAX_ATTRIBUTE_TEXT_BYTES = 1024;

/**
 * {@link storable}, cut to `maxBytes` (default {@link MAX_KEY_TEXT_BYTES}) at a character boundary and ended with `…` when
 * longer. The cut is a new string, so it never keeps a megabyte-long original alive.
 */
export function keyText(value: string, maxBytes = MAX_KEY_TEXT_BYTES): string {
  const text = storable(value);
  // A UTF-16 unit is at most 3 UTF-8 bytes: most texts are short enough without encoding them.
  if (text.length * 3 <= maxBytes || Buffer.byteLength(text) <= maxBytes) return text;
  const bytes = Buffer.from(text.slice(0, maxBytes), 'utf8');
  let end = maxBytes - Buffer.byteLength('…');
  // Back up to the first byte of a character (continuation bytes are 10xxxxxx).
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end -= 1;
  return `${bytes.subarray(0, end).toString('utf8')}…`;
}
