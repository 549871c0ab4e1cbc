import { NextResponse } from 'next/server';
import { classifyLead } from '@/lib/flows/classify-lead';
import { LeadNotFoundError } from '@/lib/domain/leads';
import { flowErrorResponse } from '@/lib/http/flow-error';
import { getLogger } from '@/lib/logger';

/**
 * Classifies the lead (hot, warm or cold) with the Vercel AI SDK; its call is attributed to the template
 * `/api/leads/[id]/classify`, as every route's calls are.
 */
export async function POST(_request: Request, ctx: RouteContext<'/api/leads/[id]/classify'>): Promise<NextResponse> {
  const { id } = await ctx.params;
  try {
    const classification = await classifyLead(id);
    getLogger().info({ leadId: id, tier: classification.tier }, 'lead classified');
    return NextResponse.json(classification);
  } catch (error) {
    if (error instanceof LeadNotFoundError) return NextResponse.json({ error: error.message }, { status: 404 });
    return flowErrorResponse(error, 'classifying the lead');
  }
}
