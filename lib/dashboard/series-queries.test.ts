// The stacked spend series against a real, migrated database (in-memory PGlite, or Postgres when
// TEST_DATABASE_URL is set): days from the rollup, hours from ai_interaction, the top series and "other",
// every expected amount worked out by hand from the rows below.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestDatabase, type TestDatabase } from '../../harness/test-database';
import { NO_USAGE } from '../../harness/interaction-rows';
import { interactionRow } from '../../test/support/interaction-row';
import type { PrismaClient } from '../db/generated/client';
import { InteractionStore } from '../db/interaction-store';
import type { DashboardFilters } from './filters';
import { getStackedSpend, isHourly, type StackBucket } from './series-queries';

const LEADS = '/api/leads/[id]/draft';
const EMAIL = '/api/webhooks/email';
const SEND = 'action:insights_chat.send_message';
const DIGEST = 'job:weekly_digest';
const MINI = 'gpt-4o-mini-2024-07-18';
const FOUR_O = 'gpt-4o-2024-08-06';
const ZERO = '0.000000000000';

const at = (iso: string) => new Date(iso);
const day = (text: string) => at(`${text}T00:00:00.000Z`);
const cost = (costUsd: string) => ({ costUsd });

/** 2026-11-24 and 2026-11-25: two days, so drawn by the hour. */
const TWO_DAYS: DashboardFilters = { period: 'custom', from: day('2026-11-24'), to: day('2026-11-26') };
/** 2026-11-23 to 2026-11-25: three days, by the day. */
const THREE_DAYS: DashboardFilters = { period: 'custom', from: day('2026-11-23'), to: day('2026-11-26') };

const ROWS = [
  interactionRow(1, { startedAt: at('2026-11-24T09:10:00.000Z'), ...cost('0.000000180000') }),
  interactionRow(2, { startedAt: at('2026-11-24T09:50:00.000Z'), ...cost('0.007600000000') }),
  interactionRow(3, {
    startedAt: at('2026-11-24T23:59:59.999Z'),
    source: SEND,
    sourceKind: 'action',
    featureId: 'insights_chat.answer',
    responseModel: FOUR_O,
    ...cost('12.345000000000'),
  }),
  interactionRow(4, { startedAt: at('2026-11-25T00:00:00.000Z'), source: EMAIL, ...cost('0.002500000000') }),
  interactionRow(5, {
    startedAt: at('2026-11-25T13:30:00.000Z'),
    source: null,
    sourceKind: 'unattributed',
    featureId: null,
    ...cost('0.000300000000'),
  }),
  interactionRow(6, { startedAt: at('2026-11-25T13:45:00.000Z'), source: DIGEST, sourceKind: 'job', ...NO_USAGE }),
  // A token count is not spend, and another day outside both periods.
  interactionRow(7, {
    startedAt: at('2026-11-25T13:50:00.000Z'),
    operation: 'token_count',
    costUsd: null,
    costStatus: 'not_billable',
    priceRef: null,
  }),
  interactionRow(8, { startedAt: at('2026-11-26T00:00:00.000Z'), ...cost('1.000000000000') }),
  interactionRow(9, { startedAt: at('2026-11-23T08:00:00.000Z'), source: EMAIL, ...cost('0.100000000000') }),
];

/** The buckets that have calls, as [label, calls, cost, costs per series]. */
function busy(buckets: StackBucket[]): [string, number, string, string[]][] {
  return buckets.filter((b) => b.calls > 0).map((b) => [b.label, b.calls, b.costUsd, b.costsUsd]);
}

describe('getStackedSpend', () => {
  let test: TestDatabase;
  let db: PrismaClient;

  beforeAll(async () => {
    test = await createTestDatabase();
    db = test.db.prisma;
    await new InteractionStore(test.db).insertMany(ROWS);
  });

  afterAll(async () => {
    await test.drop();
  });

  describe('isHourly', () => {
    it('draws two days or less by the hour, three by the day', () => {
      expect([isHourly(TWO_DAYS), isHourly(THREE_DAYS)]).toEqual([true, false]);
    });
  });

  describe('by the hour', () => {
    it('buckets the calls of ai_interaction by UTC hour, stacked by source, most expensive first', async () => {
      const spend = await getStackedSpend(db, TWO_DAYS, 'source');

      expect(spend.granularity).toBe('hour');
      expect(spend.series).toEqual([
        { key: SEND, other: false, costUsd: '12.345000000000' },
        { key: LEADS, other: false, costUsd: '0.007600180000' },
        { key: EMAIL, other: false, costUsd: '0.002500000000' },
        { key: '', other: false, costUsd: '0.000300000000' },
        { key: DIGEST, other: false, costUsd: ZERO },
      ]);
      expect(spend.buckets).toHaveLength(48);
      expect(spend.buckets[0]?.label).toBe('2026-11-24 00:00');
      expect(spend.buckets[47]?.label).toBe('2026-11-25 23:00');
      expect(spend.buckets[9]?.start).toEqual(at('2026-11-24T09:00:00.000Z'));
      expect(busy(spend.buckets)).toEqual([
        ['2026-11-24 09:00', 2, '0.007600180000', [ZERO, '0.007600180000', ZERO, ZERO, ZERO]],
        ['2026-11-24 23:00', 1, '12.345000000000', ['12.345000000000', ZERO, ZERO, ZERO, ZERO]],
        ['2026-11-25 00:00', 1, '0.002500000000', [ZERO, ZERO, '0.002500000000', ZERO, ZERO]],
        ['2026-11-25 13:00', 2, '0.000300000000', [ZERO, ZERO, ZERO, '0.000300000000', ZERO]],
      ]);
    });

    it('keeps the top series and sums the rest as "other"', async () => {
      const spend = await getStackedSpend(db, TWO_DAYS, 'source', 2);

      expect(spend.series).toEqual([
        { key: SEND, other: false, costUsd: '12.345000000000' },
        { key: LEADS, other: false, costUsd: '0.007600180000' },
        { key: '', other: true, costUsd: '0.002800000000' },
      ]);
      expect(busy(spend.buckets)).toEqual([
        ['2026-11-24 09:00', 2, '0.007600180000', [ZERO, '0.007600180000', ZERO]],
        ['2026-11-24 23:00', 1, '12.345000000000', ['12.345000000000', ZERO, ZERO]],
        ['2026-11-25 00:00', 1, '0.002500000000', [ZERO, ZERO, '0.002500000000']],
        ['2026-11-25 13:00', 2, '0.000300000000', [ZERO, ZERO, '0.000300000000']],
      ]);
    });

    it('stacks by the billed model and applies the narrowing filters', async () => {
      const spend = await getStackedSpend(db, { ...TWO_DAYS, sourceKind: 'route' }, 'model');

      expect(spend.series).toEqual([{ key: MINI, other: false, costUsd: '0.010100180000' }]);
      expect(busy(spend.buckets)).toEqual([
        ['2026-11-24 09:00', 2, '0.007600180000', ['0.007600180000']],
        ['2026-11-25 00:00', 1, '0.002500000000', ['0.002500000000']],
      ]);
    });
  });

  describe('by the day', () => {
    it('reads the rollup, stacked by feature, every day of the period included', async () => {
      const spend = await getStackedSpend(db, THREE_DAYS, 'feature');

      expect(spend.granularity).toBe('day');
      expect(spend.series).toEqual([
        { key: 'insights_chat.answer', other: false, costUsd: '12.345000000000' },
        { key: 'followups.draft', other: false, costUsd: '0.110100180000' },
        { key: '', other: false, costUsd: '0.000300000000' },
      ]);
      expect(spend.buckets.map((b) => [b.label, b.calls, b.costUsd, b.costsUsd])).toEqual([
        ['2026-11-23', 1, '0.100000000000', [ZERO, '0.100000000000', ZERO]],
        ['2026-11-24', 3, '12.352600180000', ['12.345000000000', '0.007600180000', ZERO]],
        ['2026-11-25', 3, '0.002800000000', [ZERO, '0.002500000000', '0.000300000000']],
      ]);
    });

    it('has no series and empty days when nothing was called', async () => {
      const empty: DashboardFilters = { period: 'custom', from: day('2020-01-01'), to: day('2020-01-04') };

      expect(await getStackedSpend(db, empty, 'source')).toEqual({
        granularity: 'day',
        stack: 'source',
        series: [],
        buckets: ['2020-01-01', '2020-01-02', '2020-01-03'].map((label) => ({
          label,
          start: day(label),
          calls: 0,
          costUsd: ZERO,
          costsUsd: [],
        })),
      });
    });
  });
});
