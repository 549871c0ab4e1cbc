// InteractionExporter with real finished spans, the real price book and the real InteractionStore on a
// database reached over TCP through a proxy, which the outage tests cut and restore. Rows are read back
// through a second client straight to the database, never through the proxy.
// gpt-4o-mini: $0.15 in, $0.60 out per MTok (genai-prices 0.1.8): 20 in + 10 out = 9,000,000 pico-dollars.
import {
  context,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
} from '@opentelemetry/api';
import { ExportResultCode, isTracingSuppressed, type ExportResult } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { captureDiag } from '../../test/support/capture-diag';
import { enableAsyncContext } from '../../test/support/enable-async-context';
import { inMemoryTracing } from '../../test/support/in-memory-tracing';
import { storedRows } from '../../test/support/stored-rows';
import { startTcpDatabase, type TcpDatabase } from '../../test/support/tcp-database';
import { startTcpProxy, type TcpProxy } from '../../harness/tcp-proxy';
import { createPriceBook, GENAI_PRICES_VERSION } from '../ledger/price-book';
import { openDatabase, type Database } from '../db/database';
import { InteractionStore } from '../db/interaction-store';
import { RowsRejectedError } from '../ledger/rows-rejected-error';
import { InteractionExporter, type InteractionExporterStats } from './interaction-exporter';
import type { InteractionRow } from '../ledger/span-to-interaction';
import type { InteractionSink } from '../ledger/interaction-sink';
import type { InteractionExporterConfig } from './types';

const priceBook = createPriceBook();
const STARTED_AT = new Date('2026-11-25T12:00:00.000Z');
const DURATION_MS = 812;
/** Long enough for a restored database to take the retried rows on a slow machine. */
const DEADLINE_MS = 20_000;

const CHAT: Attributes = {
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': 'openai',
  'gen_ai.request.model': 'gpt-4o-mini',
  'gen_ai.response.model': 'gpt-4o-mini',
  'gen_ai.usage.input_tokens': 20,
  'gen_ai.usage.output_tokens': 10,
  'ai.source': '/api/x',
  'ai.feature': 'email.sentiment',
};

const {
  provider,
  tracer,
  exporter: memory,
} = inMemoryTracing({
  resource: resourceFromAttributes({ 'service.name': 'spendtrace-app' }),
});

/** Starts and ends a span at a fixed time, so its row is known exactly; returns the finished span. */
function finishedSpan(
  name: string,
  attributes: Attributes,
  options: { parent?: Context; kind?: SpanKind; failed?: boolean } = {},
): ReadableSpan {
  const span = tracer.startSpan(
    name,
    { kind: options.kind ?? SpanKind.CLIENT, attributes, startTime: STARTED_AT },
    options.parent ?? ROOT_CONTEXT,
  );
  if (options.failed) span.setStatus({ code: SpanStatusCode.ERROR, message: '429 Rate limit reached' });
  span.end(new Date(STARTED_AT.getTime() + DURATION_MS));
  const { spanId } = span.spanContext();
  const done = memory.getFinishedSpans().find((candidate) => candidate.spanContext().spanId === spanId);
  if (done === undefined) throw new Error(`span '${name}' did not finish`);
  return done;
}

function chatSpans(count: number): ReadableSpan[] {
  return Array.from({ length: count }, (_, i) => finishedSpan(`chat ${i}`, CHAT));
}

/** The row of a CHAT span, for tests that change a field of it. */
function chatRow(span: ReadableSpan, overrides: Partial<InteractionRow> = {}): InteractionRow {
  return {
    startedAt: STARTED_AT,
    durationMs: DURATION_MS,
    traceId: span.spanContext().traceId,
    spanId: span.spanContext().spanId,
    parentSpanId: null,
    source: '/api/x',
    sourceKind: 'route',
    featureId: 'email.sentiment',
    operation: 'chat',
    provider: 'openai',
    requestModel: 'gpt-4o-mini',
    responseModel: 'gpt-4o-mini',
    inputTokens: 20,
    cachedInputTokens: null,
    outputTokens: 10,
    reasoningTokens: null,
    totalTokens: 30,
    costUsd: '0.000009000000',
    costStatus: 'priced',
    priceRef: `genai-prices@${GENAI_PRICES_VERSION}:openai/gpt-4o-mini`,
    streamed: false,
    status: 'ok',
    errorType: null,
    serviceName: 'spendtrace-app',
    attributes: {},
    ...overrides,
  };
}

function bySpanId(rows: InteractionRow[]): InteractionRow[] {
  return [...rows].sort((a, b) => a.spanId.localeCompare(b.spanId));
}

function exportSpans(exporter: InteractionExporter, spans: ReadableSpan[]): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(spans, resolve));
}

/** Polls the exporter's stats until `done` holds or the deadline passes; returns the last, to assert exactly. */
async function statsWhen(
  exporter: InteractionExporter,
  done: (stats: InteractionExporterStats) => boolean,
): Promise<InteractionExporterStats> {
  const deadline = Date.now() + DEADLINE_MS;
  for (;;) {
    const stats = exporter.stats();
    if (done(stats) || Date.now() > deadline) return stats;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('InteractionExporter', () => {
  let database: TcpDatabase;
  let proxy: TcpProxy;
  let proxied: Database;
  let direct: Database;
  let store: InteractionStore;
  let databaseCut = false;
  const exporters: InteractionExporter[] = [];
  // Undone in reverse order after the tests, whatever got started before a failure.
  const teardown: (() => Promise<unknown>)[] = [];

  enableAsyncContext();

  beforeAll(async () => {
    database = await startTcpDatabase();
    teardown.push(() => database.close());
    proxy = await startTcpProxy({ host: database.host, port: database.port });
    teardown.push(() => proxy.close());
    proxied = await openDatabase({ databaseUrl: database.urlVia(proxy.port), onConnectionError: () => undefined });
    teardown.push(() => proxied.close());
    direct = await openDatabase({ databaseUrl: database.url });
    teardown.push(() => direct.close());
    store = new InteractionStore(proxied);
  });

  afterAll(async () => {
    for (const undo of teardown.reverse()) await undo();
    await provider.shutdown();
  });

  beforeEach(async () => {
    memory.reset();
    await direct.prisma.aIInteraction.deleteMany();
  });

  afterEach(async () => {
    if (databaseCut) await restoreDatabase();
    for (const exporter of exporters.splice(0)) await exporter.shutdown();
  });

  function createExporter(config: Partial<InteractionExporterConfig> = {}): InteractionExporter {
    const exporter = new InteractionExporter({
      sink: store,
      priceBook,
      initialRetryDelayMs: 50,
      maxRetryDelayMs: 200,
      ...config,
    });
    exporters.push(exporter);
    return exporter;
  }

  async function cutDatabase(): Promise<void> {
    await proxy.cut();
    databaseCut = true;
  }

  async function restoreDatabase(): Promise<void> {
    await proxy.restore();
    databaseCut = false;
  }

  describe('export', () => {
    it('writes one exact row per AI span and none for other spans', async () => {
      const exporter = createExporter();
      const root = finishedSpan('GET', { 'http.target': '/api/x' }, { kind: SpanKind.SERVER });
      const inRoot = trace.setSpanContext(ROOT_CONTEXT, root.spanContext());
      const chat = finishedSpan('chat gpt-4o-mini', { ...CHAT, 'ai.attr.customer_tier': 'gold' }, { parent: inRoot });
      const unknownModel = finishedSpan(
        'chat acme-ft',
        { ...CHAT, 'gen_ai.request.model': 'acme-ft', 'gen_ai.response.model': 'acme-ft' },
        { parent: inRoot },
      );
      const rateLimited = finishedSpan(
        'chat rate limited',
        {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'openai',
          'gen_ai.request.model': 'gpt-4o-mini',
          'error.type': 'RateLimitError',
          'ai.source': 'action:insights_chat.send_message',
        },
        { parent: inRoot, failed: true },
      );
      const select = finishedSpan('SELECT leads', { 'db.system': 'postgresql' }, { parent: inRoot });
      const agent = finishedSpan(
        'invoke_agent triage',
        { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.provider.name': 'openai' },
        { parent: inRoot },
      );

      const result = await exportSpans(exporter, [root, chat, select, unknownModel, agent, rateLimited]);

      expect(result).toEqual({ code: ExportResultCode.SUCCESS });
      const parentSpanId = root.spanContext().spanId;
      expect(await storedRows(direct.prisma)).toEqual(
        bySpanId([
          chatRow(chat, { parentSpanId, attributes: { customer_tier: 'gold' } }),
          chatRow(unknownModel, {
            parentSpanId,
            requestModel: 'acme-ft',
            responseModel: 'acme-ft',
            costUsd: null,
            costStatus: 'unpriced',
            priceRef: null,
          }),
          chatRow(rateLimited, {
            parentSpanId,
            source: 'action:insights_chat.send_message',
            sourceKind: 'action',
            featureId: null,
            responseModel: null,
            inputTokens: null,
            outputTokens: null,
            totalTokens: null,
            costUsd: null,
            costStatus: 'no_usage',
            priceRef: null,
            status: 'error',
            errorType: 'RateLimitError',
          }),
        ]),
      );
      expect(exporter.stats()).toEqual({ buffered: 0, written: 3, dropped: 0, rejected: 0, failedWrites: 0 });
    });

    it('calls back SUCCESS and writes nothing for spans that are not AI calls', async () => {
      const exporter = createExporter();
      const spans = [
        finishedSpan('GET', { 'http.target': '/api/x' }, { kind: SpanKind.SERVER }),
        finishedSpan('SELECT leads', { 'db.system': 'postgresql' }),
      ];

      expect(await exportSpans(exporter, spans)).toEqual({ code: ExportResultCode.SUCCESS });

      expect(await storedRows(direct.prisma)).toEqual([]);
      expect(exporter.stats()).toEqual({ buffered: 0, written: 0, dropped: 0, rejected: 0, failedWrites: 0 });
    });

    it('keeps one row per span when the same spans are exported again, and counts only new rows', async () => {
      const exporter = createExporter();
      const [first, second, third] = chatSpans(3) as [ReadableSpan, ReadableSpan, ReadableSpan];

      expect(await exportSpans(exporter, [first, second])).toEqual({ code: ExportResultCode.SUCCESS });
      expect(exporter.stats()).toEqual({ buffered: 0, written: 2, dropped: 0, rejected: 0, failedWrites: 0 });

      expect(await exportSpans(exporter, [first, second, third])).toEqual({ code: ExportResultCode.SUCCESS });
      expect(exporter.stats()).toEqual({ buffered: 0, written: 3, dropped: 0, rejected: 0, failedWrites: 0 });

      // A second exporter (another process, or the collector sink) seeing the same spans adds nothing.
      const other = createExporter();
      expect(await exportSpans(other, [third, first])).toEqual({ code: ExportResultCode.SUCCESS });
      expect(other.stats()).toEqual({ buffered: 0, written: 0, dropped: 0, rejected: 0, failedWrites: 0 });

      expect(await storedRows(direct.prisma)).toEqual(bySpanId([chatRow(first), chatRow(second), chatRow(third)]));
    });

    it('resolves a sink factory lazily, on the first export, and only once', async () => {
      let calls = 0;
      const exporter = createExporter({
        sink: () => {
          calls += 1;
          return Promise.resolve(store);
        },
      });
      expect(calls).toBe(0);
      const [first, second] = chatSpans(2) as [ReadableSpan, ReadableSpan];

      expect(await exportSpans(exporter, [first])).toEqual({ code: ExportResultCode.SUCCESS });
      expect(await exportSpans(exporter, [second])).toEqual({ code: ExportResultCode.SUCCESS });

      expect(calls).toBe(1);
      expect(await storedRows(direct.prisma)).toEqual(bySpanId([chatRow(first), chatRow(second)]));
    });

    it('calls a sink factory that failed again on the retry', async () => {
      let calls = 0;
      const exporter = createExporter({
        sink: () => {
          calls += 1;
          return calls === 1 ? Promise.reject(new Error('database not ready')) : Promise.resolve(store);
        },
      });
      const [span] = chatSpans(1) as [ReadableSpan];

      expect(await exportSpans(exporter, [span])).toEqual({ code: ExportResultCode.SUCCESS });

      expect(await statsWhen(exporter, (stats) => stats.written === 1)).toEqual({
        buffered: 0,
        written: 1,
        dropped: 0,
        rejected: 0,
        failedWrites: 1,
      });
      expect(calls).toBe(2);
      expect(await storedRows(direct.prisma)).toEqual([chatRow(span)]);
    });

    it('calls back SUCCESS while the database is down, holds the rows and writes them once it is back', async () => {
      const exporter = createExporter();
      const [first, second] = chatSpans(2) as [ReadableSpan, ReadableSpan];
      await cutDatabase();

      expect(await exportSpans(exporter, [first, second])).toEqual({ code: ExportResultCode.SUCCESS });

      expect(exporter.stats()).toEqual({ buffered: 2, written: 0, dropped: 0, rejected: 0, failedWrites: 1 });
      // It keeps retrying while the database is away.
      expect(await statsWhen(exporter, (stats) => stats.failedWrites >= 3)).toEqual({
        buffered: 2,
        written: 0,
        dropped: 0,
        rejected: 0,
        failedWrites: expect.any(Number),
      });
      expect(exporter.stats().failedWrites).toBeGreaterThanOrEqual(3);
      expect(await storedRows(direct.prisma)).toEqual([]);

      await restoreDatabase();

      expect(await statsWhen(exporter, (stats) => stats.written === 2)).toEqual({
        buffered: 0,
        written: 2,
        dropped: 0,
        rejected: 0,
        failedWrites: expect.any(Number),
      });
      expect(await storedRows(direct.prisma)).toEqual(bySpanId([chatRow(first), chatRow(second)]));
    });

    it('keeps the newest rows and counts the dropped ones when the buffer fills during an outage', async () => {
      const messages = captureDiag();
      const exporter = createExporter({ maxBufferedRows: 3 });
      const spans = chatSpans(5);
      await cutDatabase();

      expect(await exportSpans(exporter, spans)).toEqual({ code: ExportResultCode.SUCCESS });

      expect(exporter.stats()).toEqual({ buffered: 3, written: 0, dropped: 2, rejected: 0, failedWrites: 1 });
      expect(messages).toContainEqual({
        level: 'error',
        message: 'spendtrace: dropped 2 AIInteraction rows: buffer full (3 rows) while the database was unreachable',
        args: [],
      });

      await restoreDatabase();

      expect(await statsWhen(exporter, (stats) => stats.buffered === 0)).toEqual({
        buffered: 0,
        written: 3,
        dropped: 2,
        rejected: 0,
        failedWrites: expect.any(Number),
      });
      expect(await storedRows(direct.prisma)).toEqual(bySpanId(spans.slice(2).map((span) => chatRow(span))));
    });

    it('keeps a row exported while a full buffer is being written', async () => {
      // The real store behind a gate, to export while an INSERT is in flight.
      let signalWriting = (): void => undefined;
      const writing = new Promise<void>((resolve) => (signalWriting = resolve));
      let release = (): void => undefined;
      const released = new Promise<void>((resolve) => (release = resolve));
      const gated: InteractionSink = {
        async insertMany(rows) {
          signalWriting();
          await released;
          return store.insertMany(rows);
        },
      };
      const exporter = createExporter({ sink: gated, maxBufferedRows: 2 });
      const [first, second, third] = chatSpans(3) as [ReadableSpan, ReadableSpan, ReadableSpan];

      const firstExport = exportSpans(exporter, [first, second]);
      await writing;
      const secondExport = exportSpans(exporter, [third]);
      release();

      expect(await firstExport).toEqual({ code: ExportResultCode.SUCCESS });
      expect(await secondExport).toEqual({ code: ExportResultCode.SUCCESS });
      await exporter.forceFlush();
      // The batch being written is kept apart from the bounded queue: making room for `third` must not drop
      // `first` (already in flight), nor lose `third` when the written batch leaves.
      expect(exporter.stats()).toEqual({ buffered: 0, written: 3, dropped: 0, rejected: 0, failedWrites: 0 });
      expect(await storedRows(direct.prisma)).toEqual(bySpanId([chatRow(first), chatRow(second), chatRow(third)]));
    });

    it('stores a NUL character, which Postgres cannot hold, as U+FFFD instead of failing the batch', async () => {
      const exporter = createExporter();
      // ai.attr.* values come from W3C baggage, which a caller of the app can send.
      const poisoned = finishedSpan('chat poisoned', { ...CHAT, 'ai.attr.note': 'a\u0000b' });
      const [span] = chatSpans(1) as [ReadableSpan];

      expect(await exportSpans(exporter, [poisoned, span])).toEqual({ code: ExportResultCode.SUCCESS });

      const rows = await storedRows(direct.prisma);
      expect(rows).toContainEqual(chatRow(span));
      expect(rows).toContainEqual(chatRow(poisoned, { attributes: { note: 'a\uFFFDb' } }));
      expect(exporter.stats()).toEqual({ buffered: 0, written: 2, dropped: 0, rejected: 0, failedWrites: 0 });
    });

    it('answers at once while a write is in progress, and that write takes the new rows too', async () => {
      // A sink whose first insert waits until released, as a stalled database does.
      const spans = chatSpans(3);
      const batches: string[][] = [];
      let release: () => void = () => undefined;
      const stalled = new Promise<void>((resolve) => (release = resolve));
      const exporter = new InteractionExporter({
        priceBook,
        sink: {
          async insertMany(rows) {
            if (batches.length === 0) await stalled;
            batches.push(rows.map((row) => row.spanId));
            return rows.length;
          },
        },
      });
      const first = exportSpans(exporter, spans.slice(0, 1));

      // The first export waits for its write; the second does not wait for the stalled one.
      expect(await exportSpans(exporter, spans.slice(1))).toEqual({ code: ExportResultCode.SUCCESS });
      expect(exporter.stats()).toEqual({ buffered: 3, written: 0, dropped: 0, rejected: 0, failedWrites: 0 });
      release();

      expect(await first).toEqual({ code: ExportResultCode.SUCCESS });
      const ids = spans.map((span) => span.spanContext().spanId);
      // The write had not taken its batch yet (it first resolves the sink): one batch holds all three.
      expect(batches).toEqual([ids]);
      expect(exporter.stats()).toEqual({ buffered: 0, written: 3, dropped: 0, rejected: 0, failedWrites: 0 });
      await exporter.shutdown();
    });

    it('drops only the rows the database refuses, and writes the rest of their batch', async () => {
      // A sink (the small InteractionSink interface) that refuses any batch holding span 3, as a database
      // refuses a value it cannot store.
      const spans = chatSpans(5);
      const refused = spans[2]?.spanContext().spanId;
      const inserted: string[] = [];
      const messages = captureDiag();
      const exporter = new InteractionExporter({
        priceBook,
        sink: {
          insertMany(rows) {
            if (rows.some((row) => row.spanId === refused)) {
              return Promise.reject(new RowsRejectedError('the database refused the rows (SQLSTATE 22021)'));
            }
            inserted.push(...rows.map((row) => row.spanId));
            return Promise.resolve(rows.length);
          },
        },
      });

      expect(await exportSpans(exporter, spans)).toEqual({ code: ExportResultCode.SUCCESS });

      expect(inserted.sort()).toEqual(
        spans
          .map((span) => span.spanContext().spanId)
          .filter((id) => id !== refused)
          .sort(),
      );
      expect(exporter.stats()).toEqual({ buffered: 0, written: 4, dropped: 0, rejected: 1, failedWrites: 0 });
      expect(messages).toContainEqual({
        level: 'error',
        message: `spendtrace: the database refused the AIInteraction row of span ${String(refused)} in trace ${String(spans[2]?.spanContext().traceId)}; dropped it`,
        args: [new RowsRejectedError('the database refused the rows (SQLSTATE 22021)')],
      });
      await exporter.shutdown();
    });

    it('calls back FAILED after shutdown and writes nothing', async () => {
      const exporter = createExporter();
      await exporter.shutdown();

      const result = await exportSpans(exporter, chatSpans(1));

      expect(result).toEqual({ code: ExportResultCode.FAILED, error: new Error('InteractionExporter is shut down') });
      expect(await storedRows(direct.prisma)).toEqual([]);
      expect(exporter.stats()).toEqual({ buffered: 0, written: 0, dropped: 0, rejected: 0, failedWrites: 0 });
    });

    it('exports with tracing suppressed, so the exporter never traces itself', async () => {
      const suppressed: boolean[] = [];
      const recording: InteractionSink = {
        insertMany(rows) {
          suppressed.push(isTracingSuppressed(context.active()));
          return store.insertMany(rows);
        },
      };
      const exporter = createExporter({ sink: recording });
      const spans = chatSpans(1);
      const parent = tracer.startSpan('export batch');

      const result = await context.with(trace.setSpan(context.active(), parent), () => {
        // The span is active here, and tracing is not suppressed: the exporter must suppress it.
        expect(trace.getActiveSpan()).toBe(parent);
        expect(isTracingSuppressed(context.active())).toBe(false);
        return exportSpans(exporter, spans);
      });
      parent.end();

      expect(result).toEqual({ code: ExportResultCode.SUCCESS });
      expect(suppressed).toEqual([true]);
    });

    it('retries with tracing suppressed too', async () => {
      const suppressed: boolean[] = [];
      const failingOnce: InteractionSink = {
        insertMany(rows) {
          suppressed.push(isTracingSuppressed(context.active()));
          if (suppressed.length === 1) return Promise.reject(new Error('connection reset'));
          return store.insertMany(rows);
        },
      };
      const exporter = createExporter({ sink: failingOnce });
      const [span] = chatSpans(1) as [ReadableSpan];
      const parent = tracer.startSpan('export batch');

      const result = await context.with(trace.setSpan(context.active(), parent), () => exportSpans(exporter, [span]));
      parent.end();

      expect(result).toEqual({ code: ExportResultCode.SUCCESS });
      expect(await statsWhen(exporter, (stats) => stats.written === 1)).toEqual({
        buffered: 0,
        written: 1,
        dropped: 0,
        rejected: 0,
        failedWrites: 1,
      });
      expect(suppressed).toEqual([true, true]);
      expect(await storedRows(direct.prisma)).toEqual([chatRow(span)]);
    });
  });

  describe('forceFlush', () => {
    it('never throws while the database is down, and counts the failed write', async () => {
      // A retry far away, so only forceFlush writes.
      const exporter = createExporter({ initialRetryDelayMs: 60_000, maxRetryDelayMs: 60_000 });
      const [span] = chatSpans(1) as [ReadableSpan];
      await cutDatabase();
      expect(await exportSpans(exporter, [span])).toEqual({ code: ExportResultCode.SUCCESS });

      await expect(exporter.forceFlush()).resolves.toBeUndefined();

      expect(exporter.stats()).toEqual({ buffered: 1, written: 0, dropped: 0, rejected: 0, failedWrites: 2 });

      await restoreDatabase();
      await expect(exporter.forceFlush()).resolves.toBeUndefined();

      expect(exporter.stats()).toEqual({ buffered: 0, written: 1, dropped: 0, rejected: 0, failedWrites: 2 });
      expect(await storedRows(direct.prisma)).toEqual([chatRow(span)]);
    });
  });

  describe('shutdown', () => {
    it('gives up at shutdownTimeoutMs while the database is down and reports the rows it could not write', async () => {
      const messages = captureDiag();
      const exporter = createExporter({ shutdownTimeoutMs: 300 });
      await cutDatabase();
      expect(await exportSpans(exporter, chatSpans(2))).toEqual({ code: ExportResultCode.SUCCESS });

      await expect(exporter.shutdown()).resolves.toBeUndefined();

      expect(messages).toContainEqual({
        level: 'error',
        message: 'spendtrace: shut down with 2 AIInteraction rows unwritten (database unreachable)',
        args: [],
      });
      expect(exporter.stats()).toEqual({
        buffered: 2,
        written: 0,
        dropped: 0,
        rejected: 0,
        failedWrites: expect.any(Number),
      });
      expect(await storedRows(direct.prisma)).toEqual([]);
    });

    it('writes what it holds when the database is up', async () => {
      const messages = captureDiag();
      // A retry far away, so only shutdown writes.
      const exporter = createExporter({ initialRetryDelayMs: 60_000, maxRetryDelayMs: 60_000 });
      const spans = chatSpans(2);
      await cutDatabase();
      expect(await exportSpans(exporter, spans)).toEqual({ code: ExportResultCode.SUCCESS });
      expect(exporter.stats()).toEqual({ buffered: 2, written: 0, dropped: 0, rejected: 0, failedWrites: 1 });
      await restoreDatabase();

      await exporter.shutdown();

      expect(exporter.stats()).toEqual({ buffered: 0, written: 2, dropped: 0, rejected: 0, failedWrites: 1 });
      expect(await storedRows(direct.prisma)).toEqual(bySpanId(spans.map((span) => chatRow(span))));
      expect(messages.filter((m) => m.message.includes('unwritten'))).toEqual([]);
    });

    it('waits for a write in progress', async () => {
      const exporter = createExporter();
      const spans = chatSpans(2);
      const exported = exportSpans(exporter, spans);

      await exporter.shutdown();

      expect(await storedRows(direct.prisma)).toEqual(bySpanId(spans.map((span) => chatRow(span))));
      expect(exporter.stats()).toEqual({ buffered: 0, written: 2, dropped: 0, rejected: 0, failedWrites: 0 });
      expect(await exported).toEqual({ code: ExportResultCode.SUCCESS });
    });

    it('is safe to call twice, at once or one after the other', async () => {
      const messages = captureDiag();
      const exporter = createExporter();
      const [span] = chatSpans(1) as [ReadableSpan];
      const exported = exportSpans(exporter, [span]);

      await Promise.all([exporter.shutdown(), exporter.shutdown()]);
      await exporter.shutdown();

      expect(await exported).toEqual({ code: ExportResultCode.SUCCESS });
      expect(exporter.stats()).toEqual({ buffered: 0, written: 1, dropped: 0, rejected: 0, failedWrites: 0 });
      expect(await storedRows(direct.prisma)).toEqual([chatRow(span)]);
      expect(messages.filter((m) => m.level === 'error')).toEqual([]);
    });
  });
});
