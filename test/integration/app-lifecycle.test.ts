// Stopping and starting the app as operators do: SIGTERM under load (through npm, as `docker stop` of an npm
// command delivers it), SIGTERM while the provider never answers, a job and the seed run beside the app on
// the embedded database, and SIGKILL then a restart. Every call that reached the provider is one row.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalProvider, type LocalProvider } from '../../lib/ai/local-provider';
import { LOCK_FILE } from '../../lib/db/data-dir-lock';
import { startApp, type AppServer } from '../../harness/app-server';
import { readInteractions } from '../support/read-interactions';
import { runScript } from '../../harness/run-script';
import { databaseEnv, scratchDatabase, scratchPGlite, type ScratchDatabase } from '../../harness/scratch-database';

interface Outcome {
  status: number | 'cut';
}

/** Posts an inbound email to the webhook: two AI calls, one after the other. */
async function sendEmail(app: AppServer, i: number): Promise<Outcome> {
  try {
    const res = await fetch(`${app.url}/api/webhooks/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: `lead${i}@example.com`, subject: 'Pilot', text: `We would love to start (${i}).` }),
    });
    await res.arrayBuffer();
    return { status: res.status };
  } catch {
    return { status: 'cut' };
  }
}

async function until(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** How many of sendEmail's emails (by number) have an AI call at the provider: requests the app is handling. */
function emailsAtProvider(provider: LocalProvider): number {
  const numbers = provider.requests.flatMap(
    (r) => /We would love to start \((\d+)\)/.exec(JSON.stringify(r.body))?.[1] ?? [],
  );
  return new Set(numbers).size;
}

/** Whether the app still takes new requests: false once /healthz is refused or says draining. */
async function takesRequests(app: AppServer): Promise<boolean> {
  try {
    const res = await fetch(`${app.url}/healthz`);
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

function withProvider(provider: LocalProvider): Record<string, string> {
  return { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: provider.url };
}

describe('SIGTERM with 50 requests in flight, through npm start', () => {
  let provider: LocalProvider;
  let database: ScratchDatabase;
  const teardown: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    // Each call takes 1.5 s: the webhook's second call starts after the signal.
    provider = await startLocalProvider({ latencyMs: 1_500 });
    teardown.push(() => provider.close());
    database = await scratchDatabase(teardown, 'spendtrace-drain-');
  });

  afterAll(async () => {
    for (const undo of teardown.reverse()) await undo();
  });

  it(
    'answers every request, writes a row for every provider call, and exits 0 within the grace period',
    { timeout: 90_000 },
    async () => {
      const app = await startApp(
        {
          ...withProvider(provider),
          ...databaseEnv(database),
          // As in the report this reproduces: traces sampled at 1%, the ledger not.
          OTEL_TRACES_SAMPLER: 'traceidratio',
          OTEL_TRACES_SAMPLER_ARG: '0.01',
        },
        { via: 'npm' },
      );
      teardown.push(() => app.stop());
      const outcomes = Array.from({ length: 50 }, (_, i) => sendEmail(app, i));
      // Every request is in flight, not only most: a request still on its way when the signal lands is refused
      // with 503, as a draining server should, and this test would count that against the drain.
      await until(() => emailsAtProvider(provider) === 50, 'every request made its first call');

      const signalled = Date.now();
      // To npm alone, as `docker stop` signals the container's first process.
      app.process.kill('SIGTERM');
      const stillTaking = await Promise.race([
        (async () => {
          while (await takesRequests(app)) await new Promise((r) => setTimeout(r, 50));
          return false;
        })(),
        new Promise<boolean>((r) => setTimeout(() => r(true), 3_000)),
      ]);
      const exitCode = await app.stop();
      const elapsedMs = Date.now() - signalled;
      const statuses = (await Promise.all(outcomes)).map((o) => o.status);

      expect(stillTaking).toBe(false);
      expect(exitCode).toBe(0);
      expect(elapsedMs).toBeLessThan(20_000);
      expect(statuses).toEqual(Array.from({ length: 50 }, () => 200));
      expect(provider.requests).toHaveLength(100);
      const rows = await readInteractions(database);
      console.info(
        `SIGTERM with 50 requests in flight: exit ${exitCode} after ${elapsedMs} ms, ${rows.length} rows for 100 calls`,
      );
      expect(rows).toHaveLength(100);
      expect(new Set(rows.map((r) => `${r.traceId}:${r.spanId}`)).size).toBe(100);
      expect(new Set(rows.map((r) => `${r.source} ${r.status} ${r.costStatus}`))).toEqual(
        new Set(['/api/webhooks/email ok priced']),
      );
      expect(rows.filter((r) => r.featureId === 'email.sentiment')).toHaveLength(50);
      expect(rows.filter((r) => r.featureId === 'email.auto_send')).toHaveLength(50);
      expect(app.output()).toContain('"requestsInFlight":50');
      expect(app.output()).toContain('"requestsCut":0');
    },
  );
});

describe('SIGTERM while the provider never answers', () => {
  let provider: LocalProvider;
  let database: ScratchDatabase;
  const teardown: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    provider = await startLocalProvider({ latencyMs: 600_000 });
    teardown.push(() => provider.close());
    database = await scratchDatabase(teardown, 'spendtrace-hung-');
  });

  afterAll(async () => {
    for (const undo of teardown.reverse()) await undo();
  });

  it(
    'cuts what is left when the grace period runs out, counts it in the log, and exits 1 in bounded time',
    { timeout: 90_000 },
    async () => {
      const app = await startApp({
        ...withProvider(provider),
        ...databaseEnv(database),
        SPENDTRACE_SHUTDOWN_GRACE_MS: '2000',
      });
      teardown.push(() => app.stop());
      const outcomes = Array.from({ length: 5 }, (_, i) => sendEmail(app, i));
      await until(() => provider.requests.length === 5, 'five calls reached the provider');

      const signalled = Date.now();
      const exitCode = await app.stop();
      const elapsedMs = Date.now() - signalled;

      expect(exitCode).toBe(1);
      // The grace period, then the flush: well inside the 15 s bound on the flush.
      expect(elapsedMs).toBeGreaterThanOrEqual(2_000);
      expect(elapsedMs).toBeLessThan(2_000 + 15_000);
      expect((await Promise.all(outcomes)).map((o) => o.status)).toEqual(['cut', 'cut', 'cut', 'cut', 'cut']);
      const log = app.output();
      expect(log).toMatch(
        /"requestsCut":5,"aiCallsInFlight":5,"graceMs":2000,"msg":"shutdown: the grace period ran out; cut 5 requests in flight"/,
      );
      expect(log).toContain('spendtrace: shutting down with 5 AI calls still in flight; they will have no row');
      expect(await readInteractions(database)).toEqual([]);
      console.info(
        `SIGTERM with a provider that never answers: exit ${exitCode} after ${elapsedMs} ms (grace 2000 ms)`,
      );
    },
  );
});

describe('the embedded database beside a running app', () => {
  let provider: LocalProvider;
  let database: ScratchDatabase;
  const teardown: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    provider = await startLocalProvider();
    teardown.push(() => provider.close());
    // PGlite whatever the suite's database: only the embedded database has one writer.
    database = await scratchPGlite(teardown, 'spendtrace-one-writer-');
  });

  afterAll(async () => {
    for (const undo of teardown.reverse()) await undo();
  });

  it(
    'refuses job:digest, db:seed and db:query beside the app, naming it; the app keeps serving; every row survives a restart',
    { timeout: 180_000 },
    async () => {
      const env = { ...withProvider(provider), ...databaseEnv(database) };
      const dir = database.dataDir ?? '';
      const app = await startApp(env);
      teardown.push(() => app.stop());
      for (let i = 0; i < 4; i++) expect(await sendEmail(app, i)).toEqual({ status: 200 });

      const inUse = `The embedded database at ${dir} is in use by another process (pid ${app.process.pid}, \`server.ts\`, since `;
      const job = await runScript('scripts/jobs/weekly-digest.ts', env);
      expect(job.code).toBe(1);
      expect(job.stdout).toBe('');
      expect(job.stderr.startsWith(`weekly digest failed: ${inUse}`)).toBe(true);
      expect(job.stderr).toContain(
        'Either stop that process and run this again, or put both on Postgres by setting DATABASE_URL',
      );
      const seed = await runScript('scripts/seed.ts', env);
      expect(seed.code).toBe(1);
      expect(seed.stderr.startsWith(inUse)).toBe(true);
      const query = await runScript('scripts/db-query.ts', env, { args: ['select count(*) from ai_interaction'] });
      expect(query.code).toBe(1);
      expect(query.stderr.startsWith(inUse)).toBe(true);
      // The job failed before its AI call: nothing reached the provider but the app's 8 calls.
      expect(provider.requests).toHaveLength(8);

      expect(await sendEmail(app, 4)).toEqual({ status: 200 });
      expect(await app.stop()).toBe(0);
      expect(existsSync(path.join(dir, LOCK_FILE))).toBe(false);
      expect(await readInteractions(database)).toHaveLength(10);

      const restarted = await startApp(env);
      teardown.push(() => restarted.stop());
      expect(await sendEmail(restarted, 5)).toEqual({ status: 200 });
      expect(await restarted.stop()).toBe(0);
      // With the app stopped, the job runs (its one call is a row too), and so does the seed.
      const digest = await runScript('scripts/jobs/weekly-digest.ts', env);
      expect(digest.code).toBe(0);
      expect(digest.stdout).toContain('Last 7 days: $');
      expect((await runScript('scripts/seed.ts', env)).stdout).toBe(
        'Demo leads: added 4 of 4 (the others were there already).\n',
      );

      const rows = await readInteractions(database);
      expect(provider.requests).toHaveLength(13);
      expect(rows).toHaveLength(13);
      expect(rows.filter((r) => r.source === 'job:weekly_digest')).toHaveLength(1);
    },
  );

  it('starts again after SIGKILL, taking over the lock the killed process left', { timeout: 120_000 }, async () => {
    const env = { ...withProvider(provider), ...databaseEnv(database) };
    const before = (await readInteractions(database)).length;
    const calls = provider.requests.length;
    const killed = await startApp(env);
    teardown.push(() => killed.stop());
    expect(await sendEmail(killed, 100)).toEqual({ status: 200 });
    // The ledger writes every second: give it time, then kill without warning.
    await new Promise((r) => setTimeout(r, 2_500));
    killed.process.kill('SIGKILL');
    await killed.stop();
    expect(existsSync(path.join(database.dataDir ?? '', LOCK_FILE))).toBe(true);

    const app = await startApp(env);
    teardown.push(() => app.stop());
    expect(await sendEmail(app, 101)).toEqual({ status: 200 });
    expect(await app.stop()).toBe(0);
    expect(app.output()).not.toContain('"level":50');
    expect(provider.requests.length - calls).toBe(4);
    expect(await readInteractions(database)).toHaveLength(before + 4);
  });
});
