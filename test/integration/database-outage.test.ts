// The database goes away while the app serves AI calls: the insights chat (which needs no database) still
// answers, the exporter holds the rows and retries, and when the database returns every call has its row,
// none twice. A flow that must store its result refuses with 503 before spending anything.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalProvider, type LocalProvider } from '../../lib/ai/local-provider';
import { serverActionId, startApp, type AppServer } from '../../harness/app-server';
import { startTcpDatabase, type TcpDatabase } from '../support/tcp-database';
import { startTcpProxy, type TcpProxy } from '../../harness/tcp-proxy';

async function countRows(url: string): Promise<{ rows: number; distinct: number; sources: string[] }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ rows: string; distinct: string; sources: string[] | null }>(
      `SELECT count(*) AS rows, count(DISTINCT (trace_id, span_id)) AS distinct, array_agg(DISTINCT source) AS sources
       FROM ai_interaction`,
    );
    const r = rows[0];
    return { rows: Number(r?.rows), distinct: Number(r?.distinct), sources: r?.sources ?? [] };
  } finally {
    await client.end();
  }
}

async function waitForRows(url: string, expected: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let seen = -1;
  while (Date.now() < deadline) {
    seen = (await countRows(url)).rows;
    if (seen >= expected) return seen;
    await new Promise((r) => setTimeout(r, 250));
  }
  return seen;
}

describe('the app during a database outage', () => {
  let provider: LocalProvider;
  let database: TcpDatabase;
  let proxy: TcpProxy;
  let app: AppServer;
  // Undone in reverse order after the tests, whatever got started before a failure.
  const teardown: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    provider = await startLocalProvider();
    teardown.push(() => provider.close());
    database = await startTcpDatabase();
    teardown.push(() => database.close());
    proxy = await startTcpProxy({ host: database.host, port: database.port });
    teardown.push(() => proxy.close());
    app = await startApp({
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: provider.url,
      DATABASE_URL: database.urlVia(proxy.port),
      SPENDTRACE_EXPORTER: 'database',
    });
    teardown.push(() => app.stop());
  });

  afterAll(async () => {
    for (const undo of teardown.reverse()) await undo();
  });

  /** Asks the insights chat n questions, one at a time; one AI call each. */
  async function ask(n: number): Promise<number[]> {
    const statuses: number[] = [];
    for (let i = 0; i < n; i++) {
      const res = await fetch(`${app.url}/`, {
        method: 'POST',
        headers: {
          'Next-Action': serverActionId('app/actions/send-message.ts', 'sendMessage'),
          'Content-Type': 'text/plain;charset=UTF-8',
          Accept: 'text/x-component',
        },
        body: JSON.stringify([`Question ${i}?`]),
      });
      // Read to the end: the answer streams, and its AI call ends with the stream.
      await res.arrayBuffer();
      statuses.push(res.status);
    }
    return statuses;
  }

  it('writes every call exactly once after a 30-second outage under steady load', async () => {
    // Steady load: one question every 250 ms, sequential, for the whole test.
    const statuses: number[] = [];
    const steady = { running: true };
    const load = (async () => {
      while (steady.running) {
        statuses.push(...(await ask(1)));
        await new Promise((r) => setTimeout(r, 250));
      }
    })();

    await new Promise((r) => setTimeout(r, 3_000));
    expect(await waitForRows(database.url, 3, 20_000)).toBeGreaterThanOrEqual(3);
    await proxy.cut();
    const rowsAtCut = (await countRows(database.url)).rows;
    const callsAtCut = provider.requests.length;
    // The webhook must store the email: it refuses before any AI call, so the sender retries later.
    const refused = await fetch(`${app.url}/api/webhooks/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: 'ops@example.com', subject: 'Status', text: 'Status update, please.' }),
    });
    expect({
      status: refused.status,
      retryAfter: refused.headers.get('retry-after'),
      body: await refused.json(),
    }).toEqual({
      status: 503,
      retryAfter: '30',
      body: { error: 'The database is unavailable; the webhook can be retried.' },
    });
    await new Promise((r) => setTimeout(r, 30_000));
    const callsDuringOutage = provider.requests.length - callsAtCut;
    // Nothing reached the database while it was away.
    await proxy.restore();
    await new Promise((r) => setTimeout(r, 3_000));
    steady.running = false;
    await load;

    const calls = provider.requests.length;
    // The exporter's backoff is at most 30 s: everything held is written within that after the restore.
    const restoredAt = Date.now();
    expect(await waitForRows(database.url, calls, 45_000)).toBe(calls);
    console.info(
      `database outage: ${calls} calls (${callsDuringOutage} during the 30 s outage), ${calls} rows, ` +
        `all written ${((Date.now() - restoredAt) / 1000).toFixed(1)} s after the load stopped`,
    );
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await countRows(database.url)).toEqual({
      rows: calls,
      distinct: calls,
      sources: ['action:insights_chat.send_message'],
    });
    expect(statuses).toEqual(statuses.map(() => 200));
    expect(statuses).toHaveLength(calls);
    // At 4 questions a second less the answer time, well over 60 calls were made during the outage.
    expect(callsDuringOutage).toBeGreaterThan(60);
    expect(rowsAtCut).toBeLessThanOrEqual(callsAtCut);
    expect(app.output()).toContain('AIInteraction rows failed; retrying in');
  }, 150_000);
});
