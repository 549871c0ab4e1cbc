// One call as JSON: every column, the cost split by token class, and the other calls of the same request.
import { NextResponse } from 'next/server';
import { getCallDetail } from '@/lib/dashboard/call-log';
import { getDatabase } from '@/lib/db/get-database';
import { flowErrorResponse } from '@/lib/http/flow-error';

// Per request: a call's request can gain calls as they finish.
export const dynamic = 'force-dynamic';

interface CallContext {
  params: Promise<{ id: string }>;
}

export async function GET(_request: Request, { params }: CallContext): Promise<NextResponse> {
  const { id } = await params;
  try {
    const call = await getCallDetail((await getDatabase()).prisma, id);
    return call === undefined
      ? NextResponse.json({ error: `There is no call with id ${JSON.stringify(id)}.` }, { status: 404 })
      : NextResponse.json(call, { status: 200 });
  } catch (error) {
    return flowErrorResponse(error, 'reading the call');
  }
}
