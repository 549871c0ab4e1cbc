// Budgets in a Spendtrace process (the app server, a job): the tracker that keeps each budget's spend in
// memory and refuses calls over an enforced one, installed as the clients' guard and the cost processor's
// observer, and the alerter that posts threshold and spike alerts. Started once the database is open.
import { installBudgetGuard } from '../ai/budget-guard';
import { BudgetAlerter } from '../budgets/alerts/budget-alerter';
import { BudgetTracker } from '../budgets/budget-tracker';
import { getConfig } from '../config/config';
import { getDatabase } from '../db/get-database';
import { getLogger } from '../logger';
import { installSpendObserver } from '../telemetry/spend-observer';

interface AppBudgets {
  tracker: BudgetTracker;
  alerter: BudgetAlerter;
}

const globalForBudgets = globalThis as unknown as { spendtraceBudgets?: Promise<AppBudgets> };

/**
 * Starts the process's budgets (idempotent) and resolves once their first read is done, so that a job's
 * first call is already checked. A database that cannot be read is logged; budgets then start empty and
 * are read again every SPENDTRACE_BUDGET_REFRESH_SECONDS.
 */
export function startAppBudgets(): Promise<void> {
  globalForBudgets.spendtraceBudgets ??= (async () => {
    const config = getConfig();
    const logger = getLogger();
    const { prisma } = await getDatabase();
    let failing = false;
    const tracker = new BudgetTracker({
      prisma,
      refreshMs: config.budgetRefreshSeconds * 1000,
      onRefreshError(error) {
        // Once per outage, not every few seconds.
        if (!failing) logger.warn({ err: error }, 'budgets: reading spend failed; enforcing the last figures read');
        failing = true;
      },
    });
    installBudgetGuard(tracker);
    installSpendObserver(tracker);
    await tracker.start();
    // Without SPENDTRACE_ALERT_WEBHOOK_URL it records and posts nothing.
    const alerter = new BudgetAlerter({
      prisma,
      webhookUrl: config.alertWebhookUrl,
      spikeFactor: config.spikeFactor,
      intervalMs: config.alertIntervalSeconds * 1000,
      logger,
    });
    alerter.start();
    return { tracker, alerter };
  })();
  return globalForBudgets.spendtraceBudgets.then(() => undefined);
}

/**
 * Reads the budgets again now, so that a budget this process just created, changed or deleted applies to its
 * next call (other processes see it within SPENDTRACE_BUDGET_REFRESH_SECONDS). Never throws.
 */
export async function refreshAppBudgets(): Promise<void> {
  const budgets = await globalForBudgets.spendtraceBudgets?.catch(() => undefined);
  await budgets?.tracker.refresh();
}

/** Stops reading budgets and removes the guard. Safe to call when budgets never started, and twice. */
export async function stopAppBudgets(): Promise<void> {
  const started = globalForBudgets.spendtraceBudgets;
  globalForBudgets.spendtraceBudgets = undefined;
  const budgets = await started?.catch(() => undefined);
  installBudgetGuard(undefined);
  installSpendObserver(undefined);
  await budgets?.tracker.stop();
  await budgets?.alerter.stop();
}
