import { NextResponse } from 'next/server';
import { DraftRequestSchema, draftReply, LeadNotFoundError } from '@/lib/flows/draft-reply';
import { flowErrorResponse } from '@/lib/http/flow-error';
import { parseJsonBody } from '@/lib/http/parse-json-body';
import { getLogger } from '@/lib/logger';

/** Instructions may be 2,000 characters. */
const MAX_BODY_BYTES = 64 * 1024;

/** Drafts a reply to the lead; its AI call is attributed to the template `/api/leads/[id]/draft`, not the id. */
export async function POST(request: Request, ctx: RouteContext<'/api/leads/[id]/draft'>): Promise<NextResponse> {
  const { id } = await ctx.params;
  const parsed = await parseJsonBody(request, DraftRequestSchema, {
    maxBytes: MAX_BODY_BYTES,
    shape: '{"instructions"?: string}, or empty',
    invalid: 'Invalid draft request.',
    emptyIsObject: true,
  });
  if (!parsed.ok) return parsed.response;
  try {
    const draft = await draftReply(id, parsed.data);
    getLogger().info({ leadId: id, draftId: draft.draftId }, 'reply drafted');
    return NextResponse.json(draft, { status: 201 });
  } catch (error) {
    if (error instanceof LeadNotFoundError) return NextResponse.json({ error: error.message }, { status: 404 });
    return flowErrorResponse(error, 'drafting the reply');
  }
}
