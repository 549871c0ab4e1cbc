// The customers breakdown against a real, migrated database (in-memory PGlite, or Postgres when
// TEST_DATABASE_URL is set): rows written through InteractionStore, so the trigger fills ai_attribute_daily,
// and every expected amount worked out by hand from the rows below.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestDatabase, type TestDatabase } from '../../harness/test-database';
import { NO_USAGE } from '../../harness/interaction-rows';
import { interactionRow } from '../../test/support/interaction-row';
import { syncBreakdownKeys } from '../db/breakdown-keys';
import type { PrismaClient } from '../db/generated/client';
import { InteractionStore } from '../db/interaction-store';
import { getBreakdownKeys, getCustomerBreakdown } from './customer-queries';
import type { DashboardFilters } from './filters';

const at = (iso: string) => new Date(iso);
const day = (text: string) => at(`${text}T00:00:00.000Z`);
const trace = (letter: string) => letter.repeat(32);

/** 2026-11-24 and 2026-11-25. */
const PERIOD: DashboardFilters = { period: 'custom', from: day('2026-11-24'), to: day('2026-11-26') };

const ROWS = [
  // acme: three calls in two requests, $0.60.
  interactionRow(1, {
    traceId: trace('a'),
    startedAt: at('2026-11-24T10:00:00.000Z'),
    costUsd: '0.300000000000',
    attributes: { tenant: 'acme', user_id: 'u1' },
  }),
  interactionRow(2, {
    traceId: trace('a'),
    startedAt: at('2026-11-24T10:00:01.000Z'),
    costUsd: '0.100000000000',
    attributes: { tenant: 'acme', user_id: 'u1' },
  }),
  interactionRow(3, {
    traceId: trace('b'),
    startedAt: at('2026-11-25T09:00:00.000Z'),
    costUsd: '0.200000000000',
    attributes: { tenant: 'acme', user_id: 'u2' },
  }),
  // globex: a priced call and a failed one in one request, $0.50.
  interactionRow(4, {
    traceId: trace('c'),
    startedAt: at('2026-11-25T11:00:00.000Z'),
    costUsd: '0.500000000000',
    attributes: { tenant: 'globex', user_id: 'u1', region: 'eu' },
  }),
  interactionRow(5, {
    traceId: trace('c'),
    startedAt: at('2026-11-25T11:00:02.000Z'),
    status: 'error',
    errorType: 'Timeout',
    ...NO_USAGE,
    attributes: { tenant: 'globex', user_id: 'u1', region: 'eu' },
  }),
  // initech: $0.048 in a request of the period, and the second call ($0.002) of a request that started the day
  // before: the call counts in the period, the request does not. $0.05 in all, as much as umbrella.
  interactionRow(6, {
    traceId: trace('d'),
    startedAt: at('2026-11-24T08:00:00.000Z'),
    costUsd: '0.048000000000',
    attributes: { tenant: 'initech' },
  }),
  interactionRow(7, {
    traceId: trace('e'),
    startedAt: at('2026-11-23T23:00:00.000Z'),
    costUsd: '0.001000000000',
    attributes: { tenant: 'initech' },
  }),
  interactionRow(8, {
    traceId: trace('e'),
    startedAt: at('2026-11-24T01:00:00.000Z'),
    costUsd: '0.002000000000',
    attributes: { tenant: 'initech' },
  }),
  interactionRow(9, {
    traceId: trace('f'),
    startedAt: at('2026-11-25T15:00:00.000Z'),
    costUsd: '0.050000000000',
    attributes: { tenant: 'umbrella', region: 'us' },
  }),
  // soylent: a request over midnight at the end of the period; its second call ($0.02) is the day after.
  interactionRow(10, {
    traceId: trace('1'),
    startedAt: at('2026-11-25T23:59:59.000Z'),
    costUsd: '0.010000000000',
    attributes: { tenant: 'soylent' },
  }),
  interactionRow(11, {
    traceId: trace('1'),
    startedAt: at('2026-11-26T00:00:01.000Z'),
    costUsd: '0.020000000000',
    attributes: { tenant: 'soylent' },
  }),
  // Outside the period, and a call without attributes.
  interactionRow(12, {
    traceId: trace('2'),
    startedAt: at('2026-11-22T12:00:00.000Z'),
    costUsd: '1.000000000000',
    attributes: { tenant: 'hooli' },
  }),
  interactionRow(13, { traceId: trace('3'), startedAt: at('2026-11-25T12:00:00.000Z'), costUsd: '0.700000000000' }),
];

describe('customer queries', () => {
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

  describe('getBreakdownKeys', () => {
    it('lists the keys of ai_breakdown_key, sorted', async () => {
      expect(await getBreakdownKeys(db)).toEqual(['plan', 'tenant', 'user_id']);
    });
  });

  describe('getCustomerBreakdown', () => {
    it('sums each value over the period, most expensive first, ties by value', async () => {
      expect(await getCustomerBreakdown(db, PERIOD, 'tenant')).toEqual({
        key: 'tenant',
        rows: [
          { value: 'acme', calls: 3, requests: 2, costUsd: '0.600000000000', costPerRequestUsd: '0.300000000000' },
          { value: 'globex', calls: 2, requests: 1, costUsd: '0.500000000000', costPerRequestUsd: '0.500000000000' },
          { value: 'initech', calls: 2, requests: 1, costUsd: '0.050000000000', costPerRequestUsd: '0.050000000000' },
          { value: 'umbrella', calls: 1, requests: 1, costUsd: '0.050000000000', costPerRequestUsd: '0.050000000000' },
          { value: 'soylent', calls: 1, requests: 1, costUsd: '0.010000000000', costPerRequestUsd: '0.010000000000' },
        ],
        rest: null,
        total: { values: 5, calls: 9, requests: 6, costUsd: '1.210000000000', costPerRequestUsd: '0.201666666667' },
      });
    });

    it('keeps the top values and sums the others as the rest', async () => {
      expect(await getCustomerBreakdown(db, PERIOD, 'tenant', 2)).toEqual({
        key: 'tenant',
        rows: [
          { value: 'acme', calls: 3, requests: 2, costUsd: '0.600000000000', costPerRequestUsd: '0.300000000000' },
          { value: 'globex', calls: 2, requests: 1, costUsd: '0.500000000000', costPerRequestUsd: '0.500000000000' },
        ],
        // initech, umbrella and soylent: $0.11 over 3 requests.
        rest: { values: 3, calls: 4, requests: 3, costUsd: '0.110000000000', costPerRequestUsd: '0.036666666667' },
        total: { values: 5, calls: 9, requests: 6, costUsd: '1.210000000000', costPerRequestUsd: '0.201666666667' },
      });
    });

    it('counts a request on its first call’s day and each call on its own', async () => {
      const dayAfter: DashboardFilters = { period: 'custom', from: day('2026-11-26'), to: day('2026-11-27') };
      const dayBefore: DashboardFilters = { period: 'custom', from: day('2026-11-23'), to: day('2026-11-24') };

      expect((await getCustomerBreakdown(db, dayAfter, 'tenant')).rows).toEqual([
        { value: 'soylent', calls: 1, requests: 0, costUsd: '0.020000000000', costPerRequestUsd: null },
      ]);
      expect((await getCustomerBreakdown(db, dayBefore, 'tenant')).rows).toEqual([
        { value: 'initech', calls: 1, requests: 1, costUsd: '0.001000000000', costPerRequestUsd: '0.001000000000' },
      ]);
    });

    it('breaks down by another key', async () => {
      expect(await getCustomerBreakdown(db, PERIOD, 'user_id')).toEqual({
        key: 'user_id',
        rows: [
          { value: 'u1', calls: 4, requests: 2, costUsd: '0.900000000000', costPerRequestUsd: '0.450000000000' },
          { value: 'u2', calls: 1, requests: 1, costUsd: '0.200000000000', costPerRequestUsd: '0.200000000000' },
        ],
        rest: null,
        total: { values: 2, calls: 5, requests: 3, costUsd: '1.100000000000', costPerRequestUsd: '0.366666666667' },
      });
    });

    it('is empty for a key without values', async () => {
      expect(await getCustomerBreakdown(db, PERIOD, 'plan')).toEqual({
        key: 'plan',
        rows: [],
        rest: null,
        total: { values: 0, calls: 0, requests: 0, costUsd: '0.000000000000', costPerRequestUsd: null },
      });
    });

    it('gives a key added later its history, and keeps it up to date', async () => {
      expect((await getCustomerBreakdown(db, PERIOD, 'region')).rows).toEqual([]);

      expect(await syncBreakdownKeys(db, ['tenant', 'user_id', 'plan', 'region'])).toEqual({
        added: ['region'],
        removed: [],
      });
      expect(await getBreakdownKeys(db)).toEqual(['plan', 'region', 'tenant', 'user_id']);
      expect((await getCustomerBreakdown(db, PERIOD, 'region')).rows).toEqual([
        { value: 'eu', calls: 2, requests: 1, costUsd: '0.500000000000', costPerRequestUsd: '0.500000000000' },
        { value: 'us', calls: 1, requests: 1, costUsd: '0.050000000000', costPerRequestUsd: '0.050000000000' },
      ]);

      await new InteractionStore(test.db).insertMany([
        interactionRow(14, {
          traceId: trace('4'),
          startedAt: at('2026-11-25T16:00:00.000Z'),
          costUsd: '0.250000000000',
          attributes: { tenant: 'umbrella', region: 'us' },
        }),
      ]);
      expect((await getCustomerBreakdown(db, PERIOD, 'region')).rows).toEqual([
        { value: 'eu', calls: 2, requests: 1, costUsd: '0.500000000000', costPerRequestUsd: '0.500000000000' },
        { value: 'us', calls: 2, requests: 2, costUsd: '0.300000000000', costPerRequestUsd: '0.150000000000' },
      ]);
    });

    it('leaves out values whose rollup rows went back to zero', async () => {
      await db.$executeRaw`DELETE FROM ai_interaction WHERE trace_id IN (${trace('f')}, ${trace('4')})`;
      const zeros = await db.$queryRaw<{ calls: bigint }[]>`
        SELECT calls FROM ai_attribute_daily WHERE key = 'tenant' AND value = 'umbrella'`;
      expect(zeros.map((r) => Number(r.calls))).toEqual([0]);

      const breakdown = await getCustomerBreakdown(db, PERIOD, 'tenant');
      expect(breakdown.rows.map((r) => r.value)).toEqual(['acme', 'globex', 'initech', 'soylent']);
      expect(breakdown.total).toEqual({
        values: 4,
        calls: 8,
        requests: 5,
        costUsd: '1.160000000000',
        costPerRequestUsd: '0.232000000000',
      });
    });
  });
});
