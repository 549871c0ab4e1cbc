// Real GenAI emitters, live: each emit script of scripts/dialect-fixtures runs as its own process against a local
// provider, as `npm run fixtures:dialects` runs it, and also exports its spans with the official OTLP exporter to
// the collector sink (FIXTURE_OTLP_URL). The rows the sink writes for that trace must be the rows the ledger makes
// of the emitter's recorded fixture (EXPECTED_ROWS), so a new emitter version that changes its spans fails here
// before anyone re-records. openlit is left out: it builds its own tracer provider, so no exporter can be added.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalProvider } from '../../lib/ai/local-provider';
import { runScript } from '../../harness/run-script';
import { startSink, type SinkProcess } from '../../harness/sink-process';
import { serviceNameFor, type Emitter, type EmitterOutput } from '../../scripts/dialect-fixtures/common';
import { dialectRow, EXPECTED_ROWS } from '../support/dialect-fixtures';
import { readInteractions } from '../support/read-interactions';
import { startTcpDatabase, type TcpDatabase } from '../support/tcp-database';

const LIVE: Emitter[] = ['ai-sdk-6', 'ai-sdk-7', 'contrib', 'ai-sdk-6-anthropic'];

describe('real emitters, live through the sink', () => {
  let database: TcpDatabase;
  let sink: SinkProcess;
  let workDir: string;
  const teardown: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    workDir = mkdtempSync(path.join(tmpdir(), 'emitters-live-'));
    teardown.push(() => Promise.resolve(rmSync(workDir, { recursive: true, force: true })));
    database = await startTcpDatabase();
    teardown.push(() => database.close());
    sink = await startSink({ DATABASE_URL: database.url });
    teardown.push(() => sink.stop());
  });

  afterAll(async () => {
    for (const undo of teardown.reverse()) await undo();
  });

  it.each(LIVE)('%s: the sink writes the rows of its recorded fixture', async (emitter) => {
    const provider = await startLocalProvider();
    const output = path.join(workDir, `${emitter}.json`);
    try {
      const result = await runScript(
        `scripts/dialect-fixtures/emit-${emitter}.ts`,
        {
          FIXTURE_PROVIDER_URL: provider.url,
          FIXTURE_OUTPUT: output,
          FIXTURE_OTLP_URL: sink.tracesUrl,
          FIXTURE_OTLP_TOKEN: sink.token,
          // NodeSDK's default metric and log exporters would retry localhost:4318 for 10 s at shutdown.
          OTEL_METRICS_EXPORTER: 'none',
          OTEL_LOGS_EXPORTER: 'none',
        },
        { timeoutMs: 25_000 },
      );
      expect(result.code, result.stderr).toBe(0);
    } finally {
      await provider.close();
    }

    // The script flushed its OTLP export before exiting, and the sink writes rows before it answers an export.
    const emitted = JSON.parse(readFileSync(output, 'utf8')) as EmitterOutput;
    const traceId = emitted.spans.find((span) => span.parentSpanId === null)?.traceId;
    const rows = (await readInteractions({ databaseUrl: database.url })).filter((row) => row.traceId === traceId);
    expect(new Set(rows.map((row) => row.serviceName))).toEqual(new Set([serviceNameFor(emitter)]));
    const expected = EXPECTED_ROWS[emitter];
    // An emitter whose expected rows are not written yet must at least give one row per call the provider saw.
    if (expected) expect(rows.map(dialectRow)).toEqual(expected);
    else expect(rows).toHaveLength(provider.requests.length);
  });
});
