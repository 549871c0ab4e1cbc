// Signed dashboard sessions: a cookie value `<expiresAt>.<HMAC-SHA256 of it>`, so a session needs no
// server-side storage and cannot be extended or forged without the key. The proxy runs on the Node.js
// runtime (the default in Next.js 16), so node:crypto is available there.
import { createHmac, timingSafeEqual } from 'node:crypto';

// Fixed label of the key derivation: the key is never the raw token, and a cookie's MAC reveals nothing about it.
const KEY_LABEL = 'spendtrace dashboard session key v1';

const SESSION_VALUE = /^(\d{1,15})\.([A-Za-z0-9_-]{43})$/;

/**
 * The HMAC key of session cookies: derived from DASHBOARD_SESSION_SECRET when set, else from
 * DASHBOARD_TOKEN, in which case rotating the token signs everyone out.
 */
export function deriveSessionKey(token: string, sessionSecret: string | undefined): Buffer {
  return createHmac('sha256', sessionSecret ?? token)
    .update(KEY_LABEL)
    .digest();
}

function mac(key: Buffer, expiresAt: string): string {
  return createHmac('sha256', key).update(`session:${expiresAt}`).digest('base64url');
}

/** A session cookie value valid until `expiresAt` (milliseconds since the epoch). */
export function signSession(key: Buffer, expiresAt: number): string {
  const stamp = String(Math.floor(expiresAt));
  return `${stamp}.${mac(key, stamp)}`;
}

/**
 * Whether `value` is a session signed with `key` that is still valid at `now`. A session that claims
 * to last longer than `maxAgeMs` from now is refused too, so lowering DASHBOARD_SESSION_HOURS applies
 * to existing sessions at once.
 */
export function verifySession(value: string, key: Buffer, now: number, maxAgeMs: number): boolean {
  const match = SESSION_VALUE.exec(value);
  if (!match?.[1] || !match[2]) return false;
  // Compare the encoded MACs (same length by the pattern), not decoded bytes: base64url's spare bits
  // would let two spellings of one MAC both pass.
  const given = Buffer.from(match[2]);
  const expected = Buffer.from(mac(key, match[1]));
  if (!timingSafeEqual(given, expected)) return false;
  const expiresAt = Number(match[1]);
  return now < expiresAt && expiresAt <= now + maxAgeMs;
}
