// The call log's query: the dashboard's filters plus a trace id, an error type and a cost range, the page size
// and an opaque cursor (where the previous page ended). Read from URL search params by the page and the API alike.
import { z } from 'zod';
import { compareDecimal } from './format';
import { filtersQuery, parseFilters, type DashboardFilters } from './filters';

export interface CallLogFilters extends DashboardFilters {
  /** 32 lowercase hex digits. */
  traceId?: string;
  /** The recorded error type, matched exactly. */
  errorType?: string;
  /** Exact USD, inclusive; a cost bound leaves out the calls without a cost. */
  minCostUsd?: string;
  /** Exact USD, inclusive. */
  maxCostUsd?: string;
}

/** The last row of a page: the next page starts just after it, newest first. */
export interface CallCursor {
  startedAt: Date;
  id: string;
}

export interface CallLogQuery {
  filters: CallLogFilters;
  cursor: CallCursor | undefined;
  /** 1 to {@link MAX_CALL_LOG_LIMIT}; default {@link DEFAULT_CALL_LOG_LIMIT}. */
  limit: number;
}

/** A refused query parameter and why. */
export interface QueryIssue {
  parameter: string;
  message: string;
}

export type ParsedCallLogQuery = { ok: true; query: CallLogQuery } | { ok: false; issues: QueryIssue[] };

export const DEFAULT_CALL_LOG_LIMIT = 50;
export const MAX_CALL_LOG_LIMIT = 200;

/** The parameters of the dashboard's own filters, which parseFilters reads. */
const DASHBOARD_PARAMETERS = ['period', 'from', 'to', 'kind', 'source', 'feature', 'model', 'status', 'cost', 'attr'];

// cost_usd is numeric(20,12): up to 8 whole digits and 12 decimals.
const USD = /^\d{1,8}(\.\d{1,12})?$/;
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const LIMIT_MESSAGE = `must be a whole number from 1 to ${MAX_CALL_LOG_LIMIT}`;

const optional = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const usd = (example: string) =>
  optional.pipe(z.string().regex(USD, `must be US dollars such as ${example}, with at most 12 decimals`).optional());

const ExtraSchema = z.object({
  trace: optional.pipe(
    z
      .string()
      .regex(/^[0-9a-fA-F]{32}$/, 'must be a trace id: 32 hex digits')
      .transform((v) => v.toLowerCase())
      .optional(),
  ),
  error: optional.pipe(z.string().max(200, 'must be at most 200 characters').optional()),
  minCost: usd('0.01'),
  maxCost: usd('1.50'),
  limit: optional.pipe(
    z
      .string()
      .regex(/^\d{1,3}$/, LIMIT_MESSAGE)
      .transform(Number)
      .pipe(z.number().min(1, LIMIT_MESSAGE).max(MAX_CALL_LOG_LIMIT, LIMIT_MESSAGE))
      .optional(),
  ),
});

export function encodeCursor(cursor: CallCursor): string {
  return Buffer.from(`${cursor.startedAt.toISOString()},${cursor.id}`, 'utf8').toString('base64url');
}

/** The cursor, or undefined when the text is not one that {@link encodeCursor} wrote. */
export function decodeCursor(text: string): CallCursor | undefined {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(text)) return undefined;
  const [iso = '', id = '', ...rest] = Buffer.from(text, 'base64url').toString('utf8').split(',');
  if (rest.length > 0 || !ISO_MS.test(iso) || !UUID.test(id)) return undefined;
  const startedAt = new Date(iso);
  if (Number.isNaN(startedAt.getTime()) || startedAt.toISOString() !== iso) return undefined;
  const cursor = { startedAt, id };
  // Base64 decoding forgives stray bits; only the canonical text is a cursor.
  return encodeCursor(cursor) === text ? cursor : undefined;
}

/** parseFilters' messages read `param: message`, except the period's, which name from and to in words. */
function filterIssue(error: string): QueryIssue {
  const colon = error.indexOf(': ');
  const parameter = colon > 0 ? error.slice(0, colon) : '';
  return DASHBOARD_PARAMETERS.includes(parameter)
    ? { parameter, message: error.slice(colon + 2) }
    : { parameter: 'period', message: error };
}

/** Reads the call log's query from URL search params (the first of a repeated one); `now` sets the default period. */
export function parseCallLogQuery(
  params: Record<string, string | string[] | undefined>,
  now: Date,
): ParsedCallLogQuery {
  const flat = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
  const dashboard = parseFilters(flat, now);
  const extra = ExtraSchema.safeParse(flat);
  const issues: QueryIssue[] = dashboard.ok ? [] : dashboard.errors.map(filterIssue);
  if (!extra.success) {
    issues.push(...extra.error.issues.map((i) => ({ parameter: i.path.join('.'), message: i.message })));
  }
  // Checked apart from the other parameters, so that a bad one does not hide a bad cursor.
  const cursorText = optional.safeParse(flat.cursor).data;
  const cursor = cursorText === undefined ? undefined : decodeCursor(cursorText);
  if (cursorText !== undefined && cursor === undefined) {
    issues.push({ parameter: 'cursor', message: 'is not a cursor of this call log: start again without it' });
  }
  const e = extra.success ? extra.data : undefined;
  if (e?.minCost !== undefined && e.maxCost !== undefined && compareDecimal(e.minCost, e.maxCost) > 0) {
    issues.push({ parameter: 'maxCost', message: 'must not be below minCost' });
  }
  if (!dashboard.ok || !e || issues.length > 0) return { ok: false, issues };
  return {
    ok: true,
    query: {
      filters: {
        ...dashboard.filters,
        ...(e.trace !== undefined && { traceId: e.trace }),
        ...(e.error !== undefined && { errorType: e.error }),
        ...(e.minCost !== undefined && { minCostUsd: e.minCost }),
        ...(e.maxCost !== undefined && { maxCostUsd: e.maxCost }),
      },
      cursor,
      limit: e.limit ?? DEFAULT_CALL_LOG_LIMIT,
    },
  };
}

/** The call log's query string for these filters, with some parameters changed (undefined removes one). */
export function callLogQueryString(
  filters: CallLogFilters,
  changes: Partial<Record<string, string | undefined>> = {},
): string {
  return filtersQuery(filters, {
    trace: filters.traceId,
    error: filters.errorType,
    minCost: filters.minCostUsd,
    maxCost: filters.maxCostUsd,
    ...changes,
  });
}
