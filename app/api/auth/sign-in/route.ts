// POST /api/auth/sign-in: the sign-in form's target. The right token gets a signed session cookie and
// a 303 to `next`; a wrong one gets the form again with 401.
import { NextResponse, type NextRequest } from 'next/server';
import { closedResponse, redirectResponse, signInPageResponse } from '@/lib/auth/auth-responses';
import { getDashboardAccess } from '@/lib/auth/dashboard-access';
import { WRONG_TOKEN_MESSAGE } from '@/lib/auth/messages';
import { safeNextPath } from '@/lib/auth/safe-next-path';
import { signSession } from '@/lib/auth/session';
import { isHttps, sessionCookie } from '@/lib/auth/session-cookie';
import { SignInFormSchema } from '@/lib/auth/sign-in-form';
import { secretMatches } from '@/lib/http/bearer';

export async function POST(request: NextRequest): Promise<NextResponse> {
  const access = getDashboardAccess();
  if (!access.open) return closedResponse(true);
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    return NextResponse.json(
      { error: 'Send the sign-in form: a form body (application/x-www-form-urlencoded) with token and next.' },
      { status: 415 },
    );
  }
  // A `next` that is not a same-site path becomes /dashboard rather than an error.
  const next = safeNextPath(form.get('next'));
  const parsed = SignInFormSchema.safeParse({ token: form.get('token') ?? '' });
  if (!parsed.success) return signInPageResponse(next, 400, parsed.error.issues[0]?.message);
  if (!secretMatches(parsed.data.token, access.token)) return signInPageResponse(next, 401, WRONG_TOKEN_MESSAGE);
  const session = signSession(access.sessionKey, Date.now() + access.sessionMaxAgeMs);
  const secure = isHttps(request.nextUrl.protocol, request.headers.get('x-forwarded-proto'));
  return redirectResponse(next, 303, sessionCookie(session, access.sessionMaxAgeMs / 1000, secure));
}
