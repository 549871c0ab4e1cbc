// The client's side of budget enforcement: a guard it asks before a call reaches the provider, and the
// typed error a refused call throws. The guard itself (spend kept in memory, refreshed from the database)
// lives in lib/budgets and is installed at start-up; the client only knows this interface.
import type { Attributes } from '@opentelemetry/api';
import { PERIOD_ADJECTIVE } from '../ledger/budget-rules';

/** The budget that refused a call, as the caller and the 429 answer see it. */
export interface ExceededBudget {
  id: string;
  /** The scope in words, e.g. `source /api/webhooks/email`. */
  scope: string;
  period: 'day' | 'week' | 'month';
  limitUsd: string;
  /** The period's spend as this process knows it. */
  spentUsd: number;
  /** When the period ends and calls in scope are allowed again. */
  periodEnd: Date;
}

/** Marks the error across copies of this module: Next.js bundles instrumentation and routes apart. */
const MARKER = Symbol.for('spendtrace.BudgetExceededError');

/** A call refused before it reached the provider: an enforced budget in its scope is spent. Never billed. */
export class BudgetExceededError extends Error {
  override name = 'BudgetExceededError';
  /** The `error.type` recorded on the call's span. */
  static readonly errorType = 'budget_exceeded';
  readonly [MARKER] = true;

  /**
   * Whether `error` is one, whichever copy of this module made it: the guard runs in the bundle of Next.js's
   * instrumentation, the route that answers 429 in its own, so `instanceof` would not do.
   */
  static isInstance(error: unknown): error is BudgetExceededError {
    return typeof error === 'object' && error !== null && (error as { [MARKER]?: unknown })[MARKER] === true;
  }

  constructor(readonly budget: ExceededBudget) {
    super(
      `The ${PERIOD_ADJECTIVE[budget.period]} budget for ${budget.scope} ($${budget.limitUsd}) is spent; ` +
        `calls in its scope are refused until ${budget.periodEnd.toISOString()}.`,
    );
  }

  /** Seconds until the budget's period ends: the answer's `Retry-After`. */
  retryAfterSeconds(now: Date = new Date()): number {
    return Math.max(1, Math.ceil((this.budget.periodEnd.getTime() - now.getTime()) / 1000));
  }
}

export interface BudgetGuard {
  /**
   * The refusal for a call whose span has these attributes (`ai.source`, `ai.feature`, `ai.attr.*`, the
   * requested model), or undefined to let it go. Runs before every call: no I/O, no allocation when no
   * enforced budget is spent.
   */
  refuse(attributes: Attributes): BudgetExceededError | undefined;
}

const globalForGuard = globalThis as unknown as { spendtraceBudgetGuard?: BudgetGuard };

/** Installs the process's guard (start-up does, once the database is open); undefined removes it. */
export function installBudgetGuard(guard: BudgetGuard | undefined): void {
  globalForGuard.spendtraceBudgetGuard = guard;
}

/** The guard the app's clients ask: whichever is installed at the time of the call. */
export const installedBudgetGuard: BudgetGuard = {
  refuse: (attributes) => globalForGuard.spendtraceBudgetGuard?.refuse(attributes),
};
