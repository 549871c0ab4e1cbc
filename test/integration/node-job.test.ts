// The plain Node.js path: `registerNodeTelemetry()` and `aiJob()` in a process of their own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalProvider, type LocalProvider } from '../../lib/ai/local-provider';
import { readInteractions } from '../support/read-interactions';
import { databaseEnv, scratchDatabase } from '../../harness/scratch-database';
import { runScript } from '../../harness/run-script';

describe('registerNodeTelemetry', () => {
  let provider: LocalProvider;
  let database: { databaseUrl?: string; dataDir?: string };
  const teardown: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    provider = await startLocalProvider();
    teardown.push(() => provider.close());
    database = await scratchDatabase(teardown, 'spendtrace-job-');
  });

  afterAll(async () => {
    for (const undo of teardown.reverse()) await undo();
  });

  it('records a job’s AI call with its job source and developer attributes, flushed on shutdown', async () => {
    const result = await runScript('test/fixtures/node-job.ts', {
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: provider.url,
      OTEL_SERVICE_NAME: 'digest-worker',
      ...databaseEnv(database),
    });
    expect(result).toEqual({ code: 0, stdout: '', stderr: '' });
    const rows = await readInteractions(database);
    expect(rows.map(({ traceId: _t, spanId: _s, parentSpanId: _p, ...rest }) => rest)).toEqual([
      {
        source: 'job:fixture_digest',
        sourceKind: 'job',
        featureId: 'followups.draft',
        operation: 'embeddings',
        provider: 'openai',
        requestModel: 'text-embedding-3-small',
        responseModel: 'text-embedding-3-small',
        // 'weekly digest' is 13 characters: ceil(13 / 4) = 4 tokens; embeddings have no output.
        inputTokens: 4,
        cachedInputTokens: null,
        outputTokens: null,
        reasoningTokens: null,
        totalTokens: 4,
        // text-embedding-3-small: $0.02/MTok. 4 × 0.02 = 0.08 µ$.
        costUsd: '0.000000080000',
        costStatus: 'priced',
        priceRef: 'genai-prices@0.1.8:openai/text-embedding-3-small',
        streamed: false,
        status: 'ok',
        errorType: null,
        serviceName: 'digest-worker',
        serviceVersion: null,
        attributes: { customer_tier: 'pro' },
      },
    ]);
    // The AI span's parent is the job's own span, the root of its trace.
    expect(rows[0]?.parentSpanId).toMatch(/^[0-9a-f]{16}$/);
  });
});
