// decideAccess as a table: the facts of a request and the access settings in, what the proxy does out.
import { describe, expect, it } from 'vitest';

import { decideAccess, hasCredentials, isProtectedPath } from './decide-access';
import { deriveSessionKey, signSession } from './session';
import type { AccessDecision, DashboardAccess, RequestFacts } from './types';

const TOKEN = 'dashboard-token-0123456789';
const NOW = Date.UTC(2026, 0, 15, 9, 0, 0);
const MAX_AGE = 12 * 3_600_000;
const OPEN: DashboardAccess = {
  open: true,
  token: TOKEN,
  sessionKey: deriveSessionKey(TOKEN, undefined),
  sessionMaxAgeMs: MAX_AGE,
};
const CLOSED: DashboardAccess = { open: false };
const SESSION = signSession(OPEN.sessionKey, NOW + MAX_AGE);
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

/** A request from curl: GET, `Accept: *\/*`, no credentials. */
const REQUEST: RequestFacts = {
  method: 'GET',
  pathname: '/dashboard',
  search: '',
  authorization: null,
  accept: '*/*',
  sessionCookie: undefined,
  now: NOW,
};

const ALLOW: AccessDecision = { action: 'allow' };
const UNAUTHORIZED: AccessDecision = { action: 'unauthorized' };

describe('decide-access', () => {
  describe('isProtectedPath', () => {
    const rows: { pathname: string; expected: boolean }[] = [
      { pathname: '/dashboard', expected: true },
      { pathname: '/dashboard/costs', expected: true },
      { pathname: '/api/dashboard', expected: true },
      { pathname: '/api/dashboard/export.csv', expected: true },
      { pathname: '/', expected: false },
      { pathname: '/dashboards', expected: false },
      { pathname: '/sign-in', expected: false },
      { pathname: '/api/auth/sign-in', expected: false },
      { pathname: '/api/webhooks/email', expected: false },
      { pathname: '/api/cron/followups', expected: false },
      { pathname: '/_next/static/chunks/main.js', expected: false },
    ];

    it.each(rows)('$pathname: $expected', ({ pathname, expected }) => {
      expect(isProtectedPath(pathname)).toEqual(expected);
    });
  });

  describe('hasCredentials', () => {
    const rows: { name: string; request: Partial<RequestFacts>; access?: DashboardAccess; expected: boolean }[] = [
      { name: 'the right Bearer token', request: { authorization: `Bearer ${TOKEN}` }, expected: true },
      { name: 'a valid session', request: { sessionCookie: SESSION }, expected: true },
      { name: 'nothing', request: {}, expected: false },
      { name: 'a wrong Bearer token', request: { authorization: 'Bearer wrong-token-0123456789' }, expected: false },
      { name: 'an expired session', request: { sessionCookie: SESSION, now: NOW + MAX_AGE }, expected: false },
      {
        name: 'the right token while closed',
        request: { authorization: `Bearer ${TOKEN}` },
        access: CLOSED,
        expected: false,
      },
    ];

    it.each(rows)('$name: $expected', ({ request, access, expected }) => {
      expect(hasCredentials({ ...REQUEST, ...request }, access ?? OPEN)).toEqual(expected);
    });
  });

  describe('decideAccess', () => {
    const rows: { name: string; request: Partial<RequestFacts>; access?: DashboardAccess; expected: AccessDecision }[] =
      [
        // Public paths, whatever the settings.
        { name: 'the home page', request: { pathname: '/' }, expected: ALLOW },
        { name: 'the sign-in page', request: { pathname: '/sign-in', accept: BROWSER_ACCEPT }, expected: ALLOW },
        { name: 'a webhook', request: { method: 'POST', pathname: '/api/webhooks/email' }, expected: ALLOW },
        {
          name: 'a cron route while closed',
          request: { pathname: '/api/cron/followups' },
          access: CLOSED,
          expected: ALLOW,
        },
        // Closed: 503 whatever the credentials.
        {
          name: 'a page while closed, from a browser',
          request: { accept: BROWSER_ACCEPT },
          access: CLOSED,
          expected: { action: 'closed', html: true },
        },
        {
          name: 'a data route while closed, with a Bearer token',
          request: { pathname: '/api/dashboard/export.csv', authorization: `Bearer ${TOKEN}` },
          access: CLOSED,
          expected: { action: 'closed', html: false },
        },
        // The right credentials.
        {
          name: 'the page with the right Bearer token',
          request: { authorization: `Bearer ${TOKEN}` },
          expected: ALLOW,
        },
        {
          name: 'a data route with the right Bearer token',
          request: { pathname: '/api/dashboard/export.csv', authorization: `Bearer ${TOKEN}` },
          expected: ALLOW,
        },
        { name: 'the page with a valid session', request: { sessionCookie: SESSION }, expected: ALLOW },
        {
          name: 'a server action POST with a valid session',
          request: { method: 'POST', pathname: '/dashboard/costs', accept: 'text/x-component', sessionCookie: SESSION },
          expected: ALLOW,
        },
        {
          name: 'a valid session with a wrong Bearer token',
          request: { sessionCookie: SESSION, authorization: 'Bearer wrong-token-0123456789' },
          expected: ALLOW,
        },
        // No or wrong credentials.
        { name: 'the page without credentials, from curl', request: {}, expected: UNAUTHORIZED },
        { name: 'the page without credentials and without Accept', request: { accept: null }, expected: UNAUTHORIZED },
        {
          name: 'the page without credentials, from a browser',
          request: { accept: BROWSER_ACCEPT },
          expected: { action: 'sign-in', location: '/sign-in?next=%2Fdashboard' },
        },
        {
          name: 'a nested page with a query, from a browser (HEAD)',
          request: {
            method: 'HEAD',
            pathname: '/dashboard/costs',
            search: '?from=2026-01-01&by=route',
            accept: BROWSER_ACCEPT,
          },
          expected: {
            action: 'sign-in',
            location: '/sign-in?next=%2Fdashboard%2Fcosts%3Ffrom%3D2026-01-01%26by%3Droute',
          },
        },
        {
          name: 'a data route without credentials, from a browser',
          request: { pathname: '/api/dashboard/export.csv', accept: BROWSER_ACCEPT },
          expected: UNAUTHORIZED,
        },
        {
          name: 'a form POST to a page without credentials, from a browser',
          request: { method: 'POST', accept: BROWSER_ACCEPT },
          expected: UNAUTHORIZED,
        },
        {
          name: 'a wrong Bearer token',
          request: { authorization: 'Bearer wrong-token-0123456789' },
          expected: UNAUTHORIZED,
        },
        {
          name: 'a wrong Bearer token from a browser',
          request: { authorization: 'Bearer wrong-token-0123456789', accept: BROWSER_ACCEPT },
          expected: UNAUTHORIZED,
        },
        {
          name: 'Basic credentials from a browser (a reverse proxy in front)',
          request: { authorization: 'Basic dXNlcjpwYXNz', accept: BROWSER_ACCEPT },
          expected: { action: 'sign-in', location: '/sign-in?next=%2Fdashboard' },
        },
        { name: 'the token without the Bearer scheme', request: { authorization: TOKEN }, expected: UNAUTHORIZED },
        {
          name: 'the token in another case',
          request: { authorization: `Bearer ${TOKEN.toUpperCase()}` },
          expected: UNAUTHORIZED,
        },
        {
          name: 'the token with one character more',
          request: { authorization: `Bearer ${TOKEN}0` },
          expected: UNAUTHORIZED,
        },
        {
          name: 'the token as Basic credentials, from curl',
          request: { authorization: `Basic ${Buffer.from(`:${TOKEN}`).toString('base64')}` },
          expected: UNAUTHORIZED,
        },
        // A token in the URL would land in access logs and browser history: never a credential.
        { name: 'the token in the query string', request: { search: `?token=${TOKEN}` }, expected: UNAUTHORIZED },
        {
          name: 'the token as access_token in the query string (RFC 6750 section 2.3)',
          request: { search: `?access_token=${TOKEN}` },
          expected: UNAUTHORIZED,
        },
        {
          name: 'a session cookie signed with the token itself rather than the derived key',
          request: { sessionCookie: signSession(Buffer.from(TOKEN), NOW + 1000) },
          expected: UNAUTHORIZED,
        },
        {
          name: 'an expired session',
          request: { sessionCookie: signSession(OPEN.sessionKey, NOW - 1) },
          expected: UNAUTHORIZED,
        },
        {
          name: 'an expired session, from a browser',
          request: { sessionCookie: signSession(OPEN.sessionKey, NOW - 1), accept: BROWSER_ACCEPT },
          expected: { action: 'sign-in', location: '/sign-in?next=%2Fdashboard' },
        },
        {
          name: 'a session signed with another key',
          request: { sessionCookie: signSession(deriveSessionKey('old-dashboard-token-0001', undefined), NOW + 1000) },
          expected: UNAUTHORIZED,
        },
        { name: 'a garbage session cookie', request: { sessionCookie: 'admin=true' }, expected: UNAUTHORIZED },
      ];

    it.each(rows)('$name', ({ request, access, expected }) => {
      expect(decideAccess({ ...REQUEST, ...request }, access ?? OPEN)).toEqual(expected);
    });
  });
});
