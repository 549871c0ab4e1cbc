import { describe, expect, it } from 'vitest';
import {
  spikeAlertKey,
  spikeAlertPayload,
  thresholdAlertKey,
  thresholdAlertPayload,
  type AlertBudget,
} from './alert-payload';

const BUDGET: AlertBudget = {
  id: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
  scope: { source: '/api/webhooks/email' },
  period: 'day',
  limitUsd: '25',
  enforce: false,
};

describe('thresholdAlertKey', () => {
  it('names the budget, the period start and the threshold', () => {
    expect(thresholdAlertKey(BUDGET.id, new Date('2026-12-04T00:00:00.000Z'), 0.8)).toBe(
      'threshold:0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b:2026-12-04T00:00:00.000Z:0.8',
    );
  });
});

describe('spikeAlertKey', () => {
  it('names the source and the UTC day', () => {
    expect(spikeAlertKey('/api/webhooks/email', '2026-12-04')).toBe('spike:/api/webhooks/email:2026-12-04');
  });
});

describe('thresholdAlertPayload', () => {
  it('says which budget reached what, in a text line and in fields', () => {
    expect(
      thresholdAlertPayload({
        budget: BUDGET,
        threshold: 0.8,
        spentUsd: '20.000000000000',
        periodStart: new Date('2026-12-04T00:00:00.000Z'),
        periodEnd: new Date('2026-12-05T00:00:00.000Z'),
      }),
    ).toEqual({
      text: 'Spendtrace: the daily budget for source /api/webhooks/email has reached 80% — $20.000000 of $25 (period 2026-12-04, UTC).',
      kind: 'threshold',
      budget: {
        id: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
        scope: { source: '/api/webhooks/email' },
        period: 'day',
        limitUsd: '25',
        enforce: false,
      },
      threshold: 0.8,
      spentUsd: '20.000000000000',
      periodStart: '2026-12-04T00:00:00.000Z',
      periodEnd: '2026-12-05T00:00:00.000Z',
    });
  });

  it('keeps only the budget fields the alert is about', () => {
    const view = { ...BUDGET, alertAt: [0.5, 1], createdAt: '2026-12-01T00:00:00.000Z' };
    const payload = thresholdAlertPayload({
      budget: view,
      threshold: 0.5,
      spentUsd: '12.5',
      periodStart: new Date('2026-12-04T00:00:00.000Z'),
      periodEnd: new Date('2026-12-05T00:00:00.000Z'),
    });
    expect(payload.budget).toEqual(BUDGET);
  });

  it('names a weekly period by its first and last day, and says an enforced budget now refuses calls', () => {
    expect(
      thresholdAlertPayload({
        budget: { ...BUDGET, scope: {}, period: 'week', limitUsd: '100.5', enforce: true },
        threshold: 1,
        spentUsd: '100.5000004',
        periodStart: new Date('2026-11-30T00:00:00.000Z'),
        periodEnd: new Date('2026-12-07T00:00:00.000Z'),
      }).text,
    ).toBe(
      'Spendtrace: the weekly budget for all calls has reached 100% — $100.500000 of $100.5 ' +
        '(period 2026-11-30 to 2026-12-06, UTC). Calls in its scope are refused until the period ends.',
    );
  });

  it('names a monthly period by its month, rounds the spend half-up to 6 decimals and a share to 0.1%', () => {
    expect(
      thresholdAlertPayload({
        budget: { ...BUDGET, scope: { kind: 'job', model: 'gpt-4o' }, period: 'month', limitUsd: '3' },
        threshold: 1 / 3,
        spentUsd: '1.0000005',
        periodStart: new Date('2026-12-01T00:00:00.000Z'),
        periodEnd: new Date('2027-01-01T00:00:00.000Z'),
      }).text,
    ).toBe(
      'Spendtrace: the monthly budget for jobs, model gpt-4o has reached 33.3% — $1.000001 of $3 (period 2026-12, UTC).',
    );
  });
});

describe('spikeAlertPayload', () => {
  it('says which source spent how many times its hourly average, in a text line and in fields', () => {
    expect(
      spikeAlertPayload({
        source: '/api/webhooks/email',
        lastHourUsd: '0.600000000000',
        hourlyAverageUsd: '0.100000000000',
        factor: 6,
        spikeFactor: 5,
        day: '2026-12-04',
      }),
    ).toEqual({
      text:
        'Spendtrace: source /api/webhooks/email spent $0.600000 in the last hour, 6× its trailing 7-day hourly ' +
        'average of $0.100000 (alerts above 5×; 2026-12-04, UTC).',
      kind: 'spike',
      source: '/api/webhooks/email',
      lastHourUsd: '0.600000000000',
      hourlyAverageUsd: '0.100000000000',
      factor: 6,
      spikeFactor: 5,
      day: '2026-12-04',
    });
  });
});
