// Budgets in the built app, as an operator uses them: a budget created through the dashboard's API, a route
// over it answered 429 with Retry-After at the end of the period and the budget named, another route going
// on, the Vercel AI SDK's route guarded too, and the threshold alert posted to the webhook once.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalProvider, type LocalProvider } from '../../lib/ai/local-provider';
import { startApp, type AppServer } from '../../harness/app-server';
import { runScript } from '../../harness/run-script';
import { databaseEnv, scratchDatabase } from '../../harness/scratch-database';
import { poll } from '../support/poll';

const TOKEN = 'app-budgets-dashboard-token-01';

interface Webhook {
  url: string;
  bodies: { text: string; kind: string; threshold?: number; budget?: { id: string } }[];
  close(): Promise<void>;
}

async function startWebhook(): Promise<Webhook> {
  const bodies: Webhook['bodies'] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Webhook['bodies'][number]);
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    bodies,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('budgets in the app', () => {
  let provider: LocalProvider;
  let webhook: Webhook;
  let app: AppServer;
  const teardown: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    provider = await startLocalProvider();
    teardown.push(() => provider.close());
    webhook = await startWebhook();
    teardown.push(() => webhook.close());
    const database = await scratchDatabase(teardown, 'spendtrace-budgets-');
    expect((await runScript('scripts/seed.ts', databaseEnv(database))).code).toBe(0);
    app = await startApp({
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: provider.url,
      DASHBOARD_TOKEN: TOKEN,
      SPENDTRACE_EXPORTER: 'database',
      SPENDTRACE_BUDGET_REFRESH_SECONDS: '1',
      SPENDTRACE_ALERT_INTERVAL_SECONDS: '1',
      SPENDTRACE_ALERT_WEBHOOK_URL: webhook.url,
      ...databaseEnv(database),
    });
    teardown.push(() => app.stop());
  });

  afterAll(async () => {
    for (const undo of teardown.reverse()) await undo();
  });

  const post = (route: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${app.url}${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  it('refuses a spent route with 429 until the end of the day, lets another route go on, and alerts once', async () => {
    const created = await post(
      '/api/dashboard/budgets',
      {
        scope: { source: '/api/leads/[id]/classify' },
        period: 'day',
        limitUsd: '0.000001',
        alertAt: [1],
        enforce: true,
      },
      { authorization: `Bearer ${TOKEN}` },
    );
    expect(created.status).toBe(201);
    const budget = (await created.json()) as { id: string };

    // The app reads budgets every second; a call in its scope then spends it, and the calls after are refused.
    expect((await post('/api/leads/lead_1/classify', {})).status).toBe(200);
    let requestsBefore = 0;
    const refused = await poll(
      async () => {
        requestsBefore = provider.requests.length;
        return post('/api/leads/lead_2/classify', {});
      },
      (res) => res.status !== 200,
      { timeoutMs: 10_000 },
    );
    const now = Date.now();
    expect(refused.status).toBe(429);
    const midnight = Date.UTC(
      new Date(now).getUTCFullYear(),
      new Date(now).getUTCMonth(),
      new Date(now).getUTCDate() + 1,
    );
    const retryAfter = Number(refused.headers.get('retry-after'));
    // Seconds to the next UTC midnight, rounded up, as of when the app answered (within the test's round trip).
    expect(Math.abs(retryAfter - Math.ceil((midnight - now) / 1000))).toBeLessThanOrEqual(2);
    expect(await refused.json()).toMatchObject({
      error: `The daily budget for source /api/leads/[id]/classify ($0.000001) is spent; calls in its scope are refused until ${new Date(midnight).toISOString()}.`,
      budget: { id: budget.id, scope: 'source /api/leads/[id]/classify', period: 'day', limitUsd: '0.000001' },
    });
    expect(provider.requests.length).toBe(requestsBefore);

    // Another source goes on.
    const draft = await post('/api/leads/lead_1/draft', {});
    expect(draft.status).toBe(201);

    const alerts = await poll(
      () => webhook.bodies,
      (bodies) => bodies.length > 0,
      { timeoutMs: 15_000 },
    );
    expect(alerts.map((a) => [a.kind, a.threshold, a.budget?.id])).toEqual([['threshold', 1, budget.id]]);
    expect(alerts[0]?.text).toContain('source /api/leads/[id]/classify');
    // Ticks later, still once.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(webhook.bodies).toHaveLength(1);
  });
});
