import { describe, expect, it } from 'vitest';
import { BudgetExceededError, installBudgetGuard, installedBudgetGuard } from './budget-guard';

const budget = {
  id: '0193a1b2-0000-7000-8000-000000000002',
  scope: 'jobs, tenant=acme',
  period: 'week' as const,
  limitUsd: '100.5',
  spentUsd: 101,
  periodEnd: new Date('2026-12-07T00:00:00.000Z'),
};

describe('BudgetExceededError', () => {
  it('names the budget, its limit and when calls may go again', () => {
    const error = new BudgetExceededError(budget);
    expect(error.name).toBe('BudgetExceededError');
    expect(error.message).toBe(
      'The weekly budget for jobs, tenant=acme ($100.5) is spent; calls in its scope are refused until 2026-12-07T00:00:00.000Z.',
    );
    expect(error.retryAfterSeconds(new Date('2026-12-06T23:59:58.001Z'))).toBe(2);
    // Never 0: a client told to retry at once would hammer the route.
    expect(error.retryAfterSeconds(new Date('2026-12-08T00:00:00.000Z'))).toBe(1);
  });

  it('is recognised from another copy of the module (Next.js bundles instrumentation and routes apart)', () => {
    const fromAnotherBundle = Object.assign(new Error('x'), { [Symbol.for('spendtrace.BudgetExceededError')]: true });
    expect(BudgetExceededError.isInstance(new BudgetExceededError(budget))).toBe(true);
    expect(BudgetExceededError.isInstance(fromAnotherBundle)).toBe(true);
    expect(BudgetExceededError.isInstance(new Error('budget'))).toBe(false);
    expect(BudgetExceededError.isInstance(null)).toBe(false);
  });
});

describe('installedBudgetGuard', () => {
  it('asks whichever guard is installed at the time of the call, and lets everything go without one', () => {
    const refusal = new BudgetExceededError(budget);
    expect(installedBudgetGuard.refuse({ 'ai.source': 'job:x' })).toBeUndefined();
    installBudgetGuard({ refuse: (attributes) => (attributes['ai.source'] === 'job:x' ? refusal : undefined) });
    try {
      expect(installedBudgetGuard.refuse({ 'ai.source': 'job:x' })).toBe(refusal);
      expect(installedBudgetGuard.refuse({ 'ai.source': 'job:y' })).toBeUndefined();
    } finally {
      installBudgetGuard(undefined);
    }
    expect(installedBudgetGuard.refuse({ 'ai.source': 'job:x' })).toBeUndefined();
  });
});
