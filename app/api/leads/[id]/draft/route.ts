import { NextResponse } from 'next/server';
import { DraftRequestSchema, draftReply, LeadNotFoundError } from '@/lib/flows/draft-reply';
import { flowErrorResponse } from '@/lib/http/flow-error';
import { getLogger } from '@/lib/logger';

/** Drafts a reply to the lead; its AI call is attributed to the template `/api/leads/[id]/draft`, not the id. */
export async function POST(request: Request, ctx: RouteContext<'/api/leads/[id]/draft'>): Promise<NextResponse> {
  const { id } = await ctx.params;
  const raw = await request.text();
  let body: unknown = {};
  if (raw.trim() !== '') {
    try {
      body = JSON.parse(raw);
    } catch {
      return NextResponse.json(
        { error: 'The body must be JSON: {"instructions"?: string}, or empty.' },
        { status: 400 },
      );
    }
  }
  const parsed = DraftRequestSchema.safeParse(body);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message }));
    return NextResponse.json({ error: 'Invalid draft request.', issues }, { status: 400 });
  }
  try {
    const draft = await draftReply(id, parsed.data);
    getLogger().info({ leadId: id, draftId: draft.draftId }, 'reply drafted');
    return NextResponse.json(draft, { status: 201 });
  } catch (error) {
    if (error instanceof LeadNotFoundError) return NextResponse.json({ error: error.message }, { status: 404 });
    return flowErrorResponse(error, 'drafting the reply');
  }
}
