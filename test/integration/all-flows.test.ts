// Every AI path the inventory lists, run against the built app (and the job as its own process) with the
// local OpenAI-compatible provider: each entry point's rows carry its source and exactly its features, and
// no call is left unattributed. Adding an entry point to the app without a flow here fails this test.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulatedUsage, startLocalProvider, type LocalProvider } from '../../lib/ai/local-provider';
import { openDatabase } from '../../lib/db/database';
import { trimToBudget } from '../../lib/flows/ingest-knowledge';
import { ROOT, serverActionId, startApp, type AppServer } from '../../harness/app-server';
import { flightRows } from '../support/flight-rows';
import { readInteractions, type StoredInteraction } from '../support/read-interactions';
import { runScript } from '../../harness/run-script';
import { databaseEnv, scratchDatabase } from '../../harness/scratch-database';

const CRON_SECRET = 'all-flows-cron-secret-0123';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const SUMMARY_INSTRUCTIONS = 'Summarise this document for a sales team in at most five sentences.';

interface InventoryEntry {
  kind: 'route' | 'cron' | 'action' | 'job';
  file: string;
  source: string;
  features: string[];
}
const inventory = JSON.parse(readFileSync(path.join(ROOT, 'docs', 'ai-inventory.json'), 'utf8')) as {
  entries: InventoryEntry[];
};

// 70 paragraphs of 743 characters: one chunk each, so two embeddings requests (64 + 6), and 13,062 tokens
// in the summary prompt, over its budget of 6,000.
const PARAGRAPH = 'The pilot covers onboarding, pricing, security reviews and support hours. '.repeat(10).trim();
const DOCUMENT = Array.from({ length: 70 }, (_, i) => `${String(i).padStart(2, '0')}. ${PARAGRAPH}`).join('\n\n');

describe('every AI path in the inventory', () => {
  let provider: LocalProvider;
  let app: AppServer;
  let database: { databaseUrl?: string; dataDir?: string };
  const teardown: (() => Promise<unknown>)[] = [];

  function post(route: string, body: unknown): Promise<Response> {
    return fetch(`${app.url}${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  /** Provider requests made while `run` ran. */
  async function callsDuring(run: () => Promise<void>): Promise<string[]> {
    const before = provider.requests.length;
    await run();
    return provider.requests.slice(before).map((r) => r.path);
  }

  beforeAll(async () => {
    provider = await startLocalProvider();
    teardown.push(() => provider.close());
    database = await scratchDatabase(teardown, 'spendtrace-flows-');
    expect((await runScript('scripts/seed.ts', databaseEnv(database))).code).toBe(0);
    app = await startApp({
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: provider.url,
      CRON_SECRET,
      SPENDTRACE_EXPORTER: 'database',
      ...databaseEnv(database),
    });
    teardown.push(() => app.stop());
  });

  afterAll(async () => {
    for (const undo of teardown.reverse()) await undo();
  });

  describe('the flows', () => {
    it('knowledge: embeds every chunk in batches, counts the summary prompt, trims it to fit, counts again', async () => {
      let res: Response | undefined;
      const calls = await callsDuring(async () => {
        res = await post('/api/knowledge', { title: 'Pilot handbook', text: DOCUMENT });
      });
      expect(calls).toEqual([
        '/v1/embeddings',
        '/v1/embeddings',
        '/v1/responses/input_tokens',
        '/v1/responses/input_tokens',
        '/v1/responses',
      ]);
      const counted = simulatedUsage({ model: '', prompt: [SUMMARY_INSTRUCTIONS, DOCUMENT], reply: '' }).promptTokens;
      // ceil(67 / 4) + 4 = 21 for the instructions, ceil(52,148 / 4) + 4 = 13,041 for the document.
      expect(counted).toBe(13_062);
      expect(res?.status).toBe(201);
      expect(await res?.json()).toEqual({
        id: expect.stringMatching(UUID),
        title: 'Pilot handbook',
        chunks: 70,
        inputTokens: 13_062,
        trimmed: true,
        summary: 'Simulated reply to: 00. The pilot covers onboarding, pricing',
      });
      // Trimmed to 97% of the budget, 5,820 tokens: floor(52,148 × 5,820 / 13,062) = 23,235 characters, back to
      // the space at 23,231; counted again, 21 + ceil(23,231 / 4) + 4 = 5,833 tokens, and summarised.
      const trimmed = trimToBudget(DOCUMENT, counted, 5820);
      expect(trimmed.length).toBe(23_231);
      const [, , , recount, summary] = provider.requests.slice(-5).map((r) => r.body as { input: string });
      expect(recount?.input).toBe(trimmed);
      expect(summary?.input).toBe(trimmed);
      expect(simulatedUsage({ model: '', prompt: [SUMMARY_INSTRUCTIONS, trimmed], reply: '' }).promptTokens).toBe(5833);
    });

    it('knowledge: a bad document is refused with 400 and no AI call', async () => {
      const calls = await callsDuring(async () => {
        const res = await post('/api/knowledge', { title: '', text: 'x' });
        expect(res.status).toBe(400);
        expect(await res.json()).toEqual({
          error: 'Invalid document.',
          issues: [{ field: 'title', message: 'must not be empty' }],
        });
      });
      expect(calls).toEqual([]);
    });

    it('follow-ups: one streamed call per quiet lead in one request', async () => {
      const calls = await callsDuring(async () => {
        const res = await fetch(`${app.url}/api/cron/followups`, {
          headers: { authorization: `Bearer ${CRON_SECRET}` },
        });
        expect(res.status).toBe(200);
        expect(((await res.json()) as { drafts: { leadId: string }[] }).drafts.map((d) => d.leadId)).toEqual([
          'lead_2',
          'lead_1',
        ]);
      });
      expect(calls).toEqual(['/v1/chat/completions', '/v1/chat/completions']);
    });

    let draftId = '';
    it('drafts: a reply for one lead through the dynamic route', async () => {
      const res = await post('/api/leads/lead_1/draft', { instructions: 'Offer a call on Tuesday.' });
      expect(res.status).toBe(201);
      const draft = (await res.json()) as { draftId: string };
      expect(draft).toEqual({
        draftId: expect.stringMatching(UUID),
        leadId: 'lead_1',
        text: 'Simulated reply to: Reply to Ada at Analytical Engines about pilot pricing. Offer a call on Tuesday.\n\n(no emails yet)',
      });
      draftId = draft.draftId;
    });

    it('drafts: an unknown lead is 404, with no AI call', async () => {
      const calls = await callsDuring(async () => {
        const res = await post('/api/leads/lead_404/draft', {});
        expect(res.status).toBe(404);
        expect(await res.json()).toEqual({ error: "No lead with id 'lead_404'." });
      });
      expect(calls).toEqual([]);
    });

    it('classify: one call through the Vercel AI SDK, its answer parsed', async () => {
      const calls = await callsDuring(async () => {
        const res = await post('/api/leads/lead_1/classify', {});
        expect(res.status).toBe(200);
        // The simulated answer quotes the prompt (64 characters, at most 200) whole: no tier named, so cold.
        expect(await res.json()).toEqual({
          leadId: 'lead_1',
          tier: 'cold',
          reason: 'Simulated reply to: Ada at Analytical Engines, about pilot pricing.\n\n(no emails yet)',
        });
      });
      expect(calls).toEqual(['/v1/chat/completions']);
    });

    it('classify: an unknown lead is 404, with no AI call', async () => {
      const calls = await callsDuring(async () => {
        const res = await post('/api/leads/lead_404/classify', {});
        expect(res.status).toBe(404);
        expect(await res.json()).toEqual({ error: "No lead with id 'lead_404'." });
      });
      expect(calls).toEqual([]);
    });

    it('webhook: scores the email and judges the lead’s newest pending draft', async () => {
      const calls = await callsDuring(async () => {
        const res = await post('/api/webhooks/email', {
          from: 'Ada@Example.com',
          subject: 'Re: pilot pricing',
          text: 'Tuesday works for us.',
        });
        expect(res.status).toBe(200);
        expect(await res.json()).toMatchObject({ leadId: 'lead_1', reply: { draftId, sent: false } });
      });
      expect(calls).toEqual(['/v1/chat/completions', '/v1/responses']);
    });

    it('insights chat: the server action answers with one streamed call', async () => {
      const calls = await callsDuring(async () => {
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
        // The answer streams as Flight text rows, one per word: read them all, then the stream's close row.
        const texts: string[] = [];
        let closed = false;
        for await (const row of flightRows(res.body ?? new ReadableStream())) {
          if (row.tag === 'T') texts.push(row.value);
          if (row.tag === 'C') closed = true;
        }
        expect({ answer: texts.join(''), closed }).toEqual({
          answer: 'Simulated reply to: Which deals close this month?',
          closed: true,
        });
      });
      expect(calls).toEqual(['/v1/chat/completions']);
    });

    it('the weekly digest job: one call, as its own process', async () => {
      // PGlite allows one process at a time: the app flushes its rows and exits first.
      expect(await app.stop()).toBe(0);
      const calls = await callsDuring(async () => {
        const result = await runScript('scripts/jobs/weekly-digest.ts', {
          OPENAI_API_KEY: 'sk-test',
          OPENAI_BASE_URL: provider.url,
          ...databaseEnv(database),
        });
        expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
      });
      expect(calls).toEqual(['/v1/chat/completions']);
    });
  });

  describe('what the flows stored', () => {
    it('keeps the answers: chunks with embeddings, drafts, follow-ups and the triaged email', async () => {
      const db = await openDatabase(database);
      try {
        const chunks = await db.prisma.knowledgeChunk.findMany({ orderBy: { position: 'asc' } });
        expect(chunks.map((c) => [c.position, c.text.slice(0, 3), c.embedding.length])).toEqual(
          Array.from({ length: 70 }, (_, i) => [i, `${String(i).padStart(2, '0')}.`, 8]),
        );
        const drafts = await db.prisma.draft.findMany({
          orderBy: [{ createdAt: 'asc' }, { kind: 'asc' }, { leadId: 'asc' }],
          select: { leadId: true, kind: true, status: true, followUp: { select: { daysQuiet: true } } },
        });
        expect(drafts).toEqual([
          { leadId: 'lead_1', kind: 'followup', status: 'pending', followUp: { daysQuiet: 9 } },
          { leadId: 'lead_2', kind: 'followup', status: 'pending', followUp: { daysQuiet: 14 } },
          { leadId: 'lead_1', kind: 'reply', status: 'pending', followUp: null },
        ]);
        const emails = await db.prisma.email.findMany({
          select: { leadId: true, direction: true, subject: true, sentiment: true, autoSend: true },
        });
        expect(emails).toEqual([
          {
            leadId: 'lead_1',
            direction: 'inbound',
            subject: 'Re: pilot pricing',
            sentiment: 'neutral',
            autoSend: false,
          },
        ]);
        expect(
          await db.prisma.lead.findUniqueOrThrow({ where: { id: 'lead_1' }, select: { lastTopic: true } }),
        ).toEqual({ lastTopic: 'Re: pilot pricing' });
      } finally {
        await db.close();
      }
    });
  });

  describe('the rows', () => {
    let rows: StoredInteraction[];

    beforeAll(async () => {
      rows = await readInteractions(database);
    });

    it('has one row per provider request, none unattributed', () => {
      expect(rows).toHaveLength(provider.requests.length);
      expect(rows).toHaveLength(13);
      expect(rows.filter((r) => r.source === null || r.sourceKind === 'unattributed')).toEqual([]);
    });

    it.each(inventory.entries.map((e) => [`${e.kind} ${e.source}`, e] as const))(
      '%s: rows with its source and exactly its features',
      (_name, entry) => {
        const mine = rows.filter((r) => r.source === entry.source);
        expect(mine.length).toBeGreaterThan(0);
        expect([...new Set(mine.map((r) => r.featureId))].sort()).toEqual(entry.features);
        const kind = entry.kind === 'cron' ? 'route' : entry.kind;
        expect(mine.every((r) => r.sourceKind === kind && r.status === 'ok')).toBe(true);
      },
    );

    it('attributes every row to an inventory entry, the dynamic route by its template', () => {
      const sources = new Set(inventory.entries.map((e) => e.source));
      expect(rows.filter((r) => !sources.has(r.source ?? ''))).toEqual([]);
      expect(
        Object.fromEntries(inventory.entries.map((e) => [e.source, rows.filter((r) => r.source === e.source).length])),
      ).toEqual({
        'action:insights_chat.send_message': 1,
        '/api/cron/followups': 2,
        '/api/knowledge': 5,
        '/api/leads/[id]/classify': 1,
        '/api/leads/[id]/draft': 1,
        '/api/webhooks/email': 2,
        'job:weekly_digest': 1,
      });
    });

    it('prices the token count as not billable, and the rest as priced', () => {
      expect(rows.filter((r) => r.costStatus !== 'priced').map((r) => [r.operation, r.costStatus])).toEqual([
        ['token_count', 'not_billable'],
        ['token_count', 'not_billable'],
      ]);
    });
  });
});
