// Dashboard access on the built app, over real HTTP: the proxy's 401/307/503 answers, Bearer tokens,
// the sign-in form and its session cookie, sign-out, and the routes that stay public.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveSessionKey, signSession } from '../../lib/auth/session';
import { startApp, type AppServer } from '../../harness/app-server';

const TOKEN = 'dashboard-token-0123456789';
const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
const UNAUTHORIZED = { error: 'Sign in: send Authorization: Bearer <DASHBOARD_TOKEN> or use /sign-in.' };
const CLOSED = 'Set DASHBOARD_TOKEN to open the dashboard (at least 16 characters; see .env.example).';
const SESSION_COOKIE = /^spendtrace_session=(\d+\.[\w-]{43}); Path=\/; Max-Age=43200; HttpOnly; SameSite=Lax$/;

/** Starts the app on a fresh embedded database; returns it and how to stop it and remove the database. */
async function startWith(env: Record<string, string>): Promise<{ app: AppServer; stop: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'spendtrace-dashboard-auth-'));
  try {
    const app = await startApp({ SPENDTRACE_DATA_DIR: path.join(dir, 'pglite'), ...env });
    return {
      app,
      stop: async () => {
        await app.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

describe('dashboard access', () => {
  describe('with DASHBOARD_TOKEN set', () => {
    let app: AppServer;
    let stop: (() => Promise<void>) | undefined;

    beforeAll(async () => {
      ({ app, stop } = await startWith({ DASHBOARD_TOKEN: TOKEN }));
    });

    afterAll(async () => {
      await stop?.();
    });

    function get(pathname: string, headers: Record<string, string> = {}): Promise<Response> {
      return fetch(`${app.url}${pathname}`, { headers, redirect: 'manual' });
    }

    function signIn(fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
      return fetch(`${app.url}/api/auth/sign-in`, {
        method: 'POST',
        headers: { accept: BROWSER, ...headers },
        body: new URLSearchParams(fields),
        redirect: 'manual',
      });
    }

    async function expectUnauthorized(res: Response): Promise<void> {
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      expect(res.headers.get('content-type')).toBe('application/json');
      expect(await res.json()).toEqual(UNAUTHORIZED);
    }

    /** The session cookie's value from a successful sign-in. */
    async function sessionFromSignIn(): Promise<string> {
      const res = await signIn({ token: TOKEN, next: '/dashboard' });
      expect(res.status).toBe(303);
      const value = SESSION_COOKIE.exec(res.headers.get('set-cookie') ?? '')?.[1];
      if (value === undefined) throw new Error(`No session cookie in ${res.headers.get('set-cookie') ?? 'null'}`);
      return value;
    }

    describe('without credentials', () => {
      it('answers 401 JSON on a data route', async () => {
        await expectUnauthorized(await get('/api/dashboard/anything'));
      });

      it('answers 401 JSON on the page to a request that does not accept HTML', async () => {
        await expectUnauthorized(await get('/dashboard'));
        await expectUnauthorized(await get('/dashboard', { accept: 'application/json' }));
      });

      it('answers 401 JSON on a data route to a browser', async () => {
        await expectUnauthorized(await get('/api/dashboard/export.csv', { accept: BROWSER }));
      });

      it('redirects a browser to /sign-in with the page as next', async () => {
        const res = await get('/dashboard', { accept: BROWSER });
        expect(res.status).toBe(307);
        expect(res.headers.get('location')).toBe('/sign-in?next=%2Fdashboard');
      });

      it('keeps a nested path and its query in next', async () => {
        const res = await get('/dashboard/costs?from=2026-01-01&by=route', { accept: BROWSER });
        expect(res.status).toBe(307);
        expect(res.headers.get('location')).toBe('/sign-in?next=%2Fdashboard%2Fcosts%3Ffrom%3D2026-01-01%26by%3Droute');
      });

      it('does not serve the page under an encoded or differently spelled path', async () => {
        const spellings = ['/%64ashboard', '/dashboard/', '/DASHBOARD', '/api/%64ashboard/x', '/dashboard.rsc'];
        for (const pathname of [...spellings, '/dashboard.segments/__PAGE__.segment.rsc']) {
          const res = await get(pathname, { accept: BROWSER });
          await res.arrayBuffer();
          expect({ pathname, status: res.status }).not.toEqual({ pathname, status: 200 });
        }
      });

      it('answers 401 to the client router fetching the page payload', async () => {
        await expectUnauthorized(await get('/dashboard', { rsc: '1', 'next-router-prefetch': '1' }));
        await expectUnauthorized(await get('/dashboard.rsc'));
      });
    });

    describe('a Bearer token', () => {
      it('opens the dashboard page, which no shared cache may keep', async () => {
        const res = await get('/dashboard', { authorization: `Bearer ${TOKEN}` });
        await res.arrayBuffer();
        expect(res.status).toBe(200);
        expect(res.headers.get('cache-control')).toBe('private, no-store');
      });

      it('passes data routes on to the app (404 for one that does not exist)', async () => {
        const res = await get('/api/dashboard/anything', { authorization: `Bearer ${TOKEN}` });
        await res.arrayBuffer();
        expect(res.status).toBe(404);
      });

      it('answers 401 to the token in the query string, in another case, or as Basic credentials', async () => {
        await expectUnauthorized(await get(`/dashboard?token=${TOKEN}`));
        await expectUnauthorized(await get(`/api/dashboard/breakdown.csv?access_token=${TOKEN}`));
        await expectUnauthorized(await get('/dashboard', { authorization: `Bearer ${TOKEN.toUpperCase()}` }));
        await expectUnauthorized(await get('/dashboard', { authorization: `Bearer ${TOKEN}0` }));
        await expectUnauthorized(
          await get('/dashboard', { authorization: `Basic ${Buffer.from(`admin:${TOKEN}`).toString('base64')}` }),
        );
      });

      it('answers 401 when wrong, also to a browser', async () => {
        await expectUnauthorized(await get('/dashboard', { authorization: 'Bearer wrong-token-0123456789' }));
        await expectUnauthorized(
          await get('/dashboard', { authorization: 'Bearer wrong-token-0123456789', accept: BROWSER }),
        );
      });
    });

    describe('GET /sign-in', () => {
      it('shows the form, carrying a safe next', async () => {
        const res = await get('/sign-in?next=%2Fdashboard%2Fcosts%3Fx%3D1', { accept: BROWSER });
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
        const html = await res.text();
        expect(html).toContain('<form method="post" action="/api/auth/sign-in">');
        expect(html).toContain('<input type="hidden" name="next" value="/dashboard/costs?x=1">');
      });

      it('replaces an absolute next with /dashboard', async () => {
        const html = await (await get('/sign-in?next=https%3A%2F%2Fevil.example')).text();
        expect(html).toContain('<input type="hidden" name="next" value="/dashboard">');
      });
    });

    describe('POST /api/auth/sign-in', () => {
      it('sets an HttpOnly, SameSite=Lax session cookie and redirects 303 to next', async () => {
        const res = await signIn({ token: TOKEN, next: '/dashboard/costs?x=1' });
        expect(res.status).toBe(303);
        expect(res.headers.get('location')).toBe('/dashboard/costs?x=1');
        expect(res.headers.get('set-cookie')).toMatch(SESSION_COOKIE);
      });

      it('accepts the token with surrounding whitespace, as pasted', async () => {
        const res = await signIn({ token: ` ${TOKEN}\n`, next: '/dashboard' });
        expect(res.status).toBe(303);
      });

      it('marks the cookie Secure behind an HTTPS reverse proxy', async () => {
        const res = await signIn({ token: TOKEN }, { 'x-forwarded-proto': 'https' });
        expect(res.headers.get('set-cookie')).toMatch(/; HttpOnly; SameSite=Lax; Secure$/);
      });

      it('gives a cookie that opens the dashboard page and its data routes', async () => {
        const cookie = `spendtrace_session=${await sessionFromSignIn()}`;
        const page = await get('/dashboard', { cookie, accept: BROWSER });
        await page.arrayBuffer();
        expect(page.status).toBe(200);
        const data = await get('/api/dashboard/anything', { cookie });
        await data.arrayBuffer();
        expect(data.status).toBe(404);
      });

      it('redirects to /dashboard without next', async () => {
        const res = await signIn({ token: TOKEN });
        expect(res.headers.get('location')).toBe('/dashboard');
      });

      it.each(['https://evil.example', '//evil.example', '/\\evil.example', 'javascript:alert(1)'])(
        'redirects to /dashboard, not to next=%s',
        async (next) => {
          const res = await signIn({ token: TOKEN, next });
          expect(res.status).toBe(303);
          expect(res.headers.get('location')).toBe('/dashboard');
        },
      );

      it('answers a wrong token with the form again, 401 and no cookie', async () => {
        const res = await signIn({ token: 'wrong-token-0123456789', next: '/dashboard/costs' });
        expect(res.status).toBe(401);
        expect(res.headers.get('set-cookie')).toBeNull();
        expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
        const html = await res.text();
        expect(html).toContain('<p class="error" role="alert">That token is not right.</p>');
        expect(html).toContain('<input type="hidden" name="next" value="/dashboard/costs">');
      });

      it('answers an empty token with 400 saying what to enter', async () => {
        const res = await signIn({ token: '  ' });
        expect(res.status).toBe(400);
        expect(await res.text()).toContain('Enter the dashboard token (DASHBOARD_TOKEN).');
      });

      it('answers a JSON body with 415 saying what to send', async () => {
        const res = await fetch(`${app.url}/api/auth/sign-in`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ token: TOKEN }),
          redirect: 'manual',
        });
        expect(res.status).toBe(415);
        expect(await res.json()).toEqual({
          error: 'Send the sign-in form: a form body (application/x-www-form-urlencoded) with token and next.',
        });
      });
    });

    describe('a session cookie that is not valid', () => {
      const key = deriveSessionKey(TOKEN, undefined);

      it('sends a browser with an expired session back to /sign-in', async () => {
        const cookie = `spendtrace_session=${signSession(key, Date.now() - 1000)}`;
        const res = await get('/dashboard', { cookie, accept: BROWSER });
        expect(res.status).toBe(307);
        expect(res.headers.get('location')).toBe('/sign-in?next=%2Fdashboard');
        await expectUnauthorized(await get('/dashboard', { cookie }));
      });

      it('answers 401 to a tampered session', async () => {
        const value = await sessionFromSignIn();
        const [stamp = '', mac = ''] = value.split('.');
        const later = `spendtrace_session=${Number(stamp) + 86_400_000}.${mac}`;
        await expectUnauthorized(await get('/dashboard', { cookie: later }));
        const flipped = `spendtrace_session=${stamp}.${mac.startsWith('A') ? 'B' : 'A'}${mac.slice(1)}`;
        await expectUnauthorized(await get('/api/dashboard/anything', { cookie: flipped }));
      });

      it('answers 401 to a session signed with another token', async () => {
        const other = deriveSessionKey('another-dashboard-token-01', undefined);
        const cookie = `spendtrace_session=${signSession(other, Date.now() + 60_000)}`;
        await expectUnauthorized(await get('/dashboard', { cookie }));
      });
    });

    describe('POST /api/auth/sign-out', () => {
      it('clears the cookie and redirects 303 to /sign-in', async () => {
        const res = await fetch(`${app.url}/api/auth/sign-out`, {
          method: 'POST',
          headers: { cookie: `spendtrace_session=${await sessionFromSignIn()}` },
          redirect: 'manual',
        });
        expect(res.status).toBe(303);
        expect(res.headers.get('location')).toBe('/sign-in');
        expect(res.headers.get('set-cookie')).toBe('spendtrace_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax');
      });
    });

    describe('public routes', () => {
      it('serves the home page', async () => {
        const res = await get('/', { accept: BROWSER });
        expect(res.status).toBe(200);
        expect(await res.text()).toContain('<h1>Spendtrace</h1>');
      });

      it('leaves webhooks to their own validation', async () => {
        const res = await fetch(`${app.url}/api/webhooks/email`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{}',
        });
        expect(res.status).toBe(400);
        expect(await res.json()).toMatchObject({ error: 'Invalid email payload.' });
      });

      it('leaves cron routes to their own secret', async () => {
        const res = await get('/api/cron/followups', { authorization: `Bearer ${TOKEN}` });
        expect(res.status).toBe(503);
        expect(await res.json()).toEqual({
          error: 'CRON_SECRET is not set on the server; set it to enable cron endpoints.',
        });
      });
    });
  });

  describe('without DASHBOARD_TOKEN (closed, private by default)', () => {
    let app: AppServer;
    let stop: (() => Promise<void>) | undefined;

    beforeAll(async () => {
      ({ app, stop } = await startWith({}));
    });

    afterAll(async () => {
      await stop?.();
    });

    it('answers 503 with a page saying what to set to a browser', async () => {
      const res = await fetch(`${app.url}/dashboard`, { headers: { accept: BROWSER }, redirect: 'manual' });
      expect(res.status).toBe(503);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(await res.text()).toContain(CLOSED);
    });

    it('answers 503 JSON on a data route, whatever the credentials', async () => {
      const res = await fetch(`${app.url}/api/dashboard/anything`, {
        headers: { authorization: `Bearer ${TOKEN}` },
        redirect: 'manual',
      });
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ error: CLOSED });
    });

    it('answers 503 on the sign-in page and form', async () => {
      const page = await fetch(`${app.url}/sign-in`, { redirect: 'manual' });
      expect(page.status).toBe(503);
      expect(await page.text()).toContain(CLOSED);
      const form = await fetch(`${app.url}/api/auth/sign-in`, {
        method: 'POST',
        body: new URLSearchParams({ token: TOKEN }),
        redirect: 'manual',
      });
      expect(form.status).toBe(503);
      expect(form.headers.get('set-cookie')).toBeNull();
      expect(await form.text()).toContain(CLOSED);
    });

    it('still serves the home page', async () => {
      const res = await fetch(`${app.url}/`, { redirect: 'manual' });
      await res.arrayBuffer();
      expect(res.status).toBe(200);
    });
  });
});
