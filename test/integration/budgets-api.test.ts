// The budgets JSON API on the built app, over real HTTP: sign-in required as for every dashboard route, the
// create, list, read, change and delete contract with exact bodies and statuses, a 400 naming each wrong field,
// 404 for an unknown or malformed id, and 503 while the database is away.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type AppServer } from '../../harness/app-server';
import { startTcpProxy, type TcpProxy } from '../../harness/tcp-proxy';
import { openDatabase } from '../../lib/db/database';
import { InteractionStore } from '../../lib/db/interaction-store';
import { interactionRow } from '../support/interaction-row';
import { startTcpDatabase, type TcpDatabase } from '../support/tcp-database';

const TOKEN = 'budgets-api-token-0123456789';
const AUTH = { authorization: `Bearer ${TOKEN}` };
const JSON_AUTH = { ...AUTH, 'content-type': 'application/json' };
const UNAUTHORIZED = { error: 'Sign in: send Authorization: Bearer <DASHBOARD_TOKEN> or use /sign-in.' };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UNKNOWN_ID = '0193a3b2-0000-7000-8000-000000000000';
const EMAIL = '/api/webhooks/email';
const DAY_MS = 86_400_000;

/** Today's UTC midnight, the period a day budget counts now (unless the test runs across midnight). */
function startOfToday(): Date {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

describe('the budgets API', () => {
  let database: TcpDatabase;
  let proxy: TcpProxy;
  let app: AppServer;
  const teardown: (() => Promise<unknown>)[] = [];
  const today = startOfToday();

  beforeAll(async () => {
    database = await startTcpDatabase();
    teardown.push(() => database.close());
    const db = await openDatabase({ databaseUrl: database.url });
    await new InteractionStore(db).insertMany([
      interactionRow(1, { startedAt: new Date(today.getTime() + 1), source: EMAIL, costUsd: '0.001250000000' }),
      interactionRow(2, { startedAt: new Date(today.getTime() + 2), source: EMAIL, costUsd: '0.000250000000' }),
      // Another source today, and the same source before this month: neither counts.
      interactionRow(3, { startedAt: new Date(today.getTime() + 3), costUsd: '0.5' }),
      interactionRow(4, { startedAt: new Date(today.getTime() - 40 * DAY_MS), source: EMAIL, costUsd: '3' }),
    ]);
    await db.close();
    proxy = await startTcpProxy({ host: database.host, port: database.port });
    teardown.push(() => proxy.close());
    app = await startApp({ DATABASE_URL: database.urlVia(proxy.port), DASHBOARD_TOKEN: TOKEN });
    teardown.push(() => app.stop());
  });

  afterAll(async () => {
    for (const undo of teardown.reverse()) await undo();
  });

  function call(method: string, pathname: string, body?: unknown, headers: Record<string, string> = JSON_AUTH) {
    return fetch(`${app.url}/api/dashboard/budgets${pathname}`, {
      method,
      headers,
      ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      redirect: 'manual',
    });
  }

  /** Status and JSON body, compared whole. */
  async function answer(res: Response): Promise<{ status: number; body: unknown }> {
    return { status: res.status, body: res.status === 204 ? null : await res.json() };
  }

  const invalid = (...issues: { field: string; message: string }[]) => ({
    status: 400,
    body: { error: 'Invalid budget.', issues },
  });
  const notFound = (id: string) => ({ status: 404, body: { error: `There is no budget with id "${id}".` } });

  describe('without sign-in', () => {
    it('answers 401 to every method, as the other dashboard routes do', async () => {
      const bare = { 'content-type': 'application/json' };
      const body = { period: 'day', limitUsd: '1' };
      for (const res of [
        await call('GET', '', undefined, {}),
        await call('POST', '', body, bare),
        await call('GET', `/${UNKNOWN_ID}`, undefined, {}),
        await call('PATCH', `/${UNKNOWN_ID}`, body, bare),
        await call('DELETE', `/${UNKNOWN_ID}`, undefined, {}),
        await call('POST', '', body, { ...bare, authorization: 'Bearer wrong-token-0123456789' }),
      ]) {
        expect({ status: res.status, body: await res.json() }).toEqual({ status: 401, body: UNAUTHORIZED });
      }
      expect(await answer(await call('GET', ''))).toEqual({ status: 200, body: { items: [] } });
    });
  });

  describe('with the Bearer token', () => {
    let id = '';

    it('creates a budget: 201 with the budget', async () => {
      const res = await call('POST', '', {
        scope: { source: EMAIL },
        period: 'day',
        limitUsd: '25',
        alertAt: [1, 0.5, 0.8],
        enforce: true,
      });
      const body = (await res.json()) as { id: string; createdAt: string };
      expect({ status: res.status, body }).toEqual({
        status: 201,
        body: {
          id: expect.stringMatching(UUID),
          scope: { source: EMAIL },
          period: 'day',
          limitUsd: '25',
          alertAt: [0.5, 0.8, 1],
          enforce: true,
          createdAt: expect.stringMatching(ISO),
          updatedAt: body.createdAt,
        },
      });
      id = body.id;
    });

    it('fills in the defaults: every call, alerts at 50, 80 and 100%, not enforced', async () => {
      const res = await call('POST', '', { period: 'month', limitUsd: 0.5 });
      const body = (await res.json()) as { id: string; createdAt: string };
      expect({ status: res.status, body }).toEqual({
        status: 201,
        body: {
          id: expect.stringMatching(UUID),
          scope: {},
          period: 'month',
          limitUsd: '0.5',
          alertAt: [0.5, 0.8, 1],
          enforce: false,
          createdAt: expect.stringMatching(ISO),
          updatedAt: body.createdAt,
        },
      });
      expect(await answer(await call('DELETE', `/${body.id}`))).toEqual({ status: 204, body: null });
    });

    it('lists the budgets with their exact spend in the current period', async () => {
      const before = Date.now();
      const res = await call('GET', '');
      const after = Date.now();
      const body = (await res.json()) as { items: { spend: { forecastUsd: string } }[] };
      const forecast = Number(body.items[0]?.spend.forecastUsd);
      const created = (await answer(await call('GET', `/${id}`))).body as Record<string, unknown>;
      expect({ status: res.status, body }).toEqual({
        status: 200,
        body: {
          items: [
            {
              ...created,
              spend: {
                periodStart: today.toISOString(),
                periodEnd: new Date(today.getTime() + DAY_MS).toISOString(),
                // Rows 1 and 2: not the other source, not the call 40 days ago.
                spentUsd: '0.001500000000',
                forecastUsd: expect.stringMatching(/^\d+\.\d{12}$/),
                fraction: 0.00006,
              },
            },
          ],
        },
      });
      // The day's spend at the rate so far: 0.0015 times the day over the time gone, some time in the request.
      const rate = (at: number) => (0.0015 * DAY_MS) / (at - today.getTime());
      expect(forecast).toBeLessThanOrEqual(rate(before) + 1e-12);
      expect(forecast).toBeGreaterThanOrEqual(rate(after) - 1e-12);
    });

    it('reads one budget with its spend', async () => {
      const res = await call('GET', `/${id}`);
      expect(await answer(res)).toEqual({
        status: 200,
        body: {
          id,
          scope: { source: EMAIL },
          period: 'day',
          limitUsd: '25',
          alertAt: [0.5, 0.8, 1],
          enforce: true,
          createdAt: expect.stringMatching(ISO),
          updatedAt: expect.stringMatching(ISO),
          spend: {
            periodStart: today.toISOString(),
            periodEnd: new Date(today.getTime() + DAY_MS).toISOString(),
            spentUsd: '0.001500000000',
            forecastUsd: expect.stringMatching(/^\d+\.\d{12}$/),
            fraction: 0.00006,
          },
        },
      });
    });

    it('changes a budget: 200 with the changed budget', async () => {
      const res = await call('PATCH', `/${id}`, { limitUsd: '30.5', enforce: false, scope: { kind: 'route' } });
      const body = (await res.json()) as { createdAt: string; updatedAt: string };
      expect({ status: res.status, body }).toEqual({
        status: 200,
        body: {
          id,
          scope: { kind: 'route' },
          period: 'day',
          limitUsd: '30.5',
          alertAt: [0.5, 0.8, 1],
          enforce: false,
          createdAt: expect.stringMatching(ISO),
          updatedAt: expect.stringMatching(ISO),
        },
      });
      expect(Date.parse(body.updatedAt)).toBeGreaterThan(Date.parse(body.createdAt));
    });

    it.each([
      [
        'an unknown key',
        { period: 'day', limitUsd: '1', colour: 'red' },
        [{ field: '', message: 'Unrecognized key: "colour"' }],
      ],
      [
        'an unknown scope key',
        { scope: { route: EMAIL }, period: 'day', limitUsd: '1' },
        [{ field: 'scope', message: 'Unrecognized key: "route"' }],
      ],
      ['a bad period', { period: 'year', limitUsd: '1' }, [{ field: 'period', message: 'must be day, week or month' }]],
      [
        'a negative limit',
        { period: 'day', limitUsd: '-1' },
        [
          {
            field: 'limitUsd',
            message: 'must be a positive amount of US dollars with at most 6 decimals, such as "25"',
          },
          { field: 'limitUsd', message: 'must be more than 0' },
        ],
      ],
      ['a zero limit', { period: 'day', limitUsd: '0' }, [{ field: 'limitUsd', message: 'must be more than 0' }]],
      [
        'no period nor limit',
        {},
        [
          { field: 'period', message: 'must be day, week or month' },
          // A string or a number: zod's union names no type.
          { field: 'limitUsd', message: 'Invalid input' },
        ],
      ],
      [
        'a kind and a source that disagree',
        { scope: { kind: 'job', source: EMAIL }, period: 'day', limitUsd: '1' },
        [{ field: 'scope.kind', message: 'kind and source disagree: the source names another kind' }],
      ],
      [
        'an attribute without a value',
        { scope: { attribute: { key: 'tenant' } }, period: 'day', limitUsd: '1' },
        [{ field: 'scope.attribute.value', message: 'Invalid input: expected string, received undefined' }],
      ],
    ])('answers 400 to a POST with %s, naming the field', async (_case, body, issues) => {
      expect(await answer(await call('POST', '', body))).toEqual(invalid(...issues));
    });

    it('answers 400 to a PATCH that changes nothing or holds a bad field', async () => {
      expect(await answer(await call('PATCH', `/${id}`, {}))).toEqual(
        invalid({ field: '', message: 'name at least one of scope, period, limitUsd, alertAt, enforce' }),
      );
      expect(await answer(await call('PATCH', `/${id}`, { limitUsd: '-1', periodd: 'day' }))).toEqual(
        invalid(
          {
            field: 'limitUsd',
            message: 'must be a positive amount of US dollars with at most 6 decimals, such as "25"',
          },
          { field: 'limitUsd', message: 'must be more than 0' },
          { field: '', message: 'Unrecognized key: "periodd"' },
        ),
      );
    });

    it('answers 400 to a body that is not JSON, and 415 to one not declared JSON', async () => {
      expect(await answer(await call('POST', '', '{"period":'))).toEqual({
        status: 400,
        body: { error: 'The body must be JSON: {"scope", "period", "limitUsd", "alertAt", "enforce"}.' },
      });
      const form = { ...AUTH, 'content-type': 'text/plain' };
      expect(await answer(await call('POST', '', { period: 'day', limitUsd: '1' }, form))).toEqual({
        status: 415,
        body: { error: 'Send the budget as JSON, with Content-Type: application/json.' },
      });
    });

    it('answers 404 for an unknown and a malformed id', async () => {
      for (const missing of [UNKNOWN_ID, 'not-a-budget']) {
        expect(await answer(await call('GET', `/${missing}`))).toEqual(notFound(missing));
        expect(await answer(await call('PATCH', `/${missing}`, { enforce: true }))).toEqual(notFound(missing));
        expect(await answer(await call('DELETE', `/${missing}`))).toEqual(notFound(missing));
      }
    });

    it('deletes a budget: 204, then 404', async () => {
      expect(await answer(await call('DELETE', `/${id}`))).toEqual({ status: 204, body: null });
      expect(await answer(await call('DELETE', `/${id}`))).toEqual(notFound(id));
      expect(await answer(await call('GET', `/${id}`))).toEqual(notFound(id));
      expect(await answer(await call('GET', ''))).toEqual({ status: 200, body: { items: [] } });
    });
  });

  describe('with the session cookie of the sign-in form, as the budgets page sends it', () => {
    it('creates, changes and deletes a budget', async () => {
      const signIn = await fetch(`${app.url}/api/auth/sign-in`, {
        method: 'POST',
        body: new URLSearchParams({ token: TOKEN, next: '/dashboard/budgets' }),
        redirect: 'manual',
      });
      const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      const headers = { cookie, 'content-type': 'application/json' };
      const created = await call('POST', '', { period: 'week', limitUsd: '2' }, headers);
      const { id } = (await created.json()) as { id: string };
      expect(created.status).toBe(201);
      const changed = await call('PATCH', `/${id}`, { limitUsd: '3' }, headers);
      expect({ status: changed.status, limitUsd: ((await changed.json()) as { limitUsd: string }).limitUsd }).toEqual({
        status: 200,
        limitUsd: '3',
      });
      expect((await call('DELETE', `/${id}`, undefined, { cookie })).status).toBe(204);
    });
  });

  describe('while the database is away', () => {
    it('answers 503 with Retry-After, as the other routes do', async () => {
      await proxy.cut();
      try {
        const res = await call('GET', '');
        expect({ status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.json() }).toEqual({
          status: 503,
          retryAfter: '30',
          body: { error: 'The database is unavailable; listing the budgets can be retried.' },
        });
        const created = await call('POST', '', { period: 'day', limitUsd: '1' });
        expect({
          status: created.status,
          retryAfter: created.headers.get('retry-after'),
          body: await created.json(),
        }).toEqual({
          status: 503,
          retryAfter: '30',
          body: { error: 'The database is unavailable; creating the budget can be retried.' },
        });
        const deleted = await call('DELETE', `/${UNKNOWN_ID}`);
        expect({ status: deleted.status, body: await deleted.json() }).toEqual({
          status: 503,
          body: { error: 'The database is unavailable; deleting the budget can be retried.' },
        });
      } finally {
        await proxy.restore();
      }
    });
  });
});
