// The Set-Cookie lines of sign-in and sign-out, and when they are Secure.
import { describe, expect, it } from 'vitest';

import { expiredSessionCookie, isHttps, sessionCookie } from './session-cookie';

describe('session-cookie', () => {
  describe('sessionCookie', () => {
    it('is HttpOnly, SameSite=Lax, for the whole site, for max-age seconds', () => {
      expect(sessionCookie('123.abc', 43_200, false)).toEqual(
        'spendtrace_session=123.abc; Path=/; Max-Age=43200; HttpOnly; SameSite=Lax',
      );
    });

    it('is Secure over HTTPS', () => {
      expect(sessionCookie('123.abc', 43_200, true)).toEqual(
        'spendtrace_session=123.abc; Path=/; Max-Age=43200; HttpOnly; SameSite=Lax; Secure',
      );
    });
  });

  describe('expiredSessionCookie', () => {
    it('empties the cookie with the same attributes', () => {
      expect(expiredSessionCookie(true)).toEqual(
        'spendtrace_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax; Secure',
      );
    });
  });

  describe('isHttps', () => {
    const rows: { name: string; url: string; forwardedProto: string | null; expected: boolean }[] = [
      { name: 'an https URL', url: 'https://spend.example/api/auth/sign-in', forwardedProto: null, expected: true },
      { name: 'plain http', url: 'http://127.0.0.1:3000/api/auth/sign-in', forwardedProto: null, expected: false },
      { name: 'http behind a TLS proxy', url: 'http://app:3000/x', forwardedProto: 'https', expected: true },
      {
        name: 'a chain of proxies, first https',
        url: 'http://app:3000/x',
        forwardedProto: 'HTTPS, http',
        expected: true,
      },
      { name: 'a proxy that says http', url: 'http://app:3000/x', forwardedProto: 'http', expected: false },
    ];

    it.each(rows)('$name: $expected', ({ url, forwardedProto, expected }) => {
      expect(isHttps(new URL(url).protocol, forwardedProto)).toEqual(expected);
    });
  });
});
