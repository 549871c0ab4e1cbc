// Blocks of days for the customers breakdown: how a period is covered (pure), and against a real, migrated
// database (PGlite, or Postgres when TEST_DATABASE_URL is set) that built blocks equal the sum of their days
// however late calls land, so the breakdown gives the same exact answer with blocks as from the days alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestDatabase, type TestDatabase } from '../../harness/test-database';
import { interactionRow } from '../../test/support/interaction-row';
import { getCustomerBreakdown, type CustomerBreakdown } from '../dashboard/customer-queries';
import type { DashboardFilters } from '../dashboard/filters';
import { openDatabase } from './database';
import { BLOCK_DAYS, buildAttributeBlocks, builtBlocks, coverPeriod, dayNumber, dayOf } from './attribute-blocks';
import { syncBreakdownKeys } from './breakdown-keys';
import { InteractionStore } from './interaction-store';

const n = (iso: string) => dayNumber(new Date(`${iso}T00:00:00Z`));
/** Every length built for every aligned start in [from, to). */
function allBuilt(from: number, to: number): Map<number, Set<number>> {
  const built = new Map<number, Set<number>>();
  for (const days of BLOCK_DAYS) {
    const starts = new Set<number>();
    for (let s = Math.ceil(from / days) * days; s + days <= to; s += days) starts.add(s);
    built.set(days, starts);
  }
  return built;
}

describe('coverPeriod', () => {
  it('covers 30 days with the longest aligned blocks that fit, and the days no block fits', () => {
    // 2026-11-04 is day 20761 (odd: no block starts on it); 2026-12-04 is day 20791.
    const [from, to] = [n('2026-11-04'), n('2026-12-04')];
    expect([from, to]).toEqual([20761, 20791]);
    const cover = coverPeriod(from, to, allBuilt(from - 300, to));
    expect({
      blocks: cover.blocks.map((b) => `${b.days}@${dayOf(b.start)}`),
      days: cover.dayRanges.map(([a, b]) => `${dayOf(a)}..${dayOf(b)}`),
    }).toEqual({
      blocks: ['2@2026-11-05', '4@2026-11-07', '16@2026-11-11', '4@2026-11-27', '2@2026-12-01'],
      days: ['2026-11-04..2026-11-05', '2026-12-03..2026-12-04'],
    });
  });

  it('reads the days alone when nothing is built', () => {
    expect(coverPeriod(100, 130, new Map())).toEqual({ blocks: [], dayRanges: [[100, 130]] });
  });

  it('uses only the blocks that are built', () => {
    const built = new Map([
      [8, new Set([104])],
      [2, new Set([112])],
    ]);
    expect(coverPeriod(100, 116, built)).toEqual({
      blocks: [
        { days: 8, start: 104 },
        { days: 2, start: 112 },
      ],
      dayRanges: [
        [100, 104],
        [114, 116],
      ],
    });
  });

  it('gives nothing for an empty period', () => {
    expect(coverPeriod(50, 50, allBuilt(0, 100))).toEqual({ blocks: [], dayRanges: [] });
  });
});

/** Noon UTC, `d` days after 2026-10-20 (the oldest day of the seed). */
const noon = (d: number) => new Date(Date.UTC(2026, 9, 20 + d, 12));
const TENANTS = ['acme', 'globex', 'initech'];
/** 120 calls over 40 days, in requests of one or two calls, three tenants and five users. */
const SEED = Array.from({ length: 120 }, (_, i) =>
  interactionRow(i + 1, {
    startedAt: noon(i % 40),
    traceId: (Math.floor(i / 2) + 1).toString(16).padStart(32, '0'),
    costUsd: `0.${String(1000 + ((i * 37) % 900)).padStart(12, '0')}`,
    attributes: { tenant: TENANTS[i % 3] ?? '', user_id: `u${i % 5}` },
  }),
);
/** 2026-12-01 at noon: whole blocks end by 2026-11-30. */
const NOW = new Date('2026-12-01T12:00:00Z');
const period = (from: string, to: string): DashboardFilters => ({
  period: 'custom',
  from: new Date(`${from}T00:00:00Z`),
  to: new Date(`${to}T00:00:00Z`),
});
const NOW_PERIOD = period('2026-10-20', '2026-12-01');
const PERIODS = [
  NOW_PERIOD,
  period('2026-11-01', '2026-12-01'),
  period('2026-10-23', '2026-11-19'),
  period('2026-11-10', '2026-11-11'),
];

describe('attribute blocks', () => {
  let test: TestDatabase;
  /** The breakdowns of PERIODS by tenant and by user, read before any block was built. */
  let fromDays: CustomerBreakdown[];

  async function breakdowns(): Promise<CustomerBreakdown[]> {
    const all: CustomerBreakdown[] = [];
    for (const key of ['tenant', 'user_id'])
      for (const p of PERIODS) all.push(await getCustomerBreakdown(test.db.prisma, p, key, 2));
    return all;
  }

  /** Each built block's rows, and the same sums read from its days: equal when the blocks are right. */
  async function blocksAndTheirDays() {
    const prisma = test.db.prisma;
    const blocks = await prisma.$queryRaw<unknown[]>`
      SELECT key, days, start_day, value, calls, cost_usd::text AS cost, requests FROM ai_attribute_block
      WHERE calls <> 0 OR cost_usd <> 0 OR requests <> 0
      ORDER BY key, days, start_day, value`;
    const days = await prisma.$queryRaw<unknown[]>`
      SELECT b.key, b.days, b.start_day, d.value, sum(d.calls)::bigint AS calls,
             sum(d.cost_usd)::numeric(24,12)::text AS cost, sum(d.requests)::bigint AS requests
      FROM ai_attribute_block_built AS b
      JOIN ai_attribute_daily AS d ON d.key = b.key AND d.day >= b.start_day AND d.day < b.start_day + b.days
      GROUP BY 1, 2, 3, 4
      HAVING sum(d.calls) <> 0 OR sum(d.cost_usd) <> 0 OR sum(d.requests) <> 0
      ORDER BY 1, 2, 3, 4`;
    return { blocks, days };
  }

  /** The calls and their exact cost carrying `key` in [from, to), straight from ai_interaction. */
  async function truth(key: string, p: DashboardFilters): Promise<{ calls: number; costUsd: string }> {
    const [row] = await test.db.prisma.$queryRaw<{ calls: bigint; cost: string }[]>`
      SELECT count(*) AS calls, coalesce(sum(cost_usd), 0)::numeric(24,12)::text AS cost FROM ai_interaction
      WHERE attributes ? ${key} AND started_at >= ${p.from} AND started_at < ${p.to}`;
    return { calls: Number(row?.calls), costUsd: row?.cost ?? '' };
  }

  beforeAll(async () => {
    test = await createTestDatabase();
    await new InteractionStore(test.db).insertMany(SEED);
    fromDays = await breakdowns();
  });

  afterAll(async () => {
    await test.drop();
  });

  it('builds every whole block before today, from the oldest day’s 256-day boundary, for each key with rows', async () => {
    // The oldest day, 2026-10-20, is day 20746; its 256-day boundary day 20736; 2026-12-01 is day 20788: 52 days.
    expect([n('2026-10-20'), n('2026-12-01')]).toEqual([20746, 20788]);
    // And the trailing blocks of 6, 29 and 89 days that end on 2026-11-30.
    expect(await buildAttributeBlocks(test.db.prisma, NOW)).toEqual({ blocks: 2 * (26 + 13 + 6 + 3 + 1 + 3) });
    const built = await test.db.prisma.$queryRaw<{ key: string; days: number; n: bigint; first: Date; last: Date }[]>`
      SELECT key, days, count(*) AS n, min(start_day) AS first, max(start_day + days) AS last
      FROM ai_attribute_block_built GROUP BY key, days ORDER BY key, days`;
    const expected = (key: string) =>
      [2, 4, 6, 8, 16, 29, 32, 89].map((days) =>
        [6, 29, 89].includes(days)
          ? {
              key,
              days,
              n: 1n,
              first: new Date(`${dayOf(20788 - days)}T00:00:00Z`),
              last: new Date(`${dayOf(20788)}T00:00:00Z`),
            }
          : {
              key,
              days,
              n: BigInt(Math.floor(52 / days)),
              first: new Date(`${dayOf(20736)}T00:00:00Z`),
              last: new Date(`${dayOf(20736 + Math.floor(52 / days) * days)}T00:00:00Z`),
            },
      );
    expect(built).toEqual([...expected('tenant'), ...expected('user_id')]);
  });

  it('keeps each block equal to the sum of its days', async () => {
    const { blocks, days } = await blocksAndTheirDays();
    expect(blocks).toEqual(days);
    expect(blocks).toHaveLength(days.length);
    expect(days.length).toBeGreaterThan(200);
  });

  it('gives the breakdowns read from the days alone', async () => {
    expect(await breakdowns()).toEqual(fromDays);
    const whole = await truth('tenant', NOW_PERIOD);
    expect(whole.calls).toBe(120);
    expect(fromDays[0]?.total).toMatchObject({ values: 3, calls: 120, requests: 60, costUsd: whole.costUsd });
  });

  it('adds a late call, a deleted call and a moved call to the blocks holding their days', async () => {
    const prisma = test.db.prisma;
    await new InteractionStore(test.db).insertMany([
      interactionRow(501, {
        startedAt: noon(3),
        traceId: 'e'.repeat(32),
        costUsd: '0.5',
        attributes: { tenant: 'umbrella' },
      }),
      interactionRow(502, {
        startedAt: noon(20),
        traceId: 'e'.repeat(32),
        costUsd: '0.25',
        attributes: { tenant: 'acme' },
      }),
    ]);
    await prisma.$executeRaw`DELETE FROM ai_interaction WHERE span_id IN ('0000000000000001', '0000000000000002')`;
    await prisma.$executeRaw`
      UPDATE ai_interaction SET attributes = '{"tenant": "globex"}' WHERE span_id = '0000000000000007'`;
    const { blocks, days } = await blocksAndTheirDays();
    expect(blocks).toEqual(days);
    const whole = await truth('tenant', NOW_PERIOD);
    expect(whole.calls).toBe(120);
    const now = await getCustomerBreakdown(prisma, NOW_PERIOD, 'tenant', 10);
    expect(now.total).toMatchObject({ values: 4, calls: 120, costUsd: whole.costUsd });
    expect(now.rows.find((r) => r.value === 'umbrella')).toMatchObject({ calls: 1, costUsd: '0.500000000000' });
  });

  it('builds nothing twice; a later day builds the blocks it completes and deletes trailing blocks two days old', async () => {
    const prisma = test.db.prisma;
    expect(await buildAttributeBlocks(prisma, NOW)).toEqual({ blocks: 0 });
    // 2026-12-02: its three trailing blocks per key; 2026-12-03: one more 2-day block and three trailing per key.
    expect(await buildAttributeBlocks(prisma, new Date('2026-12-02T00:00:00Z'))).toEqual({ blocks: 2 * 3 });
    expect(await buildAttributeBlocks(prisma, new Date('2026-12-03T00:00:00Z'))).toEqual({ blocks: 2 * (1 + 3) });
    const trailing = await prisma.$queryRaw<{ days: number; ends: Date[] }[]>`
      SELECT days, array_agg(DISTINCT start_day + days ORDER BY start_day + days) AS ends
      FROM ai_attribute_block_built WHERE days IN (6, 29, 89) GROUP BY days ORDER BY days`;
    // Ending 2026-12-01 (built 12-01) is gone; ending 12-02 and 12-03 (built 12-02 and 12-03) stay.
    const ends = ['2026-12-02', '2026-12-03'].map((d) => new Date(`${d}T00:00:00Z`));
    expect(trailing).toEqual([6, 29, 89].map((days) => ({ days, ends })));
    const { blocks, days } = await blocksAndTheirDays();
    expect(blocks).toEqual(days);
  });

  it('reads a 30-day period ending today as its trailing block and today', async () => {
    const prisma = test.db.prisma;
    const to = n('2026-12-04');
    const cover = coverPeriod(to - 30, to, await builtBlocks(prisma, 'tenant', to - 30, to));
    expect(cover).toEqual({ blocks: [{ days: 29, start: to - 30 }], dayRanges: [[to - 1, to]] });
  });

  it('deletes the blocks of a key no longer configured', async () => {
    const prisma = test.db.prisma;
    await syncBreakdownKeys(prisma, ['tenant', 'plan']);
    const left = await prisma.$queryRaw<{ key: string }[]>`
      SELECT DISTINCT key FROM ai_attribute_block UNION SELECT DISTINCT key FROM ai_attribute_block_built ORDER BY 1`;
    expect(left).toEqual([{ key: 'tenant' }]);
    await syncBreakdownKeys(prisma, ['tenant', 'user_id', 'plan']);
  });

  it('keeps blocks equal to their days while late calls land during a build (through two pools on Postgres)', async () => {
    // PGlite has one connection: there the writers and the build interleave on it.
    const second = test.url === undefined ? undefined : await openDatabase({ databaseUrl: test.url });
    const other = second ?? test.db;
    try {
      await test.db.prisma.$executeRaw`DELETE FROM ai_attribute_block_built WHERE key = 'user_id'`;
      await test.db.prisma.$executeRaw`DELETE FROM ai_attribute_block WHERE key = 'user_id'`;
      const late = Array.from({ length: 40 }, (_, i) =>
        interactionRow(1000 + i, {
          startedAt: noon(i % 40),
          traceId: (2000 + i).toString(16).padStart(32, '0'),
          costUsd: '0.001',
          attributes: { tenant: 'late', user_id: `u${i % 7}` },
        }),
      );
      const writers = [0, 1, 2, 3].map(async (w) => {
        const store = new InteractionStore(w % 2 === 0 ? test.db : other);
        for (let i = w; i < late.length; i += 4) await store.insertMany([late[i] as (typeof late)[number]]);
      });
      const [built] = await Promise.all([buildAttributeBlocks(other.prisma, NOW), ...writers]);
      // user_id's blocks, and tenant's trailing blocks ending 2026-11-30 again (the build as of 12-03 deleted them).
      expect(built).toEqual({ blocks: 26 + 13 + 6 + 3 + 1 + 3 + 3 });
      const { blocks, days } = await blocksAndTheirDays();
      expect(blocks).toEqual(days);
      const whole = await truth('user_id', NOW_PERIOD);
      const now = await getCustomerBreakdown(test.db.prisma, NOW_PERIOD, 'user_id', 10);
      expect(now.total).toMatchObject({ values: 7, calls: whole.calls, costUsd: whole.costUsd });
      // The seed's 120, less the two deleted and the one whose user_id was replaced, and the 40 late.
      expect(whole.calls).toBe(157);
    } finally {
      await second?.close();
    }
  });
});
