// The call log's query: the dashboard's filters and the log's own, the page size and the cursor, every refusal
// naming its parameter, and query strings that read back as the filters they came from.
import { describe, expect, it } from 'vitest';
import {
  callLogQueryString,
  decodeCursor,
  encodeCursor,
  parseCallLogQuery,
  type CallLogFilters,
  type CallLogQuery,
  type ParsedCallLogQuery,
} from './call-log-filters';

const NOW = new Date('2026-11-26T23:59:59.999Z');
const LAST_30_DAYS: CallLogFilters = {
  period: '30d',
  from: new Date('2026-10-28T00:00:00Z'),
  to: new Date('2026-11-27T00:00:00Z'),
};
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const ID = '0193a3b2-0000-7000-8000-00000000000a';
const CURSOR = { startedAt: new Date('2026-11-25T12:00:00.000Z'), id: ID };

function parse(query: string): ParsedCallLogQuery {
  return parseCallLogQuery(Object.fromEntries(new URLSearchParams(query)), NOW);
}

function ok(query: Omit<Partial<CallLogQuery>, 'filters'> & { filters?: Partial<CallLogFilters> }): ParsedCallLogQuery {
  return {
    ok: true,
    query: { cursor: undefined, limit: 50, ...query, filters: { ...LAST_30_DAYS, ...query.filters } },
  };
}

function refused(...issues: [string, string][]): ParsedCallLogQuery {
  return { ok: false, issues: issues.map(([parameter, message]) => ({ parameter, message })) };
}

describe('call-log-filters', () => {
  describe('encodeCursor and decodeCursor', () => {
    it('writes base64url of the ISO time and the id, and reads it back', () => {
      const text = encodeCursor(CURSOR);
      expect(text).toBe(Buffer.from(`2026-11-25T12:00:00.000Z,${ID}`).toString('base64url'));
      expect(decodeCursor(text)).toEqual(CURSOR);
    });

    it.each([
      ['empty', ''],
      ['not base64url', 'abc+/='],
      ['no id', Buffer.from('2026-11-25T12:00:00.000Z').toString('base64url')],
      ['a bad id', Buffer.from('2026-11-25T12:00:00.000Z,not-a-uuid').toString('base64url')],
      ['an unreal time', Buffer.from(`2026-02-30T12:00:00.000Z,${ID}`).toString('base64url')],
      ['a time without milliseconds', Buffer.from(`2026-11-25T12:00:00Z,${ID}`).toString('base64url')],
      ['a third part', Buffer.from(`2026-11-25T12:00:00.000Z,${ID},x`).toString('base64url')],
      ['stray trailing bits', `${encodeCursor(CURSOR)}A`],
    ])('refuses %s', (_case, text) => {
      expect(decodeCursor(text)).toBeUndefined();
    });
  });

  describe('parseCallLogQuery', () => {
    it.each<[string, string, ParsedCallLogQuery]>([
      ['nothing: the last 30 days, 50 a page, from the newest', '', ok({})],
      [
        'every filter of the dashboard',
        'period=7d&kind=route&source=/a&feature=f.x&model=gpt-4o&status=error&cost=priced&attr=tier=pro',
        ok({
          filters: {
            period: '7d',
            from: new Date('2026-11-20T00:00:00Z'),
            to: new Date('2026-11-27T00:00:00Z'),
            sourceKind: 'route',
            source: '/a',
            feature: 'f.x',
            model: 'gpt-4o',
            status: 'error',
            cost: 'priced',
            attr: { key: 'tier', value: 'pro' },
          },
        }),
      ],
      [
        'the log’s own, a trace id in capitals read as lowercase',
        `trace=${TRACE.toUpperCase()}&error=RateLimitError&minCost=0.001&maxCost=2&limit=200&cursor=${encodeCursor(CURSOR)}`,
        ok({
          filters: { traceId: TRACE, errorType: 'RateLimitError', minCostUsd: '0.001', maxCostUsd: '2' },
          cursor: CURSOR,
          limit: 200,
        }),
      ],
      ['empty parameters as absent', 'trace=&error=%20&minCost=&limit=&cursor=', ok({})],
      ['an equal cost range', 'minCost=0.5&maxCost=0.500', ok({ filters: { minCostUsd: '0.5', maxCostUsd: '0.500' } })],
      ['limit=1', 'limit=1', ok({ limit: 1 })],
    ])('reads %s', (_case, query, expected) => {
      expect(parse(query)).toEqual(expected);
    });

    it.each<[string, string, ParsedCallLogQuery]>([
      ['a short trace id', 'trace=4bf92f', refused(['trace', 'must be a trace id: 32 hex digits'])],
      ['a trace id not hex', `trace=${'g'.repeat(32)}`, refused(['trace', 'must be a trace id: 32 hex digits'])],
      ['a long error type', `error=${'E'.repeat(201)}`, refused(['error', 'must be at most 200 characters'])],
      [
        'a negative minimum cost',
        'minCost=-1',
        refused(['minCost', 'must be US dollars such as 0.01, with at most 12 decimals']),
      ],
      [
        'a maximum cost with 13 decimals',
        'maxCost=0.0000000000001',
        refused(['maxCost', 'must be US dollars such as 1.50, with at most 12 decimals']),
      ],
      ['a range upside down', 'minCost=0.02&maxCost=0.019', refused(['maxCost', 'must not be below minCost'])],
      ['limit=0', 'limit=0', refused(['limit', 'must be a whole number from 1 to 200'])],
      ['limit=201', 'limit=201', refused(['limit', 'must be a whole number from 1 to 200'])],
      ['limit=ten', 'limit=ten', refused(['limit', 'must be a whole number from 1 to 200'])],
      [
        'a malformed cursor',
        'cursor=not-a-cursor',
        refused(['cursor', 'is not a cursor of this call log: start again without it']),
      ],
      [
        'a bad dashboard filter',
        'kind=lambda',
        refused(['kind', 'Invalid option: expected one of "route"|"action"|"job"|"unattributed"']),
      ],
      ['a period without its days', 'period=custom', refused(['period', 'a custom period needs both from and to'])],
      [
        'several at once, each named',
        'status=maybe&trace=x&limit=999&cursor=zz',
        refused(
          ['status', 'Invalid option: expected one of "ok"|"error"'],
          ['trace', 'must be a trace id: 32 hex digits'],
          ['limit', 'must be a whole number from 1 to 200'],
          ['cursor', 'is not a cursor of this call log: start again without it'],
        ),
      ],
    ])('refuses %s, naming the parameter', (_case, query, expected) => {
      expect(parse(query)).toEqual(expected);
    });

    it('reads the first of a repeated parameter, as the dashboard does', () => {
      expect(parseCallLogQuery({ trace: [TRACE, 'x'], limit: ['3', '500'] }, NOW)).toEqual(
        ok({ filters: { traceId: TRACE }, limit: 3 }),
      );
    });
  });

  describe('callLogQueryString', () => {
    it('writes every filter so that it reads back the same, with changes applied', () => {
      const query = `period=7d&source=%2Fa&trace=${TRACE}&error=Timeout&minCost=0.1&maxCost=0.2`;
      const parsed = parse(query);
      if (!parsed.ok) throw new Error('the query should parse');
      const text = callLogQueryString(parsed.query.filters, { limit: '2', cursor: encodeCursor(CURSOR) });
      expect(text).toBe(
        `?period=7d&source=%2Fa&trace=${TRACE}&error=Timeout&minCost=0.1&maxCost=0.2&limit=2&cursor=${encodeCursor(CURSOR)}`,
      );
      expect(parse(text.slice(1))).toEqual({ ok: true, query: { ...parsed.query, cursor: CURSOR, limit: 2 } });
      expect(callLogQueryString(parsed.query.filters, { trace: undefined, source: undefined })).toBe(
        '?period=7d&error=Timeout&minCost=0.1&maxCost=0.2',
      );
    });
  });
});
