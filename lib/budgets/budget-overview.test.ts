// budgetOverview on a real database, rows written by the InteractionStore so that the rollup triggers fill
// ai_interaction_daily: the exact spend of each kind of scope and period, which doubles as the test of the
// spend queries in budget-spend.ts.
import { beforeAll, describe, expect, it } from 'vitest';
import { interactionRow } from '../../test/support/interaction-row';
import { testDatabaseWithStore } from '../../test/support/store-database';
import { budgetOverview, budgetsWithSpend, budgetWithSpend } from './budget-overview';
import { BudgetCreateSchema } from './budget-input';
import { createBudget, type BudgetView } from './budget-store';

/** Wednesday noon, UTC: its ISO week runs from Monday 2026-11-23, its month from 2026-11-01. */
const NOW = new Date('2026-11-25T12:00:00.000Z');
const at = (iso: string) => new Date(iso);

const EMAIL = '/api/webhooks/email';
const CHAT = 'action:insights_chat.send_message';
const DIGEST = 'job:weekly_digest';

const ROWS = [
  // Today: the email webhook on gpt-4o's snapshot.
  interactionRow(1, {
    startedAt: at('2026-11-25T09:00:00.000Z'),
    source: EMAIL,
    requestModel: 'gpt-4o',
    responseModel: 'gpt-4o-2024-08-06',
    costUsd: '0.001000000000',
  }),
  // Today, unpriced: counts nothing, and is not a silent 0 either.
  interactionRow(2, {
    startedAt: at('2026-11-25T10:00:00.000Z'),
    source: EMAIL,
    requestModel: 'acme-llm-1',
    responseModel: 'acme-llm-1',
    costUsd: null,
    costStatus: 'unpriced',
    priceRef: null,
  }),
  // Yesterday: the email webhook on gpt-4o-mini, which is not gpt-4o.
  interactionRow(3, { startedAt: at('2026-11-24T10:00:00.000Z'), source: EMAIL, costUsd: '0.000200000000' }),
  // The week's first instant: an action on gpt-4o itself, for tenant acme.
  interactionRow(4, {
    startedAt: at('2026-11-23T00:00:00.000Z'),
    source: CHAT,
    sourceKind: 'action',
    requestModel: 'gpt-4o',
    responseModel: 'gpt-4o',
    costUsd: '0.010000000000',
    attributes: { tenant: 'acme' },
  }),
  // The last instant of the week before: a job on gpt-4o's snapshot, for tenant acme.
  interactionRow(5, {
    startedAt: at('2026-11-22T23:59:59.999Z'),
    source: DIGEST,
    sourceKind: 'job',
    requestModel: 'gpt-4o',
    responseModel: 'gpt-4o-2024-08-06',
    costUsd: '0.300000000000',
    attributes: { tenant: 'acme' },
  }),
  // The month before and the month after: outside every period.
  interactionRow(6, {
    startedAt: at('2026-10-31T23:59:59.999Z'),
    source: DIGEST,
    sourceKind: 'job',
    responseModel: 'gpt-4o',
    costUsd: '5.000000000000',
    attributes: { tenant: 'acme' },
  }),
  interactionRow(7, {
    startedAt: at('2026-12-01T00:00:00.000Z'),
    source: EMAIL,
    responseModel: 'gpt-4o',
    costUsd: '7.000000000000',
    attributes: { tenant: 'acme' },
  }),
  // This week, another tenant, and models that only look like gpt-4o: a dated audio model, an 8-digit snapshot.
  interactionRow(8, {
    startedAt: at('2026-11-24T08:00:00.000Z'),
    source: CHAT,
    sourceKind: 'action',
    requestModel: 'gpt-4o-audio-preview',
    responseModel: 'gpt-4o-audio-preview-2024-12-17',
    costUsd: '0.040000000000',
    attributes: { tenant: 'globex' },
  }),
  interactionRow(9, {
    startedAt: at('2026-11-02T08:00:00.000Z'),
    source: '/api/cron/followups',
    requestModel: 'gpt-4o',
    responseModel: 'gpt-4o-20240806',
    costUsd: '0.000000000123',
  }),
];

describe('budgetOverview', () => {
  const database = testDatabaseWithStore();
  const budgets: Record<string, BudgetView> = {};

  async function create(name: string, input: unknown): Promise<void> {
    budgets[name] = await createBudget(database.prisma, BudgetCreateSchema.parse(input));
  }

  beforeAll(async () => {
    expect(await database.store.insertMany(ROWS)).toBe(ROWS.length);
    // Created in this order, so listed in it.
    await create('source', { scope: { source: EMAIL }, period: 'day', limitUsd: '0.002' });
    await create('sourceWeek', { scope: { source: EMAIL }, period: 'week', limitUsd: '1' });
    await create('kind', { scope: { kind: 'action' }, period: 'week', limitUsd: '0.1' });
    await create('model', { scope: { model: 'gpt-4o' }, period: 'month', limitUsd: '1' });
    await create('attribute', {
      scope: { attribute: { key: 'tenant', value: 'acme' } },
      period: 'week',
      limitUsd: '1',
    });
    await create('attributeJob', {
      scope: { kind: 'job', attribute: { key: 'tenant', value: 'acme' } },
      period: 'month',
      limitUsd: '0.6',
    });
    await create('nothing', { scope: { feature: 'no.such.feature' }, period: 'month', limitUsd: '3' });
  });

  it('gives each budget its current period and its exact spend in it, oldest budget first', async () => {
    const spends = (await budgetsWithSpend(database.prisma, NOW)).map((b) => ({ id: b.id, spend: b.spend }));
    const week = { periodStart: '2026-11-23T00:00:00.000Z', periodEnd: '2026-11-30T00:00:00.000Z' };
    const month = { periodStart: '2026-11-01T00:00:00.000Z', periodEnd: '2026-12-01T00:00:00.000Z' };
    const id = (name: string) => budgets[name]?.id;
    expect(spends).toEqual([
      {
        id: id('source'),
        // Row 1 only: the unpriced call adds nothing, yesterday's call is another day.
        spend: {
          periodStart: '2026-11-25T00:00:00.000Z',
          periodEnd: '2026-11-26T00:00:00.000Z',
          spentUsd: '0.001000000000',
          forecastUsd: '0.002000000000',
          fraction: 0.5,
        },
      },
      {
        id: id('sourceWeek'),
        // Rows 1 and 3; not the call of 2026-12-01. 2.5 of 7 days gone: times 2.8.
        spend: { ...week, spentUsd: '0.001200000000', forecastUsd: '0.003360000000', fraction: 0.0012 },
      },
      {
        id: id('kind'),
        // Rows 4 and 8, the actions of this week.
        spend: { ...week, spentUsd: '0.050000000000', forecastUsd: '0.140000000000', fraction: 0.5 },
      },
      {
        id: id('model'),
        // gpt-4o and its dated snapshots in November: rows 1, 4, 5 and 9; not gpt-4o-mini nor the audio model.
        // 24.5 of 30 days gone.
        spend: { ...month, spentUsd: '0.311000000123', forecastUsd: '0.380816326681', fraction: 0.311 },
      },
      {
        id: id('attribute'),
        // tenant=acme this week: row 4; row 5 was the week before, row 7 is next month.
        spend: { ...week, spentUsd: '0.010000000000', forecastUsd: '0.028000000000', fraction: 0.01 },
      },
      {
        id: id('attributeJob'),
        // tenant=acme jobs in November: row 5; row 6 was October.
        spend: { ...month, spentUsd: '0.300000000000', forecastUsd: '0.367346938776', fraction: 0.5 },
      },
      { id: id('nothing'), spend: { ...month, spentUsd: '0', forecastUsd: '0', fraction: 0 } },
    ]);
  });

  it('keeps the spend itself as the forecast in the period’s first minute, with nothing to project from', async () => {
    const first = await budgetWithSpend(database.prisma, budgets.model?.id ?? '', at('2026-11-01T00:00:30.000Z'));
    expect(first?.spend).toEqual({
      periodStart: '2026-11-01T00:00:00.000Z',
      periodEnd: '2026-12-01T00:00:00.000Z',
      spentUsd: '0.311000000123',
      forecastUsd: '0.311000000123',
      fraction: 0.311,
    });
  });

  it('finds one budget with its spend, and nothing for an unknown or malformed id', async () => {
    const attribute = budgets.attribute;
    if (attribute === undefined) throw new Error('the attribute budget was created');
    expect(await budgetWithSpend(database.prisma, attribute.id, NOW)).toEqual({
      ...attribute,
      spend: {
        periodStart: '2026-11-23T00:00:00.000Z',
        periodEnd: '2026-11-30T00:00:00.000Z',
        spentUsd: '0.010000000000',
        forecastUsd: '0.028000000000',
        fraction: 0.01,
      },
    });
    expect(await budgetWithSpend(database.prisma, '0193a3b2-0000-7000-8000-000000000000', NOW)).toBeUndefined();
    expect(await budgetWithSpend(database.prisma, 'not-a-uuid', NOW)).toBeUndefined();
  });

  it('gives the spend per day of the period, from the rollup or from the calls for an attribute', async () => {
    const overview = await budgetOverview(database.prisma, NOW);
    const daily = Object.fromEntries(
      Object.entries(budgets).map(([name, b]) => [name, overview.find((o) => o.id === b.id)?.daily]),
    );
    expect(daily).toEqual({
      source: [{ day: '2026-11-25', spentUsd: '0.001000000000' }],
      sourceWeek: [
        { day: '2026-11-24', spentUsd: '0.000200000000' },
        { day: '2026-11-25', spentUsd: '0.001000000000' },
      ],
      kind: [
        { day: '2026-11-23', spentUsd: '0.010000000000' },
        { day: '2026-11-24', spentUsd: '0.040000000000' },
      ],
      model: [
        { day: '2026-11-02', spentUsd: '0.000000000123' },
        { day: '2026-11-22', spentUsd: '0.300000000000' },
        { day: '2026-11-23', spentUsd: '0.010000000000' },
        { day: '2026-11-25', spentUsd: '0.001000000000' },
      ],
      attribute: [{ day: '2026-11-23', spentUsd: '0.010000000000' }],
      attributeJob: [{ day: '2026-11-22', spentUsd: '0.300000000000' }],
      nothing: [],
    });
  });

  it('lists the alerts that failed or are being retried, newest first, and none that went out', async () => {
    const budgetId = budgets.kind?.id ?? '';
    const alert = (n: number, fields: object) => ({
      key: `threshold:${budgetId}:2026-11-23:${n}`,
      kind: 'threshold' as const,
      budgetId,
      payload: { text: `alert ${n}` },
      ...fields,
    });
    await database.prisma.alertDelivery.createMany({
      data: [
        alert(1, {
          status: 'failed',
          attempts: 8,
          lastError: 'HTTP 500 from the webhook',
          createdAt: at('2026-11-23T01:00:00.000Z'),
        }),
        alert(2, {
          status: 'pending',
          attempts: 2,
          lastError: 'connect ECONNREFUSED',
          createdAt: at('2026-11-24T01:00:00.000Z'),
        }),
        alert(3, { status: 'pending', attempts: 0, createdAt: at('2026-11-24T02:00:00.000Z') }),
        alert(4, { status: 'delivered', attempts: 1, createdAt: at('2026-11-24T03:00:00.000Z') }),
      ],
    });
    const overview = await budgetOverview(database.prisma, NOW);
    expect(overview.map((o) => o.alertTroubles)).toEqual(
      Object.values(budgets).map((b) =>
        b.id === budgetId
          ? [
              {
                status: 'pending',
                attempts: 2,
                lastError: 'connect ECONNREFUSED',
                createdAt: '2026-11-24T01:00:00.000Z',
              },
              {
                status: 'failed',
                attempts: 8,
                lastError: 'HTTP 500 from the webhook',
                createdAt: '2026-11-23T01:00:00.000Z',
              },
            ]
          : [],
      ),
    );
  });
});
