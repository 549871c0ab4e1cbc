import { describe, expect, it } from 'vitest';
import {
  callScopeOf,
  describeScope,
  forecastUsd,
  modelMatches,
  periodBounds,
  periodDays,
  reachedThresholds,
  scopeMatches,
  type CallScope,
} from './budget-rules';

const at = (iso: string) => new Date(iso);

describe('periodBounds', () => {
  it.each([
    ['day', '2026-12-04T13:45:00.000Z', '2026-12-04T00:00:00.000Z', '2026-12-05T00:00:00.000Z'],
    // 2026-12-04 is a Friday: its ISO week starts on Monday 2026-11-30.
    ['week', '2026-12-04T13:45:00.000Z', '2026-11-30T00:00:00.000Z', '2026-12-07T00:00:00.000Z'],
    ['week', '2026-12-06T23:59:59.999Z', '2026-11-30T00:00:00.000Z', '2026-12-07T00:00:00.000Z'],
    ['week', '2026-11-30T00:00:00.000Z', '2026-11-30T00:00:00.000Z', '2026-12-07T00:00:00.000Z'],
    ['month', '2026-12-31T23:59:59.999Z', '2026-12-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z'],
    ['month', '2028-02-10T00:00:00.000Z', '2028-02-01T00:00:00.000Z', '2028-03-01T00:00:00.000Z'],
  ] as const)('a %s around %s runs from %s to %s', (period, now, start, end) => {
    expect(periodBounds(period, at(now))).toEqual({ start: at(start), end: at(end) });
  });

  it('counts the days of a period', () => {
    expect(periodDays(periodBounds('month', at('2028-02-10T00:00:00Z')))).toBe(29);
    expect(periodDays(periodBounds('week', at('2026-12-04T00:00:00Z')))).toBe(7);
  });
});

describe('modelMatches', () => {
  it.each([
    ['gpt-4o', 'gpt-4o', true],
    ['gpt-4o', 'gpt-4o-2024-08-06', true],
    ['gpt-4o', 'gpt-4o-mini', false],
    ['gpt-4o', 'gpt-4o-mini-2024-07-18', false],
    ['claude-3-5-sonnet', 'claude-3-5-sonnet-20241022', true],
    ['gpt-4.1', 'gpt-4x1', false],
    ['gpt-4o', undefined, false],
  ] as const)('%s matches %s: %s', (budget, model, expected) => {
    expect(modelMatches(budget, model)).toBe(expected);
  });
});

describe('scopeMatches', () => {
  const call: CallScope = {
    kind: 'route',
    source: '/api/webhooks/email',
    feature: 'email.triage',
    model: 'gpt-4o-mini-2024-07-18',
    spanAttributes: { 'ai.attr.tenant': 'acme' },
  };

  it.each([
    [{}, true],
    [{ kind: 'route' as const }, true],
    [{ kind: 'job' as const }, false],
    [{ source: '/api/webhooks/email' }, true],
    [{ source: '/api/knowledge' }, false],
    [{ feature: 'email.triage', model: 'gpt-4o-mini' }, true],
    [{ feature: 'email.triage', model: 'gpt-4o' }, false],
    [{ attribute: { key: 'tenant', value: 'acme' } }, true],
    [{ attribute: { key: 'tenant', value: 'globex' } }, false],
    [{ attribute: { key: 'plan', value: 'acme' } }, false],
  ])('%j: %s', (scope, expected) => {
    expect(scopeMatches(scope, call)).toBe(expected);
  });
});

describe('callScopeOf', () => {
  it("reads our client's span: source (as rows store it), feature, requested model", () => {
    const span = {
      'ai.source': '/api/leads/123/draft',
      'ai.feature': 'lead.draft_reply',
      'gen_ai.request.model': 'gpt-4o-mini',
      'ai.attr.tenant': 'acme',
      'gen_ai.operation.name': 'chat',
    };
    expect(callScopeOf(span)).toEqual({
      kind: 'route',
      source: '/api/leads/[id]/draft',
      feature: 'lead.draft_reply',
      model: 'gpt-4o-mini',
      spanAttributes: span,
    });
  });

  it("reads the AI SDK's provider-call span: functionId as the feature, ai.model.id as the model", () => {
    const span = {
      'ai.source': 'job:weekly_digest',
      'ai.telemetry.functionId': 'lead.classify',
      'ai.model.id': 'gpt-4o-mini',
    };
    expect(callScopeOf(span)).toEqual({
      kind: 'job',
      source: 'job:weekly_digest',
      feature: 'lead.classify',
      model: 'gpt-4o-mini',
      spanAttributes: span,
    });
  });

  it('prefers the billed model once the provider has answered', () => {
    expect(callScopeOf({ 'gen_ai.request.model': 'gpt-4o', 'gen_ai.response.model': 'gpt-4o-2024-08-06' }).model).toBe(
      'gpt-4o-2024-08-06',
    );
  });

  it('is unattributed without a source', () => {
    expect(callScopeOf({})).toEqual({
      kind: 'unattributed',
      source: undefined,
      feature: undefined,
      model: undefined,
      spanAttributes: {},
    });
  });
});

describe('describeScope', () => {
  it.each([
    [{}, 'all calls'],
    [{ source: '/api/webhooks/email' }, 'source /api/webhooks/email'],
    [
      { kind: 'job' as const, feature: 'digest.weekly', model: 'gpt-4o', attribute: { key: 'tenant', value: 'acme' } },
      'jobs, feature digest.weekly, model gpt-4o, tenant=acme',
    ],
  ])('%j is "%s"', (scope, text) => {
    expect(describeScope(scope)).toBe(text);
  });
});

describe('forecastUsd', () => {
  const day = periodBounds('day', at('2026-12-04T00:00:00Z'));

  it('projects the spend so far to the end of the period at the same rate', () => {
    expect(forecastUsd(6, day, at('2026-12-04T06:00:00Z'))).toBe(24);
  });

  it('is the spend itself in the first minute and after the period', () => {
    expect(forecastUsd(6, day, at('2026-12-04T00:00:30Z'))).toBe(6);
    expect(forecastUsd(6, day, at('2026-12-05T01:00:00Z'))).toBe(6);
  });
});

describe('reachedThresholds', () => {
  it('lists the thresholds the spend has reached, ascending', () => {
    expect(reachedThresholds([1, 0.5, 0.8], '25', '20.000000000000')).toEqual([0.5, 0.8]);
    expect(reachedThresholds([0.5, 0.8, 1], '25', '25')).toEqual([0.5, 0.8, 1]);
    expect(reachedThresholds([0.5], '25', '12.499999999999')).toEqual([]);
  });

  it('compares exactly, where doubles would not: $0.30 is 0.1 of $3', () => {
    expect(0.1 * 3 > 0.3).toBe(true);
    expect(reachedThresholds([0.1, 0.2], '3', '0.300000000000')).toEqual([0.1]);
    expect(reachedThresholds([0.0001, 1.5], '0.000001', '0.000000000001')).toEqual([]);
    expect(reachedThresholds([1.5], '0.000002', '0.000003')).toEqual([1.5]);
  });
});
