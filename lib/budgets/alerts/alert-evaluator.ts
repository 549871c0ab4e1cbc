// Decides which alerts are due and records each as a pending delivery under its unique key, with
// INSERT ... ON CONFLICT (key) DO NOTHING: any number of processes evaluating at once record an alert once.
// Budgets: every threshold their current period's spend has reached. Spikes: a source whose last hour cost
// more than `spikeFactor` times its trailing 7-day hourly average, once per source and UTC day.
import { reachedThresholds } from '../../ledger/budget-rules';
import type { Prisma, PrismaClient } from '../../db/generated/client';
import { budgetSpends } from '../budget-spend';
import { listBudgets } from '../budget-store';
import {
  spikeAlertKey,
  spikeAlertPayload,
  thresholdAlertKey,
  thresholdAlertPayload,
  type AlertPayload,
} from './alert-payload';

export interface AlertEvaluatorOptions {
  prisma: PrismaClient;
  /**
   * A source alerts when its last hour cost more than this many times its trailing 7-day hourly average.
   * Default 5; 0 turns spike alerts off.
   */
  spikeFactor?: number;
}

/** An alert to record: its key, what it is about and what will be posted. */
export interface DueAlert {
  key: string;
  budgetId: string | null;
  payload: AlertPayload;
}

// The baseline is the daily rollup's 7 whole UTC days before today (cheap: 7 days of a few rows per source),
// over 168 hours; the last hour comes from the calls themselves (started_at index). A source with no spend in
// the baseline has no average to compare with and is not checked. Compared exactly, in numeric:
// last_hour > factor × (trailing / 168)  ⇔  last_hour × 168 > factor × trailing. Unattributed calls ('' in
// the rollup, NULL in the calls) are no source.
const SPIKE_SQL = `
  WITH baseline AS (
    SELECT source, sum(cost_usd) AS spent FROM ai_interaction_daily
    WHERE day >= $1::date - 7 AND day < $1::date AND source <> ''
    GROUP BY source HAVING sum(cost_usd) > 0
  ), last_hour AS (
    SELECT source, sum(cost_usd) AS spent FROM ai_interaction
    WHERE started_at >= $2::timestamptz - interval '1 hour' AND started_at <= $2::timestamptz
      AND source IS NOT NULL AND source <> ''
    GROUP BY source
  )
  SELECT l.source, l.spent::text AS last_hour_usd, round(t.spent / 168, 12)::text AS hourly_average_usd,
         round(l.spent * 168 / t.spent, 2)::float8 AS factor
  FROM last_hour l JOIN baseline t ON t.source = l.source
  WHERE l.spent * 168 > $3::numeric * t.spent
  ORDER BY l.source`;

interface SpikeRow {
  source: string;
  last_hour_usd: string;
  hourly_average_usd: string;
  factor: number;
}

export class AlertEvaluator {
  private readonly prisma: PrismaClient;
  private readonly spikeFactor: number;

  constructor(options: AlertEvaluatorOptions) {
    this.prisma = options.prisma;
    this.spikeFactor = options.spikeFactor ?? 5;
  }

  /** Records every alert due at `now` that is not recorded yet; returns how many it recorded. */
  async evaluate(now: Date): Promise<number> {
    const due = [...(await this.thresholdAlerts(now)), ...(await this.spikeAlerts(now))];
    if (due.length === 0) return 0;
    const { count } = await this.prisma.alertDelivery.createMany({
      data: due.map((alert) => ({
        key: alert.key,
        kind: alert.payload.kind,
        budgetId: alert.budgetId,
        payload: alert.payload as unknown as Prisma.InputJsonObject,
        // The injected clock, not the database's: the retry window and backoff are measured from it.
        createdAt: now,
        nextAttemptAt: now,
      })),
      skipDuplicates: true,
    });
    return count;
  }

  /** Each threshold each budget's current period has reached, lowest first. */
  async thresholdAlerts(now: Date): Promise<DueAlert[]> {
    const [budgets, spends] = await Promise.all([listBudgets(this.prisma), budgetSpends(this.prisma, now)]);
    const spendOf = new Map(spends.map((s) => [s.budgetId, s]));
    const due: DueAlert[] = [];
    for (const budget of budgets) {
      // A budget created between the two reads has no spend row yet: the next pass sees it.
      const spend = spendOf.get(budget.id);
      if (spend === undefined) continue;
      for (const threshold of reachedThresholds(budget.alertAt, budget.limitUsd, spend.spentUsd)) {
        due.push({
          key: thresholdAlertKey(budget.id, spend.periodStart, threshold),
          budgetId: budget.id,
          payload: thresholdAlertPayload({
            budget,
            threshold,
            spentUsd: spend.spentUsd,
            periodStart: spend.periodStart,
            periodEnd: spend.periodEnd,
          }),
        });
      }
    }
    return due;
  }

  /** Each source spending more than `spikeFactor` times its hourly average in the hour before `now`. */
  async spikeAlerts(now: Date): Promise<DueAlert[]> {
    if (this.spikeFactor <= 0) return [];
    const day = now.toISOString().slice(0, 10);
    const rows = await this.prisma.$queryRawUnsafe<SpikeRow[]>(SPIKE_SQL, day, now, String(this.spikeFactor));
    return rows.map((row) => ({
      key: spikeAlertKey(row.source, day),
      budgetId: null,
      payload: spikeAlertPayload({
        source: row.source,
        lastHourUsd: row.last_hour_usd,
        hourlyAverageUsd: row.hourly_average_usd,
        factor: row.factor,
        spikeFactor: this.spikeFactor,
        day,
      }),
    }));
  }
}
