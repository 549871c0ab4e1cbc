// `npm run job:digest` end to end: a plain Node.js process reads last week's spend, asks the model for a
// summary, prints it, and its own AI call becomes a row attributed to job:weekly_digest.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulatedReply, simulatedUsage, startLocalProvider, type LocalProvider } from '../../lib/ai/local-provider';
import { addDays, startOfUtcDay } from '../../lib/dashboard/filters';
import { openDatabase } from '../../lib/db/database';
import { InteractionStore } from '../../lib/db/interaction-store';
import { interactionRow } from '../support/interaction-row';
import { readInteractions } from '../support/read-interactions';
import { databaseEnv, scratchDatabase } from '../../harness/scratch-database';
import { runScript } from '../../harness/run-script';

describe('npm run job:digest', () => {
  let provider: LocalProvider;
  let database: { databaseUrl?: string; dataDir?: string };
  const teardown: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    provider = await startLocalProvider();
    teardown.push(() => provider.close());
    database = await scratchDatabase(teardown, 'spendtrace-digest-');
    // Last week's calls: two from a route, one unattributed.
    const yesterday = addDays(startOfUtcDay(new Date()), -1);
    const db = await openDatabase(database);
    await db.migrate();
    await new InteractionStore(db).insertMany([
      interactionRow(1, { startedAt: yesterday }),
      interactionRow(2, { startedAt: yesterday, costUsd: '0.000250000000' }),
      interactionRow(3, { startedAt: yesterday, source: null, sourceKind: 'unattributed' }),
    ]);
    await db.close();
  });

  afterAll(async () => {
    for (const undo of teardown.reverse()) await undo();
  });

  it('prints the digest and records its own call as job:weekly_digest', async () => {
    const result = await runScript('scripts/jobs/weekly-digest.ts', {
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: provider.url,
      ...databaseEnv(database),
    });
    const facts =
      'Last 7 days: $0.000550000000 over 3 AI calls, 0 failed.\nTop sources:\n' +
      '/api/leads/[id]/draft: $0.000400000000 over 2 calls\n(unattributed): $0.000150000000 over 1 calls';
    const reply = simulatedReply(facts);
    expect(result).toEqual({ code: 0, stdout: `${facts}\n\n${reply}\n`, stderr: '' });

    const usage = simulatedUsage({
      model: 'gpt-4o-mini',
      prompt: ['Summarise this AI spend report for the team in three short sentences.', facts],
      reply,
    });
    const rows = await readInteractions(database);
    expect(
      rows
        .filter((r) => r.source === 'job:weekly_digest')
        .map(({ traceId: _t, spanId: _s, parentSpanId: _p, ...rest }) => rest),
    ).toEqual([
      {
        source: 'job:weekly_digest',
        sourceKind: 'job',
        featureId: 'digest.weekly',
        operation: 'chat',
        provider: 'openai',
        requestModel: 'gpt-4o-mini',
        responseModel: 'gpt-4o-mini',
        inputTokens: usage.promptTokens,
        cachedInputTokens: usage.cachedTokens,
        outputTokens: usage.completionTokens,
        reasoningTokens: 0,
        totalTokens: usage.totalTokens,
        // gpt-4o-mini: $0.15/MTok in, $0.60/MTok out, in pico-dollars per token: 150,000 and 600,000.
        costUsd: `0.${String(usage.promptTokens * 150_000 + usage.completionTokens * 600_000).padStart(12, '0')}`,
        costStatus: 'priced',
        priceRef: 'genai-prices@0.1.8:openai/gpt-4o-mini',
        streamed: true,
        status: 'ok',
        errorType: null,
        serviceName: 'spendtrace-jobs',
        serviceVersion: null,
        attributes: {},
      },
    ]);
    expect(rows).toHaveLength(4);
  });

  it('is refused before its call when an enforced budget on jobs is spent, and says so', async () => {
    // The run above spent more than $0.000001 on job:weekly_digest today.
    const db = await openDatabase(database);
    await db.prisma.budget.create({
      data: { sourceKind: 'job', period: 'week', limitUsd: '0.000001', alertAt: [1], enforce: true },
    });
    await db.close();
    const before = provider.requests.length;
    const result = await runScript('scripts/jobs/weekly-digest.ts', {
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: provider.url,
      ...databaseEnv(database),
    });
    const weekEnd = new Date(startOfUtcDay(new Date()));
    weekEnd.setUTCDate(weekEnd.getUTCDate() + 7 - ((weekEnd.getUTCDay() + 6) % 7));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `weekly digest failed: The weekly budget for jobs ($0.000001) is spent; calls in its scope are refused until ${weekEnd.toISOString()}.`,
    );
    expect(provider.requests.length).toBe(before);
    const refused = (await readInteractions(database)).filter((r) => r.errorType === 'budget_exceeded');
    expect(refused.map((r) => [r.source, r.status, r.costUsd])).toEqual([['job:weekly_digest', 'error', null]]);
  });
});
