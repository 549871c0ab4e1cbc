// The answer of a route whose flow failed: a spent budget (429 with Retry-After at the period's end), the AI
// provider (502, the caller may retry), the database (503 with Retry-After), or anything else (500). The error
// itself goes to the log, never to the caller.
import { APICallError, RetryError } from 'ai';
import { NextResponse } from 'next/server';
import OpenAI from 'openai';
import { getLogger } from '../logger';
import { BudgetExceededError } from '../ai/budget-guard';

/** What the driver adapter says went wrong under a Prisma error, e.g. `DatabaseNotReachable`. */
function driverErrorKind(error: Error): unknown {
  return (error as { meta?: { driverAdapterError?: { cause?: { kind?: unknown } } } }).meta?.driverAdapterError?.cause
    ?.kind;
}

/** Driver adapter errors that mean the database is away, not that the query was wrong. */
const UNREACHABLE_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);

/**
 * The database could not be reached or dropped the connection: Prisma's initialization errors, its P1xxx
 * codes (P1001 unreachable, P1017 connection closed...), P2024 (no connection from the pool in time), a raw
 * query's P2010 whose driver error says the database is unreachable, and pg's own "Connection terminated
 * unexpectedly". A constraint or data error (other P2xxx codes) is a bug, not an outage: 500.
 */
function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'PrismaClientInitializationError') return true;
  if (error.message === 'Connection terminated unexpectedly') return true;
  const code = (error as { code?: unknown }).code;
  if (error.name !== 'PrismaClientKnownRequestError' || typeof code !== 'string') return false;
  if (code.startsWith('P1') || code === 'P2024') return true;
  const kind = driverErrorKind(error);
  return code === 'P2010' && typeof kind === 'string' && UNREACHABLE_KINDS.has(kind);
}

export function flowErrorResponse(error: unknown, what: string, now: Date = new Date()): NextResponse {
  // Not a fault: the budget did its job. Said once, at warn, with the budget.
  if (BudgetExceededError.isInstance(error)) {
    getLogger().warn({ budget: error.budget.id }, `${what} refused: ${error.message}`);
    return NextResponse.json(
      { error: error.message, budget: { ...error.budget, periodEnd: error.budget.periodEnd.toISOString() } },
      { status: 429, headers: { 'Retry-After': String(error.retryAfterSeconds(now)) } },
    );
  }
  getLogger().error({ err: error }, `${what} failed`);
  // The openai SDK's errors, and the Vercel AI SDK's (a failed call, or the retries it gave up after).
  if (error instanceof OpenAI.APIError || APICallError.isInstance(error) || RetryError.isInstance(error)) {
    return NextResponse.json({ error: `The AI provider failed; ${what} can be retried.` }, { status: 502 });
  }
  if (isDatabaseUnavailable(error)) {
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
