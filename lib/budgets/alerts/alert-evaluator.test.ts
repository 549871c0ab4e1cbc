// Which alerts the evaluator records, against a real database (in-memory PGlite, or Postgres when
// TEST_DATABASE_URL is set): spikes against the trailing week's hourly average, once per source and day, and
// thresholds once however many evaluations run at the same time.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { createTestDatabase, type TestDatabase } from '../../../harness/test-database';
import { interactionRow } from '../../../test/support/interaction-row';
import type { PrismaClient } from '../../db/generated/client';
import { InteractionStore } from '../../db/interaction-store';
import type { InteractionRow } from '../../ledger/span-to-interaction';
import { createBudget } from '../budget-store';
import { AlertEvaluator } from './alert-evaluator';

const NOW = new Date('2026-12-04T12:00:00.000Z');
const SPIKY = '/api/leads/[id]/draft';

let database: TestDatabase;
let prisma: PrismaClient;
let store: InteractionStore;
let spanId = 0;

beforeAll(async () => {
  database = await createTestDatabase();
  prisma = database.db.prisma;
  store = new InteractionStore(database.db);
});

afterAll(async () => {
  await database.drop();
});

beforeEach(async () => {
  await prisma.$executeRawUnsafe('TRUNCATE alert_delivery, budget, ai_interaction, ai_interaction_daily');
});

/** One priced call from `source` costing `costUsd`, started at `startedAt` (ISO). */
async function spend(costUsd: string, startedAt: string, source = SPIKY) {
  await store.insertMany([interactionRow(++spanId, { startedAt: new Date(startedAt), source, costUsd })]);
}

/** $0.10 an hour for the 7 days before 2026-12-04 (an hourly average of $0.10), written through the rollup. */
async function steadyWeek(source = SPIKY) {
  const rows: InteractionRow[] = [];
  for (let hour = 0; hour < 168; hour++) {
    rows.push(
      interactionRow(++spanId, { startedAt: new Date(Date.UTC(2026, 10, 27, hour, 30)), source, costUsd: '0.1' }),
    );
  }
  await store.insertMany(rows);
}

async function recorded() {
  const rows = await prisma.alertDelivery.findMany({ orderBy: { key: 'asc' } });
  return rows.map((r) => ({ key: r.key, kind: r.kind, budgetId: r.budgetId, payload: r.payload, status: r.status }));
}

describe('AlertEvaluator', () => {
  describe('evaluate', () => {
    it('records a spike once a day when the last hour cost more than 5 times the hourly average', async () => {
      await steadyWeek();
      const evaluator = new AlertEvaluator({ prisma });

      await spend('0.2', '2026-12-04T11:15:00.000Z');
      await spend('0.2', '2026-12-04T11:45:00.000Z');
      // Before the last hour: not counted.
      await spend('5', '2026-12-04T10:59:00.000Z');
      expect(await evaluator.evaluate(NOW)).toBe(0); // 4×

      await spend('0.2', '2026-12-04T11:50:00.000Z');
      expect(await evaluator.evaluate(NOW)).toBe(1); // 6×
      const spike = {
        key: 'spike:/api/leads/[id]/draft:2026-12-04',
        kind: 'spike',
        budgetId: null,
        payload: {
          text:
            'Spendtrace: source /api/leads/[id]/draft spent $0.600000 in the last hour, 6× its trailing 7-day ' +
            'hourly average of $0.100000 (alerts above 5×; 2026-12-04, UTC).',
          kind: 'spike',
          source: SPIKY,
          lastHourUsd: '0.600000000000',
          hourlyAverageUsd: '0.100000000000',
          factor: 6,
          spikeFactor: 5,
          day: '2026-12-04',
        },
        status: 'pending',
      };
      expect(await recorded()).toEqual([spike]);

      await spend('2', '2026-12-04T12:10:00.000Z');
      expect(await evaluator.evaluate(new Date('2026-12-04T12:30:00.000Z'))).toBe(0);
      expect(await recorded()).toEqual([spike]);
    });

    it('checks the factor given, exactly: 4× alerts above 3, not above 4', async () => {
      await steadyWeek();
      await spend('0.4', '2026-12-04T11:30:00.000Z');
      expect(await new AlertEvaluator({ prisma, spikeFactor: 4 }).evaluate(NOW)).toBe(0);
      expect(await new AlertEvaluator({ prisma, spikeFactor: 3 }).evaluate(NOW)).toBe(1);
      expect((await recorded()).map((r) => r.payload)).toEqual([
        expect.objectContaining({ lastHourUsd: '0.400000000000', factor: 4, spikeFactor: 3 }),
      ]);
    });

    it('does not check a source without spend in the trailing week, unattributed calls, nor any with a factor of 0', async () => {
      await spend('50', '2026-12-04T11:30:00.000Z', '/api/new-route');
      await store.insertMany([
        interactionRow(++spanId, { startedAt: new Date('2026-12-03T11:30:00.000Z'), source: null, costUsd: '0.1' }),
        interactionRow(++spanId, { startedAt: new Date('2026-12-04T11:30:00.000Z'), source: null, costUsd: '50' }),
      ]);
      expect(await new AlertEvaluator({ prisma }).evaluate(NOW)).toBe(0);

      await steadyWeek();
      await spend('5', '2026-12-04T11:30:00.000Z');
      expect(await new AlertEvaluator({ prisma, spikeFactor: 0 }).evaluate(NOW)).toBe(0);
      expect(await recorded()).toEqual([]);
    });

    it('records each threshold once however many evaluations run at the same time', async () => {
      const budget = await createBudget(prisma, {
        scope: {},
        period: 'month',
        limitUsd: '10',
        alertAt: [0.5, 1],
        enforce: false,
      });
      await spend('12', '2026-12-02T08:00:00.000Z');
      const evaluators = Array.from({ length: 4 }, () => new AlertEvaluator({ prisma, spikeFactor: 0 }));
      const counts = await Promise.all(evaluators.flatMap((e) => [e.evaluate(NOW), e.evaluate(NOW)]));
      expect(counts.reduce((a, b) => a + b, 0)).toBe(2);
      expect((await recorded()).map((r) => [r.key, r.kind, r.budgetId, r.status])).toEqual([
        [`threshold:${budget.id}:2026-12-01T00:00:00.000Z:0.5`, 'threshold', budget.id, 'pending'],
        [`threshold:${budget.id}:2026-12-01T00:00:00.000Z:1`, 'threshold', budget.id, 'pending'],
      ]);
    });
  });
});
