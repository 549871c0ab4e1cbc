// Enforced budgets end to end in one process: the real openai SDK and the Vercel AI SDK against the local
// provider, our processors (the tracker told of each priced call as its span ends) and exporter writing rows
// to a real database, and the tracker as the clients' guard. A spent source is refused within the documented
// overshoot (the calls already in flight) while another source goes on; refused calls never reach the
// provider and are rows that cost nothing.
import { context, trace } from '@opentelemetry/api';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { createOpenAI } from '@ai-sdk/openai';
import { generateText } from 'ai';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAIClient, type AIClient } from '../../lib/ai/ai-client';
import { aiSdkTelemetry } from '../../lib/ai/ai-sdk-telemetry';
import { BudgetExceededError } from '../../lib/ai/budget-guard';
import { guardedFetch } from '../../lib/ai/guarded-fetch';
import { startLocalProvider, type LocalProvider } from '../../lib/ai/local-provider';
import { BudgetCreateSchema } from '../../lib/budgets/budget-input';
import { createBudget } from '../../lib/budgets/budget-store';
import { BudgetTracker } from '../../lib/budgets/budget-tracker';
import { InteractionStore } from '../../lib/db/interaction-store';
import { getDefaultPriceBook } from '../../lib/ledger/default-price-book';
import { aiJob } from '../../lib/telemetry/source-context';
import { createSpendtraceProcessors } from '../../lib/telemetry/spendtrace-processors';
import { createTestDatabase, type TestDatabase } from '../../harness/test-database';
import { enableAsyncContext } from '../support/enable-async-context';

enableAsyncContext();

const CONCURRENCY = 4;
const CALLS_PER_SOURCE = 48;

describe('enforced budgets', () => {
  let database: TestDatabase;
  let provider: LocalProvider;
  let tracker: BudgetTracker;
  let tracer: BasicTracerProvider;
  let ai: AIClient;
  let shutdownTelemetry: () => Promise<void>;

  beforeAll(async () => {
    database = await createTestDatabase();
    const { prisma } = database.db;
    // Every call takes 20 ms at the provider, so several are in flight when the budget is reached.
    provider = await startLocalProvider({ latencyMs: 20 });
    tracker = new BudgetTracker({ prisma, refreshMs: 60_000 });
    const telemetry = createSpendtraceProcessors({
      exporter: 'database',
      sink: () => Promise.resolve(new InteractionStore(database.db)),
      priceBook: getDefaultPriceBook(),
      spendObserver: tracker,
    });
    tracer = new BasicTracerProvider({ spanProcessors: telemetry.processors });
    trace.setGlobalTracerProvider(tracer);
    shutdownTelemetry = () => tracer.forceFlush();
    const openai = new OpenAI({ apiKey: 'test', baseURL: provider.url, maxRetries: 0 });
    ai = createAIClient(openai, { priceBook: getDefaultPriceBook(), budgetGuard: tracker });
  });

  afterAll(async () => {
    await tracker.stop();
    await tracer.shutdown();
    trace.disable();
    context.disable();
    await provider.close();
    await database.drop();
  });

  /** One chat call from the job `job:<id>`. */
  async function chat(source: string): Promise<'ok' | 'refused'> {
    return aiJob(source.replace(/^job:/, ''), async () => {
      try {
        await ai.chat.completions.create({
          feature: 'digest.weekly',
          model: 'gpt-4o-mini',
          messages: [{ role: 'user', content: 'Summarise the week in one line.' }],
        });
        return 'ok';
      } catch (error) {
        if (error instanceof BudgetExceededError) return 'refused';
        throw error;
      }
    });
  }

  /** `calls` calls from each source, `CONCURRENCY` at a time per source, and how each ended, in order. */
  async function load(sources: string[], calls: number): Promise<Map<string, string[]>> {
    const outcomes = new Map<string, string[]>();
    await Promise.all(
      sources.map(async (source) => {
        const ended: string[] = [];
        let started = 0;
        const worker = async (): Promise<void> => {
          while (started < calls) {
            started += 1;
            ended.push(await chat(source));
          }
        };
        await Promise.all(Array.from({ length: CONCURRENCY }, worker));
        outcomes.set(source, ended);
      }),
    );
    return outcomes;
  }

  it('stops a spent source within the calls in flight while another source goes on', async () => {
    const { prisma } = database.db;
    // One call's cost, measured: the first call of an unbudgeted source.
    expect(await chat('job:probe')).toBe('ok');
    await shutdownTelemetry();
    const probe = await prisma.aIInteraction.findFirstOrThrow({ where: { source: 'job:probe' } });
    const perCall = Number(probe.costUsd);
    expect(perCall).toBeGreaterThan(0);

    // Room for 10 calls of job:capped.
    const limit = (perCall * 10).toFixed(6);
    await createBudget(
      prisma,
      BudgetCreateSchema.parse({ scope: { source: 'job:capped' }, period: 'day', limitUsd: limit, enforce: true }),
    );
    await tracker.refresh();
    const before = provider.requests.length;
    const outcomes = await load(['job:capped', 'job:free'], CALLS_PER_SOURCE);
    await shutdownTelemetry();

    const capped = outcomes.get('job:capped') ?? [];
    const okCapped = capped.filter((o) => o === 'ok').length;
    // The budget is reached after ceil(limit / perCall) calls; at most the others in flight then get through.
    const reachedAfter = Math.ceil(Number(limit) / perCall);
    expect(okCapped).toBeGreaterThanOrEqual(reachedAfter);
    expect(okCapped).toBeLessThanOrEqual(reachedAfter + CONCURRENCY - 1);
    expect(capped.filter((o) => o === 'refused')).toHaveLength(CALLS_PER_SOURCE - okCapped);
    expect(outcomes.get('job:free')).toEqual(Array<string>(CALLS_PER_SOURCE).fill('ok'));
    // Refused calls never reached the provider.
    expect(provider.requests.length - before).toBe(okCapped + CALLS_PER_SOURCE);

    // Every call is a row; the refused ones failed with budget_exceeded and cost nothing.
    const rows = await prisma.aIInteraction.findMany({ where: { source: 'job:capped' } });
    expect(rows).toHaveLength(CALLS_PER_SOURCE);
    const refusedRows = rows.filter((r) => r.errorType === 'budget_exceeded');
    expect(refusedRows).toHaveLength(CALLS_PER_SOURCE - okCapped);
    expect(new Set(refusedRows.map((r) => `${r.status}/${r.costStatus}/${String(r.costUsd)}`))).toEqual(
      new Set(['error/no_usage/null']),
    );
    const spent = rows.reduce((sum, r) => sum + Number(r.costUsd ?? 0), 0);
    expect(spent).toBeGreaterThanOrEqual(Number(limit));
    expect(spent - Number(limit)).toBeLessThan(CONCURRENCY * perCall);
  });

  it("refuses the Vercel AI SDK's calls in a spent scope in its fetch, before the provider", async () => {
    const { prisma } = database.db;
    await createBudget(
      prisma,
      BudgetCreateSchema.parse({
        scope: { feature: 'lead.classify' },
        period: 'month',
        limitUsd: '0.000001',
        enforce: true,
      }),
    );
    await tracker.refresh();
    tracker.spent({ 'ai.feature': 'lead.classify' }, 0.01);
    const openai = createOpenAI({ apiKey: 'test', baseURL: provider.url, fetch: guardedFetch(tracker) });
    const before = provider.requests.length;
    const outcome = await aiJob('sdk_job', () =>
      generateText({
        model: openai.chat('gpt-4o-mini'),
        prompt: 'Hot, warm or cold?',
        maxRetries: 0,
        experimental_telemetry: aiSdkTelemetry({ feature: 'lead.classify' }),
      }).then(
        () => 'answered',
        (error: unknown) => (error instanceof BudgetExceededError ? error.budget.scope : String(error)),
      ),
    );
    await shutdownTelemetry();
    expect(outcome).toBe('feature lead.classify');
    expect(provider.requests.length).toBe(before);
    const rows = await prisma.aIInteraction.findMany({ where: { source: 'job:sdk_job' } });
    expect(rows.map((r) => [r.featureId, r.status, r.errorType, r.costUsd])).toEqual([
      ['lead.classify', 'error', 'budget_exceeded', null],
    ]);
  });
});
