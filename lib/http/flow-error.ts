// The answer of a route whose flow failed: the AI provider (502, the caller may retry), the database
// (503 with Retry-After), or anything else (500). The error itself goes to the log, never to the caller.
import { NextResponse } from 'next/server';
import OpenAI from 'openai';
import { getLogger } from '../logger';

/** Prisma's own errors and its driver adapter's: the database refused, dropped or could not be reached. */
function isDatabaseError(error: unknown): boolean {
  return error instanceof Error && (error.name.startsWith('PrismaClient') || error.name === 'DriverAdapterError');
}

export function flowErrorResponse(error: unknown, what: string): NextResponse {
  getLogger().error({ err: error }, `${what} failed`);
  if (error instanceof OpenAI.APIError) {
    return NextResponse.json({ error: `The AI provider failed; ${what} can be retried.` }, { status: 502 });
  }
  if (isDatabaseError(error)) {
    return NextResponse.json(
      { error: `The database is unavailable; ${what} can be retried.` },
      { status: 503, headers: { 'Retry-After': '30' } },
    );
  }
  return NextResponse.json(
    { error: `${what[0]?.toUpperCase() ?? ''}${what.slice(1)} failed on the server.` },
    { status: 500 },
  );
}
