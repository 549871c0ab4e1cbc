import { NextResponse } from 'next/server';
import { getConfig } from '@/lib/config/config';
import { draftFollowups } from '@/lib/flows/draft-followups';
import { bearerMatches } from '@/lib/http/bearer';
import { flowErrorResponse } from '@/lib/http/flow-error';
import { getLogger } from '@/lib/logger';

// Never prerendered or cached: every call is a run of the job.
export const dynamic = 'force-dynamic';

export async function GET(request: Request): Promise<NextResponse> {
  const secret = getConfig().cronSecret;
  if (secret === undefined) {
    return NextResponse.json(
      { error: 'CRON_SECRET is not set on the server; set it to enable cron endpoints.' },
      { status: 503 },
    );
  }
  if (!bearerMatches(request.headers.get('authorization'), secret)) {
    return NextResponse.json(
      { error: 'Missing or wrong credentials: send Authorization: Bearer <CRON_SECRET>.' },
      { status: 401, headers: { 'WWW-Authenticate': 'Bearer' } },
    );
  }
  try {
    const drafts = await draftFollowups();
    getLogger().info({ drafted: drafts.length }, 'follow-ups drafted');
    return NextResponse.json({ drafted: drafts.length, drafts }, { status: 200 });
  } catch (error) {
    // Drafts written before the failure are kept; the next run skips their leads.
    return flowErrorResponse(error, 'the follow-up run');
  }
}
