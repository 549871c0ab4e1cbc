// The dashboard's filters: parsed from the URL (so a view can be shared), validated, with the period as
// whole UTC days. Links build their query strings from the same type.
import { z } from 'zod';

export const PERIODS = { '7d': 7, '30d': 30, '90d': 90 } as const;
export type PeriodKey = keyof typeof PERIODS | 'custom';

export const SOURCE_KINDS = ['route', 'action', 'job', 'unattributed'] as const;
export type SourceKindFilter = (typeof SOURCE_KINDS)[number];

/** The cost statuses a view can narrow to (see CostStatus in lib/ledger/ai-span.ts). */
export const COST_STATUSES = ['priced', 'upper_bound', 'estimated', 'unpriced', 'no_usage', 'not_billable'] as const;
export type CostStatusFilter = (typeof COST_STATUSES)[number];

export interface DashboardFilters {
  period: PeriodKey;
  /** First day, 00:00 UTC. */
  from: Date;
  /** The day after the last, 00:00 UTC (exclusive). */
  to: Date;
  sourceKind?: SourceKindFilter;
  source?: string;
  feature?: string;
  model?: string;
  status?: 'ok' | 'error';
  /** Whether and how exactly the calls' cost is known. */
  cost?: CostStatusFilter;
  /** A developer attribute (`ai.attr.<key>`), for the call list. */
  attr?: { key: string; value: string };
  /**
   * How the dashboard page's spend chart is stacked, when not the default: not a filter, but carried by every
   * link the page makes (drill-downs keep the chart as it was). Set by the page, never by parseFilters.
   */
  stack?: string;
}

const DAY_MS = 86_400_000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

const optional = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const ParamsSchema = z.object({
  period: optional.pipe(z.enum(['7d', '30d', '90d', 'custom']).optional()),
  from: optional.pipe(z.string().regex(DATE, 'must be a date such as 2026-11-01').optional()),
  to: optional.pipe(z.string().regex(DATE, 'must be a date such as 2026-11-30').optional()),
  kind: optional.pipe(z.enum(SOURCE_KINDS).optional()),
  source: optional.pipe(z.string().max(500).optional()),
  feature: optional.pipe(z.string().max(200).optional()),
  model: optional.pipe(z.string().max(200).optional()),
  status: optional.pipe(z.enum(['ok', 'error']).optional()),
  cost: optional.pipe(z.enum(COST_STATUSES).optional()),
  attr: optional.pipe(
    z
      .string()
      .regex(/^[^=]{1,100}=.{0,500}$/, 'must be key=value')
      .optional(),
  ),
});

export function startOfUtcDay(date: Date): Date {
  return new Date(Math.floor(date.getTime() / DAY_MS) * DAY_MS);
}

export function addDays(date: Date, days: number): Date {
  return new Date(date.getTime() + days * DAY_MS);
}

export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export type ParsedFilters = { ok: true; filters: DashboardFilters } | { ok: false; errors: string[] };

/** Reads filters from URL search params; `now` decides what "the last 30 days" means. */
export function parseFilters(params: Record<string, string | string[] | undefined>, now: Date): ParsedFilters {
  const flat = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
  const parsed = ParamsSchema.safeParse(flat);
  if (!parsed.success) {
    return { ok: false, errors: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) };
  }
  const p = parsed.data;
  const period: PeriodKey = p.period ?? (p.from || p.to ? 'custom' : '30d');
  let from: Date;
  let to: Date;
  if (period === 'custom') {
    if (!p.from || !p.to) return { ok: false, errors: ['a custom period needs both from and to'] };
    from = new Date(`${p.from}T00:00:00Z`);
    to = addDays(new Date(`${p.to}T00:00:00Z`), 1);
    // new Date() rolls 2026-02-30 over into March: a real date reads back as itself.
    const real = !Number.isNaN(from.getTime()) && !Number.isNaN(to.getTime());
    if (!real || isoDay(from) !== p.from || isoDay(addDays(to, -1)) !== p.to) {
      return { ok: false, errors: ['from and to must be real dates'] };
    }
    if (to <= from) return { ok: false, errors: ['to must not be before from'] };
    if (to.getTime() - from.getTime() > 366 * DAY_MS)
      return { ok: false, errors: ['a period can be at most 366 days'] };
  } else {
    to = addDays(startOfUtcDay(now), 1);
    from = addDays(to, -PERIODS[period]);
  }
  const eq = p.attr?.indexOf('=') ?? -1;
  return {
    ok: true,
    filters: {
      period,
      from,
      to,
      ...(p.kind && { sourceKind: p.kind }),
      ...(p.source !== undefined && { source: p.source }),
      ...(p.feature !== undefined && { feature: p.feature }),
      ...(p.model !== undefined && { model: p.model }),
      ...(p.status && { status: p.status }),
      ...(p.cost && { cost: p.cost }),
      ...(p.attr && eq > 0 && { attr: { key: p.attr.slice(0, eq), value: p.attr.slice(eq + 1) } }),
    },
  };
}

/** The period of the same length just before. */
export function previousPeriod(filters: DashboardFilters): DashboardFilters {
  const length = filters.to.getTime() - filters.from.getTime();
  return { ...filters, from: new Date(filters.from.getTime() - length), to: filters.from };
}

/** The query string for these filters, with some changed (undefined removes one). */
export function filtersQuery(
  filters: DashboardFilters,
  changes: Partial<Record<string, string | undefined>> = {},
): string {
  const params: Record<string, string | undefined> = {
    period: filters.period,
    ...(filters.period === 'custom' && { from: isoDay(filters.from), to: isoDay(addDays(filters.to, -1)) }),
    kind: filters.sourceKind,
    source: filters.source,
    feature: filters.feature,
    model: filters.model,
    status: filters.status,
    cost: filters.cost,
    attr: filters.attr ? `${filters.attr.key}=${filters.attr.value}` : undefined,
    stack: filters.stack,
    ...changes,
  };
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '') search.set(key, value);
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}
