// With default settings no prompt or completion text leaves the app's own tables: a marker sent through every
// AI path the app has (and through a provider error that quotes it) appears in no exported span, no line the
// app logs, and no row of ai_interaction, its rollups or the requests. The control: the marker did reach the
// provider, and with SPENDTRACE_CAPTURE_CONTENT=true the same search finds it in the spans.
// The app's domain tables (lead, email, draft, knowledge_asset, knowledge_chunk) keep the emails, drafts and
// documents by design: they are the app's data, not telemetry, and are not searched.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalProvider, type LocalProvider } from '../../lib/ai/local-provider';
import { WITHHELD_MESSAGE } from '../../lib/ledger/provider-error';
import { openDatabase } from '../../lib/db/database';
import { serverActionId, startApp, type AppServer } from '../../harness/app-server';
import { flightRows } from '../support/flight-rows';
import { startOtlpJsonReceiver, type OtlpJsonReceiver } from '../support/otlp-json-receiver';
import { runScript } from '../../harness/run-script';
import { databaseEnv, scratchDatabase } from '../../harness/scratch-database';

/** What one run of the app left behind, and what it sent the provider. */
interface Evidence {
  marker: string;
  provider: LocalProvider;
  receiver: OtlpJsonReceiver;
  /** The app's whole stdout and stderr. */
  output: string;
  /** Every row of the telemetry tables, each as row_to_json text. */
  rows: { table: string; json: string }[];
  /** The answers the paths got, by path. */
  answers: Record<string, { status: number; body: string }>;
}

const TELEMETRY_TABLES = [
  'ai_interaction',
  'ai_interaction_daily',
  'ai_request',
  'ai_request_daily',
  'ai_attribute_daily',
];

/**
 * Starts the built app with `env` on a fresh database and receiver, sends `marker` through every AI path
 * (and twice through a failing provider whose error message quotes it), stops the app (it flushes its
 * exporters) and collects what it left.
 */
async function runEveryAIPath(env: Record<string, string>, teardown: (() => Promise<unknown>)[]): Promise<Evidence> {
  const marker = `PRIVATE-MARKER-${randomBytes(6).toString('hex')}`;
  const provider = await startLocalProvider();
  teardown.push(() => provider.close());
  const receiver = await startOtlpJsonReceiver();
  teardown.push(() => receiver.close());
  const database = await scratchDatabase(teardown, 'spendtrace-privacy-');
  const databaseVariables = databaseEnv(database);
  expect((await runScript('scripts/seed.ts', databaseVariables)).code).toBe(0);
  const app: AppServer = await startApp({
    OPENAI_API_KEY: 'sk-test',
    OPENAI_BASE_URL: provider.url,
    OTEL_SERVICE_NAME: 'spendtrace-privacy',
    SPENDTRACE_EXPORTER: 'both',
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.url}/v1/traces`,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    // The most log lines the app can write.
    LOG_LEVEL: 'debug',
    ...databaseVariables,
    ...env,
  });
  teardown.push(() => app.stop());

  const answers: Evidence['answers'] = {};
  async function post(name: string, route: string, body: unknown): Promise<void> {
    const res = await fetch(`${app.url}${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    answers[name] = { status: res.status, body: await res.text() };
  }
  async function ask(name: string, question: string): Promise<void> {
    const res = await fetch(`${app.url}/`, {
      method: 'POST',
      headers: {
        'Next-Action': serverActionId('app/actions/send-message.ts', 'sendMessage'),
        'Content-Type': 'text/plain;charset=UTF-8',
        Accept: 'text/x-component',
      },
      body: JSON.stringify([question]),
    });
    // Read the whole answer, so the streamed call and its span end.
    let text = '';
    for await (const row of flightRows(res.body ?? new ReadableStream())) text += row.value;
    answers[name] = { status: res.status, body: text };
  }

  // The marker is in each user message, so the local provider's reply (it echoes the last user message whole when
  // it is at most 200 characters, else its first 40) carries it too on most paths: completions are searched as
  // well as prompts.
  await post('draft', '/api/leads/lead_1/draft', { instructions: `${marker} Offer a call on Tuesday.` });
  await post('webhook', '/api/webhooks/email', {
    from: 'ada@example.com',
    subject: marker,
    text: `${marker} Tuesday works for us.`,
  });
  // After the webhook the lead's topic is the marker: the Vercel AI SDK flow's prompt carries it.
  await post('classify', '/api/leads/lead_1/classify', {});
  await post('knowledge', '/api/knowledge', {
    title: `Handbook ${marker}`,
    text: `${marker} The pilot covers onboarding, pricing, security reviews and support hours.`,
  });
  await ask('chat', `${marker} Which deals close this month?`);
  // A provider that quotes the request in its error message, on every attempt (the SDK makes three).
  const quoted = { message: `Could not process the request: '${marker} ...'` };
  provider.failNext(500, 3, quoted);
  await post('draft-error', '/api/leads/lead_1/draft', { instructions: `${marker} Offer a call on Wednesday.` });
  provider.failNext(400, 1, quoted);
  await ask('chat-error', `${marker} Which deals slipped?`);

  // SIGTERM: the app flushes both exporters, then exits.
  expect(await app.stop()).toBe(0);
  const db = await openDatabase(database);
  const rows: Evidence['rows'] = [];
  try {
    for (const table of TELEMETRY_TABLES) {
      const found = await db.prisma.$queryRawUnsafe<{ json: string }[]>(
        `SELECT row_to_json(t)::text AS json FROM ${table} t`,
      );
      rows.push(...found.map(({ json }) => ({ table, json })));
    }
  } finally {
    await db.close();
  }
  return { marker, provider, receiver, output: app.output(), rows, answers };
}

function logLines(output: string): string[] {
  return output.split('\n').filter((line) => line.trim() !== '');
}

describe('privacy', () => {
  const teardown: (() => Promise<unknown>)[] = [];

  afterAll(async () => {
    for (const undo of teardown.reverse()) await undo();
  });

  describe('with default settings (SPENDTRACE_CAPTURE_CONTENT unset)', () => {
    let run: Evidence;

    beforeAll(async () => {
      run = await runEveryAIPath({}, teardown);
    });

    it('ran every AI path, and the failing ones failed as the caller expects', () => {
      expect(Object.fromEntries(Object.entries(run.answers).map(([name, a]) => [name, a.status]))).toEqual({
        draft: 201,
        webhook: 200,
        classify: 200,
        knowledge: 201,
        chat: 200,
        'draft-error': 502,
        'chat-error': 200,
      });
      expect(JSON.parse(run.answers['draft-error']?.body ?? '')).toEqual({
        error: 'The AI provider failed; drafting the reply can be retried.',
      });
      expect(run.answers['chat-error']?.body).toContain('"ok":false');
    });

    it('sent the marker to the provider on every path (the control: the search has something to find)', () => {
      const carrying = run.provider.requests.filter((r) => JSON.stringify(r.body).includes(run.marker));
      // The draft; the webhook's score and evaluation; the classification; the knowledge's embedding, count
      // and summary; the chat; three attempts at the failing draft (the SDK retries a 500 twice) and one at the
      // failing chat.
      expect(carrying.map((r) => r.path)).toEqual([
        '/v1/chat/completions',
        '/v1/chat/completions',
        '/v1/responses',
        '/v1/chat/completions',
        '/v1/embeddings',
        '/v1/responses/input_tokens',
        '/v1/responses',
        '/v1/chat/completions',
        '/v1/chat/completions',
        '/v1/chat/completions',
        '/v1/chat/completions',
        '/v1/chat/completions',
      ]);
    });

    it('exported spans for every call, none carrying the marker in a name, attribute, event or status', () => {
      const spans = run.receiver.spans;
      const aiSpans = spans.filter((s) => s.attributes['gen_ai.operation.name'] !== undefined);
      expect(aiSpans.length).toBe(9);
      // The Vercel AI SDK's spans: the call and the outer span, without the prompt or the answer.
      expect(spans.filter((s) => s.attributes['ai.operationId'] !== undefined).map((s) => s.name)).toEqual([
        'ai.generateText.doGenerate',
        'ai.generateText',
      ]);
      // The failing calls recorded their error, without the provider's words.
      expect(aiSpans.filter((s) => s.status.code === 2).length).toBe(2);
      expect(spans.filter((s) => JSON.stringify(s).includes(run.marker))).toEqual([]);
      // The raw export requests too: resource, scope and anything the receiver does not keep.
      expect(run.receiver.bodies.filter((b) => b.includes(run.marker))).toEqual([]);
    });

    it('logged no line carrying the marker', () => {
      const lines = logLines(run.output);
      expect(lines.length).toBeGreaterThan(5);
      expect(lines.filter((line) => line.includes(run.marker))).toEqual([]);
      // The failures were logged, with the provider's words withheld.
      const errors = lines
        .filter((line) => line.startsWith('{"level":50'))
        .map((line) => JSON.parse(line) as { msg: string; err: { message: string; status: number } });
      expect(errors.map((e) => [e.msg, e.err.status, e.err.message])).toEqual([
        ['drafting the reply failed', 500, `500 (server_error): ${WITHHELD_MESSAGE}`],
        ['insights chat failed', 400, `400 (invalid_request_error): ${WITHHELD_MESSAGE}`],
      ]);
    });

    it('stored no row carrying the marker in ai_interaction, its rollups or the requests', () => {
      const calls = run.rows.filter((r) => r.table === 'ai_interaction');
      expect(calls.length).toBe(10);
      expect(run.rows.filter((r) => r.table === 'ai_interaction_daily').length).toBeGreaterThan(0);
      // One request per trace of those calls, and its breakdown rows (the demo flows set tenant and user_id).
      const traces = new Set(calls.map((r) => (JSON.parse(r.json) as { trace_id: string }).trace_id));
      expect(run.rows.filter((r) => r.table === 'ai_request').length).toBe(traces.size);
      expect(run.rows.filter((r) => r.table === 'ai_attribute_daily').length).toBeGreaterThan(0);
      expect(run.rows.filter((r) => r.json.includes(run.marker))).toEqual([]);
    });
  });

  describe('with SPENDTRACE_CAPTURE_CONTENT=true (the control: the same search finds the marker)', () => {
    let run: Evidence;

    beforeAll(async () => {
      run = await runEveryAIPath({ SPENDTRACE_CAPTURE_CONTENT: 'true' }, teardown);
    });

    it('records prompts and completions on the spans', () => {
      const carrying = (key: string) =>
        run.receiver.spans
          .filter((s) => {
            const value = s.attributes[key];
            return typeof value === 'string' && value.includes(run.marker);
          })
          .map((s) => s.name);
      // Every call's input; the outputs that echo the marker: the draft, the triage score, the summary and the chat
      // answer, whose user text (at most 200 characters) is echoed whole. The evaluation's input, with the prepared
      // reply, is longer: its first 40 characters ('From: ada@example.com\nSentiment: neutral') are echoed.
      expect(carrying('gen_ai.input.messages')).toEqual([
        'chat gpt-4o-mini',
        'chat gpt-4o-mini',
        'chat gpt-4o-mini',
        'embeddings text-embedding-3-small',
        'count_tokens gpt-4o-mini',
        'chat gpt-4o-mini',
        'chat gpt-4o',
        'chat gpt-4o-mini',
        'chat gpt-4o',
      ]);
      expect(carrying('gen_ai.output.messages')).toEqual([
        'chat gpt-4o-mini',
        'chat gpt-4o-mini',
        'chat gpt-4o-mini',
        'chat gpt-4o',
      ]);
      // The Vercel AI SDK records its prompt when content capture is on.
      expect(carrying('ai.prompt.messages')).toEqual(['ai.generateText.doGenerate']);
    });

    it("records and logs the provider's error messages as they are", () => {
      expect(run.receiver.spans.filter((s) => s.status.message?.includes(run.marker)).map((s) => s.name)).toEqual([
        'chat gpt-4o-mini',
        'chat gpt-4o',
      ]);
      const logged = logLines(run.output)
        .filter((line) => line.includes(run.marker))
        .map((line) => (JSON.parse(line) as { msg: string }).msg);
      expect(logged).toEqual(['drafting the reply failed', 'insights chat failed']);
    });

    it('still stores no content in the telemetry tables, which have no column for it', () => {
      expect(run.rows.filter((r) => r.json.includes(run.marker))).toEqual([]);
    });
  });
});
