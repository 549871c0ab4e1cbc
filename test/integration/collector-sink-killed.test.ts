// Fault: the sink is killed with SIGKILL mid-stream and started again on its port 2 s later, while a
// Collector-like client sends at a steady rate and retries what got no answer. Afterwards every AI call
// sent has exactly one row: a request cut while it was being written is retried, and the idempotent
// insert makes its rows one each. Calls are counted against rows, not timed.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { aiTraceRequest } from '../support/ai-trace-request';
import { atSteadyRate } from '../support/at-steady-rate';
import { OtlpRetryingClient, type RequestOutcome } from '../support/otlp-retrying-client';
import { poll } from '../support/poll';
import { rowLedger, type RowLedger } from '../support/row-ledger';
import { startSink, type SinkProcess } from '../../harness/sink-process';
import { startTcpDatabase } from '../support/tcp-database';
import { TEST_DATABASE_URL } from '../../harness/test-database';

/** 20 s of requests at 10 a second, each of 20 spans: 2 traces of a root, 5 AI calls and 4 other spans. */
const REQUESTS = 200;
const PER_SECOND = 10;
const SHAPE = { traces: 2, aiCallsPerTrace: 5, otherSpansPerTrace: 4, route: '/api/leads/[id]/draft' };
const AI_CALLS = REQUESTS * SHAPE.traces * SHAPE.aiCallsPerTrace;
/** The sink is killed once this many requests are queued (8 s in), and started again DOWN_MS later. */
const KILL_AFTER = 80;
const DOWN_MS = 2_000;

describe('the collector sink, killed with SIGKILL and restarted under steady load', () => {
  // Undone in reverse order after the tests, whatever got started before a failure.
  const teardown: (() => Promise<unknown>)[] = [];

  afterAll(async () => {
    for (const undo of teardown.reverse()) await undo();
  });

  /**
   * Sends REQUESTS at PER_SECOND to a sink started with `env`, kills it with SIGKILL after KILL_AFTER while an
   * attempt is in flight, starts it again on the same port DOWN_MS later, and waits for every request's
   * outcome. Then `ledger` reads the rows (the sink is stopped first when `stopFirst`).
   */
  async function killMidStream(
    label: string,
    env: Record<string, string>,
    ledger: (sent: string[]) => Promise<RowLedger>,
    { stopFirst = false } = {},
  ) {
    let sink: SinkProcess = await startSink(env);
    teardown.push(() => sink.stop());
    const client = new OtlpRetryingClient({ url: sink.tracesUrl, headers: { authorization: `Bearer ${sink.token}` } });
    const sent: string[] = [];
    const outcomes: Promise<RequestOutcome>[] = [];
    const startedAt = Date.now();
    const sending = atSteadyRate(REQUESTS, PER_SECOND, () => {
      const request = aiTraceRequest(SHAPE);
      sent.push(...request.aiSpans);
      outcomes.push(client.send(request.body));
    });

    await poll(
      () => client.figures().requests,
      (n) => n >= KILL_AFTER,
      { timeoutMs: 60_000 },
    );
    // Killed while an attempt is in flight, so a request being handled is cut.
    const inFlightAtKill = await poll(
      () => client.inFlight(),
      (n) => n > 0,
      { intervalMs: 1 },
    );
    const killed = sink;
    await killed.kill();
    const killedAt = Date.now();
    await new Promise((r) => setTimeout(r, DOWN_MS));
    sink = await startSink(env, { port: Number(new URL(killed.url).port) });
    teardown.push(() => sink.stop());
    const downMs = Date.now() - killedAt;

    await sending;
    const results = await Promise.all(outcomes);
    const totalMs = Date.now() - startedAt;
    const output = killed.output() + sink.output();
    if (stopFirst) await sink.stop();
    const rows = await ledger(sent);
    const figures = client.figures();
    console.log(
      `sink, SIGKILL (${label}):`,
      JSON.stringify({ inFlightAtKill, downMs, totalMs, aiCallsSent: sent.length, ...figures, ledger: rows }),
    );
    const finalStatuses: Record<string, number> = {};
    for (const { status } of results) finalStatuses[status] = (finalStatuses[status] ?? 0) + 1;
    return { finalStatuses, figures, rows, output };
  }

  /** What every run must show, whatever the database. */
  function expectNothingLostOrDoubled(run: Awaited<ReturnType<typeof killMidStream>>) {
    expect(run.finalStatuses).toEqual({ 200: REQUESTS });
    expect(run.rows).toEqual({ rows: AI_CALLS, distinct: AI_CALLS, missing: 0, unexpected: 0, unattributed: 0 });
    // Every answer was a 200; what failed got no answer at all (refused, or cut by the kill), and was retried.
    expect(run.figures.answers).toEqual({ 200: REQUESTS });
    const unanswered = Object.values(run.figures.connectionErrors).reduce((a, b) => a + b, 0);
    expect(unanswered).toBeGreaterThan(0);
    expect(run.figures.retries).toBe(unanswered);
    expect(run.output).not.toContain('unexpected error handling a request');
  }

  it('on a database server (Postgres, or PGlite over TCP): one row per AI call sent', async () => {
    const database = await startTcpDatabase();
    teardown.push(() => database.close());
    const run = await killMidStream(
      TEST_DATABASE_URL ? 'postgres' : 'pglite over tcp',
      { DATABASE_URL: database.url },
      (sent) => rowLedger({ databaseUrl: database.url }, sent),
    );
    expectNothingLostOrDoubled(run);
  }, 240_000);

  // The sink's own embedded PGlite, killed mid-write, must open again and hold every row it answered 200 for.
  // It needs no server, so it runs in the Postgres pass too (CI skips nothing).
  it('on its embedded PGlite (SPENDTRACE_DATA_DIR): one row per AI call sent', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'spendtrace-sink-killed-'));
    teardown.push(() => rm(dataDir, { recursive: true, force: true }));
    const run = await killMidStream(
      'embedded pglite',
      { SPENDTRACE_DATA_DIR: dataDir },
      (sent) => rowLedger({ dataDir }, sent),
      { stopFirst: true },
    );
    expectNothingLostOrDoubled(run);
  }, 240_000);
});
