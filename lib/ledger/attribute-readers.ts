// Reading a span's attributes the way a row stores them: a key text (storable, cut to its byte limit) or a
// plausible token count. A value of another type, or an implausible one, reads as absent.
import type { Attributes } from '@opentelemetry/api';
import { keyText } from './storable-text';

/** A non-empty string attribute as a row can hold it: storable, and at most MAX_KEY_TEXT_BYTES (512). */
export function keyTextAttribute(attributes: Attributes, key: string): string | undefined {
  return keyTextValue(attributes[key]);
}

/** A value as `keyTextAttribute` reads it: for a caller that holds the value rather than the attributes. */
export function keyTextValue(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? keyText(value) : undefined;
}

/** Largest token count a row stores (a Postgres INTEGER); anything larger is not a real count. */
export const MAX_TOKEN_COUNT = 2_147_483_647;

/** A non-negative whole count, or undefined when the attribute is missing or not a plausible count. */
export function tokenCountAttribute(attributes: Attributes, key: string): number | undefined {
  return tokenCount(attributes[key]);
}

/** A value as `tokenCountAttribute` reads it: for a caller that holds the value rather than the attributes. */
export function tokenCount(value: unknown): number | undefined {
  const n =
    typeof value === 'number' && Number.isFinite(value)
      ? Math.trunc(value)
      : typeof value === 'string' && /^\d{1,10}$/.test(value)
        ? Number(value)
        : undefined;
  return n !== undefined && n >= 0 && n <= MAX_TOKEN_COUNT ? n : undefined;
}
