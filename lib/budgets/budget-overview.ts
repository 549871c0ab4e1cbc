// Budgets with where they stand: the current period's exact spend, its forecast to the period's end and its
// share of the limit; for the budgets page also the spend per day and the alerts that could not be delivered.
import type { PrismaClient } from '../db/generated/client';
import { budgetDailySpend, budgetSpends, type BudgetSpend, type DaySpend } from './budget-spend';
import { getBudget, listBudgets, type BudgetView } from './budget-store';

/** A budget's current period and what it has spent in it. */
export interface PeriodSpend {
  /** ISO, inclusive. */
  periodStart: string;
  /** ISO, exclusive: the next period's start. */
  periodEnd: string;
  /** Exact US dollars, as a decimal string. */
  spentUsd: string;
  /**
   * The spend projected to the period's end at the average rate so far (as `forecastUsd` in budget-rules), at
   * the spend's scale: the spend itself once the period is over or in its first minute.
   */
  forecastUsd: string;
  /** The spend as a share of the limit (1 is the limit), rounded to 6 decimals. */
  fraction: number;
}

export type BudgetWithSpend = BudgetView & { spend: PeriodSpend };

/** An alert to the webhook that failed for good, or is still being retried. */
export interface AlertTrouble {
  status: 'pending' | 'failed';
  attempts: number;
  lastError: string | null;
  /** ISO. */
  createdAt: string;
}

export interface BudgetOverviewItem extends BudgetWithSpend {
  /** Spend per UTC day of the period, days without spend left out. */
  daily: DaySpend[];
  /** The budget's most recent troubled alerts, newest first. */
  alertTroubles: AlertTrouble[];
}

/** At most this many troubled alerts per budget on the page. */
const MAX_ALERT_TROUBLES = 5;
const FRACTION_PLACES = 6;
const DECIMAL = /^(\d+)(?:\.(\d+))?$/;
/** Before a minute of the period has passed there is nothing to project from (as in budget-rules). */
const MIN_ELAPSED_MS = 60_000;

/** Every budget with its current period's spend, oldest budget first. */
export async function budgetsWithSpend(prisma: PrismaClient, now: Date): Promise<BudgetWithSpend[]> {
  const [budgets, spends] = await Promise.all([listBudgets(prisma), budgetSpends(prisma, now)]);
  return joinSpends(budgets, spends, now);
}

/** One budget with its current period's spend, or undefined when there is none with this id. */
export async function budgetWithSpend(
  prisma: PrismaClient,
  id: string,
  now: Date,
): Promise<BudgetWithSpend | undefined> {
  const budget = await getBudget(prisma, id);
  if (budget === undefined) return undefined;
  const spends = await budgetSpends(prisma, now);
  return joinSpends([budget], spends, now)[0];
}

/** What the budgets page shows: every budget with its spend, its spend per day and its troubled alerts. */
export async function budgetOverview(prisma: PrismaClient, now: Date): Promise<BudgetOverviewItem[]> {
  const budgets = await budgetsWithSpend(prisma, now);
  return Promise.all(
    budgets.map(async (budget) => {
      const [daily, alertTroubles] = await Promise.all([
        budgetDailySpend(prisma, budget.id, now),
        recentAlertTroubles(prisma, budget.id),
      ]);
      return { ...budget, daily, alertTroubles };
    }),
  );
}

async function recentAlertTroubles(prisma: PrismaClient, budgetId: string): Promise<AlertTrouble[]> {
  const rows = await prisma.alertDelivery.findMany({
    where: { budgetId, OR: [{ status: 'failed' }, { status: 'pending', attempts: { gt: 0 } }] },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: MAX_ALERT_TROUBLES,
    select: { status: true, attempts: true, lastError: true, createdAt: true },
  });
  return rows.map((r) => ({
    status: r.status === 'failed' ? 'failed' : 'pending',
    attempts: r.attempts,
    lastError: r.lastError,
    createdAt: r.createdAt.toISOString(),
  }));
}

/** The budgets that have a spend row (a budget created between the two reads waits for the next one). */
function joinSpends(budgets: BudgetView[], spends: BudgetSpend[], now: Date): BudgetWithSpend[] {
  const byId = new Map(spends.map((s) => [s.budgetId, s]));
  return budgets.flatMap((budget) => {
    const spend = byId.get(budget.id);
    return spend === undefined ? [] : [{ ...budget, spend: periodSpend(budget, spend, now) }];
  });
}

function periodSpend(budget: BudgetView, spend: BudgetSpend, now: Date): PeriodSpend {
  return {
    periodStart: spend.periodStart.toISOString(),
    periodEnd: spend.periodEnd.toISOString(),
    spentUsd: spend.spentUsd,
    forecastUsd: forecastDecimal(spend.spentUsd, spend.periodStart, spend.periodEnd, now),
    fraction: fractionOf(spend.spentUsd, budget.limitUsd),
  };
}

interface Fixed {
  units: bigint;
  scale: number;
}

function parseFixed(text: string): Fixed {
  const match = DECIMAL.exec(text);
  if (match === null) throw new TypeError(`Not a non-negative decimal: '${text}'.`);
  const fraction = match[2] ?? '';
  return { units: BigInt(`${match[1] ?? '0'}${fraction}`), scale: fraction.length };
}

function writeFixed({ units, scale }: Fixed): string {
  if (scale === 0) return units.toString();
  const text = units.toString().padStart(scale + 1, '0');
  return `${text.slice(0, -scale)}.${text.slice(-scale)}`;
}

/** `numerator / denominator` (both non-negative, denominator > 0) rounded half-up. */
function divideHalfUp(numerator: bigint, denominator: bigint): bigint {
  return (numerator * 2n + denominator) / (2n * denominator);
}

/** budget-rules' forecastUsd on exact decimals: the spend times the period's length over the time elapsed. */
function forecastDecimal(spentUsd: string, start: Date, end: Date, now: Date): string {
  const elapsed = BigInt(now.getTime() - start.getTime());
  const length = BigInt(end.getTime() - start.getTime());
  if (elapsed >= length || elapsed < BigInt(MIN_ELAPSED_MS)) return spentUsd;
  const spent = parseFixed(spentUsd);
  return writeFixed({ units: divideHalfUp(spent.units * length, elapsed), scale: spent.scale });
}

function fractionOf(spentUsd: string, limitUsd: string): number {
  const spent = parseFixed(spentUsd);
  const limit = parseFixed(limitUsd);
  const scale = Math.max(spent.scale, limit.scale);
  const s = spent.units * 10n ** BigInt(scale - spent.scale);
  const l = limit.units * 10n ** BigInt(scale - limit.scale);
  if (l === 0n) return 0;
  const units = divideHalfUp(s * 10n ** BigInt(FRACTION_PLACES), l);
  return Number(writeFixed({ units, scale: FRACTION_PLACES }));
}
