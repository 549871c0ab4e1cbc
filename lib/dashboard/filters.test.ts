// The dashboard's URL filters: defaults relative to `now`, whole UTC days with an exclusive end, every
// refusal with its exact message, and query strings that parse back to the filters they came from.
import { describe, expect, it } from 'vitest';

import {
  addDays,
  filtersQuery,
  isoDay,
  parseFilters,
  previousPeriod,
  startOfUtcDay,
  type DashboardFilters,
  type ParsedFilters,
} from './filters';

// Late in the UTC day, so that "today" differs from the local day anywhere east of UTC.
const NOW = new Date('2026-11-26T23:59:59.999Z');
const SQL_LIKE = "'; DROP TABLE ai_interaction; --";

function day(text: string): Date {
  return new Date(`${text}T00:00:00.000Z`);
}

/** The preset periods as of NOW: whole UTC days, today (2026-11-26) the last of them. */
const LAST_7_DAYS: DashboardFilters = { period: '7d', from: day('2026-11-20'), to: day('2026-11-27') };
const LAST_30_DAYS: DashboardFilters = { period: '30d', from: day('2026-10-28'), to: day('2026-11-27') };
const LAST_90_DAYS: DashboardFilters = { period: '90d', from: day('2026-08-29'), to: day('2026-11-27') };

/** Every filter besides the period, each set. */
const EVERY_OTHER_FILTER = {
  sourceKind: 'route',
  source: '/api/leads/[id]/draft',
  feature: 'email.sentiment',
  model: 'gpt-4o-mini',
  status: 'error',
  attr: { key: 'customer_tier', value: 'gold' },
} satisfies Partial<DashboardFilters>;

function ok(filters: DashboardFilters): ParsedFilters {
  return { ok: true, filters };
}

function refused(...errors: string[]): ParsedFilters {
  return { ok: false, errors };
}

/** Parses a query string the way a page receives it: `?a=1&b=2` → `{ a: '1', b: '2' }`. */
function parseQuery(query: string, now = NOW): ParsedFilters {
  return parseFilters(Object.fromEntries(new URLSearchParams(query)), now);
}

describe('filters', () => {
  describe('parseFilters', () => {
    it.each<[string, Record<string, string | string[] | undefined>, ParsedFilters]>([
      ['no params: the last 30 days, today included', {}, ok(LAST_30_DAYS)],
      ['period=7d', { period: '7d' }, ok(LAST_7_DAYS)],
      ['period=30d', { period: '30d' }, ok(LAST_30_DAYS)],
      ['period=90d', { period: '90d' }, ok(LAST_90_DAYS)],
      ['a preset period ignores from and to', { period: '7d', from: '2026-01-01', to: '2026-01-31' }, ok(LAST_7_DAYS)],
      [
        'from and to without a period: custom, both days included',
        { from: '2026-11-01', to: '2026-11-15' },
        ok({ period: 'custom', from: day('2026-11-01'), to: day('2026-11-16') }),
      ],
      [
        'period=custom with from and to',
        { period: 'custom', from: '2026-02-01', to: '2026-02-28' },
        ok({ period: 'custom', from: day('2026-02-01'), to: day('2026-03-01') }),
      ],
      [
        'a custom period of one day',
        { from: '2026-11-01', to: '2026-11-01' },
        ok({ period: 'custom', from: day('2026-11-01'), to: day('2026-11-02') }),
      ],
      [
        'a custom period of 366 days (a leap year)',
        { from: '2024-01-01', to: '2024-12-31' },
        ok({ period: 'custom', from: day('2024-01-01'), to: day('2025-01-01') }),
      ],
      [
        'a custom period across a leap day',
        { from: '2028-02-28', to: '2028-03-01' },
        ok({ period: 'custom', from: day('2028-02-28'), to: day('2028-03-02') }),
      ],
      [
        'every other filter, trimmed',
        {
          kind: ' route ',
          source: ' /api/leads/[id]/draft ',
          feature: ' email.sentiment ',
          model: ' gpt-4o-mini ',
          status: ' error ',
          attr: ' customer_tier=gold ',
        },
        ok({ ...LAST_30_DAYS, ...EVERY_OTHER_FILTER }),
      ],
      ['each source kind: unattributed', { kind: 'unattributed' }, ok({ ...LAST_30_DAYS, sourceKind: 'unattributed' })],
      ['status=ok', { status: 'ok' }, ok({ ...LAST_30_DAYS, status: 'ok' })],
      ['cost=upper_bound', { cost: ' upper_bound ' }, ok({ ...LAST_30_DAYS, cost: 'upper_bound' })],
      [
        'an attribute splits at its first =, and may have an empty value',
        { attr: 'query=a=b' },
        ok({ ...LAST_30_DAYS, attr: { key: 'query', value: 'a=b' } }),
      ],
      [
        'an attribute with an empty value',
        { attr: 'note=' },
        ok({ ...LAST_30_DAYS, attr: { key: 'note', value: '' } }),
      ],
      [
        'empty and blank values count as absent',
        { period: '', from: ' ', to: '', kind: '', source: '  ', feature: '', model: '', status: '', attr: '' },
        ok(LAST_30_DAYS),
      ],
      ['undefined values count as absent', { period: undefined, source: undefined }, ok(LAST_30_DAYS)],
      [
        'arrays (a repeated param) take the first value',
        { period: ['7d', '90d'], source: ['/api/a', '/api/b'], status: ['error', 'ok'] },
        ok({ ...LAST_7_DAYS, source: '/api/a', status: 'error' }),
      ],
      ['an empty array counts as absent', { period: [], source: [] }, ok(LAST_30_DAYS)],
      ['unknown params are ignored', { page: '2', sort: 'cost' }, ok(LAST_30_DAYS)],
      [
        'strings that look like SQL are kept as they are',
        { source: SQL_LIKE, feature: SQL_LIKE, model: SQL_LIKE, attr: `${SQL_LIKE}=${SQL_LIKE}` },
        ok({
          ...LAST_30_DAYS,
          source: SQL_LIKE,
          feature: SQL_LIKE,
          model: SQL_LIKE,
          attr: { key: SQL_LIKE, value: SQL_LIKE },
        }),
      ],
      [
        'the longest source, feature, model and attribute allowed',
        {
          source: 's'.repeat(500),
          feature: 'f'.repeat(200),
          model: 'm'.repeat(200),
          attr: `${'k'.repeat(100)}=${'v'.repeat(500)}`,
        },
        ok({
          ...LAST_30_DAYS,
          source: 's'.repeat(500),
          feature: 'f'.repeat(200),
          model: 'm'.repeat(200),
          attr: { key: 'k'.repeat(100), value: 'v'.repeat(500) },
        }),
      ],
    ])('%s', (_case, params, expected) => {
      expect(parseFilters(params, NOW)).toEqual(expected);
    });

    it.each<[string, Record<string, string | string[] | undefined>, ParsedFilters]>([
      [
        'an unknown period',
        { period: '1y' },
        refused('period: Invalid option: expected one of "7d"|"30d"|"90d"|"custom"'),
      ],
      [
        'an unknown source kind',
        { kind: 'robot' },
        refused('kind: Invalid option: expected one of "route"|"action"|"job"|"unattributed"'),
      ],
      ['an unknown status', { status: 'maybe' }, refused('status: Invalid option: expected one of "ok"|"error"')],
      [
        'an unknown cost status',
        { cost: 'cheap' },
        refused(
          'cost: Invalid option: expected one of "priced"|"upper_bound"|"estimated"|"unpriced"|"no_usage"|"not_billable"',
        ),
      ],
      ['an attribute without =', { attr: 'customer_tier' }, refused('attr: must be key=value')],
      ['an attribute without a key', { attr: '=gold' }, refused('attr: must be key=value')],
      ['an attribute key over 100 characters', { attr: `${'k'.repeat(101)}=v` }, refused('attr: must be key=value')],
      [
        'a from that is not a date',
        { from: '26-11-1', to: '2026-11-30' },
        refused('from: must be a date such as 2026-11-01'),
      ],
      [
        'a to that is not a date',
        { from: '2026-11-01', to: 'tomorrow' },
        refused('to: must be a date such as 2026-11-30'),
      ],
      [
        'a date with a time',
        { from: '2026-11-01T00:00:00Z', to: '2026-11-30' },
        refused('from: must be a date such as 2026-11-01'),
      ],
      ['month 13', { from: '2026-13-01', to: '2026-12-01' }, refused('from and to must be real dates')],
      ['day 32', { from: '2026-11-01', to: '2026-12-32' }, refused('from and to must be real dates')],
      // new Date('2026-02-30T00:00:00Z') rolls over to March 2 instead of being NaN: impossible days are refused.
      ['February 30th', { from: '2026-02-30', to: '2026-03-31' }, refused('from and to must be real dates')],
      // 2026 is not a leap year.
      [
        'February 29th of a common year',
        { from: '2026-02-01', to: '2026-02-29' },
        refused('from and to must be real dates'),
      ],
      ['April 31st', { from: '2026-04-31', to: '2026-05-10' }, refused('from and to must be real dates')],
      ['to before from', { from: '2026-11-02', to: '2026-11-01' }, refused('to must not be before from')],
      [
        'a custom period of 367 days',
        { from: '2024-01-01', to: '2025-01-01' },
        refused('a period can be at most 366 days'),
      ],
      ['a custom period with from only', { from: '2026-11-01' }, refused('a custom period needs both from and to')],
      ['a custom period with to only', { to: '2026-11-01' }, refused('a custom period needs both from and to')],
      ['period=custom without dates', { period: 'custom' }, refused('a custom period needs both from and to')],
      [
        'period=custom with only a blank to',
        { period: 'custom', from: '2026-11-01', to: ' ' },
        refused('a custom period needs both from and to'),
      ],
      [
        'a source over 500 characters',
        { source: 's'.repeat(501) },
        refused('source: Too big: expected string to have <=500 characters'),
      ],
      [
        'a feature over 200 characters',
        { feature: 'f'.repeat(201) },
        refused('feature: Too big: expected string to have <=200 characters'),
      ],
      [
        'a model over 200 characters',
        { model: 'm'.repeat(201) },
        refused('model: Too big: expected string to have <=200 characters'),
      ],
      [
        'every bad param, each reported',
        { period: '1y', kind: 'robot', status: 'maybe', attr: 'x' },
        refused(
          'period: Invalid option: expected one of "7d"|"30d"|"90d"|"custom"',
          'kind: Invalid option: expected one of "route"|"action"|"job"|"unattributed"',
          'status: Invalid option: expected one of "ok"|"error"',
          'attr: must be key=value',
        ),
      ],
      [
        'a bad first value of an array, whatever follows',
        { status: ['maybe', 'ok'] },
        refused('status: Invalid option: expected one of "ok"|"error"'),
      ],
    ])('refuses %s', (_case, params, expected) => {
      expect(parseFilters(params, NOW)).toEqual(expected);
    });

    it.each([
      ['at midnight UTC', '2026-11-26T00:00:00.000Z'],
      ['a millisecond before midnight UTC', '2026-11-26T23:59:59.999Z'],
      ['at noon UTC', '2026-11-26T12:00:00.000Z'],
    ])('takes today as the UTC day of now, %s', (_case, now) => {
      expect(parseFilters({ period: '7d' }, new Date(now))).toEqual(ok(LAST_7_DAYS));
    });

    it('moves a preset period across a year boundary', () => {
      expect(parseFilters({ period: '30d' }, new Date('2027-01-05T08:00:00Z'))).toEqual(
        ok({ period: '30d', from: day('2026-12-07'), to: day('2027-01-06') }),
      );
    });
  });

  describe('previousPeriod', () => {
    it.each<[string, DashboardFilters, DashboardFilters]>([
      [
        'the 30 days before a 30-day period',
        LAST_30_DAYS,
        { period: '30d', from: day('2026-09-28'), to: day('2026-10-28') },
      ],
      [
        'the 7 days before a 7-day period',
        LAST_7_DAYS,
        { period: '7d', from: day('2026-11-13'), to: day('2026-11-20') },
      ],
      [
        'the day before a one-day custom period, keeping the other filters',
        {
          period: 'custom',
          from: day('2026-03-01'),
          to: day('2026-03-02'),
          sourceKind: 'job',
          source: 'job:weekly_digest',
          status: 'error',
          attr: { key: 'customer_tier', value: 'gold' },
        },
        {
          period: 'custom',
          from: day('2026-02-28'),
          to: day('2026-03-01'),
          sourceKind: 'job',
          source: 'job:weekly_digest',
          status: 'error',
          attr: { key: 'customer_tier', value: 'gold' },
        },
      ],
    ])('%s', (_case, filters, expected) => {
      expect(previousPeriod(filters)).toEqual(expected);
    });
  });

  describe('filtersQuery', () => {
    const everything: DashboardFilters = {
      period: 'custom',
      from: day('2026-11-01'),
      to: day('2026-11-16'),
      ...EVERY_OTHER_FILTER,
    };

    it.each<[string, DashboardFilters, Partial<Record<string, string | undefined>>, string]>([
      ['a preset period', LAST_30_DAYS, {}, '?period=30d'],
      [
        'a custom period: its last day as to',
        { period: 'custom', from: day('2026-11-01'), to: day('2026-11-16') },
        {},
        '?period=custom&from=2026-11-01&to=2026-11-15',
      ],
      [
        'every filter, encoded',
        everything,
        {},
        '?period=custom&from=2026-11-01&to=2026-11-15&kind=route&source=%2Fapi%2Fleads%2F%5Bid%5D%2Fdraft' +
          '&feature=email.sentiment&model=gpt-4o-mini&status=error&attr=customer_tier%3Dgold',
      ],
      [
        'a change replaces a filter',
        { ...LAST_30_DAYS, source: '/api/a' },
        { source: '/api/b', feature: 'email.auto_send' },
        '?period=30d&source=%2Fapi%2Fb&feature=email.auto_send',
      ],
      [
        'undefined and empty changes remove filters',
        everything,
        { kind: undefined, source: '', feature: undefined, model: undefined, status: undefined, attr: undefined },
        '?period=custom&from=2026-11-01&to=2026-11-15',
      ],
      ['removing everything gives an empty string', LAST_30_DAYS, { period: undefined }, ''],
    ])('%s', (_case, filters, changes, expected) => {
      expect(filtersQuery(filters, changes)).toEqual(expected);
    });

    it.each<[string, DashboardFilters]>([
      ['the default period', LAST_30_DAYS],
      ['7 days', LAST_7_DAYS],
      ['90 days', LAST_90_DAYS],
      ['a custom period and every filter', everything],
      ['a one-day custom period', { period: 'custom', from: day('2026-11-26'), to: day('2026-11-27') }],
      [
        'strings that need encoding',
        {
          period: 'custom',
          from: day('2024-01-01'),
          to: day('2025-01-01'),
          sourceKind: 'unattributed',
          source: `/api/${SQL_LIKE}?x=1&y=2#z`,
          feature: 'a+b c%20',
          model: 'ünï/cødé 🙂',
          status: 'ok',
          attr: { key: 'query', value: 'a=b&c=d' },
        },
      ],
    ])('round-trips %s through parseFilters', (_case, filters) => {
      expect(parseQuery(filtersQuery(filters))).toEqual(ok(filters));
    });

    it('round-trips the previous period of a custom period', () => {
      const previous = previousPeriod(everything);

      expect(parseQuery(filtersQuery(previous))).toEqual(ok(previous));
    });
  });

  describe('startOfUtcDay', () => {
    it.each([
      ['midnight', '2026-11-26T00:00:00.000Z', day('2026-11-26')],
      ['a millisecond after midnight', '2026-11-26T00:00:00.001Z', day('2026-11-26')],
      ['a millisecond before midnight', '2026-11-26T23:59:59.999Z', day('2026-11-26')],
      ['a time given with an offset east of UTC', '2026-11-27T01:00:00+02:00', day('2026-11-26')],
      ['a leap day', '2028-02-29T13:00:00Z', day('2028-02-29')],
      ['a day before 1970', '1969-12-31T18:00:00Z', day('1969-12-31')],
    ])('%s', (_case, input, expected) => {
      expect(startOfUtcDay(new Date(input))).toEqual(expected);
    });
  });

  describe('addDays', () => {
    it.each([
      ['one day', '2026-11-26T00:00:00.000Z', 1, '2026-11-27T00:00:00.000Z'],
      ['no days', '2026-11-26T10:30:00.000Z', 0, '2026-11-26T10:30:00.000Z'],
      ['back 30 days, across a month', '2026-11-27T00:00:00.000Z', -30, '2026-10-28T00:00:00.000Z'],
      ['across a year, keeping the time', '2026-12-31T12:00:00.000Z', 1, '2027-01-01T12:00:00.000Z'],
      ['over a leap day', '2028-02-28T00:00:00.000Z', 2, '2028-03-01T00:00:00.000Z'],
      // UTC days are 24 hours long: no daylight-saving shift.
      ['across a DST change elsewhere', '2026-03-28T00:00:00.000Z', 2, '2026-03-30T00:00:00.000Z'],
    ])('%s', (_case, input, days, expected) => {
      expect(addDays(new Date(input), days)).toEqual(new Date(expected));
    });
  });

  describe('isoDay', () => {
    it.each([
      ['midnight', '2026-11-26T00:00:00.000Z', '2026-11-26'],
      ['a millisecond before midnight', '2026-11-26T23:59:59.999Z', '2026-11-26'],
      ['the UTC day of a time given with an offset', '2026-11-27T01:00:00+02:00', '2026-11-26'],
      ['a leap day', '2028-02-29T00:00:00Z', '2028-02-29'],
    ])('%s', (_case, input, expected) => {
      expect(isoDay(new Date(input))).toEqual(expected);
    });
  });
});
