// Releases and their comparison against a real, migrated database (in-memory PGlite, or Postgres when
// TEST_DATABASE_URL is set): rows written through InteractionStore, so the trigger fills ai_request_daily,
// and every expected amount worked out by hand from the rows below.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestDatabase, type TestDatabase } from '../../harness/test-database';
import { interactionRow } from '../../test/support/interaction-row';
import type { PrismaClient } from '../db/generated/client';
import { InteractionStore } from '../db/interaction-store';
import type { InteractionRow } from '../ledger/span-to-interaction';
import type { DashboardFilters } from './filters';
import { compareReleases, getReleases } from './release-queries';

const LEADS = '/api/leads/[id]/draft';
const EMAIL = '/api/webhooks/email';
const SEND = 'action:insights_chat.send_message';
const DIGEST = 'job:weekly_digest';

const at = (iso: string) => new Date(iso);
const day = (text: string) => at(`${text}T00:00:00.000Z`);

/** 2026-11-24 and 2026-11-25. */
const PERIOD: DashboardFilters = { period: 'custom', from: day('2026-11-24'), to: day('2026-11-26') };

let n = 0;
/** One call of its own request (trace), or of request `traceOf` when given. */
function call(
  startedAt: string,
  serviceVersion: string | undefined,
  costUsd: string,
  source: string,
  traceOf?: number,
): InteractionRow {
  n += 1;
  const sourceKind = source.startsWith('action:') ? 'action' : source.startsWith('job:') ? 'job' : 'route';
  return interactionRow(n, {
    traceId: (traceOf ?? n).toString(16).padStart(32, '0'),
    startedAt: at(startedAt),
    costUsd,
    source,
    sourceKind,
    ...(serviceVersion === undefined ? {} : { serviceVersion }),
  });
}

const ROWS = [
  // 1.4.2: the draft route at $0.10, $0.14 and $0.12 a request (avg $0.12), the email webhook at $0.05.
  call('2026-11-24T09:00:00.000Z', '1.4.2', '0.100000000000', LEADS),
  call('2026-11-24T10:00:00.000Z', '1.4.2', '0.140000000000', LEADS),
  call('2026-11-25T08:00:00.000Z', '1.4.2', '0.120000000000', LEADS),
  call('2026-11-24T11:00:00.000Z', '1.4.2', '0.050000000000', EMAIL),
  // 1.5.0 from 2026-11-25: the draft route at $0.15 and $0.18 (two calls) a request (avg $0.165, +37.5%), the
  // webhook at $0.04 (−20%), and the insights chat, new in this release, at $0.30.
  call('2026-11-25T12:00:00.000Z', '1.5.0', '0.150000000000', LEADS),
  call('2026-11-25T13:00:00.000Z', '1.5.0', '0.100000000000', LEADS),
  call('2026-11-25T13:00:01.000Z', '1.5.0', '0.080000000000', LEADS, 6),
  call('2026-11-25T14:00:00.000Z', '1.5.0', '0.040000000000', EMAIL),
  call('2026-11-25T15:00:00.000Z', '1.5.0', '0.300000000000', SEND),
  // A job that did not say its release, and a release seen only before the period.
  call('2026-11-25T16:00:00.000Z', undefined, '0.010000000000', DIGEST),
  call('2026-11-22T16:00:00.000Z', '1.4.1', '9.000000000000', LEADS),
];

describe('release queries', () => {
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

  describe('getReleases', () => {
    it('lists the releases of the period, newest first, the unknown release last', async () => {
      expect(await getReleases(db, PERIOD)).toEqual([
        {
          serviceVersion: '1.5.0',
          requests: 4,
          calls: 5,
          costUsd: '0.670000000000',
          costPerRequestUsd: '0.167500000000',
          firstDay: '2026-11-25',
          lastDay: '2026-11-25',
        },
        {
          serviceVersion: '1.4.2',
          requests: 4,
          calls: 4,
          costUsd: '0.410000000000',
          costPerRequestUsd: '0.102500000000',
          firstDay: '2026-11-24',
          lastDay: '2026-11-25',
        },
        {
          serviceVersion: '',
          requests: 1,
          calls: 1,
          costUsd: '0.010000000000',
          costPerRequestUsd: '0.010000000000',
          firstDay: '2026-11-25',
          lastDay: '2026-11-25',
        },
      ]);
    });

    it('counts only the filters’ days and source', async () => {
      const firstDay: DashboardFilters = { period: 'custom', from: day('2026-11-24'), to: day('2026-11-25') };
      expect(await getReleases(db, firstDay)).toEqual([
        {
          serviceVersion: '1.4.2',
          requests: 3,
          calls: 3,
          costUsd: '0.290000000000',
          costPerRequestUsd: '0.096666666667',
          firstDay: '2026-11-24',
          lastDay: '2026-11-24',
        },
      ]);
      const email = await getReleases(db, { ...PERIOD, source: EMAIL });
      expect(email.map((r) => [r.serviceVersion, r.requests, r.costUsd])).toEqual([
        ['1.5.0', 1, '0.040000000000'],
        ['1.4.2', 1, '0.050000000000'],
      ]);
    });
  });

  describe('compareReleases', () => {
    it('compares cost per request source by source, the largest spend change first', async () => {
      expect(await compareReleases(db, PERIOD, '1.4.2', '1.5.0')).toEqual({
        base: '1.4.2',
        head: '1.5.0',
        sources: [
          {
            source: SEND,
            sourceKind: 'action',
            base: { requests: 0, costUsd: '0.000000000000', costPerRequestUsd: null },
            head: { requests: 1, costUsd: '0.300000000000', costPerRequestUsd: '0.300000000000' },
            changePercent: null,
            spendChangeUsd: '0.300000000000',
          },
          {
            // 2 × ($0.165 − $0.12) = $0.09.
            source: LEADS,
            sourceKind: 'route',
            base: { requests: 3, costUsd: '0.360000000000', costPerRequestUsd: '0.120000000000' },
            head: { requests: 2, costUsd: '0.330000000000', costPerRequestUsd: '0.165000000000' },
            changePercent: 37.5,
            spendChangeUsd: '0.090000000000',
          },
          {
            source: EMAIL,
            sourceKind: 'route',
            base: { requests: 1, costUsd: '0.050000000000', costPerRequestUsd: '0.050000000000' },
            head: { requests: 1, costUsd: '0.040000000000', costPerRequestUsd: '0.040000000000' },
            changePercent: -20,
            spendChangeUsd: '-0.010000000000',
          },
        ],
      });
    });

    it('shows the sources the head does not have, and only the filters’ days, ties by source', async () => {
      const firstDay: DashboardFilters = { period: 'custom', from: day('2026-11-24'), to: day('2026-11-25') };
      expect(await compareReleases(db, firstDay, '1.4.2', '1.5.0')).toEqual({
        base: '1.4.2',
        head: '1.5.0',
        sources: [
          {
            source: LEADS,
            sourceKind: 'route',
            base: { requests: 2, costUsd: '0.240000000000', costPerRequestUsd: '0.120000000000' },
            head: { requests: 0, costUsd: '0.000000000000', costPerRequestUsd: null },
            changePercent: null,
            spendChangeUsd: '0.000000000000',
          },
          {
            source: EMAIL,
            sourceKind: 'route',
            base: { requests: 1, costUsd: '0.050000000000', costPerRequestUsd: '0.050000000000' },
            head: { requests: 0, costUsd: '0.000000000000', costPerRequestUsd: null },
            changePercent: null,
            spendChangeUsd: '0.000000000000',
          },
        ],
      });
    });

    it('compares the unknown release like any other, and is empty for releases without requests', async () => {
      const unknown = await compareReleases(db, PERIOD, '', '1.5.0');
      expect(unknown.sources.map((s) => [s.source, s.base.requests, s.head.requests, s.changePercent])).toEqual([
        [LEADS, 0, 2, null],
        [SEND, 0, 1, null],
        [EMAIL, 0, 1, null],
        [DIGEST, 1, 0, null],
      ]);
      expect(await compareReleases(db, PERIOD, '0.9.0', '0.9.1')).toEqual({
        base: '0.9.0',
        head: '0.9.1',
        sources: [],
      });
    });
  });
});
