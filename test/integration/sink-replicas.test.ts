// The collector sink keeps no state in memory that matters: three sink processes sharing one database, each
// span of a trace sent to a random one (root first, last, between its AI spans, or never), write the same
// rows as one sink given every span at once; and a sink restarted between a trace's AI spans and its root
// still attributes them. Spans go out through the official OTLP exporters (protobuf and JSON), as from a
// Collector without trace-id affinity.
import { ROOT_CONTEXT, SpanKind, trace, type Attributes } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../lib/db/database';
import type { AIRequest } from '../../lib/db/generated/client';
import { startSink, type SinkProcess } from '../../harness/sink-process';
import { TEST_DATABASE_URL } from '../../harness/test-database';
import { inMemoryTracing } from '../support/in-memory-tracing';
import { CHAT_ATTRIBUTES } from '../support/otlp-json-request';
import { readInteractions, type StoredInteraction } from '../support/read-interactions';
import { startTcpDatabase, type TcpDatabase } from '../support/tcp-database';

const SERVICE = 'lead-service';
const ROUTES = ['/api/leads/[id]/draft', '/api/webhooks/email', '/api/cron/followups'] as const;
const REPLICAS = 3;
const TRACES = 24;
const SEED = 0x5eed17;

/** A priced call (gpt-4o-mini, $0.000009) and a model the price book does not know (cost null). */
const PRICED_CALL = CHAT_ATTRIBUTES;
const UNPRICED_CALL = {
  ...CHAT_ATTRIBUTES,
  'gen_ai.request.model': 'in-house-model-7',
  'gen_ai.response.model': 'in-house-model-7',
};

/** When a trace's root SERVER span reaches a sink, relative to its AI spans. */
const ROOT_ORDERS = ['root first', 'root last', 'root between', 'root never'] as const;
type RootOrder = (typeof ROOT_ORDERS)[number];

interface PlannedTrace {
  traceId: string;
  order: RootOrder;
  route: string;
  /** The spans in the order they are sent, each with the replica it goes to. */
  sends: { span: ReadableSpan; replica: number }[];
}

/** mulberry32: the same pseudo-random sequence on every run, so a failure replays exactly. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Records `TRACES` Next.js-like requests: a root SERVER span with its http.route and one to three GenAI
 * CLIENT spans without ai.source (a service that does not run our processors), and plans where each goes.
 */
function planTraces(): PlannedTrace[] {
  const random = seededRandom(SEED);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const { provider, tracer, exporter } = inMemoryTracing({
    resource: resourceFromAttributes({ 'service.name': SERVICE }),
  });
  const plans: PlannedTrace[] = [];
  for (let i = 0; i < TRACES; i++) {
    const route = pick(ROUTES);
    const root = tracer.startSpan('GET', {
      kind: SpanKind.SERVER,
      attributes: { 'http.method': 'GET', 'http.route': route },
    });
    const calls = 1 + Math.floor(random() * 3);
    for (let c = 0; c < calls; c++) {
      const attributes: Attributes = random() < 0.25 ? UNPRICED_CALL : PRICED_CALL;
      tracer.startSpan('chat', { kind: SpanKind.CLIENT, attributes }, trace.setSpan(ROOT_CONTEXT, root)).end();
    }
    root.end();
    const spans = exporter.getFinishedSpans();
    exporter.reset();
    const rootSpan = spans.find((s) => s.parentSpanContext === undefined);
    const aiSpans = spans.filter((s) => s !== rootSpan);
    if (rootSpan === undefined) throw new Error('the root span was not recorded');
    const order = ROOT_ORDERS[i % ROOT_ORDERS.length] as RootOrder;
    const ordered = {
      'root first': [rootSpan, ...aiSpans],
      'root last': [...aiSpans, rootSpan],
      'root between': [...aiSpans.slice(0, 1), rootSpan, ...aiSpans.slice(1)],
      'root never': aiSpans,
    }[order];
    plans.push({
      traceId: root.spanContext().traceId,
      order,
      route,
      sends: ordered.map((span) => ({ span, replica: Math.floor(random() * REPLICAS) })),
    });
  }
  void provider.shutdown();
  return plans;
}

/** The AI (CLIENT) spans of a trace, in the order they are sent. */
function aiSpansOf(plan: PlannedTrace): ReadableSpan[] {
  return plan.sends.map(({ span }) => span).filter((span) => span.kind === SpanKind.CLIENT);
}

/** Exports `spans` in one request and fails the test unless the sink answered success. */
async function send(exporter: SpanExporter, spans: ReadableSpan[]): Promise<void> {
  const result = await new Promise<{ code: ExportResultCode; error?: Error }>((resolve) =>
    exporter.export(spans, resolve),
  );
  expect({ code: result.code, error: result.error?.message }).toEqual({
    code: ExportResultCode.SUCCESS,
    error: undefined,
  });
}

/**
 * Runs sends as they come on Postgres, so the replicas write at once (a trace's own spans still go in its
 * planned order); one at a time on PGlite.
 * PGlite over TCP (@electric-sql/pglite-socket 0.1.6) serves many connections from one session and queues
 * their protocol messages one by one: the Parse/Bind/Execute of two connections' queries can interleave and
 * bind each other's statement (electric-sql/pglite#1046). One request in flight keeps that from happening.
 */
function sendQueue(): <T>(task: () => Promise<T>) => Promise<T> {
  if (TEST_DATABASE_URL) return (task) => task();
  let tail: Promise<unknown> = Promise.resolve();
  return (task) => {
    const result = tail.then(task);
    tail = result.catch(() => undefined);
    return result;
  };
}

/** Sends each trace's spans in its planned order, each to its replica; traces concurrently. */
async function sendPlanned(plans: readonly PlannedTrace[], exporters: readonly SpanExporter[]): Promise<void> {
  const queue = sendQueue();
  await Promise.all(
    plans.map(async (plan) => {
      for (const { span, replica } of plan.sends) {
        const exporter = exporters[replica];
        if (exporter === undefined) throw new Error(`no replica ${replica}`);
        await queue(() => send(exporter, [span]));
      }
    }),
  );
}

function exporterFor(sink: SinkProcess, protocol: 'protobuf' | 'json'): SpanExporter {
  const options = { url: sink.tracesUrl, headers: { authorization: `Bearer ${sink.token}` } };
  return protocol === 'protobuf' ? new ProtoTraceExporter(options) : new JsonTraceExporter(options);
}

/** The sink's spendtrace_sink_rows_corrected_total. */
async function rowsCorrected(sink: SinkProcess): Promise<number> {
  const text = await (await fetch(`${sink.url}/metrics`)).text();
  const value = /^spendtrace_sink_rows_corrected_total (\d+)$/m.exec(text)?.[1];
  if (value === undefined) throw new Error(`no rows_corrected counter in:\n${text}`);
  return Number(value);
}

/** Every ai_request row, by trace id, cost as a 12-decimal string. */
async function readRequests(databaseUrl: string): Promise<(Omit<AIRequest, 'costUsd'> & { costUsd: string })[]> {
  const db = await openDatabase({ databaseUrl });
  try {
    const rows = await db.prisma.aIRequest.findMany({ orderBy: { traceId: 'asc' } });
    return rows.map(({ costUsd, ...rest }) => ({ ...rest, costUsd: costUsd.toFixed(12) }));
  } finally {
    await db.close();
  }
}

type Ids = Pick<StoredInteraction, 'traceId' | 'spanId'>;
const byIds = (a: Ids, b: Ids): number => a.traceId.localeCompare(b.traceId) || a.spanId.localeCompare(b.spanId);

/** Rows of the given traces only: the restart test adds a trace of its own to the same database. */
const ofTraces = <T extends { traceId: string }>(rows: T[], traceIds: ReadonlySet<string>): T[] =>
  rows.filter((row) => traceIds.has(row.traceId));

describe('three collector sinks on one database', () => {
  const plans = planTraces();
  const planned = new Set(plans.map((plan) => plan.traceId));
  // Undone in reverse order after the tests, whatever got started before a failure.
  const teardown: (() => Promise<unknown>)[] = [];
  let replicated: TcpDatabase;
  let single: TcpDatabase;
  let replicas: SinkProcess[];

  async function database(): Promise<TcpDatabase> {
    const db = await startTcpDatabase();
    teardown.push(() => db.close());
    return db;
  }

  async function sink(db: TcpDatabase, port?: number): Promise<SinkProcess> {
    const started = await startSink({ DATABASE_URL: db.url }, { port });
    teardown.push(() => started.stop());
    return started;
  }

  beforeAll(async () => {
    // The replicas start while the second database is created, in this process: what runs where overlaps.
    replicated = await database();
    const starting = Promise.all(Array.from({ length: REPLICAS }, () => sink(replicated)));
    starting.catch(() => undefined); // Awaited below; not unhandled while the database is created.
    single = await database();
    const [one, started] = await Promise.all([sink(single), starting]);
    replicas = started;
    const exporters = replicas.map((r, i) => exporterFor(r, i % 2 === 0 ? 'protobuf' : 'json'));
    const reference = exporterFor(one, 'protobuf');
    teardown.push(() => Promise.all([...exporters, reference].map((e) => e.shutdown())));

    await sendPlanned(plans, exporters);
    // The reference: every span to one sink in one request, so each root is there before its AI spans.
    await send(
      reference,
      plans.flatMap((plan) => plan.sends.map(({ span }) => span)),
    );
  });

  afterAll(async () => {
    for (const undo of teardown.reverse()) await undo();
  });

  describe('each span of a trace sent to a random one', () => {
    it('spreads the spans of one trace over the replicas, in every root order', () => {
      const spread = plans.filter((plan) => new Set(plan.sends.map((s) => s.replica)).size > 1);
      expect(new Set(spread.map((plan) => plan.order))).toEqual(new Set(ROOT_ORDERS));
      expect(new Set(plans.flatMap((plan) => plan.sends.map((s) => s.replica)))).toEqual(new Set([0, 1, 2]));
    });

    it("attributes every AI span to its root's route, unless the root never came", async () => {
      const rows = ofTraces(await readInteractions({ databaseUrl: replicated.url }), planned).sort(byIds);
      const expected = plans
        .flatMap((plan) =>
          aiSpansOf(plan).map((span) => ({
            traceId: plan.traceId,
            spanId: span.spanContext().spanId,
            source: plan.order === 'root never' ? null : plan.route,
            sourceKind: plan.order === 'root never' ? 'unattributed' : 'route',
            costUsd: span.attributes['gen_ai.request.model'] === 'gpt-4o-mini' ? '0.000009000000' : null,
          })),
        )
        .sort(byIds);
      expect(
        rows.map(({ traceId, spanId, source, sourceKind, costUsd }) => ({
          traceId,
          spanId,
          source,
          sourceKind,
          costUsd,
        })),
      ).toEqual(expected);
    });

    it('corrects, on whichever replica gets the root, each row written before it: once', async () => {
      const sentBeforeRoot = plans.flatMap((plan) => {
        const rootAt = plan.sends.findIndex(({ span }) => span.kind === SpanKind.SERVER);
        return rootAt < 0 ? [] : plan.sends.slice(0, rootAt);
      });
      const corrected = await Promise.all(replicas.map((replica) => rowsCorrected(replica)));
      expect(corrected.reduce((a, b) => a + b, 0)).toBe(sentBeforeRoot.length);
      expect(corrected.filter((n) => n > 0)).toHaveLength(REPLICAS);
    });

    it('writes the same ai_interaction rows as one sink given every span at once', async () => {
      const [fromReplicas, fromOne] = await Promise.all([
        readInteractions({ databaseUrl: replicated.url }),
        readInteractions({ databaseUrl: single.url }),
      ]);
      expect(fromOne).toHaveLength(plans.flatMap(aiSpansOf).length);
      expect(ofTraces(fromReplicas, planned).sort(byIds)).toEqual(fromOne.sort(byIds));
    });

    it('writes the same ai_request rows as one sink', async () => {
      const [fromReplicas, fromOne] = await Promise.all([readRequests(replicated.url), readRequests(single.url)]);
      expect(fromOne).toHaveLength(TRACES);
      expect(ofTraces(fromReplicas, planned)).toEqual(fromOne);
    });
  });

  describe("a replica restarted between a trace's AI spans and its root", () => {
    it('attributes the rows it wrote before the restart when the root reaches it after', async () => {
      const plan = planTraces().find((p) => p.order === 'root last');
      const rootSpan = plan?.sends.at(-1)?.span;
      if (plan === undefined || rootSpan?.kind !== SpanKind.SERVER) throw new Error('no trace with its root last');
      const aiSpans = aiSpansOf(plan);
      const only = new Set([plan.traceId]);
      const rowsOf = async () =>
        ofTraces(await readInteractions({ databaseUrl: replicated.url }), only)
          .map(({ spanId, source, sourceKind }) => ({ spanId, source, sourceKind }))
          .sort((a, b) => a.spanId.localeCompare(b.spanId));
      const spanIds = aiSpans.map((span) => span.spanContext().spanId).sort();
      const [before] = replicas;
      if (before === undefined) throw new Error('no replica');

      const first = exporterFor(before, 'protobuf');
      await send(first, aiSpans);
      await first.shutdown();
      expect(await rowsOf()).toEqual(spanIds.map((spanId) => ({ spanId, source: null, sourceKind: 'unattributed' })));
      expect(await before.stop()).toBe(0);

      // The same database and port: a container restarted in place.
      const after = await sink(replicated, Number(new URL(before.url).port));
      const second = exporterFor(after, 'json');
      await send(second, [rootSpan]);
      await second.shutdown();

      expect(await rowsOf()).toEqual(spanIds.map((spanId) => ({ spanId, source: plan.route, sourceKind: 'route' })));
      const requests = ofTraces(await readRequests(replicated.url), only);
      expect(
        requests.map(({ traceId, source, sourceKind, calls }) => ({ traceId, source, sourceKind, calls })),
      ).toEqual([{ traceId: plan.traceId, source: plan.route, sourceKind: 'route', calls: aiSpans.length }]);
    });
  });
});
