// The built app end to end: `npm start` against PGlite (default) or Postgres (TEST_DATABASE_URL), the
// real openai SDK against the local provider, spans sent over OTLP to a receiver, rows read back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalProvider, type LocalProvider } from '../../lib/ai/local-provider';
import { serverActionId, startApp, type AppServer } from '../../harness/app-server';
import { startOtlpJsonReceiver, type ReceivedSpan } from '../support/otlp-json-receiver';
import { readInteractions, type StoredInteraction } from '../support/read-interactions';
import { runScript } from '../../harness/run-script';
import { databaseEnv, scratchDatabase } from '../../harness/scratch-database';

const CRON_SECRET = 'test-cron-secret-0123456789';
const HEX32 = /^[0-9a-f]{32}$/;
const HEX16 = /^[0-9a-f]{16}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('the built app', () => {
  let provider: LocalProvider;
  let receiver: Awaited<ReturnType<typeof startOtlpJsonReceiver>>;
  let app: AppServer;
  let database: { databaseUrl?: string; dataDir?: string };
  // Undone in reverse order after the tests, whatever got started before a failure.
  const teardown: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    provider = await startLocalProvider();
    teardown.push(() => provider.close());
    receiver = await startOtlpJsonReceiver();
    teardown.push(() => receiver.close());
    database = await scratchDatabase(teardown, 'spendtrace-app-');
    if (database.databaseUrl) {
      // Postgres is migrated by `npm run db:migrate`, as a user would; PGlite migrates itself on start.
      const { openDatabase } = await import('../../lib/db/database');
      const db = await openDatabase({ databaseUrl: database.databaseUrl });
      await db.migrate();
      await db.close();
    }
    // The demo leads, as a user adds them: Ada and Grace are quiet, Linus is not, Alan is lost.
    const seeded = await runScript('scripts/seed.ts', databaseEnv(database));
    expect(seeded).toEqual({
      code: 0,
      stdout: 'Demo leads: added 4 of 4 (the others were there already).\n',
      stderr: '',
    });
    app = await startApp({
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: provider.url,
      CRON_SECRET,
      OTEL_SERVICE_NAME: 'spendtrace-test',
      SPENDTRACE_EXPORTER: 'both',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.url}/v1/traces`,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      ...databaseEnv(database),
    });
    teardown.push(() => app.stop());
  });

  afterAll(async () => {
    for (const undo of teardown.reverse()) await undo();
  });

  describe('POST /api/webhooks/email', () => {
    it('triages the email with two AI calls and stores it on a new lead for the sender', async () => {
      const res = await fetch(`${app.url}/api/webhooks/email`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ from: 'bob@example.com', subject: 'Pilot', text: 'We would love to start the pilot.' }),
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({
        emailId: expect.stringMatching(UUID),
        leadId: expect.stringMatching(UUID),
        sentiment: 'neutral',
        autoSend: false,
        // The evaluator's input (185 characters) is at most 200, so the simulated answer quotes all of it.
        reason:
          'Simulated reply to: From: bob@example.com\nSentiment: neutral\nSubject: Pilot\n\n' +
          'We would love to start the pilot.\n\nPrepared reply:\n' +
          'Thank you for your email. We have it and will answer within one business day.',
        // Bob has no pending draft: the evaluator judged the standard acknowledgement, and held it.
        reply: { draftId: null, sent: false },
      });
    });

    it('answers 400 naming the bad fields, without calling OpenAI', async () => {
      const before = provider.requests.length;
      const res = await fetch(`${app.url}/api/webhooks/email`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ from: 'not-an-email', subject: 'x' }),
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({
        error: 'Invalid email payload.',
        issues: [
          { field: 'from', message: 'must be an email address' },
          { field: 'text', message: 'Invalid input: expected string, received undefined' },
        ],
      });
      const notJson = await fetch(`${app.url}/api/webhooks/email`, { method: 'POST', body: '{oops' });
      expect(notJson.status).toBe(400);
      expect(provider.requests.length).toBe(before);
    });

    it('answers 413 to a 20 MB body without parsing it', async () => {
      const before = provider.requests.length;
      const huge = JSON.stringify({ from: 'bob@example.com', subject: 'x', text: 'y'.repeat(20 * 1024 * 1024) });
      const started = Date.now();
      const res = await fetch(`${app.url}/api/webhooks/email`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: huge,
      });
      expect(res.status).toBe(413);
      expect(await res.json()).toEqual({ error: 'The body is larger than 1048576 bytes, the limit of this route.' });
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(provider.requests.length).toBe(before);
    });
  });

  describe('POST /api/knowledge', () => {
    it('takes a 200,000-character document even when every character is escaped in the JSON', async () => {
      // \u0001 is sent as six bytes: 1.2 MB of body, under the route's 2 MiB. The empty title is refused
      // by validation (400), not by the size limit, and before any AI call.
      const body = JSON.stringify({ title: '', text: '\u0001'.repeat(200_000) });
      expect(Buffer.byteLength(body)).toBe(1_200_022);
      const before = provider.requests.length;
      const res = await fetch(`${app.url}/api/knowledge`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({
        error: 'Invalid document.',
        issues: [{ field: 'title', message: 'must not be empty' }],
      });
      expect(provider.requests.length).toBe(before);
    });
  });

  describe('GET /api/cron/followups', () => {
    it('refuses a request without the secret, or with a wrong one', async () => {
      const before = provider.requests.length;
      const none = await fetch(`${app.url}/api/cron/followups`);
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toBe('Bearer');
      const wrong = await fetch(`${app.url}/api/cron/followups`, { headers: { authorization: 'Bearer nope' } });
      expect(wrong.status).toBe(401);
      expect(await wrong.json()).toEqual({
        error: 'Missing or wrong credentials: send Authorization: Bearer <CRON_SECRET>.',
      });
      expect(provider.requests.length).toBe(before);
    });

    it('refuses the secret in the query string, as Basic credentials, in another case or longer', async () => {
      const before = provider.requests.length;
      const attempts: { query?: string; authorization?: string }[] = [
        { query: `?secret=${CRON_SECRET}` },
        { query: `?token=${CRON_SECRET}` },
        { query: `?access_token=${CRON_SECRET}` },
        { authorization: `Basic ${Buffer.from(`cron:${CRON_SECRET}`).toString('base64')}` },
        { authorization: `Basic ${CRON_SECRET}` },
        { authorization: CRON_SECRET },
        { authorization: `Bearer ${CRON_SECRET.toUpperCase()}` },
        { authorization: `Bearer ${CRON_SECRET}0` },
        { authorization: `Bearer ${CRON_SECRET.slice(0, -1)}` },
      ];
      const answers = [];
      for (const { query, authorization } of attempts) {
        const res = await fetch(`${app.url}/api/cron/followups${query ?? ''}`, {
          headers: authorization ? { authorization } : {},
        });
        answers.push({ status: res.status, body: await res.json() });
      }
      expect(answers).toEqual(
        attempts.map(() => ({
          status: 401,
          body: { error: 'Missing or wrong credentials: send Authorization: Bearer <CRON_SECRET>.' },
        })),
      );
      expect(provider.requests.length).toBe(before);
    });

    it('drafts a follow-up per quiet lead with the secret, streamed, longest quiet first', async () => {
      const res = await fetch(`${app.url}/api/cron/followups`, { headers: { authorization: `Bearer ${CRON_SECRET}` } });
      expect(res.status).toBe(200);
      // The seeded leads: Grace (14 days) and Ada (9); Linus wrote 2 days ago, Alan is lost, Bob just wrote.
      expect(await res.json()).toEqual({
        drafted: 2,
        drafts: [
          {
            leadId: 'lead_2',
            draftId: expect.stringMatching(UUID),
            daysQuiet: 14,
            text: 'Simulated reply to: Lead Grace at Compilers Inc has been quiet for 14 days after discussing security review.',
          },
          {
            leadId: 'lead_1',
            draftId: expect.stringMatching(UUID),
            daysQuiet: 9,
            text: 'Simulated reply to: Lead Ada at Analytical Engines has been quiet for 9 days after discussing pilot pricing.',
          },
        ],
      });
      // A second run finds no quiet lead: both have a pending follow-up now, and no AI call is made.
      const before = provider.requests.length;
      const again = await fetch(`${app.url}/api/cron/followups`, {
        headers: { authorization: `Bearer ${CRON_SECRET}` },
      });
      expect(await again.json()).toEqual({ drafted: 0, drafts: [] });
      expect(provider.requests.length).toBe(before);
    });
  });

  describe('server action insights_chat.send_message', () => {
    it('answers through a streamed chat call', async () => {
      const res = await fetch(`${app.url}/`, {
        method: 'POST',
        headers: {
          'Next-Action': serverActionId('app/actions/send-message.ts', 'sendMessage'),
          'Content-Type': 'text/plain;charset=UTF-8',
          Accept: 'text/x-component',
        },
        body: JSON.stringify(['Which deals close this month?']),
      });
      expect(res.status).toBe(200);
      const body = await res.text();
      // React's Flight rows: the result points at the answer stream ("$<id>"); each delta follows as a text
      // row "<id>:T<length in hex>,<text>", and "<id>:C" closes the stream. The provider streams word by word.
      const id = /"answer":"\$([0-9a-f]+)"/.exec(body)?.[1] ?? 'missing';
      expect(body).toContain(`{"ok":true,"answer":"$${id}"}`);
      const answer = 'Simulated reply to: Which deals close this month?';
      const rows = (answer.match(/\S+\s*/g) ?? []).map((text) => `${id}:T${text.length.toString(16)},${text}`);
      expect(rows).toHaveLength(8);
      expect(body).toContain(`${rows.join('')}${id}:C\n`);
    });
  });

  describe('AIInteraction rows', () => {
    let rows: StoredInteraction[];
    let spans: ReceivedSpan[];

    beforeAll(async () => {
      // SIGTERM: the app flushes what its exporters hold, then exits.
      expect(await app.stop()).toBe(0);
      rows = await readInteractions(database);
      spans = receiver.spans;
    });

    it('has exactly one row per OpenAI call, attributed, with every token count and the exact cost', () => {
      expect(provider.requests.map((r) => r.path)).toEqual([
        '/v1/chat/completions',
        '/v1/responses',
        '/v1/chat/completions',
        '/v1/chat/completions',
        '/v1/chat/completions',
      ]);
      const common = {
        provider: 'openai',
        serviceName: 'spendtrace-test',
        serviceVersion: '0.1.0',
        status: 'ok',
        errorType: null,
        attributes: {},
        cachedInputTokens: 0,
        reasoningTokens: 0,
        costStatus: 'priced',
      };
      const ids = rows.map(({ traceId, spanId, parentSpanId }) => ({ traceId, spanId, parentSpanId }));
      expect(rows.map(({ traceId: _t, spanId: _s, parentSpanId: _p, ...rest }) => rest)).toEqual([
        // Token counts follow the local provider's documented rule (lib/ai/local-provider/simulated-usage.ts):
        // Σ(ceil(chars / 4) + 4) per message in, ceil(reply chars / 4) out, the reply being 'Simulated reply to: '
        // (20 characters) and the user text whole when it is at most 200 characters, else its first 40.
        // The user text 'Subject: Pilot\n\nWe would love to start the pilot.' (49): 20 + 49 = 69 chars, 18 out.
        // gpt-4o-mini: $0.15/MTok in, $0.60/MTok out. 44 × 0.15 + 18 × 0.60 = 6.6 + 10.8 = 17.4 µ$.
        {
          ...common,
          // Bob is not a lead yet when his email is scored: his company from the address, no user.
          attributes: { tenant: 'example.com' },
          source: '/api/webhooks/email',
          sourceKind: 'route',
          featureId: 'email.sentiment',
          operation: 'chat',
          requestModel: 'gpt-4o-mini',
          responseModel: 'gpt-4o-mini',
          inputTokens: 44,
          outputTokens: 18,
          totalTokens: 62,
          costUsd: '0.000017400000',
          priceRef: 'genai-prices@0.1.8:openai/gpt-4o-mini',
          streamed: false,
        },
        // The instructions (127 characters) and the input with the prepared reply (185):
        // 36 + 51 = 87 tokens; the input is quoted whole, 20 + 185 = 205 chars, 52 out.
        // 87 × 0.15 + 52 × 0.60 = 13.05 + 31.2 = 44.25 µ$.
        {
          ...common,
          attributes: { tenant: 'example.com' },
          source: '/api/webhooks/email',
          sourceKind: 'route',
          featureId: 'email.auto_send',
          operation: 'responses',
          requestModel: 'gpt-4o-mini',
          responseModel: 'gpt-4o-mini',
          inputTokens: 87,
          outputTokens: 52,
          totalTokens: 139,
          costUsd: '0.000044250000',
          priceRef: 'genai-prices@0.1.8:openai/gpt-4o-mini',
          streamed: false,
        },
        // Each lead's user text is 88 characters, quoted whole: 20 + 88 = 108 chars, 27 out.
        // 42 × 0.15 + 27 × 0.60 = 6.3 + 16.2 = 22.5 µ$, each.
        // Grace first (the longest quiet), then Ada: each lead's company and id.
        ...[
          { tenant: 'Compilers Inc', user_id: 'lead_2' },
          { tenant: 'Analytical Engines', user_id: 'lead_1' },
        ].map((attributes) => ({
          ...common,
          attributes,
          source: '/api/cron/followups',
          sourceKind: 'route',
          featureId: 'followups.draft',
          operation: 'chat',
          requestModel: 'gpt-4o-mini',
          responseModel: 'gpt-4o-mini',
          inputTokens: 42,
          outputTokens: 27,
          totalTokens: 69,
          costUsd: '0.000022500000',
          priceRef: 'genai-prices@0.1.8:openai/gpt-4o-mini',
          streamed: true,
        })),
        // gpt-4o: $2.50/MTok in, $10/MTok out. 34 × 2.5 + 13 × 10 = 85 + 130 = 215 µ$.
        {
          ...common,
          source: 'action:insights_chat.send_message',
          sourceKind: 'action',
          featureId: 'insights_chat.answer',
          operation: 'chat',
          requestModel: 'gpt-4o',
          responseModel: 'gpt-4o',
          inputTokens: 34,
          outputTokens: 13,
          totalTokens: 47,
          costUsd: '0.000215000000',
          priceRef: 'genai-prices@0.1.8:openai/gpt-4o',
          streamed: true,
        },
      ]);
      for (const id of ids) {
        expect(id.traceId).toMatch(HEX32);
        expect(id.spanId).toMatch(HEX16);
        expect(id.parentSpanId).toMatch(HEX16);
      }
      expect(new Set(ids.map((i) => `${i.traceId}:${i.spanId}`)).size).toBe(5);
      expect(new Set(ids.map((i) => i.traceId)).size).toBe(3);
    });

    it('sent each gen_ai span over OTLP with the same source and feature as its row', () => {
      for (const row of rows) {
        const span = spans.find((s) => s.spanId === row.spanId);
        expect(span?.traceId).toBe(row.traceId);
        expect(span?.kind).toBe(3); // CLIENT
        expect({
          source: span?.attributes['ai.source'],
          feature: span?.attributes['ai.feature'],
          status: span?.attributes['ai.cost.status'],
          ref: span?.attributes['ai.price.ref'],
        }).toEqual({ source: row.source, feature: row.featureId, status: 'priced', ref: row.priceRef });
      }
    });

    it('rolled each request’s totals up to its root span', () => {
      const webhookTrace = rows[0]?.traceId;
      const root = spans.find((s) => s.traceId === webhookTrace && s.kind === 2); // SERVER
      expect({
        source: root?.attributes['ai.source'],
        calls: root?.attributes['ai.calls'],
        input: root?.attributes['ai.usage.input_tokens'],
        output: root?.attributes['ai.usage.output_tokens'],
        complete: root?.attributes['ai.cost.complete'],
      }).toEqual({ source: '/api/webhooks/email', calls: 2, input: 131, output: 70, complete: true });
      // 17.4 + 44.25 = 61.65 µ$, as a double on the span.
      expect(root?.attributes['ai.cost.usd']).toBe(61_650_000 / 1e12);
    });
  });
});
