// POST /api/auth/sign-out: removes the session cookie and goes back to the sign-in form.
import type { NextRequest, NextResponse } from 'next/server';
import { redirectResponse } from '@/lib/auth/auth-responses';
import { expiredSessionCookie, isHttps } from '@/lib/auth/session-cookie';

export function POST(request: NextRequest): NextResponse {
  const secure = isHttps(request.nextUrl.protocol, request.headers.get('x-forwarded-proto'));
  return redirectResponse('/sign-in', 303, expiredSessionCookie(secure));
}
