// Collector mode end to end: the built app sends its spans over OTLP (protobuf, the default) straight to
// the sink, writing no rows itself; the sink writes them. The same rows as the in-process path.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalProvider, type LocalProvider } from '../../lib/ai/local-provider';
import { startApp, type AppServer } from '../../harness/app-server';
import { poll } from '../support/poll';
import { readInteractions } from '../support/read-interactions';
import { startSink, SINK_TOKEN, type SinkProcess } from '../../harness/sink-process';
import { startTcpDatabase, type TcpDatabase } from '../support/tcp-database';

describe('the app in collector mode', () => {
  let provider: LocalProvider;
  let database: TcpDatabase;
  let sink: SinkProcess;
  let app: AppServer;
  const teardown: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    provider = await startLocalProvider();
    teardown.push(() => provider.close());
    database = await startTcpDatabase();
    teardown.push(() => database.close());
    sink = await startSink({ DATABASE_URL: database.url });
    teardown.push(() => sink.stop());
    app = await startApp({
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: provider.url,
      DATABASE_URL: database.url,
      SPENDTRACE_EXPORTER: 'otlp',
      OTEL_SERVICE_NAME: 'spendtrace-collector-mode',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: sink.tracesUrl,
      OTEL_EXPORTER_OTLP_HEADERS: `authorization=Bearer%20${SINK_TOKEN}`,
    });
    teardown.push(() => app.stop());
  });

  afterAll(async () => {
    for (const undo of teardown.reverse()) await undo();
  });

  it('gets one row per AI call from the sink, attributed and priced as in-process', async () => {
    const res = await fetch(`${app.url}/api/webhooks/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: 'ada@example.com', subject: 'Pilot', text: 'We would love to start the pilot.' }),
    });
    expect(res.status).toBe(200);

    const rows = await poll(
      () => readInteractions({ databaseUrl: database.url }),
      (current) => current.length >= 2,
      { timeoutMs: 20_000 },
    );
    // The same request as in app.test.ts, so the same token counts and costs (worked out there).
    expect(rows.map(({ traceId: _t, spanId: _s, parentSpanId: _p, ...rest }) => rest)).toEqual([
      {
        source: '/api/webhooks/email',
        sourceKind: 'route',
        featureId: 'email.sentiment',
        operation: 'chat',
        provider: 'openai',
        requestModel: 'gpt-4o-mini',
        responseModel: 'gpt-4o-mini',
        inputTokens: 44,
        cachedInputTokens: 0,
        outputTokens: 18,
        reasoningTokens: 0,
        totalTokens: 62,
        costUsd: '0.000017400000',
        costStatus: 'priced',
        priceRef: 'genai-prices@0.1.8:openai/gpt-4o-mini',
        streamed: false,
        status: 'ok',
        errorType: null,
        serviceName: 'spendtrace-collector-mode',
        serviceVersion: '0.1.0',
        attributes: { tenant: 'example.com' },
      },
      {
        source: '/api/webhooks/email',
        sourceKind: 'route',
        featureId: 'email.auto_send',
        operation: 'responses',
        provider: 'openai',
        requestModel: 'gpt-4o-mini',
        responseModel: 'gpt-4o-mini',
        inputTokens: 87,
        cachedInputTokens: 0,
        outputTokens: 52,
        reasoningTokens: 0,
        totalTokens: 139,
        costUsd: '0.000044250000',
        costStatus: 'priced',
        priceRef: 'genai-prices@0.1.8:openai/gpt-4o-mini',
        streamed: false,
        status: 'ok',
        errorType: null,
        serviceName: 'spendtrace-collector-mode',
        serviceVersion: '0.1.0',
        attributes: { tenant: 'example.com' },
      },
    ]);
    expect(new Set(rows.map((r) => r.traceId)).size).toBe(1);
  });
});
