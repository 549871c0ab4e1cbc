// Faults around the app, counted: the provider failing (429, 500, timeouts) and the app told to stop
// (SIGTERM) in the middle of load. Each time, every AI call that reached the provider is one row, none
// twice; a failed call is a row with its error type.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalProvider, type LocalProvider } from '../../lib/ai/local-provider';
import { serverActionId, startApp, type AppServer } from '../../harness/app-server';
import { flightRows } from '../support/flight-rows';
import { readInteractions } from '../support/read-interactions';
import { databaseEnv, scratchDatabase, type ScratchDatabase } from '../../harness/scratch-database';

/** Asks the insights chat; the answer, or the action's error, as the page would show it. */
async function ask(app: AppServer, question: string): Promise<string> {
  const res = await fetch(`${app.url}/`, {
    method: 'POST',
    headers: {
      'Next-Action': serverActionId('app/actions/send-message.ts', 'sendMessage'),
      'Content-Type': 'text/plain;charset=UTF-8',
      Accept: 'text/x-component',
    },
    body: JSON.stringify([question]),
  });
  expect(res.status).toBe(200);
  let text = '';
  for await (const row of flightRows(res.body ?? new ReadableStream())) {
    if (row.tag === 'T') text += row.value;
    const error = /"ok":false,"error":"([^"]*)"/.exec(row.value)?.[1];
    if (error) return `error: ${error}`;
  }
  return text;
}

describe('the provider failing: 429, 500, timeouts', () => {
  let provider: LocalProvider;
  let app: AppServer;
  let database: ScratchDatabase;
  const teardown: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    provider = await startLocalProvider();
    teardown.push(() => provider.close());
    database = await scratchDatabase(teardown);
    app = await startApp({
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: provider.url,
      OPENAI_TIMEOUT_MS: '500',
      OPENAI_MAX_RETRIES: '2',
      ...databaseEnv(database),
    });
    teardown.push(() => app.stop());
  });

  afterAll(async () => {
    for (const undo of teardown.reverse()) await undo();
  });

  it('records each call once, failed ones with their error type, whatever the SDK retried', async () => {
    const refused = 'error: The AI provider failed. Try again in a moment.';
    provider.failNext(429, 3);
    expect(await ask(app, 'Rate limited?')).toBe(refused);
    provider.failNext(500, 3);
    expect(await ask(app, 'Server error?')).toBe(refused);
    provider.delayNext(2_000, 3);
    expect(await ask(app, 'Too slow?')).toBe(refused);
    // One 429, then the SDK's retry answers: one call, one row, ok.
    provider.failNext(429, 1);
    expect(await ask(app, 'Second try?')).toBe('Simulated reply to: Second try?');
    expect(await app.stop()).toBe(0);

    // Three attempts for each failed call (the first and two retries), two for the last.
    expect(provider.requests).toHaveLength(11);
    const rows = await readInteractions(database);
    expect(rows.map((r) => [r.source, r.status, r.errorType, r.costStatus])).toEqual([
      ['action:insights_chat.send_message', 'error', 'RateLimitError', 'no_usage'],
      ['action:insights_chat.send_message', 'error', 'InternalServerError', 'no_usage'],
      ['action:insights_chat.send_message', 'error', 'APIConnectionTimeoutError', 'no_usage'],
      ['action:insights_chat.send_message', 'ok', null, 'priced'],
    ]);
  });
});

describe('SIGTERM in the middle of load', () => {
  let provider: LocalProvider;
  let app: AppServer;
  let database: ScratchDatabase;
  const teardown: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    // Each answer takes 400 ms, so calls are in flight when the signal comes.
    provider = await startLocalProvider({ latencyMs: 400 });
    teardown.push(() => provider.close());
    database = await scratchDatabase(teardown);
    app = await startApp({ OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: provider.url, ...databaseEnv(database) });
    teardown.push(() => app.stop());
  });

  afterAll(async () => {
    for (const undo of teardown.reverse()) await undo();
  });

  it('finishes the calls in flight and writes every one before exiting', async () => {
    const answers = Array.from({ length: 12 }, (_, i) =>
      ask(app, `Question ${i}?`).catch((error: unknown) => `lost: ${String(error)}`),
    );
    // Let the first calls reach the provider, then stop the app while they wait for their answers.
    while (provider.requests.length < 6) await new Promise((r) => setTimeout(r, 20));
    const exitCode = await app.stop();
    const settled = await Promise.all(answers);
    expect(exitCode).toBe(0);

    const calls = provider.requests.length;
    const rows = await readInteractions(database);
    console.info(`SIGTERM mid-load: ${calls} calls reached the provider, ${rows.length} rows, 12 questions asked`);
    expect(calls).toBeGreaterThanOrEqual(6);
    expect(rows).toHaveLength(calls);
    expect(new Set(rows.map((r) => `${r.traceId}:${r.spanId}`)).size).toBe(calls);
    // Every call that reached the provider was answered and recorded as a success.
    expect(rows.every((r) => r.status === 'ok' && r.costStatus === 'priced')).toBe(true);
    expect(settled.filter((a) => a.startsWith('Simulated reply to: Question'))).toHaveLength(calls);
  });
});
