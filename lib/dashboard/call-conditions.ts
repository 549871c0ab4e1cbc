// The dashboard's filters as conditions on ai_interaction itself (not the rollup), for the call log
// (call-log.ts), whose first page is also the dashboard's recent calls (queries.ts getCalls); and the period
// as days, for every daily rollup.
import { Prisma } from '../db/generated/client';
import { isoDay, type DashboardFilters } from './filters';

/** The filters' whole UTC days as conditions on a rollup's `day` column (every daily table has one). */
export function dayRange(filters: Pick<DashboardFilters, 'from' | 'to'>): Prisma.Sql[] {
  return [Prisma.sql`day >= ${isoDay(filters.from)}::date`, Prisma.sql`day < ${isoDay(filters.to)}::date`];
}

/** The period, and each filter that is set; to be joined with AND. */
export function callConditions(filters: DashboardFilters): Prisma.Sql[] {
  const conditions = [Prisma.sql`started_at >= ${filters.from}`, Prisma.sql`started_at < ${filters.to}`];
  if (filters.sourceKind) conditions.push(Prisma.sql`source_kind = ${filters.sourceKind}::"SourceKind"`);
  if (filters.source !== undefined)
    conditions.push(filters.source === '' ? Prisma.sql`source IS NULL` : Prisma.sql`source = ${filters.source}`);
  if (filters.feature !== undefined) {
    conditions.push(
      filters.feature === '' ? Prisma.sql`feature_id IS NULL` : Prisma.sql`feature_id = ${filters.feature}`,
    );
  }
  if (filters.model !== undefined) {
    conditions.push(
      // The billed model, as the rollup keys it; ai_interaction_billed_model_started_at_idx serves it.
      filters.model === ''
        ? Prisma.sql`coalesce(response_model, request_model) IS NULL`
        : Prisma.sql`coalesce(response_model, request_model) = ${filters.model}`,
    );
  }
  if (filters.status) conditions.push(Prisma.sql`status = ${filters.status}::"InteractionStatus"`);
  if (filters.cost) conditions.push(Prisma.sql`cost_status = ${filters.cost}::"CostStatus"`);
  if (filters.attr) conditions.push(attributeCondition(filters.attr));
  return conditions;
}

/** A developer attribute's key and value (from the URL, so text) as a condition on `attributes`. */
export function attributeCondition({ key, value }: { key: string; value: string }): Prisma.Sql {
  // The attribute may have been recorded as a number or a boolean.
  const candidates: unknown[] = [value];
  if (/^-?\d+(\.\d+)?$/.test(value)) candidates.push(Number(value));
  if (value === 'true' || value === 'false') candidates.push(value === 'true');
  const matches = candidates.map((v) => Prisma.sql`attributes @> ${JSON.stringify({ [key]: v })}::jsonb`);
  return Prisma.sql`(${Prisma.join(matches, ' OR ')})`;
}
