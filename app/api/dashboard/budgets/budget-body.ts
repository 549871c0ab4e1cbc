// What the budget routes accept as a body. Only JSON: a browser cannot send it across sites without asking
// first (a CORS preflight), so a page elsewhere cannot change budgets with the dashboard's session cookie.
import { NextResponse } from 'next/server';
import type { JsonBodyOptions } from '@/lib/http/parse-json-body';

export const BUDGET_BODY: JsonBodyOptions = {
  maxBytes: 16 * 1024,
  shape: '{"scope", "period", "limitUsd", "alertAt", "enforce"}',
  invalid: 'Invalid budget.',
};

/** A 415 unless the body is declared JSON. */
export function requireJson(request: Request): NextResponse | undefined {
  const type = request.headers.get('content-type') ?? '';
  if (/^application\/json\s*(;|$)/i.test(type.trim())) return undefined;
  return NextResponse.json({ error: 'Send the budget as JSON, with Content-Type: application/json.' }, { status: 415 });
}
