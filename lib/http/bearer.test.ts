// bearerMatches: which Authorization header values carry the secret. Header values reach it already
// trimmed (the Fetch API strips leading and trailing whitespace), so only inner spaces are tested.
import { describe, expect, it } from 'vitest';

import { bearerMatches, secretMatches } from './bearer';

const SECRET = 'cron-secret-0123456789';

describe('bearer', () => {
  describe('bearerMatches', () => {
    const rows: { name: string; authorization: string | null; expected: boolean }[] = [
      { name: 'the right token', authorization: `Bearer ${SECRET}`, expected: true },
      { name: 'a wrong token', authorization: 'Bearer cron-secret-9876543210', expected: false },
      { name: 'a missing header', authorization: null, expected: false },
      { name: 'an empty header', authorization: '', expected: false },
      { name: "'Bearer ' with an empty token", authorization: 'Bearer ', expected: false },
      { name: "'Bearer' without a space or token", authorization: 'Bearer', expected: false },
      { name: 'the token without a scheme', authorization: SECRET, expected: false },
      // The auth scheme is case-insensitive (RFC 9110 section 11.1).
      { name: "the lowercase scheme 'bearer'", authorization: `bearer ${SECRET}`, expected: true },
      { name: 'the Basic scheme', authorization: `Basic ${SECRET}`, expected: false },
      // RFC 6750 section 2.1 allows one or more
      // spaces: credentials = "Bearer" 1*SP b64token.
      { name: 'two spaces after the scheme', authorization: `Bearer  ${SECRET}`, expected: true },
      { name: "'Bearer' followed by spaces only", authorization: 'Bearer   ', expected: false },
      {
        name: 'a token that is a prefix of the secret',
        authorization: `Bearer ${SECRET.slice(0, -1)}`,
        expected: false,
      },
      { name: 'the secret with more after it', authorization: `Bearer ${SECRET}0`, expected: false },
      { name: 'the secret in another case', authorization: `Bearer ${SECRET.toUpperCase()}`, expected: false },
    ];

    it.each(rows)('$name: $expected', ({ authorization, expected }) => {
      expect(bearerMatches(authorization, SECRET)).toEqual(expected);
    });
  });

  describe('secretMatches', () => {
    const rows: { name: string; given: string; expected: boolean }[] = [
      { name: 'the secret', given: SECRET, expected: true },
      { name: 'an empty string', given: '', expected: false },
      { name: 'a prefix of the secret', given: SECRET.slice(0, -1), expected: false },
      { name: 'the secret with more after it', given: `${SECRET}0`, expected: false },
      { name: 'the secret in another case', given: SECRET.toUpperCase(), expected: false },
    ];

    it.each(rows)('$name: $expected', ({ given, expected }) => {
      expect(secretMatches(given, SECRET)).toEqual(expected);
    });
  });
});
