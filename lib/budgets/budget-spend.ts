// What each budget's scope has spent in its current period, read from the daily rollup (one query for all
// budgets) and, for budgets on a developer attribute, which the rollup does not keep, from the calls
// themselves through the attributes index. Days and periods are UTC.
import type { PrismaClient } from '../db/generated/client';

/** A budget's current period and its spend, exact. */
export interface BudgetSpend {
  budgetId: string;
  periodStart: Date;
  periodEnd: Date;
  /** Exact US dollars, as a decimal string. */
  spentUsd: string;
}

export interface DaySpend {
  /** YYYY-MM-DD, UTC. */
  day: string;
  spentUsd: string;
}

// A budget's model matches the billed model or its dated snapshots (see modelMatches in budget-rules).
const MODEL_MATCHES = (column: string) => `(b.model IS NULL OR ${column} = b.model OR ${column} ~ ('^' ||
  regexp_replace(b.model, '([.*+?^$\\{\\}()|\\[\\]\\\\])', '\\\\\\1', 'g') || '-(\\d{4}-\\d{2}-\\d{2}|\\d{8})$'))`;

const PERIOD = `
  date_trunc(b.period::text, $1::timestamptz AT TIME ZONE 'UTC') AS start_at,
  date_trunc(b.period::text, $1::timestamptz AT TIME ZONE 'UTC') + ('1 ' || b.period::text)::interval AS end_at`;

const ROLLUP_MATCHES = `
  d.day >= p.start_at::date AND d.day < p.end_at::date
  AND (b.source_kind IS NULL OR d.source_kind = b.source_kind)
  AND (b.source IS NULL OR d.source = b.source)
  AND (b.feature_id IS NULL OR d.feature_id = b.feature_id)
  AND ${MODEL_MATCHES('d.model')}`;

const CALL_MATCHES = `
  i.started_at >= p.start_at AT TIME ZONE 'UTC' AND i.started_at < p.end_at AT TIME ZONE 'UTC'
  AND i.attributes @> jsonb_build_object(b.attribute_key, b.attribute_value)
  AND (b.source_kind IS NULL OR i.source_kind = b.source_kind)
  AND (b.source IS NULL OR i.source = b.source)
  AND (b.feature_id IS NULL OR i.feature_id = b.feature_id)
  AND ${MODEL_MATCHES('coalesce(i.response_model, i.request_model)')}`;

const SPEND_SQL = `
  SELECT b.id AS budget_id, p.start_at AT TIME ZONE 'UTC' AS period_start, p.end_at AT TIME ZONE 'UTC' AS period_end,
         coalesce(s.spent, 0)::text AS spent_usd
  FROM budget b
  CROSS JOIN LATERAL (SELECT ${PERIOD}) p
  CROSS JOIN LATERAL (
    SELECT CASE WHEN b.attribute_key IS NULL
      THEN (SELECT sum(d.cost_usd) FROM ai_interaction_daily d WHERE ${ROLLUP_MATCHES})
      ELSE (SELECT sum(i.cost_usd) FROM ai_interaction i WHERE ${CALL_MATCHES})
    END AS spent
  ) s
  ORDER BY b.created_at, b.id`;

const DAILY_SQL = `
  SELECT to_char(day, 'YYYY-MM-DD') AS day, sum(spent)::text AS spent_usd FROM (
    SELECT d.day, d.cost_usd AS spent
    FROM budget b CROSS JOIN LATERAL (SELECT ${PERIOD}) p
    JOIN ai_interaction_daily d ON ${ROLLUP_MATCHES}
    WHERE b.id = $2::uuid AND b.attribute_key IS NULL
    UNION ALL
    SELECT (i.started_at AT TIME ZONE 'UTC')::date AS day, i.cost_usd AS spent
    FROM budget b CROSS JOIN LATERAL (SELECT ${PERIOD}) p
    JOIN ai_interaction i ON ${CALL_MATCHES}
    WHERE b.id = $2::uuid AND b.attribute_key IS NOT NULL
  ) spend
  GROUP BY day HAVING sum(spent) IS NOT NULL ORDER BY day`;

interface SpendRow {
  budget_id: string;
  period_start: Date;
  period_end: Date;
  spent_usd: string;
}

/** Every budget's spend in the period holding `at`, oldest budget first. */
export async function budgetSpends(prisma: PrismaClient, at: Date): Promise<BudgetSpend[]> {
  const rows = await prisma.$queryRawUnsafe<SpendRow[]>(SPEND_SQL, at);
  return rows.map((r) => ({
    budgetId: r.budget_id,
    periodStart: r.period_start,
    periodEnd: r.period_end,
    spentUsd: r.spent_usd,
  }));
}

/** One budget's spend per UTC day of the period holding `at`, days without spend left out. */
export async function budgetDailySpend(prisma: PrismaClient, budgetId: string, at: Date): Promise<DaySpend[]> {
  const rows = await prisma.$queryRawUnsafe<{ day: string; spent_usd: string }[]>(DAILY_SQL, at, budgetId);
  return rows.map((r) => ({ day: r.day, spentUsd: r.spent_usd }));
}
