// The ledger under a 1% trace sampler, in the built app: every AI call gets its row and its source, while
// the trace backend (an OTLP receiver standing in for the Collector and Jaeger) gets exactly the traces the
// sampler kept: those the ratio picks by trace id, and those whose caller sent a sampled traceparent.
import { randomBytes } from 'node:crypto';
import { ROOT_CONTEXT } from '@opentelemetry/api';
import { SamplingDecision, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalProvider, type LocalProvider } from '../../lib/ai/local-provider';
import { serverActionId, startApp, type AppServer } from '../../harness/app-server';
import { startOtlpJsonReceiver } from '../support/otlp-json-receiver';
import { readInteractions } from '../support/read-interactions';
import { runScript } from '../../harness/run-script';
import { databaseEnv, scratchDatabase } from '../../harness/scratch-database';

const RATIO = 0.01;
const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/** The spans Next.js starts, outside any request, while the server prepares. */
const NEXT_STARTUP_SPANS = new Set([
  'load instrumentation module',
  'register instrumentation',
  'load route module',
  'resolve page components',
  'prepare route module',
  'load app route module',
]);

describe('the ledger with OTEL_TRACES_SAMPLER=parentbased_traceidratio at 1%', () => {
  let provider: LocalProvider;
  let receiver: Awaited<ReturnType<typeof startOtlpJsonReceiver>>;
  let app: AppServer;
  let database: { databaseUrl?: string; dataDir?: string };
  const teardown: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    provider = await startLocalProvider();
    teardown.push(() => provider.close());
    receiver = await startOtlpJsonReceiver();
    teardown.push(() => receiver.close());
    database = await scratchDatabase(teardown, 'spendtrace-sampling-');
    // The demo leads, for the lead classification (the Vercel AI SDK flow).
    expect((await runScript('scripts/seed.ts', databaseEnv(database))).code).toBe(0);
    app = await startApp({
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: provider.url,
      SPENDTRACE_EXPORTER: 'both',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: String(RATIO),
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.url}/v1/traces`,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      ...databaseEnv(database),
    });
    teardown.push(() => app.stop());
  });

  afterAll(async () => {
    for (const undo of teardown.reverse()) await undo();
  });

  async function triage(i: number, traceparent?: string): Promise<void> {
    const res = await fetch(`${app.url}/api/webhooks/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(traceparent && { traceparent }) },
      body: JSON.stringify({ from: `lead${i}@example.com`, subject: `Hello ${i}`, text: 'Tell me more.' }),
    });
    expect(res.status).toBe(200);
    await res.arrayBuffer();
  }

  /** Classifies a demo lead: one call through the Vercel AI SDK, ledgered from its own spans. */
  async function classify(leadId: string, traceparent?: string): Promise<void> {
    const res = await fetch(`${app.url}/api/leads/${leadId}/classify`, {
      method: 'POST',
      headers: traceparent ? { traceparent } : {},
    });
    expect(res.status).toBe(200);
    await res.arrayBuffer();
  }

  it('writes a row per call whatever the sampler keeps, and sends the trace backend only the kept traces', async () => {
    const forcedSampled = [hex(16), hex(16), hex(16)];
    const forcedDropped = [hex(16), hex(16), hex(16)];
    for (let i = 0; i < 30; i++) await triage(i);
    for (const [i, id] of forcedSampled.entries()) await triage(100 + i, `00-${id}-${hex(8)}-01`);
    for (const [i, id] of forcedDropped.entries()) await triage(200 + i, `00-${id}-${hex(8)}-00`);
    const classifyDropped = [hex(16), hex(16)];
    await classify('lead_1');
    await classify('lead_2');
    for (const id of classifyDropped) await classify('lead_3', `00-${id}-${hex(8)}-00`);
    for (const question of ['First?', 'Second?']) {
      const res = await fetch(`${app.url}/`, {
        method: 'POST',
        headers: {
          'Next-Action': serverActionId('app/actions/send-message.ts', 'sendMessage'),
          'Content-Type': 'text/plain;charset=UTF-8',
          Accept: 'text/x-component',
        },
        body: JSON.stringify([question]),
      });
      expect(res.status).toBe(200);
      await res.arrayBuffer();
    }
    // SIGTERM: the app flushes its rows and its OTLP batch, then exits.
    expect(await app.stop()).toBe(0);

    const rows = await readInteractions(database);
    expect(provider.requests).toHaveLength(36 * 2 + 2 + 4);
    expect(rows).toHaveLength(78);
    const bySource: Record<string, number> = {};
    for (const row of rows)
      bySource[`${row.source ?? '(none)'} ${row.featureId ?? ''}`] =
        (bySource[`${row.source ?? '(none)'} ${row.featureId ?? ''}`] ?? 0) + 1;
    expect(bySource).toEqual({
      '/api/webhooks/email email.sentiment': 36,
      '/api/webhooks/email email.auto_send': 36,
      'action:insights_chat.send_message insights_chat.answer': 2,
      // The AI SDK's calls: recorded by the ledger sampler from the `ai.operationId` they start with.
      '/api/leads/[id]/classify lead.classify': 4,
    });
    const rowTraces = new Set(rows.map((r) => r.traceId));
    expect(rowTraces.size).toBe(42);
    for (const id of [...forcedSampled, ...forcedDropped, ...classifyDropped]) expect(rowTraces.has(id)).toBe(true);

    // What the trace backend got: the traces the ratio picks among those the app started itself, and the
    // ones whose caller said sampled; never the ones whose caller said not sampled.
    const ratio = new TraceIdRatioBasedSampler(RATIO);
    const started = [...rowTraces].filter(
      (id) => !forcedSampled.includes(id) && !forcedDropped.includes(id) && !classifyDropped.includes(id),
    );
    const picked = started.filter(
      (id) => ratio.shouldSample(ROOT_CONTEXT, id).decision === SamplingDecision.RECORD_AND_SAMPLED,
    );
    // Next.js's start-up lifecycle spans (loading instrumentation and route modules) each start a trace of
    // their own, sampled by the same ratio; they are no request's, so they are left out of the comparison.
    const received = new Set(receiver.spans.filter((s) => !NEXT_STARTUP_SPANS.has(s.name)).map((s) => s.traceId));
    expect([...received].sort()).toEqual([...picked, ...forcedSampled].sort());
    // Each kept trace arrives with its AI spans, attributed: our client's CLIENT spans, the AI SDK's provider calls.
    const aiSpans = receiver.spans.filter(
      (s) =>
        (s.attributes['ai.feature'] !== undefined && s.kind === 3) ||
        s.attributes['ai.operationId'] === 'ai.generateText.doGenerate',
    );
    expect(aiSpans.map((s) => s.attributes['ai.source']).sort()).toEqual(
      rows
        .filter((r) => received.has(r.traceId))
        .map((r) => r.source)
        .sort(),
    );
  });
});
