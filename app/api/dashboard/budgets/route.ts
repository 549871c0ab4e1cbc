// The budgets as JSON: every budget with its current period's spend, and a new budget from a validated body.
import { NextResponse } from 'next/server';
import { BudgetCreateSchema } from '@/lib/budgets/budget-input';
import { budgetsWithSpend } from '@/lib/budgets/budget-overview';
import { createBudget } from '@/lib/budgets/budget-store';
import { refreshAppBudgets } from '@/lib/bootstrap/app-budgets';
import { getDatabase } from '@/lib/db/get-database';
import { parseJsonBody } from '@/lib/http/parse-json-body';
import { BUDGET_BODY, requireJson } from './budget-body';
import { flowErrorResponse } from '@/lib/http/flow-error';

// Per request: the spend changes with every AI call, and the period with the clock.
export const dynamic = 'force-dynamic';

export async function GET(): Promise<NextResponse> {
  try {
    const items = await budgetsWithSpend((await getDatabase()).prisma, new Date());
    return NextResponse.json({ items }, { status: 200 });
  } catch (error) {
    return flowErrorResponse(error, 'listing the budgets');
  }
}

export async function POST(request: Request): Promise<NextResponse> {
  const refused = requireJson(request);
  if (refused !== undefined) return refused;
  const parsed = await parseJsonBody(request, BudgetCreateSchema, BUDGET_BODY);
  if (!parsed.ok) return parsed.response;
  try {
    const budget = await createBudget((await getDatabase()).prisma, parsed.data);
    // In force for this process's next call; other processes read it within SPENDTRACE_BUDGET_REFRESH_SECONDS.
    await refreshAppBudgets();
    return NextResponse.json(budget, { status: 201 });
  } catch (error) {
    return flowErrorResponse(error, 'creating the budget');
  }
}
