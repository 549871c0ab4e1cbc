// Session cookies: signed values verify until they expire; anything altered, signed with another key
// or malformed does not.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';

import { deriveSessionKey, signSession, verifySession } from './session';

const TOKEN = 'dashboard-token-0123456789';
const KEY = deriveSessionKey(TOKEN, undefined);
const NOW = Date.UTC(2026, 0, 15, 9, 0, 0);
const HOUR = 3_600_000;
const MAX_AGE = 12 * HOUR;

/** Replaces the character at `index` with another one from the base64url alphabet. */
function flip(value: string, index: number): string {
  const i = index < 0 ? value.length + index : index;
  const replacement = value[i] === 'A' ? 'B' : 'A';
  return `${value.slice(0, i)}${replacement}${value.slice(i + 1)}`;
}

describe('session', () => {
  describe('deriveSessionKey', () => {
    it('is HMAC-SHA256 of a fixed label keyed by the token when there is no session secret', () => {
      expect(KEY).toEqual(createHmac('sha256', TOKEN).update('spendtrace dashboard session key v1').digest());
    });

    it('is keyed by the session secret when there is one, whatever the token', () => {
      const secret = 'session-secret-0123456789-0123456789';
      expect(deriveSessionKey('another-dashboard-token', secret)).toEqual(deriveSessionKey(TOKEN, secret));
      expect(deriveSessionKey(TOKEN, secret)).not.toEqual(KEY);
    });

    it('changes with the token, so rotating the token signs everyone out', () => {
      expect(deriveSessionKey('dashboard-token-rotated-0001', undefined)).not.toEqual(KEY);
    });
  });

  describe('signSession', () => {
    it('writes the expiry and its base64url HMAC-SHA256', () => {
      const expiresAt = NOW + MAX_AGE;
      const mac = createHmac('sha256', KEY).update(`session:${expiresAt}`).digest('base64url');
      expect(signSession(KEY, expiresAt)).toEqual(`${expiresAt}.${mac}`);
    });
  });

  describe('verifySession', () => {
    const valid = signSession(KEY, NOW + MAX_AGE);
    const [stamp = '', mac = ''] = valid.split('.');

    const rows: { name: string; value: string; now?: number; key?: Buffer; expected: boolean }[] = [
      { name: 'a fresh session', value: valid, expected: true },
      { name: 'a session a millisecond before it expires', value: valid, now: NOW + MAX_AGE - 1, expected: true },
      { name: 'a session at its expiry', value: valid, now: NOW + MAX_AGE, expected: false },
      { name: 'an expired session', value: signSession(KEY, NOW - 1), expected: false },
      {
        name: 'a session lasting longer than the maximum',
        value: signSession(KEY, NOW + MAX_AGE + 1),
        expected: false,
      },
      { name: 'a later expiry with the old MAC', value: `${Number(stamp) + HOUR}.${mac}`, expected: false },
      { name: 'the expiry with a leading zero', value: `0${valid}`, expected: false },
      { name: 'a changed first MAC character', value: flip(valid, stamp.length + 1), expected: false },
      { name: 'a changed last MAC character', value: flip(valid, -1), expected: false },
      {
        name: 'a session signed with another key',
        value: valid,
        key: deriveSessionKey('x'.repeat(16), undefined),
        expected: false,
      },
      { name: 'an empty value', value: '', expected: false },
      { name: 'the expiry alone', value: stamp, expected: false },
      { name: 'the MAC alone', value: mac, expected: false },
      { name: 'a MAC that is too short', value: valid.slice(0, -1), expected: false },
      { name: 'a MAC that is too long', value: `${valid}A`, expected: false },
      { name: 'garbage', value: 'not-a-session', expected: false },
      { name: 'a negative expiry', value: `-1.${mac}`, expected: false },
      { name: 'a URL-encoded value', value: encodeURIComponent(`${stamp}.${mac}+/`), expected: false },
    ];

    it.each(rows)('$name: $expected', ({ value, now, key, expected }) => {
      expect(verifySession(value, key ?? KEY, now ?? NOW, MAX_AGE)).toEqual(expected);
    });
  });
});
