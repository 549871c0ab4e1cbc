// The requests (ai_request), their daily totals (ai_request_daily) and the breakdown keys' daily totals
// (ai_attribute_daily), kept by the statement-level trigger of migration 20261204073827_requests, against a
// real database (in-memory PGlite, or Postgres when TEST_DATABASE_URL is set): calls of one trace in several
// batches make one request, a retried batch adds nothing, the sink's attribution moves a request, deletes
// subtract, concurrent writers of one trace add up, and a breakdown key added later gets its history.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { interactionRow } from '../../test/support/interaction-row';
import { NO_USAGE } from '../../harness/interaction-rows';
import { createTestDatabase, type TestDatabase } from '../../harness/test-database';
import type { InteractionRow } from '../ledger/span-to-interaction';
import { syncBreakdownKeys } from './breakdown-keys';
import { openDatabase, type Database } from './database';
import type { PrismaClient } from './generated/client';
import { InteractionStore } from './interaction-store';

const TRACE_A = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const TRACE_B = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
const DRAFT = '/api/leads/[id]/draft';

/** A 136-bucket cost histogram with the given counts. */
function costHistogram(counts: Record<number, number> = {}): number[] {
  const out = new Array<number>(136).fill(0);
  for (const [bucket, n] of Object.entries(counts)) out[Number(bucket)] = n;
  return out;
}

/** The bucket of a cost by its definition: 0 under 1e-7, k when 1e-7·2^((k-1)/4) ≤ cost < 1e-7·2^(k/4), at most 135. */
function bucketOf(cost: number): number {
  if (cost < 1e-7) return 0;
  let k = 1;
  while (k < 135 && cost >= 1e-7 * 2 ** (k / 4)) k++;
  return k;
}

async function requests(prisma: PrismaClient) {
  const rows = await prisma.aIRequest.findMany({ orderBy: { traceId: 'asc' } });
  return rows.map((r) => ({
    ...r,
    day: r.day.toISOString().slice(0, 10),
    startedAt: r.startedAt.toISOString(),
    endedAt: r.endedAt.toISOString(),
    costUsd: r.costUsd.toFixed(12),
  }));
}

async function requestDaily(prisma: PrismaClient) {
  const rows = await prisma.aIRequestDaily.findMany({
    orderBy: [{ day: 'asc' }, { source: 'asc' }, { serviceVersion: 'asc' }],
  });
  return rows.map((r) => ({
    ...r,
    day: r.day.toISOString().slice(0, 10),
    requests: Number(r.requests),
    calls: Number(r.calls),
    incompleteRequests: Number(r.incompleteRequests),
    costUsd: r.costUsd.toFixed(12),
    maxCostUsd: r.maxCostUsd.toFixed(12),
  }));
}

/** Breakdown rows with anything in them (a value whose calls were all deleted keeps a row of zeros). */
async function attributeDaily(prisma: PrismaClient) {
  const rows = await prisma.aIAttributeDaily.findMany({
    orderBy: [{ day: 'asc' }, { key: 'asc' }, { value: 'asc' }],
  });
  return rows
    .map((r) => ({
      day: r.day.toISOString().slice(0, 10),
      key: r.key,
      value: r.value,
      calls: Number(r.calls),
      costUsd: r.costUsd.toFixed(12),
      requests: Number(r.requests),
    }))
    .filter((r) => r.calls !== 0 || r.requests !== 0 || r.costUsd !== '0.000000000000');
}

describe('requests kept by the trigger', () => {
  let database: TestDatabase;
  let prisma: PrismaClient;
  let store: InteractionStore;

  beforeAll(async () => {
    database = await createTestDatabase();
    prisma = database.db.prisma;
    store = new InteractionStore(database.db);
  });
  afterAll(async () => {
    await database.drop();
  });
  beforeEach(async () => {
    await prisma.$executeRawUnsafe('DELETE FROM ai_interaction');
    await syncBreakdownKeys(prisma, ['tenant', 'user_id', 'plan']);
  });

  // Trace A: three calls in two batches, out of order: one priced as an upper bound (inexact), one failed without
  // usage (it cost nothing: exact, as the Completeness panel counts it); trace B: one call.
  const a1 = interactionRow(1, {
    traceId: TRACE_A,
    startedAt: new Date('2026-11-25T12:00:01.000Z'),
    durationMs: 400,
    costUsd: '0.000150000000',
    serviceVersion: '1.4.2',
    attributes: { tenant: 'acme', user_id: 'u-1' },
  });
  const a2 = interactionRow(2, {
    traceId: TRACE_A,
    startedAt: new Date('2026-11-25T12:00:00.500Z'),
    durationMs: 100,
    costUsd: '0.002000000000',
    costStatus: 'upper_bound',
    serviceVersion: '1.4.2',
    attributes: { tenant: 'acme', plan: 'pro' },
  });
  const a3 = interactionRow(3, {
    traceId: TRACE_A,
    startedAt: new Date('2026-11-25T12:00:02.000Z'),
    durationMs: 2_000,
    ...NO_USAGE,
    status: 'error',
    errorType: 'APIConnectionError',
    serviceVersion: '1.4.2',
    attributes: { tenant: 'acme' },
  });
  const b1 = interactionRow(4, {
    traceId: TRACE_B,
    startedAt: new Date('2026-11-25T23:59:59.900Z'),
    durationMs: 300,
    costUsd: '0.000100000000',
    attributes: { tenant: 'beta' },
  });

  const requestA = {
    traceId: TRACE_A,
    day: '2026-11-25',
    startedAt: '2026-11-25T12:00:00.500Z',
    endedAt: '2026-11-25T12:00:04.000Z',
    source: DRAFT,
    sourceKind: 'route',
    serviceVersion: '1.4.2',
    calls: 3,
    errorCalls: 1,
    inexactCalls: 1,
    costUsd: '0.002150000000',
    // The first call's attributes, with the later calls' new keys.
    attributes: { tenant: 'acme', user_id: 'u-1', plan: 'pro' },
  };
  const requestB = {
    traceId: TRACE_B,
    day: '2026-11-25',
    startedAt: '2026-11-25T23:59:59.900Z',
    endedAt: '2026-11-26T00:00:00.200Z',
    source: DRAFT,
    sourceKind: 'route',
    serviceVersion: '',
    calls: 1,
    errorCalls: 0,
    inexactCalls: 0,
    costUsd: '0.000100000000',
    attributes: { tenant: 'beta' },
  };

  it('makes one request of a trace written in several batches, and a retried batch adds nothing', async () => {
    await store.insertMany([a1, b1]);
    await store.insertMany([a3, a2]);
    await store.insertMany([a1, a2, a3, b1]);

    expect(await requests(prisma)).toEqual([requestA, requestB]);
    expect(await requestDaily(prisma)).toEqual([
      {
        day: '2026-11-25',
        source: DRAFT,
        sourceKind: 'route',
        serviceVersion: '',
        requests: 1,
        calls: 1,
        incompleteRequests: 0,
        costUsd: '0.000100000000',
        maxCostUsd: '0.000100000000',
        costHistogram: costHistogram({ [bucketOf(0.0001)]: 1 }),
      },
      {
        day: '2026-11-25',
        source: DRAFT,
        sourceKind: 'route',
        serviceVersion: '1.4.2',
        requests: 1,
        calls: 3,
        incompleteRequests: 1,
        costUsd: '0.002150000000',
        maxCostUsd: '0.002150000000',
        // Only the request's final cost is counted: its first batch's bucket was left.
        costHistogram: costHistogram({ [bucketOf(0.00215)]: 1 }),
      },
    ]);
    // Calls on their own day; requests by their first call's attributes (a2 and a3 carried no user_id).
    expect(await attributeDaily(prisma)).toEqual([
      { day: '2026-11-25', key: 'plan', value: 'pro', calls: 1, costUsd: '0.002000000000', requests: 1 },
      { day: '2026-11-25', key: 'tenant', value: 'acme', calls: 3, costUsd: '0.002150000000', requests: 1 },
      { day: '2026-11-25', key: 'tenant', value: 'beta', calls: 1, costUsd: '0.000100000000', requests: 1 },
      { day: '2026-11-25', key: 'user_id', value: 'u-1', calls: 1, costUsd: '0.000150000000', requests: 1 },
    ]);
  });

  it('moves a request when the sink attributes its calls after the root arrives', async () => {
    const unattributed = (row: InteractionRow): InteractionRow => ({
      ...row,
      source: null,
      sourceKind: 'unattributed',
    });
    await store.insertMany([unattributed(a1), unattributed(a2)]);
    expect((await requestDaily(prisma)).map((r) => [r.source, r.sourceKind, r.requests])).toEqual([
      ['', 'unattributed', 1],
    ]);

    await prisma.$executeRaw`UPDATE ai_interaction SET source = ${DRAFT}, source_kind = 'route' WHERE trace_id = ${TRACE_A}`;
    await store.insertMany([unattributed(a3)]);

    expect((await requests(prisma)).map((r) => [r.source, r.sourceKind, r.calls, r.costUsd])).toEqual([
      [DRAFT, 'route', 3, '0.002150000000'],
    ]);
    // The unattributed key is gone: no request is left in it.
    expect((await requestDaily(prisma)).map((r) => [r.source, r.sourceKind, r.requests, r.maxCostUsd])).toEqual([
      [DRAFT, 'route', 1, '0.002150000000'],
    ]);
  });

  it('subtracts deleted calls, keeps the maximum exact and drops emptied requests', async () => {
    const c1 = interactionRow(5, { traceId: 'c'.repeat(32), costUsd: '0.000500000000', serviceVersion: '1.4.2' });
    await store.insertMany([a1, a2, a3, c1]);
    expect((await requestDaily(prisma)).map((r) => [r.requests, r.maxCostUsd])).toEqual([[2, '0.002150000000']]);

    await prisma.$executeRaw`DELETE FROM ai_interaction WHERE span_id = ${a2.spanId}`;
    expect((await requests(prisma)).map((r) => [r.traceId, r.calls, r.costUsd, r.errorCalls])).toEqual([
      [TRACE_A, 2, '0.000150000000', 1],
      ['c'.repeat(32), 1, '0.000500000000', 0],
    ]);
    // The maximum is now the other request's.
    expect((await requestDaily(prisma)).map((r) => [r.requests, r.costUsd, r.maxCostUsd])).toEqual([
      [2, '0.000650000000', '0.000500000000'],
    ]);

    await prisma.$executeRaw`DELETE FROM ai_interaction`;
    expect(await requests(prisma)).toEqual([]);
    expect(await requestDaily(prisma)).toEqual([]);
    expect(await attributeDaily(prisma)).toEqual([]);
  });

  it('buckets costs on the histogram boundaries', async () => {
    const rows = await prisma.$queryRaw<{ cost: string; bucket: number }[]>`
      SELECT c::text AS cost, ai_cost_bucket(c) AS bucket
      FROM unnest(ARRAY[NULL, 0, 0.0000000999, 0.0000001, 0.000000118, 0.000000119, 0.0000002, 1, 5000]::numeric[]) AS c`;
    expect(rows).toEqual([
      { cost: null, bucket: 0 },
      { cost: '0', bucket: 0 },
      { cost: '0.0000000999', bucket: 0 },
      // [1e-7, 1e-7·2^(1/4) = 1.1892e-7): bucket 1.
      { cost: '0.0000001', bucket: 1 },
      { cost: '0.000000118', bucket: 1 },
      { cost: '0.000000119', bucket: 2 },
      // 2e-7 opens bucket 5 (2^(4/4)).
      { cost: '0.0000002', bucket: 5 },
      // $1 = 1e-7·2^23.25…: bucket 94.
      { cost: '1', bucket: bucketOf(1) },
      { cost: '5000', bucket: 135 },
    ]);
    expect(bucketOf(1)).toBe(94);
  });

  it('adds up calls of the same traces written by concurrent statements (two connection pools on Postgres)', async () => {
    // On Postgres a second pool, as a second sink replica would have; on PGlite the statements queue up.
    let second: Database | undefined;
    if (database.url !== undefined) second = await openDatabase({ databaseUrl: database.url });
    try {
      const stores = [store, new InteractionStore(second ?? database.db)];
      const traces = ['1', '2', '3', '4'].map((d) => d.repeat(32));
      // 40 batches, each with one call of every trace: 40 calls per trace, written 20 at a time per pool.
      const batches = Array.from({ length: 40 }, (_, b) =>
        traces.map((traceId, t) =>
          interactionRow(b * 10 + t + 1, {
            traceId,
            startedAt: new Date(Date.UTC(2026, 10, 25, 12, 0, b)),
            costUsd: '0.000010000000',
            attributes: { tenant: `t${t}` },
          }),
        ),
      );
      await Promise.all(batches.map((batch, i) => (stores[i % 2] ?? store).insertMany(batch)));

      expect((await requests(prisma)).map((r) => [r.traceId, r.calls, r.costUsd, r.startedAt, r.endedAt])).toEqual(
        traces.map((traceId) => [
          traceId,
          40,
          '0.000400000000',
          '2026-11-25T12:00:00.000Z',
          '2026-11-25T12:00:39.100Z',
        ]),
      );
      expect((await requestDaily(prisma)).map((r) => [r.requests, r.calls, r.costUsd, r.maxCostUsd])).toEqual([
        [4, 160, '0.001600000000', '0.000400000000'],
      ]);
      expect((await requestDaily(prisma))[0]?.costHistogram).toEqual(costHistogram({ [bucketOf(0.0004)]: 4 }));
      expect((await attributeDaily(prisma)).map((r) => [r.value, r.calls, r.requests])).toEqual([
        ['t0', 40, 1],
        ['t1', 40, 1],
        ['t2', 40, 1],
        ['t3', 40, 1],
      ]);
    } finally {
      await second?.close();
    }
  });

  it('fills in a breakdown key added later from the stored calls, and forgets a removed one', async () => {
    const org = (row: InteractionRow, value: string): InteractionRow => ({
      ...row,
      attributes: { ...row.attributes, org: value },
    });
    await store.insertMany([org(a1, 'north'), org(a2, 'north'), org(b1, 'south')]);
    expect((await attributeDaily(prisma)).filter((r) => r.key === 'org')).toEqual([]);

    expect(await syncBreakdownKeys(prisma, ['tenant', 'org'])).toEqual({
      added: ['org'],
      removed: ['plan', 'user_id'],
    });
    expect(await attributeDaily(prisma)).toEqual([
      { day: '2026-11-25', key: 'org', value: 'north', calls: 2, costUsd: '0.002150000000', requests: 1 },
      { day: '2026-11-25', key: 'org', value: 'south', calls: 1, costUsd: '0.000100000000', requests: 1 },
      { day: '2026-11-25', key: 'tenant', value: 'acme', calls: 2, costUsd: '0.002150000000', requests: 1 },
      { day: '2026-11-25', key: 'tenant', value: 'beta', calls: 1, costUsd: '0.000100000000', requests: 1 },
    ]);

    // From now on the trigger keeps it; syncing the same keys again changes nothing.
    await store.insertMany([org(a3, 'north')]);
    expect(await syncBreakdownKeys(prisma, ['org', 'tenant'])).toEqual({ added: [], removed: [] });
    expect((await attributeDaily(prisma)).filter((r) => r.key === 'org')).toEqual([
      { day: '2026-11-25', key: 'org', value: 'north', calls: 3, costUsd: '0.002150000000', requests: 1 },
      { day: '2026-11-25', key: 'org', value: 'south', calls: 1, costUsd: '0.000100000000', requests: 1 },
    ]);
  });
});
