// One budget as JSON: read it with its current period's spend, change it, or delete it (its alerts go too).
import { NextResponse } from 'next/server';
import { BudgetPatchSchema } from '@/lib/budgets/budget-input';
import { budgetWithSpend } from '@/lib/budgets/budget-overview';
import { deleteBudget, updateBudget } from '@/lib/budgets/budget-store';
import { refreshAppBudgets } from '@/lib/bootstrap/app-budgets';
import { getDatabase } from '@/lib/db/get-database';
import { parseJsonBody } from '@/lib/http/parse-json-body';
import { BUDGET_BODY, requireJson } from '../budget-body';
import { flowErrorResponse } from '@/lib/http/flow-error';

// Per request: the spend changes with every AI call, and the period with the clock.
export const dynamic = 'force-dynamic';

interface BudgetContext {
  params: Promise<{ id: string }>;
}

function notFound(id: string): NextResponse {
  return NextResponse.json({ error: `There is no budget with id ${JSON.stringify(id)}.` }, { status: 404 });
}

export async function GET(_request: Request, { params }: BudgetContext): Promise<NextResponse> {
  const { id } = await params;
  try {
    const budget = await budgetWithSpend((await getDatabase()).prisma, id, new Date());
    return budget === undefined ? notFound(id) : NextResponse.json(budget, { status: 200 });
  } catch (error) {
    return flowErrorResponse(error, 'reading the budget');
  }
}

export async function PATCH(request: Request, { params }: BudgetContext): Promise<NextResponse> {
  const { id } = await params;
  const refused = requireJson(request);
  if (refused !== undefined) return refused;
  const parsed = await parseJsonBody(request, BudgetPatchSchema, BUDGET_BODY);
  if (!parsed.ok) return parsed.response;
  try {
    const budget = await updateBudget((await getDatabase()).prisma, id, parsed.data);
    await refreshAppBudgets();
    return budget === undefined ? notFound(id) : NextResponse.json(budget, { status: 200 });
  } catch (error) {
    return flowErrorResponse(error, 'changing the budget');
  }
}

export async function DELETE(_request: Request, { params }: BudgetContext): Promise<Response> {
  const { id } = await params;
  try {
    const deleted = await deleteBudget((await getDatabase()).prisma, id);
    await refreshAppBudgets();
    return deleted ? new Response(null, { status: 204 }) : notFound(id);
  } catch (error) {
    return flowErrorResponse(error, 'deleting the budget');
  }
}
