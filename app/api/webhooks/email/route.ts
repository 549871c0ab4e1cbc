import { NextResponse } from 'next/server';
import { InboundEmailSchema, triageEmail } from '@/lib/flows/triage-email';
import { flowErrorResponse } from '@/lib/http/flow-error';
import { parseJsonBody } from '@/lib/http/parse-json-body';
import { getLogger } from '@/lib/logger';

/** An email's text may be 100,000 characters; JSON escapes take at most 6 bytes for one. */
const MAX_BODY_BYTES = 1024 * 1024;

export async function POST(request: Request): Promise<NextResponse> {
  const parsed = await parseJsonBody(request, InboundEmailSchema, {
    maxBytes: MAX_BODY_BYTES,
    shape: '{"from", "subject", "text"}',
    invalid: 'Invalid email payload.',
  });
  if (!parsed.ok) return parsed.response;
  try {
    const result = await triageEmail(parsed.data);
    getLogger().info({ sentiment: result.sentiment, autoSend: result.autoSend }, 'email triaged');
    return NextResponse.json(result, { status: 200 });
  } catch (error) {
    return flowErrorResponse(error, 'the webhook');
  }
}
