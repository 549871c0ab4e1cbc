// Budget alerts end to end, against a real database (in-memory PGlite, or Postgres when TEST_DATABASE_URL is
// set) and a real HTTP webhook: each alert is posted once, by one of several alerters, across a restart, and
// through a webhook outage. Ticks take an explicit time instead of sleeping. Spikes: alert-evaluator.test.ts.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { freePort } from '../../../harness/free-port';
import { startTcpProxy } from '../../../harness/tcp-proxy';
import { createTestDatabase, type TestDatabase } from '../../../harness/test-database';
import { interactionRow } from '../../../test/support/interaction-row';
import { poll } from '../../../test/support/poll';
import { startTcpDatabase } from '../../../test/support/tcp-database';
import { openDatabase, type Database } from '../../db/database';
import type { PrismaClient } from '../../db/generated/client';
import { InteractionStore } from '../../db/interaction-store';
import { createLogger } from '../../logger';
import { createBudget } from '../budget-store';
import { BudgetAlerter, type BudgetAlerterOptions } from './budget-alerter';

const NOW = new Date('2026-12-04T12:00:00.000Z');
const SOURCE = '/api/webhooks/email';
const HTTP_500 = 'HTTP 500 Internal Server Error';

/** A webhook receiver: answers `status` (500 while "down"), keeps the bodies it answered 2xx to. */
interface Webhook {
  url: string;
  status: number;
  /** Every request, whatever the answer. */
  requests: number;
  delivered: unknown[];
  close(): Promise<void>;
}

async function startWebhook(port = 0, delayMs = 0): Promise<Webhook> {
  const readBody = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  };
  const server: Server = createServer((req, res) => {
    void readBody(req).then(async (body) => {
      webhook.requests++;
      if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
      const status = webhook.status;
      if (status < 300) webhook.delivered.push(JSON.parse(body));
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(status < 300 ? 'ok' : 'a long error page the alerter must not store');
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const webhook: Webhook = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/T000/B000/secret`,
    status: 200,
    requests: 0,
    delivered: [],
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return webhook;
}

/** A pino logger writing to a list of parsed lines. */
function recordingLogger(): { logger: BudgetAlerterOptions['logger']; lines: { level: number; msg: string }[] } {
  const lines: { level: number; msg: string }[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as { level: number; msg: string });
      done();
    },
  });
  return { logger: createLogger('debug', destination), lines };
}

let database: TestDatabase;
let prisma: PrismaClient;
let store: InteractionStore;
let spanId = 0;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  prisma = database.db.prisma;
  store = new InteractionStore(database.db);
});

afterAll(async () => {
  await database.drop();
});

beforeEach(async () => {
  await prisma.$executeRawUnsafe('TRUNCATE alert_delivery, budget, ai_interaction, ai_interaction_daily');
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** An alerter stopped after the test. */
function alerter(options: Partial<BudgetAlerterOptions> & Pick<BudgetAlerterOptions, 'webhookUrl'>): BudgetAlerter {
  const created = new BudgetAlerter({ prisma, logger: recordingLogger().logger, clock: () => NOW, ...options });
  cleanups.push(() => created.stop());
  return created;
}

async function webhook(port?: number, delayMs?: number): Promise<Webhook> {
  const started = await startWebhook(port, delayMs);
  cleanups.push(() => started.close());
  return started;
}

/** One priced call from `source` costing `costUsd`, started at `startedAt`. */
async function spend(costUsd: string, startedAt = new Date('2026-12-04T10:00:00.000Z'), source = SOURCE) {
  await store.insertMany([interactionRow(++spanId, { startedAt, source, costUsd })]);
}

async function emailBudget(alertAt = [0.5, 0.8, 1]) {
  return createBudget(prisma, { scope: { source: SOURCE }, period: 'day', limitUsd: '25', alertAt, enforce: false });
}

/** What the email budget posts when `threshold` is reached with `spentUsd` spent (12 decimals). */
function post(budgetId: string, threshold: number, spentUsd: string) {
  return {
    text:
      `Spendtrace: the daily budget for source /api/webhooks/email has reached ${threshold * 100}% — ` +
      `$${spentUsd.slice(0, -6)} of $25 (period 2026-12-04, UTC).`,
    kind: 'threshold',
    budget: { id: budgetId, scope: { source: SOURCE }, period: 'day', limitUsd: '25', enforce: false },
    threshold,
    spentUsd,
    periodStart: '2026-12-04T00:00:00.000Z',
    periodEnd: '2026-12-05T00:00:00.000Z',
  };
}

async function deliveries() {
  const rows = await prisma.alertDelivery.findMany({ orderBy: { key: 'asc' } });
  return rows.map((r) => ({
    key: r.key,
    status: r.status,
    attempts: r.attempts,
    lastError: r.lastError,
    nextAttemptAt: r.nextAttemptAt.toISOString(),
    deliveredAt: r.deliveredAt?.toISOString() ?? null,
  }));
}

const at = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);

describe('BudgetAlerter', () => {
  describe('tick', () => {
    it('posts each threshold once, in order, as the spend crosses them', async () => {
      const hook = await webhook();
      const budget = await emailBudget();
      const a = alerter({ webhookUrl: hook.url });

      await spend('13');
      await a.tick();
      await a.tick(at(30));
      expect(hook.delivered).toEqual([post(budget.id, 0.5, '13.000000000000')]);

      await spend('12');
      await a.tick(at(60));
      await a.tick(at(90));
      expect(hook.delivered).toEqual([
        post(budget.id, 0.5, '13.000000000000'),
        post(budget.id, 0.8, '25.000000000000'),
        post(budget.id, 1, '25.000000000000'),
      ]);
      expect(hook.requests).toBe(3);
    });

    it('records and posts nothing without a webhook URL', async () => {
      await emailBudget();
      await spend('25');
      await alerter({ webhookUrl: undefined }).tick();
      expect(await prisma.alertDelivery.count()).toBe(0);
    });

    it('posts each alert once with two alerters ticking at the same time', async () => {
      const hook = await webhook(0, 20);
      const budget = await emailBudget();
      // On Postgres the second alerter has its own connection pool, as a second app instance would.
      let second: Database | undefined;
      if (database.url !== undefined) {
        second = await openDatabase({ databaseUrl: database.url });
        cleanups.push(() => second?.close() ?? Promise.resolve());
      }
      const a = alerter({ webhookUrl: hook.url });
      const b = alerter({ webhookUrl: hook.url, prisma: second?.prisma ?? prisma });
      for (let round = 0; round < 6; round++) {
        await spend('5');
        await Promise.all([a.tick(at(round)), b.tick(at(round)), a.tick(at(round)), b.tick(at(round))]);
      }
      // Either alerter may have posted any of them; each was posted in the round its threshold was crossed.
      const threshold = (post: unknown) => (post as { threshold: number }).threshold;
      expect([...hook.delivered].sort((x, y) => threshold(x) - threshold(y))).toEqual([
        post(budget.id, 0.5, '15.000000000000'),
        post(budget.id, 0.8, '20.000000000000'),
        post(budget.id, 1, '25.000000000000'),
      ]);
      expect(hook.requests).toBe(3);
      expect((await deliveries()).map((d) => [d.status, d.attempts])).toEqual([
        ['delivered', 1],
        ['delivered', 1],
        ['delivered', 1],
      ]);
    });

    it('posts nothing again after a restart, and what is new once', async () => {
      const hook = await webhook();
      const budget = await emailBudget();
      await spend('20');
      const before = alerter({ webhookUrl: hook.url });
      await before.tick();
      await before.stop();
      await before.stop();

      // A restarted process: on Postgres a new connection pool too.
      const reopened = database.url === undefined ? undefined : await openDatabase({ databaseUrl: database.url });
      if (reopened !== undefined) cleanups.push(() => reopened.close());
      const after = alerter({ webhookUrl: hook.url, prisma: reopened?.prisma ?? prisma });
      await after.tick(at(60));
      expect(hook.requests).toBe(2);

      await spend('5');
      await after.tick(at(120));
      expect(hook.delivered).toEqual([
        post(budget.id, 0.5, '20.000000000000'),
        post(budget.id, 0.8, '20.000000000000'),
        post(budget.id, 1, '25.000000000000'),
      ]);
      expect(hook.requests).toBe(3);
    });
  });

  describe('delivery', () => {
    it('retries with backoff while the webhook answers 500, then posts every alert once', async () => {
      const hook = await webhook();
      hook.status = 500;
      const budget = await emailBudget();
      await spend('25');
      const a = alerter({ webhookUrl: hook.url });
      const keys = [0.5, 0.8, 1].map((t) => `threshold:${budget.id}:2026-12-04T00:00:00.000Z:${t}`);

      await a.tick(at(0));
      await a.tick(at(4)); // not due before 5 s
      await a.tick(at(5));
      expect(hook.requests).toBe(6);
      expect(await deliveries()).toEqual(
        keys.map((key) => ({
          key,
          status: 'pending',
          attempts: 2,
          lastError: HTTP_500,
          nextAttemptAt: at(15).toISOString(),
          deliveredAt: null,
        })),
      );

      hook.status = 200;
      await a.tick(at(15));
      await a.tick(at(600));
      expect(hook.delivered).toEqual([
        post(budget.id, 0.5, '25.000000000000'),
        post(budget.id, 0.8, '25.000000000000'),
        post(budget.id, 1, '25.000000000000'),
      ]);
      expect(hook.requests).toBe(9);
      expect(await deliveries()).toEqual(
        keys.map((key) => ({
          key,
          status: 'delivered',
          attempts: 3,
          lastError: HTTP_500,
          nextAttemptAt: at(15).toISOString(),
          deliveredAt: at(15).toISOString(),
        })),
      );
    });

    it('retries while the webhook refuses connections, then posts every alert once', async () => {
      const port = await freePort();
      const budget = await emailBudget([1]);
      await spend('30');
      const a = alerter({ webhookUrl: `http://127.0.0.1:${port}/hook` });
      await a.tick(at(0));
      expect(await deliveries()).toEqual([
        {
          key: `threshold:${budget.id}:2026-12-04T00:00:00.000Z:1`,
          status: 'pending',
          attempts: 1,
          lastError: 'could not reach the webhook (ECONNREFUSED)',
          nextAttemptAt: at(5).toISOString(),
          deliveredAt: null,
        },
      ]);

      const hook = await webhook(port);
      await a.tick(at(5));
      await a.tick(at(60));
      expect(hook.delivered).toEqual([post(budget.id, 1, '30.000000000000')]);
      expect(hook.requests).toBe(1);
    });

    it('counts a webhook that does not answer within the timeout as a failure', async () => {
      const hook = await webhook(0, 1_000);
      await emailBudget([1]);
      await spend('25');
      await alerter({ webhookUrl: hook.url, delivery: { timeoutMs: 100 } }).tick(at(0));
      expect((await deliveries()).map((d) => [d.status, d.attempts, d.lastError])).toEqual([
        ['pending', 1, 'no answer within 100 ms'],
      ]);
    });

    it('gives an alert up once its retry window has passed, with the last error', async () => {
      const hook = await webhook();
      hook.status = 500;
      const budget = await emailBudget([1]);
      await spend('25');
      const a = alerter({ webhookUrl: hook.url });
      await a.tick(at(0));
      await a.tick(at(86_400));
      await a.tick(at(90_000));
      expect(hook.requests).toBe(2);
      expect(await deliveries()).toEqual([
        {
          key: `threshold:${budget.id}:2026-12-04T00:00:00.000Z:1`,
          status: 'failed',
          attempts: 2,
          lastError: HTTP_500,
          nextAttemptAt: at(5).toISOString(),
          deliveredAt: null,
        },
      ]);
    });
  });

  describe('start', () => {
    it('ticks on its timer until stopped', async () => {
      const hook = await webhook();
      const budget = await emailBudget([1]);
      await spend('25', new Date());
      const a = alerter({ webhookUrl: hook.url, clock: () => new Date(), intervalMs: 20 });
      a.start();
      const posted = await poll(
        () => hook.delivered.length,
        (n) => n === 1,
      );
      expect(posted).toBe(1);
      await a.stop();
      await a.stop();
      expect((await deliveries()).map((d) => [d.key.split(':')[1], d.status])).toEqual([[budget.id, 'delivered']]);
    });

    it('survives a database outage: one warning, then it carries on when the database is back', async () => {
      const hook = await webhook();
      const tcp = await startTcpDatabase();
      cleanups.push(() => tcp.close());
      const proxy = await startTcpProxy({ host: tcp.host, port: tcp.port });
      cleanups.push(() => proxy.close());
      const proxied = await openDatabase({ databaseUrl: tcp.urlVia(proxy.port), onConnectionError: () => undefined });
      cleanups.push(() => proxied.close());
      const budget = await createBudget(proxied.prisma, {
        scope: {},
        period: 'day',
        limitUsd: '1',
        alertAt: [1],
        enforce: false,
      });
      await new InteractionStore(proxied).insertMany([interactionRow(++spanId, { startedAt: at(-60), costUsd: '2' })]);
      const { logger, lines } = recordingLogger();
      const a = alerter({ webhookUrl: hook.url, prisma: proxied.prisma, logger });

      await proxy.cut();
      await a.tick(at(0));
      await a.tick(at(15));
      await proxy.restore();
      await a.tick(at(30));

      expect(lines.filter((l) => l.level >= 30).map((l) => [l.level, l.msg])).toEqual([
        [40, 'budget alerts: could not evaluate or deliver alerts (the database failed); retrying every 15000 ms'],
        [30, 'budget alerts: the database answers again; alerts are evaluated and delivered'],
        [30, 'budget alerts: alert posted to the webhook'],
      ]);
      expect(hook.delivered.map((p) => (p as { budget: { id: string } }).budget.id)).toEqual([budget.id]);
    });
  });
});
