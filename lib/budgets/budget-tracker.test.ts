// BudgetTracker on a real database: spend read from the rollup, calls priced in between added, refusals only
// for enforced, spent budgets in the call's scope, the period's end lifting them, and an outage survived.
import { describe, expect, it } from 'vitest';
import { BudgetExceededError } from '../ai/budget-guard';
import { openDatabase } from '../db/database';
import { testDatabaseWithStore } from '../../test/support/store-database';
import { interactionRow } from '../../test/support/interaction-row';
import { createBudget } from './budget-store';
import { BudgetTracker } from './budget-tracker';
import { BudgetCreateSchema } from './budget-input';

const NOON = Date.parse('2026-12-04T12:00:00.000Z');
const EMAIL = '/api/webhooks/email';
const KNOWLEDGE = '/api/knowledge';
const emailCall = { 'ai.source': EMAIL, 'gen_ai.request.model': 'gpt-4o-mini' };
const knowledgeCall = { 'ai.source': KNOWLEDGE, 'gen_ai.request.model': 'gpt-4o-mini' };

/** A clock the test moves by hand. */
function manualClock(start: number): { now: () => number; set(ms: number): void } {
  let now = start;
  return { now: () => now, set: (ms) => void (now = ms) };
}

describe('BudgetTracker', () => {
  const database = testDatabaseWithStore();

  async function budget(body: unknown) {
    return createBudget(database.prisma, BudgetCreateSchema.parse(body));
  }

  async function clearBudgets() {
    await database.prisma.budget.deleteMany();
  }

  it('refuses calls in scope of an enforced budget that the stored spend has reached, and no others', async () => {
    await clearBudgets();
    // Three calls of $0.004 today from the email webhook: $0.012 against a $0.01 daily limit.
    await database.store.insertMany(
      [1, 2, 3].map((n) =>
        interactionRow(1000 + n, {
          startedAt: new Date(NOON - n * 60_000),
          source: EMAIL,
          costUsd: '0.004000000000',
        }),
      ),
    );
    const spent = await budget({ scope: { source: EMAIL }, period: 'day', limitUsd: '0.01', enforce: true });
    await budget({ scope: { source: KNOWLEDGE }, period: 'day', limitUsd: '0.01', enforce: true });
    const clock = manualClock(NOON);
    const tracker = new BudgetTracker({ prisma: database.prisma, clock: clock.now });
    await tracker.start();
    await tracker.stop();

    const refusal = tracker.refuse(emailCall);
    expect(refusal).toBeInstanceOf(BudgetExceededError);
    expect(refusal?.budget).toEqual({
      id: spent.id,
      scope: `source ${EMAIL}`,
      period: 'day',
      limitUsd: '0.01',
      spentUsd: 0.012,
      periodEnd: new Date('2026-12-05T00:00:00.000Z'),
    });
    expect(tracker.refuse(knowledgeCall)).toBeUndefined();
    expect(tracker.refuse({ 'ai.source': 'job:weekly_digest' })).toBeUndefined();
  });

  it('adds the calls it prices between reads, and refuses as soon as they reach the limit', async () => {
    await clearBudgets();
    await budget({ scope: { source: KNOWLEDGE }, period: 'day', limitUsd: '0.01', enforce: true });
    const clock = manualClock(NOON);
    const tracker = new BudgetTracker({ prisma: database.prisma, clock: clock.now });
    await tracker.refresh();
    expect(tracker.refuse(knowledgeCall)).toBeUndefined();

    tracker.spent(knowledgeCall, 0.006);
    tracker.spent(emailCall, 0.5);
    expect(tracker.refuse(knowledgeCall)).toBeUndefined();
    tracker.spent(knowledgeCall, 0.004);
    expect(tracker.refuse(knowledgeCall)?.budget.spentUsd).toBe(0.01);
    expect(tracker.refuse(emailCall)).toBeUndefined();
  });

  it('reads again when asked during a read, so a budget written meanwhile is seen', async () => {
    await clearBudgets();
    const tracker = new BudgetTracker({ prisma: database.prisma, clock: () => NOON });
    const first = tracker.refresh();
    const created = await budget({ scope: { source: KNOWLEDGE }, period: 'day', limitUsd: '1', enforce: true });
    await tracker.refresh();
    await first;
    expect(tracker.spends().map((s) => s.id)).toEqual([created.id]);
  });

  it('never refuses for a budget that only alerts', async () => {
    await clearBudgets();
    const all = await budget({ scope: {}, period: 'month', limitUsd: '0.000001', enforce: false });
    const tracker = new BudgetTracker({ prisma: database.prisma, clock: () => NOON });
    await tracker.refresh();
    tracker.spent(emailCall, 1);
    expect(tracker.refuse(emailCall)).toBeUndefined();
    // The first test's three $0.004 calls this month, and this one.
    expect(tracker.spends()).toEqual([{ id: all.id, spentUsd: 1.012, exhausted: false }]);
  });

  it('counts its own recent calls on top of a read until they have had time to reach the database', async () => {
    await clearBudgets();
    const job = await budget({ scope: { kind: 'job' }, period: 'week', limitUsd: '100', enforce: true });
    const clock = manualClock(NOON);
    const tracker = new BudgetTracker({ prisma: database.prisma, clock: clock.now, settleMs: 5000 });
    await tracker.refresh();
    const stored = tracker.spends()[0]?.spentUsd ?? Number.NaN;
    tracker.spent({ 'ai.source': 'job:weekly_digest' }, 2);
    clock.set(NOON + 4000);
    await tracker.refresh();
    // 4 s later the call may not be in the database yet: still counted here.
    expect(tracker.spends()).toEqual([{ id: job.id, spentUsd: stored + 2, exhausted: false }]);
    clock.set(NOON + 6000);
    await tracker.refresh();
    // Past settleMs the database has it (here it never will: the test wrote no row), so it is no longer added.
    expect(tracker.spends()).toEqual([{ id: job.id, spentUsd: stored, exhausted: false }]);
  });

  it("lets calls through again when the spent budget's period ends", async () => {
    await clearBudgets();
    await budget({ scope: { source: KNOWLEDGE }, period: 'day', limitUsd: '0.01', enforce: true });
    const clock = manualClock(NOON);
    const tracker = new BudgetTracker({ prisma: database.prisma, clock: clock.now });
    await tracker.refresh();
    tracker.spent(knowledgeCall, 0.02);
    expect(tracker.refuse(knowledgeCall)).toBeInstanceOf(BudgetExceededError);
    clock.set(Date.parse('2026-12-05T00:00:00.000Z'));
    expect(tracker.refuse(knowledgeCall)).toBeUndefined();
    tracker.spent(knowledgeCall, 0.001);
    expect(tracker.spends()[0]?.spentUsd).toBe(0.001);
  });

  it('keeps enforcing the last figures read while the database is down, and says so', async () => {
    await clearBudgets();
    await budget({ scope: { source: KNOWLEDGE }, period: 'day', limitUsd: '0.01', enforce: true });
    // Its own handle on a database that goes away: on PGlite a second in-memory one, on Postgres a closed pool.
    const db = await openDatabase({ dataDir: 'memory://' });
    await db.migrate();
    await db.prisma.budget.create({
      data: { source: KNOWLEDGE, period: 'day', limitUsd: '0.01', alertAt: [1], enforce: true },
    });
    const errors: unknown[] = [];
    const tracker = new BudgetTracker({ prisma: db.prisma, clock: () => NOON, onRefreshError: (e) => errors.push(e) });
    await tracker.refresh();
    tracker.spent(knowledgeCall, 0.02);
    await db.close();
    await tracker.refresh();
    expect(errors).toHaveLength(1);
    expect(tracker.refuse(knowledgeCall)).toBeInstanceOf(BudgetExceededError);
  });
});
