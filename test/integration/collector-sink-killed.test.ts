// Fault: the sink is killed with SIGKILL mid-stream and started again on its port 2 s later, while a
// Collector-like client sends at a steady rate and retries what got no answer. Afterwards every AI call
// sent has exactly one row: a request cut while it was being written is retried, and the idempotent
// insert makes its rows one each. Calls are counted against rows, not timed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aiTraceRequest } from '../support/ai-trace-request';
import { atSteadyRate } from '../support/at-steady-rate';
import { OtlpRetryingClient, type RequestOutcome } from '../support/otlp-retrying-client';
import { poll } from '../support/poll';
import { rowLedger } from '../support/row-ledger';
import { startSink, type SinkProcess } from '../support/sink-process';
import { startTcpDatabase, type TcpDatabase } from '../support/tcp-database';

/** 20 s of requests at 10 a second, each of 20 spans: 2 traces of a root, 5 AI calls and 4 other spans. */
const REQUESTS = 200;
const PER_SECOND = 10;
const SHAPE = { traces: 2, aiCallsPerTrace: 5, otherSpansPerTrace: 4, route: '/api/leads/[id]/draft' };
const AI_CALLS = REQUESTS * SHAPE.traces * SHAPE.aiCallsPerTrace;
/** The sink is killed once this many requests are queued (8 s in), and started again DOWN_MS later. */
const KILL_AFTER = 80;
const DOWN_MS = 2_000;

describe('the collector sink, killed with SIGKILL and restarted under steady load', () => {
  let database: TcpDatabase;
  let sink: SinkProcess;
  const teardown: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    database = await startTcpDatabase();
    teardown.push(() => database.close());
    sink = await startSink({ DATABASE_URL: database.url });
    teardown.push(() => sink.stop());
  });

  afterAll(async () => {
    for (const undo of teardown.reverse()) await undo();
  });

  it('loses nothing and doubles nothing: one row per AI call sent', async () => {
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
    sink = await startSink({ DATABASE_URL: database.url }, { port: Number(new URL(killed.url).port) });
    teardown.push(() => sink.stop());
    const downMs = Date.now() - killedAt;

    await sending;
    const results = await Promise.all(outcomes);
    const finishedAt = Date.now();
    const figures = client.figures();
    const ledger = await rowLedger(database.url, sent);
    console.log(
      'sink, SIGKILL:',
      JSON.stringify({
        database: process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite',
        inFlightAtKill,
        downMs,
        totalMs: finishedAt - startedAt,
        aiCallsSent: sent.length,
        ...figures,
        ledger,
      }),
    );

    const finalStatuses: Record<string, number> = {};
    for (const { status } of results) finalStatuses[status] = (finalStatuses[status] ?? 0) + 1;
    expect(finalStatuses).toEqual({ 200: REQUESTS });
    expect(ledger).toEqual({ rows: AI_CALLS, distinct: AI_CALLS, missing: 0, unexpected: 0, unattributed: 0 });
    // Every answer was a 200; what failed got no answer at all (refused, or cut by the kill), and was retried.
    expect(figures.answers).toEqual({ 200: REQUESTS });
    const unanswered = Object.values(figures.connectionErrors).reduce((a, b) => a + b, 0);
    expect(unanswered).toBeGreaterThan(0);
    expect(figures.retries).toBe(unanswered);
    expect(killed.output() + sink.output()).not.toContain('unexpected error handling a request');
  }, 240_000);
});
