import { NextResponse } from 'next/server';
import { InboundEmailSchema, triageEmail } from '@/lib/flows/triage-email';
import { flowErrorResponse } from '@/lib/http/flow-error';
import { getLogger } from '@/lib/logger';

export async function POST(request: Request): Promise<NextResponse> {
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    return NextResponse.json({ error: 'The body must be JSON: {"from", "subject", "text"}.' }, { status: 400 });
  }
  const parsed = InboundEmailSchema.safeParse(body);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message }));
    return NextResponse.json({ error: 'Invalid email payload.', issues }, { status: 400 });
  }
  try {
    const result = await triageEmail(parsed.data);
    getLogger().info({ sentiment: result.sentiment, autoSend: result.autoSend }, 'email triaged');
    return NextResponse.json(result, { status: 200 });
  } catch (error) {
    return flowErrorResponse(error, 'the webhook');
  }
}
