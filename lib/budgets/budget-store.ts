// Budgets in the database: create, read, change and delete them, as the JSON the API answers with.
import type { BudgetPeriod, BudgetScope } from '../ledger/budget-rules';
import type { PrismaClient } from '../db/generated/client';
import type { Budget as BudgetRow } from '../db/generated/client';
import type { BudgetCreate, BudgetPatch } from './budget-input';

/** A budget as the API answers with it. */
export interface BudgetView {
  id: string;
  scope: BudgetScope;
  period: BudgetPeriod;
  /** Exact US dollars, as a decimal string ("25", "0.5"). */
  limitUsd: string;
  alertAt: number[];
  enforce: boolean;
  createdAt: string;
  updatedAt: string;
}

export function scopeOfRow(row: BudgetRow): BudgetScope {
  return {
    ...(row.sourceKind !== null && { kind: row.sourceKind }),
    ...(row.source !== null && { source: row.source }),
    ...(row.featureId !== null && { feature: row.featureId }),
    ...(row.model !== null && { model: row.model }),
    ...(row.attributeKey !== null &&
      row.attributeValue !== null && { attribute: { key: row.attributeKey, value: row.attributeValue } }),
  };
}

export function budgetView(row: BudgetRow): BudgetView {
  return {
    id: row.id,
    scope: scopeOfRow(row),
    period: row.period,
    limitUsd: row.limitUsd.toString(),
    alertAt: [...row.alertAt].sort((a, b) => a - b),
    enforce: row.enforce,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function scopeColumns(scope: BudgetScope) {
  return {
    sourceKind: scope.kind ?? null,
    source: scope.source ?? null,
    featureId: scope.feature ?? null,
    model: scope.model ?? null,
    attributeKey: scope.attribute?.key ?? null,
    attributeValue: scope.attribute?.value ?? null,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Budgets, oldest first. */
export async function listBudgets(prisma: PrismaClient): Promise<BudgetView[]> {
  const rows = await prisma.budget.findMany({ orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
  return rows.map(budgetView);
}

/** The budget, or undefined when there is none with this id (a malformed id included). */
export async function getBudget(prisma: PrismaClient, id: string): Promise<BudgetView | undefined> {
  if (!UUID.test(id)) return undefined;
  const row = await prisma.budget.findUnique({ where: { id } });
  return row === null ? undefined : budgetView(row);
}

export async function createBudget(prisma: PrismaClient, input: BudgetCreate): Promise<BudgetView> {
  const row = await prisma.budget.create({
    data: {
      ...scopeColumns(input.scope),
      period: input.period,
      limitUsd: input.limitUsd,
      alertAt: input.alertAt,
      enforce: input.enforce,
    },
  });
  return budgetView(row);
}

/** The changed budget, or undefined when there is none with this id. */
export async function updateBudget(
  prisma: PrismaClient,
  id: string,
  patch: BudgetPatch,
): Promise<BudgetView | undefined> {
  if (!UUID.test(id)) return undefined;
  const { count } = await prisma.budget.updateMany({
    where: { id },
    data: {
      ...(patch.scope !== undefined && scopeColumns(patch.scope)),
      ...(patch.period !== undefined && { period: patch.period }),
      ...(patch.limitUsd !== undefined && { limitUsd: patch.limitUsd }),
      ...(patch.alertAt !== undefined && { alertAt: patch.alertAt }),
      ...(patch.enforce !== undefined && { enforce: patch.enforce }),
    },
  });
  return count === 0 ? undefined : getBudget(prisma, id);
}

/** Whether there was such a budget. Its recorded alerts go with it. */
export async function deleteBudget(prisma: PrismaClient, id: string): Promise<boolean> {
  if (!UUID.test(id)) return false;
  const { count } = await prisma.budget.deleteMany({ where: { id } });
  return count > 0;
}
