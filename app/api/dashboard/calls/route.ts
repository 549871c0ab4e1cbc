// The call log as JSON: a page of calls matching the dashboard's filters (and a trace id, an error type, a cost
// range), newest first, with the cursor of the next page. Behind the dashboard's sign-in (proxy.ts).
import { NextResponse, type NextRequest } from 'next/server';
import { getCallPage } from '@/lib/dashboard/call-log';
import { parseCallLogQuery } from '@/lib/dashboard/call-log-filters';
import { getDatabase } from '@/lib/db/get-database';
import { flowErrorResponse } from '@/lib/http/flow-error';

// Per request: the calls change with every AI call, and "the last 30 days" with the clock.
export const dynamic = 'force-dynamic';

export async function GET(request: NextRequest): Promise<NextResponse> {
  const params: Record<string, string> = {};
  // The first value of a repeated parameter, as the pages read it.
  for (const [key, value] of request.nextUrl.searchParams) params[key] ??= value;
  const parsed = parseCallLogQuery(params, new Date());
  if (!parsed.ok) {
    return NextResponse.json({ error: 'Invalid call log query.', issues: parsed.issues }, { status: 400 });
  }
  const { filters, cursor, limit } = parsed.query;
  try {
    const page = await getCallPage((await getDatabase()).prisma, filters, cursor, limit);
    return NextResponse.json(page, { status: 200 });
  } catch (error) {
    return flowErrorResponse(error, 'listing the calls');
  }
}
