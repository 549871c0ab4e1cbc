// Fault: the sink's database is down for 30 s while a Collector-like client sends at a steady rate. The
// sink answers 503 with Retry-After, the client retries, and afterwards every AI call sent has exactly one
// row: the calls are counted against the rows, not timed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aiTraceRequest } from '../support/ai-trace-request';
import { atSteadyRate } from '../support/at-steady-rate';
import { OtlpRetryingClient, type RequestOutcome } from '../support/otlp-retrying-client';
import { poll } from '../support/poll';
import { rowLedger } from '../support/row-ledger';
import { startSink, type SinkProcess } from '../../harness/sink-process';
import { startTcpDatabase, type TcpDatabase } from '../support/tcp-database';
import { startTcpProxy, type TcpProxy } from '../../harness/tcp-proxy';

/** 45 s of requests at 10 a second, each of 20 spans: 2 traces of a root, 5 AI calls and 4 other spans. */
const REQUESTS = 450;
const PER_SECOND = 10;
const SHAPE = { traces: 2, aiCallsPerTrace: 5, otherSpansPerTrace: 4, route: '/api/leads/[id]/draft' };
const AI_CALLS = REQUESTS * SHAPE.traces * SHAPE.aiCallsPerTrace;
/** The database goes away once this many requests are queued (7.5 s in), for OUTAGE_MS. */
const CUT_AFTER = 75;
const OUTAGE_MS = 30_000;

describe('the collector sink, its database down for 30 s under steady load', () => {
  let database: TcpDatabase;
  let proxy: TcpProxy;
  let sink: SinkProcess;
  const teardown: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    database = await startTcpDatabase();
    teardown.push(() => database.close());
    proxy = await startTcpProxy({ host: database.host, port: database.port });
    teardown.push(() => proxy.close());
    // The default Retry-After (5 s), as deployed.
    sink = await startSink({ DATABASE_URL: database.urlVia(proxy.port) });
    teardown.push(() => sink.stop());
  });

  afterAll(async () => {
    for (const undo of teardown.reverse()) await undo();
  });

  it('answers 503 until the database is back, and then holds one row per AI call sent', async () => {
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
      (n) => n >= CUT_AFTER,
      { timeoutMs: 60_000 },
    );
    await proxy.cut();
    const cutAt = Date.now();
    await new Promise((r) => setTimeout(r, OUTAGE_MS));
    await proxy.restore();
    const outageMs = Date.now() - cutAt;

    await sending;
    const results = await Promise.all(outcomes);
    const finishedAt = Date.now();
    const figures = client.figures();
    const ledger = await rowLedger({ databaseUrl: database.url }, sent);
    console.log(
      'sink, database down:',
      JSON.stringify({
        database: process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite',
        outageMs,
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
    // The sink stayed up and answered every attempt: 200, or 503 while the database was away; never a 500.
    expect(Object.keys(figures.answers)).toEqual(['200', '503']);
    expect(figures.connectionErrors).toEqual({});
    expect(figures.answers[200]).toBe(REQUESTS);
    expect(figures.retries).toBe(figures.answers[503]);
    expect(sink.output()).not.toContain('unexpected error handling a request');
  }, 240_000);
});
