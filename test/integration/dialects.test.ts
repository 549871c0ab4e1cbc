// Each GenAI instrumentation's recorded spans, replayed through real tracer providers: once through our
// processors and exporter in-process (source stamped from the local root, cost priced, row written), once
// through the official OTLP exporter to the collector sink as a process. Both paths must give the same rows.
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../lib/db/database';
import { InteractionStore } from '../../lib/db/interaction-store';
import { getDefaultPriceBook } from '../../lib/ledger/default-price-book';
import { createSpendtraceProcessors } from '../../lib/telemetry/spendtrace-processors';
import { startSink, type SinkProcess } from '../../harness/sink-process';
import { dialectRow, EXPECTED_ROWS, loadFixtures, replayFixture } from '../support/dialect-fixtures';
import { readInteractions, type StoredInteraction } from '../support/read-interactions';
import { startTcpDatabase, type TcpDatabase } from '../support/tcp-database';

const fixtures = loadFixtures();

describe('every recorded emitter, in-process and through the sink', () => {
  let database: TcpDatabase;
  let db: Database;
  let sink: SinkProcess;
  const teardown: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    database = await startTcpDatabase();
    teardown.push(() => database.close());
    db = await openDatabase({ databaseUrl: database.url });
    teardown.push(() => db.close());
    sink = await startSink({ DATABASE_URL: database.url });
    teardown.push(() => sink.stop());
  });

  afterAll(async () => {
    for (const undo of teardown.reverse()) await undo();
  });

  async function rowsOf(traceId: string): Promise<StoredInteraction[]> {
    return (await readInteractions({ databaseUrl: database.url })).filter((row) => row.traceId === traceId);
  }

  describe.each(fixtures.map((fixture) => [fixture.emitter, fixture] as const))('%s', (emitter, fixture) => {
    it('in-process: our processors and exporter write the expected rows', async () => {
      const telemetry = createSpendtraceProcessors({
        exporter: 'database',
        sink: () => Promise.resolve(new InteractionStore(db)),
        priceBook: getDefaultPriceBook(),
      });
      const provider = new BasicTracerProvider({
        resource: resourceFromAttributes({ 'service.name': `replay-${emitter}` }),
        spanProcessors: telemetry.processors,
      });
      const traceId = replayFixture(fixture, provider);
      await provider.shutdown();

      const rows = await rowsOf(traceId);
      expect(rows.map(dialectRow)).toEqual(EXPECTED_ROWS[emitter]);
      expect(new Set(rows.map((row) => row.serviceName))).toEqual(new Set([`replay-${emitter}`]));
    });

    it('through the sink: the official OTLP exporter gives the same rows', async () => {
      const exporter = new OTLPTraceExporter({
        url: sink.tracesUrl,
        headers: { authorization: `Bearer ${sink.token}` },
      });
      const provider = new BasicTracerProvider({
        resource: resourceFromAttributes({ 'service.name': `sink-${emitter}` }),
        spanProcessors: [new BatchSpanProcessor(exporter)],
      });
      const traceId = replayFixture(fixture, provider);
      await provider.shutdown();

      // The sink writes the rows before it answers: the export has ended, so they are there.
      expect((await rowsOf(traceId)).map(dialectRow)).toEqual(EXPECTED_ROWS[emitter]);
    });
  });

  it('the sink counts the spans it read per dialect', async () => {
    const res = await fetch(`${sink.url}/metrics`);
    const text = await res.text();
    const counts = Object.fromEntries(
      [...text.matchAll(/^spendtrace_sink_dialect_spans_total\{dialect="([^"]+)",kind="([^"]+)"\} (\d+)$/gm)].map(
        ([, dialect, kind, n]) => [`${dialect}/${kind}`, Number(n)],
      ),
    );
    // Calls: contrib 3, openllmetry 2, openlit 3, AI SDK 7 3 (all gen_ai); AI SDK 6 3 with OpenAI, Azure, Google
    // and Mistral, 2 with Anthropic, Bedrock, DeepSeek, Groq, Vertex and xAI (no embeddings): 24; OpenInference 3;
    // Langfuse 3. Wrappers: AI SDK 6's outer spans, one per call (24); AI SDK 7's two invoke_agent, two steps and
    // the embed operation span.
    expect(counts).toEqual({
      'ai_sdk/call': 24,
      'ai_sdk/wrapper': 24,
      'gen_ai/call': 11,
      'gen_ai/wrapper': 5,
      'langfuse/call': 3,
      'openinference/call': 3,
    });
    expect(text).toContain('# TYPE spendtrace_sink_unmapped_ai_spans_total counter\n');
    expect(text).not.toContain('spendtrace_sink_unmapped_ai_spans_total{');
  });
});
