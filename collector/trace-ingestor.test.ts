// TraceIngestor against a real database (in-memory PGlite, or Postgres when TEST_DATABASE_URL is set): AI spans
// without ai.source get their trace's root source whether the root comes in the same request, an earlier one
// or a later one, through one ingestor or several sharing the database (replicas; their own pools on
// Postgres), and an ingestor started afresh (a restarted sink) still knows the roots recorded before.
import { SpanStatusCode } from '@opentelemetry/api';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../harness/test-database';
import { openDatabase, type Database } from '../lib/db/database';
import type { PrismaClient } from '../lib/db/generated/client';
import { InteractionStore } from '../lib/db/interaction-store';
import { TraceRootStore } from '../lib/db/trace-roots';
import { getDefaultPriceBook } from '../lib/ledger/default-price-book';
import { RowsRejectedError } from '../lib/ledger/rows-rejected-error';
import type { SpanRecord } from '../lib/ledger/span-to-interaction';
import type { DecodedRequest, OtlpSpan } from './otlp/otlp-span';
import { SPAN_KIND_SERVER } from './otlp/otlp-span';
import { SinkMetrics } from './sink-metrics';
import { TraceIngestor } from './trace-ingestor';

const OTLP_SPAN_KIND_CLIENT = 3;
const DRAFT = '/api/leads/[id]/draft';
const traceId = (n: number) => n.toString(16).padStart(32, '0');
const spanId = (n: number) => n.toString(16).padStart(16, '0');

function record(trace: number, span: number, attributes: SpanRecord['attributes'], parent?: number): SpanRecord {
  return {
    traceId: traceId(trace),
    spanId: spanId(span),
    parentSpanId: parent === undefined ? undefined : spanId(parent),
    name: `span ${span}`,
    startTimeMs: Date.parse('2026-11-25T12:00:00Z') + span,
    durationMs: 100,
    attributes,
    statusCode: SpanStatusCode.UNSET,
    serviceName: 'lead-service',
  };
}

/** The root SERVER span (span id 1) of trace `trace`, for `route`. */
const root = (trace: number, route = DRAFT): OtlpSpan => ({
  kind: SPAN_KIND_SERVER,
  record: record(trace, 1, { 'http.route': route }),
});

/** An AI call (GenAI semantic conventions, no ai.source) under the root of trace `trace`. */
const aiCall = (trace: number, span: number): OtlpSpan => ({
  kind: OTLP_SPAN_KIND_CLIENT,
  record: record(
    trace,
    span,
    {
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.usage.input_tokens': 20,
      'gen_ai.usage.output_tokens': 10,
    },
    1,
  ),
});

function request(...spans: OtlpSpan[]): DecodedRequest {
  return { spans, rejected: 0, rejectReasons: [] };
}

function ingestorOn(db: Database, metrics = new SinkMetrics()): TraceIngestor {
  return new TraceIngestor({
    store: new InteractionStore(db),
    priceBook: getDefaultPriceBook(),
    roots: new TraceRootStore(db),
    metrics,
    logger: pino({ level: 'silent' }),
  });
}

async function sources(prisma: PrismaClient): Promise<[string, string, string | null, string][]> {
  const rows = await prisma.aIInteraction.findMany({ orderBy: [{ traceId: 'asc' }, { spanId: 'asc' }] });
  return rows.map((r) => [r.traceId.slice(-2), r.spanId.slice(-2), r.source, r.sourceKind]);
}

describe('TraceIngestor', () => {
  let database: TestDatabase;
  let prisma: PrismaClient;

  beforeAll(async () => {
    database = await createTestDatabase();
    prisma = database.db.prisma;
  });
  afterAll(async () => {
    await database.drop();
  });
  beforeEach(async () => {
    await prisma.$executeRawUnsafe('DELETE FROM ai_interaction');
    await prisma.$executeRawUnsafe('DELETE FROM trace_root');
  });

  it('attributes AI spans to a root in the same request, an earlier one or a later one', async () => {
    const metrics = new SinkMetrics();
    const ingestor = ingestorOn(database.db, metrics);
    // Trace 1: root and call together. Trace 2: root first. Trace 3: call first, root later. Trace 4: no root.
    await ingestor.ingest(request(aiCall(1, 2), root(1), root(2)));
    await ingestor.ingest(request(aiCall(2, 2), aiCall(3, 2), aiCall(4, 2)));
    expect(await sources(prisma)).toEqual([
      ['01', '02', DRAFT, 'route'],
      ['02', '02', DRAFT, 'route'],
      ['03', '02', null, 'unattributed'],
      ['04', '02', null, 'unattributed'],
    ]);

    await ingestor.ingest(request(root(3, '/api/chat')));
    expect(await sources(prisma)).toEqual([
      ['01', '02', DRAFT, 'route'],
      ['02', '02', DRAFT, 'route'],
      ['03', '02', '/api/chat', 'route'],
      ['04', '02', null, 'unattributed'],
    ]);
    expect(metrics.rowsCorrected).toBe(1);
    // The request rollup followed the correction: trace 3 counts under /api/chat, not unattributed.
    const requestSources = await prisma.aIRequest.findMany({ orderBy: { traceId: 'asc' } });
    expect(requestSources.map((r) => [r.traceId.slice(-2), r.source, r.sourceKind])).toEqual([
      ['01', DRAFT, 'route'],
      ['02', DRAFT, 'route'],
      ['03', '/api/chat', 'route'],
      ['04', '', 'unattributed'],
    ]);
  });

  it('keeps what it learnt across a restart: a new ingestor attributes calls to roots recorded before', async () => {
    await ingestorOn(database.db).ingest(request(root(5), aiCall(6, 2)));
    const restarted = ingestorOn(database.db);
    await restarted.ingest(request(aiCall(5, 2), root(6, '/api/chat')));
    expect(await sources(prisma)).toEqual([
      ['05', '02', DRAFT, 'route'],
      ['06', '02', '/api/chat', 'route'],
    ]);
  });

  it('gives the same rows through three replicas, each span of a trace at a random one, at once', async () => {
    // On Postgres each replica has its own connection pool, as separate sink processes would.
    const extra: Database[] = [];
    if (database.url !== undefined) {
      for (let i = 0; i < 2; i++) extra.push(await openDatabase({ databaseUrl: database.url }));
    }
    try {
      const replicas = [database.db, ...extra].map((d) => ingestorOn(d));
      while (replicas.length < 3) replicas.push(ingestorOn(database.db));
      // 60 traces: 20 with the root sent last, 20 with it first, 20 with none; 3 calls each.
      const spans: { span: OtlpSpan; order: number }[] = [];
      for (let t = 1; t <= 60; t++) {
        const calls = [2, 3, 4].map((s) => aiCall(t, s));
        const ordered = t <= 20 ? [...calls, root(t)] : t <= 40 ? [root(t), ...calls] : calls;
        ordered.forEach((span, order) => spans.push({ span, order }));
      }
      // A fixed pseudo-random replica per span (the same run every time), all requests in flight at once, and a
      // trace's spans sent in their order only within a replica.
      let seed = 7;
      const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31);
      // perReplica[r][order]: the spans replica r receives in its request number `order`.
      const perReplica = [0, 1, 2].map(() => [0, 1, 2, 3].map(() => [] as OtlpSpan[]));
      for (const { span, order } of spans) perReplica[next() % 3]?.[order]?.push(span);
      await Promise.all(
        perReplica.map(async (rounds, r) => {
          for (const round of rounds) if (round.length > 0) await replicas[r]?.ingest(request(...round));
        }),
      );

      const expected: [string, string, string | null, string][] = [];
      for (let t = 1; t <= 60; t++) {
        for (const s of [2, 3, 4]) {
          expected.push([
            traceId(t).slice(-2),
            spanId(s).slice(-2),
            t <= 40 ? DRAFT : null,
            t <= 40 ? 'route' : 'unattributed',
          ]);
        }
      }
      expect(await sources(prisma)).toEqual(expected);
    } finally {
      for (const d of extra) await d.close();
    }
  });

  it('writes requests that arrive during writes together, each counting only its own refused rows', async () => {
    const metrics = new SinkMetrics();
    const real = new InteractionStore(database.db);
    // The store refuses any batch holding span 9, as the database refuses a value it cannot store.
    const store: Pick<InteractionStore, 'insertMany'> = {
      insertMany: (rows) =>
        rows.some((row) => row.spanId === spanId(9))
          ? Promise.reject(new RowsRejectedError('the database refused the rows (SQLSTATE 22021)'))
          : real.insertMany(rows),
    };
    const ingestor = new TraceIngestor({
      store,
      priceBook: getDefaultPriceBook(),
      roots: new TraceRootStore(database.db),
      metrics,
      logger: pino({ level: 'silent' }),
    });
    // All four at once: the first two are written at once, each alone (two group writes run at a time); the
    // other two arrive while they run and go together. The third request's call of trace 13 finds its root in
    // the fourth, which is in the same write.
    const results = await Promise.all([
      ingestor.ingest(request(root(11), aiCall(11, 2))),
      ingestor.ingest(request(aiCall(12, 2), root(12))),
      ingestor.ingest(request(aiCall(13, 2), aiCall(13, 9))),
      ingestor.ingest(request(root(13, '/api/chat'))),
    ]);
    expect(results).toEqual([
      { rejected: 0, reasons: [] },
      { rejected: 0, reasons: [] },
      { rejected: 1, reasons: ['a value the database cannot store'] },
      { rejected: 0, reasons: [] },
    ]);
    expect(await sources(prisma)).toEqual([
      ['0b', '02', DRAFT, 'route'],
      ['0c', '02', DRAFT, 'route'],
      ['0d', '02', '/api/chat', 'route'],
    ]);
    expect([metrics.writes, metrics.rowsWritten, metrics.spansRejected, metrics.rowsCorrected]).toEqual([3, 3, 1, 0]);
  });

  it('forgets roots older than the cutoff, and only those', async () => {
    const roots = new TraceRootStore(database.db);
    await roots.remember(new Map([[traceId(7), DRAFT]]));
    await prisma.$executeRaw`UPDATE trace_root SET seen_at = '2026-11-25T11:00:00Z' WHERE trace_id = ${traceId(7)}`;
    await roots.remember(new Map([[traceId(8), '/api/chat']]));

    expect(await roots.expire(new Date('2026-11-25T11:30:00Z'))).toBe(1);
    expect([...(await roots.sourcesOf([traceId(7), traceId(8)]))]).toEqual([[traceId(8), '/api/chat']]);
  });
});
