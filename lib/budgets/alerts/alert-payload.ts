// What an alert posts to SPENDTRACE_ALERT_WEBHOOK_URL, and the key that makes it fire once. Pure: a `text`
// line that Slack and Discord incoming webhooks show as they are, plus the same facts as structured fields.
import { describeScope, PERIOD_ADJECTIVE, type BudgetPeriod, type BudgetScope } from '../../ledger/budget-rules';

/** The budget an alert is about, as the payload carries it. */
export interface AlertBudget {
  id: string;
  scope: BudgetScope;
  period: BudgetPeriod;
  /** Exact US dollars, as a decimal string ("25"). */
  limitUsd: string;
  enforce: boolean;
}

export interface ThresholdAlert {
  budget: AlertBudget;
  /** The fraction of the limit reached (0.8 for 80%). */
  threshold: number;
  /** The period's spend when the threshold was seen reached: exact US dollars, as a decimal string. */
  spentUsd: string;
  periodStart: Date;
  /** Exclusive: the next period's start. */
  periodEnd: Date;
}

export interface ThresholdAlertPayload {
  text: string;
  kind: 'threshold';
  budget: AlertBudget;
  threshold: number;
  spentUsd: string;
  /** ISO 8601, UTC. */
  periodStart: string;
  periodEnd: string;
}

export interface SpikeAlert {
  source: string;
  /** Exact US dollars spent by the source in the hour before the check. */
  lastHourUsd: string;
  /** The source's spend over the 7 whole UTC days before `day`, divided by 168. */
  hourlyAverageUsd: string;
  /** How many times the hourly average the last hour cost, rounded to 2 decimals. */
  factor: number;
  /** The configured factor the last hour exceeded (SPENDTRACE_SPIKE_FACTOR). */
  spikeFactor: number;
  /** The UTC day of the check, YYYY-MM-DD. */
  day: string;
}

export interface SpikeAlertPayload extends SpikeAlert {
  text: string;
  kind: 'spike';
}

export type AlertPayload = ThresholdAlertPayload | SpikeAlertPayload;

/** Records a threshold once per budget and period: `threshold:<budget id>:<period start ISO>:<threshold>`. */
export function thresholdAlertKey(budgetId: string, periodStart: Date, threshold: number): string {
  return `threshold:${budgetId}:${periodStart.toISOString()}:${threshold}`;
}

/** Records a spike once per source and UTC day: `spike:<source>:<YYYY-MM-DD>`. */
export function spikeAlertKey(source: string, day: string): string {
  return `spike:${source}:${day}`;
}

export function thresholdAlertPayload(alert: ThresholdAlert): ThresholdAlertPayload {
  const { budget } = alert;
  const refused =
    budget.enforce && alert.threshold >= 1 ? ' Calls in its scope are refused until the period ends.' : '';
  const text =
    `Spendtrace: the ${PERIOD_ADJECTIVE[budget.period]} budget for ${describeScope(budget.scope)} has reached ` +
    `${percent(alert.threshold)} — $${usd6(alert.spentUsd)} of $${budget.limitUsd} ` +
    `(period ${periodLabel(budget.period, alert.periodStart, alert.periodEnd)}, UTC).${refused}`;
  return {
    text,
    kind: 'threshold',
    budget: {
      id: budget.id,
      scope: budget.scope,
      period: budget.period,
      limitUsd: budget.limitUsd,
      enforce: budget.enforce,
    },
    threshold: alert.threshold,
    spentUsd: alert.spentUsd,
    periodStart: alert.periodStart.toISOString(),
    periodEnd: alert.periodEnd.toISOString(),
  };
}

export function spikeAlertPayload(alert: SpikeAlert): SpikeAlertPayload {
  const text =
    `Spendtrace: source ${alert.source} spent $${usd6(alert.lastHourUsd)} in the last hour, ${alert.factor}× its ` +
    `trailing 7-day hourly average of $${usd6(alert.hourlyAverageUsd)} (alerts above ${alert.spikeFactor}×; ` +
    `${alert.day}, UTC).`;
  return {
    text,
    kind: 'spike',
    source: alert.source,
    lastHourUsd: alert.lastHourUsd,
    hourlyAverageUsd: alert.hourlyAverageUsd,
    factor: alert.factor,
    spikeFactor: alert.spikeFactor,
    day: alert.day,
  };
}

/** 0.8 → "80%", 1/3 → "33.3%". */
function percent(fraction: number): string {
  return `${Math.round(fraction * 1000) / 10}%`;
}

/** "2026-12-04" for a day, "2026-11-30 to 2026-12-06" for a week, "2026-12" for a month. */
function periodLabel(period: BudgetPeriod, start: Date, end: Date): string {
  const day = (d: Date) => d.toISOString().slice(0, 10);
  switch (period) {
    case 'day':
      return day(start);
    case 'week':
      return `${day(start)} to ${day(new Date(end.getTime() - 86_400_000))}`;
    case 'month':
      return start.toISOString().slice(0, 7);
  }
}

/** An exact decimal string rounded half-up to 6 decimals ("20" → "20.000000"); anything else as it is. */
function usd6(amount: string): string {
  const match = /^(-?)(\d+)(?:\.(\d*))?$/.exec(amount.trim());
  if (!match) return amount;
  const [, sign = '', whole = '', fraction = ''] = match;
  const padded = fraction.padEnd(7, '0');
  let micro = BigInt(whole + padded.slice(0, 6));
  if (padded.charCodeAt(6) >= 53) micro += 1n; // '5'
  const text = micro.toString().padStart(7, '0');
  const negative = sign === '-' && micro !== 0n;
  return `${negative ? '-' : ''}${text.slice(0, -6)}.${text.slice(-6)}`;
}
