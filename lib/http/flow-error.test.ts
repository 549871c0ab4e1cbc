import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../db/database';
import { BudgetExceededError } from '../ai/budget-guard';
import { flowErrorResponse } from './flow-error';

async function answer(
  error: unknown,
  now?: Date,
): Promise<{ status: number; retryAfter: string | null; body: unknown }> {
  const res = flowErrorResponse(error, 'the webhook', now);
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.json() };
}

describe('flowErrorResponse', () => {
  it('answers 429 naming the spent budget, with Retry-After at the end of its period', async () => {
    const error = new BudgetExceededError({
      id: '0193a1b2-0000-7000-8000-000000000001',
      scope: 'source /api/webhooks/email',
      period: 'day',
      limitUsd: '25',
      spentUsd: 25.5,
      periodEnd: new Date('2026-12-05T00:00:00.000Z'),
    });
    expect(await answer(error, new Date('2026-12-04T22:59:59.500Z'))).toEqual({
      status: 429,
      retryAfter: '3601',
      body: {
        error:
          'The daily budget for source /api/webhooks/email ($25) is spent; calls in its scope are refused until 2026-12-05T00:00:00.000Z.',
        budget: {
          id: '0193a1b2-0000-7000-8000-000000000001',
          scope: 'source /api/webhooks/email',
          period: 'day',
          limitUsd: '25',
          spentUsd: 25.5,
          periodEnd: '2026-12-05T00:00:00.000Z',
        },
      },
    });
  });

  it('answers 502 when the AI provider failed', async () => {
    const error = OpenAI.APIError.generate(500, { error: { message: 'boom' } }, 'boom', new Headers());
    expect(await answer(error)).toEqual({
      status: 502,
      retryAfter: null,
      body: { error: 'The AI provider failed; the webhook can be retried.' },
    });
  });

  it('answers 503 with Retry-After when the database cannot be reached', async () => {
    // Nothing listens on port 9: the error is the one Prisma really throws.
    const db = await openDatabase({ databaseUrl: 'postgresql://postgres@127.0.0.1:9/nowhere' });
    const error = await db.prisma.lead.count().then(
      () => undefined,
      (e: unknown) => e,
    );
    await db.close();
    expect(await answer(error)).toEqual({
      status: 503,
      retryAfter: '30',
      body: { error: 'The database is unavailable; the webhook can be retried.' },
    });
  });

  it.each([
    ['a raw query', (db: Awaited<ReturnType<typeof openDatabase>>) => db.prisma.$queryRaw`SELECT 1`],
    ['a query', (db: Awaited<ReturnType<typeof openDatabase>>) => db.prisma.budget.findMany()],
  ])('answers 503 when %s finds the database unreachable', async (_what, query) => {
    const db = await openDatabase({ databaseUrl: 'postgresql://postgres@127.0.0.1:9/nowhere' });
    const error = await query(db).then(
      () => undefined,
      (e: unknown) => e,
    );
    await db.close();
    expect((await answer(error)).status).toBe(503);
  });

  it("answers 503 when pg's connection ended under the query", async () => {
    expect((await answer(new Error('Connection terminated unexpectedly'))).status).toBe(503);
  });

  it('answers 500 when the database refused a value: a bug, not an outage', async () => {
    const db = await openDatabase({ dataDir: 'memory://' });
    await db.migrate();
    const lead = { email: 'a@example.com', name: 'A', company: 'A', lastTopic: 'x', lastContactAt: new Date() };
    await db.prisma.lead.create({ data: lead });
    const error = await db.prisma.lead.create({ data: lead }).then(
      () => undefined,
      (e: unknown) => e,
    );
    await db.close();
    expect(error).toMatchObject({ name: 'PrismaClientKnownRequestError', code: 'P2002' });
    expect(await answer(error)).toEqual({
      status: 500,
      retryAfter: null,
      body: { error: 'The webhook failed on the server.' },
    });
  });

  it('answers 500 for anything else, without the error’s text', async () => {
    expect(await answer(new Error('secret detail'))).toEqual({
      status: 500,
      retryAfter: null,
      body: { error: 'The webhook failed on the server.' },
    });
  });
});
